#include "stratum/pool_status.h"

namespace hashrig::stratum {

std::string_view to_string(PoolState state) {
  switch (state) {
    case PoolState::idle:
      return "idle";
    case PoolState::connecting:
      return "connecting";
    case PoolState::subscribing:
      return "subscribing";
    case PoolState::up:
      return "up";
    case PoolState::backing_off:
      return "backing_off";
  }
  return "?";
}

std::string_view to_string(StrategyMode mode) {
  return mode == StrategyMode::load_balance ? "load-balance" : "failover";
}

}  // namespace hashrig::stratum
