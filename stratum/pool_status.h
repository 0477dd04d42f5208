// PoolStatus: what the pool client can tell about one pool at a moment, for an operator (the
// HTTP API, metrics): its settings (never the password), the state of its connection, the session
// it has agreed (when up), and the outcomes of the shares sent to it. Plain values, copied out of
// the client (Client::status()), so the caller reads them without any lock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hashrig::stratum {

// What the client is doing about one pool's connection.
enum class PoolState {
  idle,         // not wanted by the strategy (or the client is not running): no connection
  connecting,   // resolving, TCP connect, TLS handshake
  subscribing,  // connected; subscribe / authorize / first job still to come
  up,           // subscribed, authorized and mining (a job has arrived)
  backing_off,  // the last attempt failed or the session ended; waiting to try again
};
// "idle", "connecting", "subscribing", "up", "backing_off".
std::string_view to_string(PoolState state);

enum class StrategyMode { failover, load_balance };
// "failover", "load-balance" (the config file's pool_strategy.mode spelling).
std::string_view to_string(StrategyMode mode);

struct PoolStatus {
  std::string name;
  std::string url;  // canonical "stratum+tcp://host:port" (a pool URL never holds a password)
  std::string user;
  int priority = 0;  // in force: Client::switch_to renumbers the failover order
  double quota = 1;
  PoolState state = PoolState::idle;
  bool active = false;  // the pool whose jobs are mined (before start(): the one to be mined first)
  // Of the session, while the state is `up`:
  std::optional<double> difficulty;  // the pool's last mining.set_difficulty
  std::string extranonce1;           // hex, as in force for the latest job; empty when not up
  std::optional<std::uint32_t> extranonce2_size;
  // Since the last job from this pool (any session of it); nullopt when none came yet.
  std::optional<double> seconds_since_job;
  // Outcomes of the shares submitted to this pool by this client.
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0;
  std::uint64_t stale = 0;
  std::uint64_t duplicate = 0;
  std::uint64_t reconnects = 0;  // connection attempts after this pool's first one
  // Why the last connection to this pool failed or ended, when the pool or the network ended it
  // (not when the client closed it, e.g. on a switch); kept after a later success; empty if none.
  std::string last_error;
};

}  // namespace hashrig::stratum
