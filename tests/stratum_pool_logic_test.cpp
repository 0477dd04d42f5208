// The Stratum client's pure pool-selection logic, with a fake clock:
//   - parse_pool_url: good URLs (schemes, host kinds, port edges) and bad ones, each refused with
//     a core::ParseError naming the URL and the problem (a password is never shown);
//   - Backoff: exact growth without jitter, bounds with jitter over many seeds, cap, reset;
//   - failover: moves after N failed connects and not before, at once on a dead session;
//     switch-back only after the delay and not when the preferred pool died in between; wraps
//     when every pool fails; forgets pools behind the active one;
//   - load balance: time shares match the quotas over several periods, an unhealthy pool gets
//     none until it is up again, failover order when none is up.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/backoff.h"
#include "stratum/pool_strategy.h"
#include "stratum/pool_url.h"

namespace hashrig {
namespace {

using namespace std::chrono_literals;
using core::Backoff;
using stratum::PoolEntry;
using stratum::PoolStrategy;
using stratum::StrategyOptions;
using stratum::Transport;
using TimePoint = PoolStrategy::TimePoint;
using Indices = std::vector<std::size_t>;

// ---- pool URLs ----

struct GoodUrl {
  const char* url;
  Transport transport;
  const char* host;
  std::uint16_t port;
  const char* canonical;
};

const GoodUrl kGoodUrls[] = {
    {"stratum+tcp://pool.example.com:3333", Transport::tcp, "pool.example.com", 3333,
     "stratum+tcp://pool.example.com:3333"},
    {"stratum+ssl://pool.example.com:443", Transport::tls, "pool.example.com", 443,
     "stratum+ssl://pool.example.com:443"},
    {"stratum+tls://pool.example.com:443", Transport::tls, "pool.example.com", 443,
     "stratum+ssl://pool.example.com:443"},
    {"STRATUM+TCP://Pool.Example.COM:3333", Transport::tcp, "pool.example.com", 3333,
     "stratum+tcp://pool.example.com:3333"},
    {"stratum+tcp://localhost:1", Transport::tcp, "localhost", 1, "stratum+tcp://localhost:1"},
    {"stratum+tcp://127.0.0.1:65535", Transport::tcp, "127.0.0.1", 65535,
     "stratum+tcp://127.0.0.1:65535"},
    {"stratum+tcp://eu-1.pool_a.example:03333", Transport::tcp, "eu-1.pool_a.example", 3333,
     "stratum+tcp://eu-1.pool_a.example:3333"},
    {"stratum+tcp://[::1]:3333", Transport::tcp, "::1", 3333, "stratum+tcp://[::1]:3333"},
    {"stratum+ssl://[2001:DB8::FF00:42:8329]:700", Transport::tls, "2001:db8::ff00:42:8329", 700,
     "stratum+ssl://[2001:db8::ff00:42:8329]:700"},
    {"stratum+tcp://[1:2:3:4:5:6:7:8]:9", Transport::tcp, "1:2:3:4:5:6:7:8", 9,
     "stratum+tcp://[1:2:3:4:5:6:7:8]:9"},
    {"stratum+tcp://[::ffff:192.0.2.1]:3333", Transport::tcp, "::ffff:192.0.2.1", 3333,
     "stratum+tcp://[::ffff:192.0.2.1]:3333"},
    {"stratum+tcp://0.0.0.0:3333", Transport::tcp, "0.0.0.0", 3333, "stratum+tcp://0.0.0.0:3333"},
};

TEST(PoolUrl, GoodUrlsParseAndPrintCanonically) {
  for (const GoodUrl& good : kGoodUrls) {
    SCOPED_TRACE(good.url);
    const stratum::PoolUrl url = stratum::parse_pool_url(good.url);
    EXPECT_EQ(url.transport, good.transport);
    EXPECT_EQ(url.host, good.host);
    EXPECT_EQ(url.port, good.port);
    EXPECT_EQ(url.text, good.url);
    EXPECT_EQ(stratum::to_string(url), good.canonical);
    const stratum::PoolUrl again = stratum::parse_pool_url(stratum::to_string(url));
    EXPECT_EQ(again.transport, url.transport);
    EXPECT_EQ(again.host, url.host);
    EXPECT_EQ(again.port, url.port);
  }
}

TEST(PoolUrl, TransportNames) {
  EXPECT_EQ(stratum::to_string(Transport::tcp), "tcp");
  EXPECT_EQ(stratum::to_string(Transport::tls), "tls");
}

struct BadUrl {
  std::string url;
  std::string problem;  // the whole text after "pool URL '<shown>': "
  std::string shown;    // the URL as the message shows it; empty = as given
};

const std::string kLongLabel(64, 'a');

const BadUrl kBadUrls[] = {
    {"stratum+tcp://pool:99999", "port 99999 is outside 1..65535", ""},
    {"stratum+tcp://pool:0", "port 0 is outside 1..65535", ""},
    {"stratum+tcp://pool:123456789012345678901", "port 123456789012345678901 is outside 1..65535",
     ""},
    {"stratum+tcp://pool", "no port (expected host:port)", ""},
    {"stratum+tcp://pool:", "the port after ':' is empty", ""},
    {"stratum+tcp://pool:33a", "port '33a' is not a decimal number", ""},
    {"stratum+tcp://pool:-1", "port '-1' is not a decimal number", ""},
    {"pool.example.com:3333",
     "no scheme (expected stratum+tcp://, stratum+ssl:// or stratum+tls://)", ""},
    {"http://pool:3333",
     "scheme 'http' is not supported (use stratum+tcp, stratum+ssl or stratum+tls)", ""},
    {"stratum://pool:3333",
     "scheme 'stratum' is not supported (use stratum+tcp, stratum+ssl or stratum+tls)", ""},
    {"stratum+udp://pool:3333",
     "scheme 'stratum+udp' is not supported (use stratum+tcp, stratum+ssl or stratum+tls)", ""},
    {"stratum+tcp://", "no host", ""},
    {"stratum+tcp://:3333", "no host before ':'", ""},
    {"stratum+tcp://user@pool:3333",
     "user info before '@' is not allowed (the user and password are set separately)",
     "stratum+tcp://***@pool:3333"},
    {"stratum+tcp://worker.1:s3cret@pool:3333",
     "user info before '@' is not allowed (the user and password are set separately)",
     "stratum+tcp://***@pool:3333"},
    {"stratum+tcp://pool:3333/", "a path ('/') is not allowed, only host:port", ""},
    {"stratum+tcp://pool:3333/mining", "a path ('/mining') is not allowed, only host:port", ""},
    {"stratum+tcp://pool:3333?x=1", "a query ('?x=1') is not allowed, only host:port", ""},
    {"stratum+tcp://pool:3333#top", "a fragment ('#top') is not allowed, only host:port", ""},
    {"stratum+tcp://pool :3333", "a space at offset 18 is not allowed", ""},
    {" stratum+tcp://pool:3333", "a space at offset 0 is not allowed", ""},
    {"stratum+tcp://pool:3333\n", "'\\x0a' at offset 23 is not allowed",
     "stratum+tcp://pool:3333\\x0a"},
    {"stratum+tcp://::1:3333",
     "more than one ':'; an IPv6 address must be in brackets, e.g. [::1]:3333", ""},
    {"stratum+tcp://[::1:3333", "'[' without a closing ']'", ""},
    {"stratum+tcp://[::g]:3333", "'[::g]' is not a valid IPv6 address", ""},
    {"stratum+tcp://[1:2:3:4:5:6:7:8:9]:3333", "'[1:2:3:4:5:6:7:8:9]' is not a valid IPv6 address",
     ""},
    {"stratum+tcp://[1::2::3]:3333", "'[1::2::3]' is not a valid IPv6 address", ""},
    {"stratum+tcp://[]:3333", "'[]' is not a valid IPv6 address", ""},
    {"stratum+tcp://[::1]3333", "'3333' after the IPv6 address; expected ':port'", ""},
    {"stratum+tcp://[::1]", "no port (expected host:port)", ""},
    {"stratum+tcp://256.1.1.1:3333", "host '256.1.1.1' is not a valid IPv4 address", ""},
    {"stratum+tcp://1.2.3:3333", "host '1.2.3' is not a valid IPv4 address", ""},
    {"stratum+tcp://01.2.3.4:3333", "host '01.2.3.4' is not a valid IPv4 address", ""},
    {"stratum+tcp://pool..example:3333", "host 'pool..example' has an empty label", ""},
    {"stratum+tcp://pool.example.:3333", "host 'pool.example.' has an empty label", ""},
    {"stratum+tcp://-pool.example:3333",
     "host '-pool.example' has a label that starts or ends with '-'", ""},
    {"stratum+tcp://pool!.example:3333",
     "host 'pool!.example' has '!', which is not allowed in a host name", ""},
    {"stratum+tcp://p\xc3\xb6ol:3333",
     "host 'p\\xc3\\xb6ol' has '\\xc3', which is not allowed in a host name",
     "stratum+tcp://p\\xc3\\xb6ol:3333"},
    {"stratum+tcp://" + kLongLabel + ".example:3333",
     "host '" + kLongLabel + ".example' has a label longer than 63 characters", ""},
    {"stratum+tcp://" + std::string(254, 'a') + ":3333", "host is longer than 253 characters",
     "stratum+tcp://" + std::string(186, 'a') + "..."},
    {"", "no scheme (expected stratum+tcp://, stratum+ssl:// or stratum+tls://)", ""},
};

TEST(PoolUrl, BadUrlsAreRefusedNamingTheUrlAndTheProblem) {
  for (const BadUrl& bad : kBadUrls) {
    SCOPED_TRACE(bad.url);
    const std::string shown = bad.shown.empty() ? bad.url : bad.shown;
    try {
      stratum::parse_pool_url(bad.url);
      ADD_FAILURE() << "accepted";
    } catch (const core::ParseError& e) {
      EXPECT_EQ(std::string(e.what()), "pool URL '" + shown + "': " + bad.problem);
    }
  }
}

TEST(PoolUrl, ThePasswordNeverReachesTheMessage) {
  for (const char* url : {"stratum+tcp://worker:hunter2@pool:3333", "http://w:hunter2@pool:3333",
                          "w:hunter2@pool:3333", "stratum+tcp://w:hunter2 @pool:3333"}) {
    SCOPED_TRACE(url);
    try {
      stratum::parse_pool_url(url);
      ADD_FAILURE() << "accepted";
    } catch (const core::ParseError& e) {
      EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("***@pool:3333"), std::string::npos) << e.what();
    }
  }
}

// ---- backoff ----

long long ms(std::chrono::milliseconds d) {
  return d.count();
}

TEST(Backoff, GrowsByTheFactorUpToTheCapWithoutJitter) {
  Backoff backoff(100ms, 1000ms, 2.0, 0.0);
  const long long expected[] = {100, 200, 400, 800, 1000, 1000, 1000};
  for (const long long delay : expected)
    EXPECT_EQ(ms(backoff.next()), delay);
  EXPECT_EQ(backoff.attempts(), 7u);

  Backoff slower(1000ms, 10000ms, 1.5, 0.0);
  for (const long long delay : {1000, 1500, 2250, 3375, 5063, 7594, 10000, 10000}) {
    EXPECT_EQ(ms(slower.next()), delay);
  }
  Backoff constant(500ms, 500ms, 1.0, 0.0);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(ms(constant.next()), 500);
}

TEST(Backoff, JitterStaysWithinItsBoundsAndNeverPassesTheCap) {
  constexpr double kJitter = 0.2;
  long long lowest_first = std::numeric_limits<long long>::max();
  long long highest_first = 0;
  int below_cap = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    Backoff backoff(1000ms, 30000ms, 2.0, kJitter, seed);
    double base = 1000;
    for (int k = 0; k < 12; ++k) {
      const long long delay = ms(backoff.next());
      const auto low = static_cast<long long>(std::round(base * (1 - kJitter)));
      const auto high = std::min(30000LL, static_cast<long long>(std::round(base * (1 + kJitter))));
      ASSERT_GE(delay, low) << "seed " << seed << ", step " << k;
      ASSERT_LE(delay, high) << "seed " << seed << ", step " << k;
      if (k == 0) {
        lowest_first = std::min(lowest_first, delay);
        highest_first = std::max(highest_first, delay);
      }
      if (k >= 5 && delay < 30000) ++below_cap;  // the base is capped from step 5 on
      base = std::min(30000.0, base * 2);
    }
  }
  // The jitter does spread: both sides of the base are reached, and at the cap it still spreads
  // (downwards only).
  EXPECT_LT(lowest_first, 850);
  EXPECT_GT(highest_first, 1150);
  EXPECT_GT(below_cap, 500);
}

TEST(Backoff, IsDeterministicForASeed) {
  Backoff a(100ms, 60000ms, 2.0, 0.5, 42);
  Backoff b(100ms, 60000ms, 2.0, 0.5, 42);
  Backoff c(100ms, 60000ms, 2.0, 0.5, 43);
  bool differs = false;
  for (int i = 0; i < 20; ++i) {
    const auto delay = a.next();
    EXPECT_EQ(delay, b.next());
    differs = differs || delay != c.next();
  }
  EXPECT_TRUE(differs);
}

TEST(Backoff, ResetStartsAgainFromInitial) {
  Backoff backoff(250ms, 8000ms, 2.0, 0.1, 7);
  for (int i = 0; i < 10; ++i)
    backoff.next();
  EXPECT_EQ(backoff.attempts(), 10u);
  backoff.reset();
  EXPECT_EQ(backoff.attempts(), 0u);
  const long long first = ms(backoff.next());
  EXPECT_GE(first, 225);
  EXPECT_LE(first, 275);
  const long long second = ms(backoff.next());
  EXPECT_GE(second, 450);
  EXPECT_LE(second, 550);
}

TEST(Backoff, RefusesNonsense) {
  EXPECT_THROW(Backoff(0ms, 1000ms), std::invalid_argument);
  EXPECT_THROW(Backoff(-5ms, 1000ms), std::invalid_argument);
  EXPECT_THROW(Backoff(2000ms, 1000ms), std::invalid_argument);
  EXPECT_THROW(Backoff(100ms, 1000ms, 0.5), std::invalid_argument);
  EXPECT_THROW(Backoff(100ms, 1000ms, std::nan("")), std::invalid_argument);
  EXPECT_THROW(Backoff(100ms, 1000ms, 2.0, 1.0), std::invalid_argument);
  EXPECT_THROW(Backoff(100ms, 1000ms, 2.0, -0.1), std::invalid_argument);
}

// ---- strategies ----

const TimePoint kStart = TimePoint{} + 100h + 7s;  // not on a quota-period boundary

PoolEntry pool(const std::string& name, int priority = 0, double quota = 1) {
  PoolEntry entry;
  entry.url = stratum::parse_pool_url("stratum+tcp://" + name + ".example:3333");
  entry.name = name;
  entry.priority = priority;
  entry.quota = quota;
  return entry;
}

std::vector<PoolEntry> three_pools() {
  return {pool("a"), pool("b"), pool("c")};
}

StrategyOptions options(unsigned failures = 3, std::chrono::seconds switch_back = 60s) {
  StrategyOptions out;
  out.failed_connects_before_switch = failures;
  out.switch_back_after = switch_back;
  return out;
}

TEST(Failover, StartsOnTheBestPriorityWithTiesInListOrder) {
  auto by_priority = stratum::make_failover({pool("a", 2), pool("b", 0), pool("c", 1)}, options());
  EXPECT_EQ(by_priority->active(kStart), 1u);
  EXPECT_EQ(by_priority->wanted(kStart), Indices{});

  auto ties = stratum::make_failover({pool("a", 1), pool("b", 0), pool("c", 0)}, options());
  EXPECT_EQ(ties->active(kStart), 1u);
}

TEST(Failover, MovesAfterNFailedConnectsAndNotBefore) {
  auto strategy = stratum::make_failover(three_pools(), options(3));
  strategy->connect_failed(0, kStart);
  strategy->connect_failed(0, kStart + 1s);
  EXPECT_EQ(strategy->active(kStart + 2s), 0u);
  strategy->connect_failed(0, kStart + 3s);
  EXPECT_EQ(strategy->active(kStart + 3s), 1u);
  EXPECT_EQ(strategy->wanted(kStart + 3s), Indices{0});  // probed for switch-back
  // The new pool gets its own N attempts.
  strategy->connect_failed(1, kStart + 4s);
  strategy->connect_failed(1, kStart + 5s);
  EXPECT_EQ(strategy->active(kStart + 5s), 1u);
  // Failures of a probed pool ahead do not move the active one.
  for (int i = 0; i < 5; ++i)
    strategy->connect_failed(0, kStart + 6s);
  EXPECT_EQ(strategy->active(kStart + 6s), 1u);
  strategy->connect_failed(1, kStart + 7s);
  EXPECT_EQ(strategy->active(kStart + 7s), 2u);
  EXPECT_EQ(strategy->wanted(kStart + 7s), (Indices{0, 1}));
}

TEST(Failover, ASessionUpResetsTheCount) {
  auto strategy = stratum::make_failover(three_pools(), options(3));
  strategy->connect_failed(0, kStart);
  strategy->connect_failed(0, kStart);
  strategy->session_up(0, kStart + 1s);
  strategy->connect_failed(0, kStart + 2s);
  strategy->connect_failed(0, kStart + 3s);
  EXPECT_EQ(strategy->active(kStart + 3s), 0u);
  strategy->connect_failed(0, kStart + 4s);
  EXPECT_EQ(strategy->active(kStart + 4s), 1u);
}

TEST(Failover, ADeadSessionMovesAtOnce) {
  auto strategy = stratum::make_failover(three_pools(), options(3));
  strategy->session_up(0, kStart);
  EXPECT_EQ(strategy->active(kStart + 10s), 0u);
  strategy->session_dead(0, kStart + 10s);
  EXPECT_EQ(strategy->active(kStart + 10s), 1u);
  EXPECT_EQ(strategy->wanted(kStart + 10s), Indices{0});
  // A dead session of a pool that is not active moves nothing.
  strategy->session_up(1, kStart + 11s);
  strategy->session_dead(0, kStart + 12s);
  EXPECT_EQ(strategy->active(kStart + 12s), 1u);
}

TEST(Failover, SwitchesBackOnlyAfterThePreferredPoolHasBeenUpLongEnough) {
  auto strategy = stratum::make_failover(three_pools(), options(3, 60s));
  strategy->session_dead(0, kStart);
  strategy->session_up(1, kStart + 1s);
  const TimePoint a_up = kStart + 20s;
  strategy->session_up(0, a_up);
  EXPECT_EQ(strategy->active(a_up), 1u);
  EXPECT_EQ(strategy->active(a_up + 59s), 1u);
  EXPECT_EQ(strategy->wanted(a_up + 59s), Indices{0});
  EXPECT_EQ(strategy->active(a_up + 60s), 0u);
  EXPECT_EQ(strategy->wanted(a_up + 60s), Indices{});
  // A repeated session_up does not restart the clock.
  auto again = stratum::make_failover(three_pools(), options(3, 60s));
  again->session_dead(0, kStart);
  again->session_up(1, kStart);
  again->session_up(0, a_up);
  again->session_up(0, a_up + 30s);
  EXPECT_EQ(again->active(a_up + 60s), 0u);
}

TEST(Failover, NoSwitchBackWhenThePreferredPoolDiedInBetween) {
  auto strategy = stratum::make_failover(three_pools(), options(3, 60s));
  strategy->session_dead(0, kStart);
  strategy->session_up(1, kStart + 1s);
  const TimePoint a_up = kStart + 10s;
  strategy->session_up(0, a_up);
  strategy->session_dead(0, a_up + 30s);
  EXPECT_EQ(strategy->active(a_up + 60s), 1u);
  EXPECT_EQ(strategy->active(a_up + 600s), 1u);
  // Its clock starts again from its next session_up.
  const TimePoint a_up_again = a_up + 40s;
  strategy->session_up(0, a_up_again);
  EXPECT_EQ(strategy->active(a_up_again + 59s), 1u);
  EXPECT_EQ(strategy->active(a_up_again + 60s), 0u);
  // A failed connect counts as going down too.
  auto failed = stratum::make_failover(three_pools(), options(3, 60s));
  failed->session_dead(0, kStart);
  failed->session_up(1, kStart);
  failed->session_up(0, a_up);
  failed->connect_failed(0, a_up + 30s);
  EXPECT_EQ(failed->active(a_up + 90s), 1u);
}

TEST(Failover, SwitchesBackAtOnceWhenTheActivePoolIsNotUp) {
  auto strategy = stratum::make_failover(three_pools(), options(3, 60s));
  strategy->session_dead(0, kStart);
  strategy->connect_failed(1, kStart + 1s);  // still trying pool 1
  strategy->session_up(0, kStart + 2s);
  EXPECT_EQ(strategy->active(kStart + 2s), 0u);
}

TEST(Failover, SwitchesBackToTheFirstEligiblePool) {
  auto strategy = stratum::make_failover(three_pools(), options(1, 60s));
  strategy->connect_failed(0, kStart);
  strategy->connect_failed(1, kStart);
  strategy->session_up(2, kStart);
  EXPECT_EQ(strategy->active(kStart), 2u);
  EXPECT_EQ(strategy->wanted(kStart), (Indices{0, 1}));
  strategy->session_up(1, kStart + 10s);
  strategy->session_up(0, kStart + 50s);
  EXPECT_EQ(strategy->active(kStart + 69s), 2u);
  EXPECT_EQ(strategy->active(kStart + 70s), 1u);
  EXPECT_EQ(strategy->wanted(kStart + 70s), Indices{0});
  EXPECT_EQ(strategy->active(kStart + 110s), 0u);
}

TEST(Failover, WrapsAroundWhenEveryPoolFails) {
  auto strategy = stratum::make_failover(three_pools(), options(2));
  TimePoint now = kStart;
  const auto fail_twice = [&](std::size_t index) {
    strategy->connect_failed(index, now += 1s);
    strategy->connect_failed(index, now += 1s);
  };
  fail_twice(0);
  EXPECT_EQ(strategy->active(now), 1u);
  fail_twice(1);
  EXPECT_EQ(strategy->active(now), 2u);
  fail_twice(2);
  EXPECT_EQ(strategy->active(now), 0u);  // all failing: round again from the top
  EXPECT_EQ(strategy->wanted(now), Indices{});
  strategy->connect_failed(0, now += 1s);  // a fresh N attempts
  EXPECT_EQ(strategy->active(now), 0u);
  strategy->connect_failed(0, now += 1s);
  EXPECT_EQ(strategy->active(now), 1u);
  for (int round = 0; round < 3; ++round) {
    fail_twice(1);
    fail_twice(2);
    EXPECT_EQ(strategy->active(now), 0u);
    fail_twice(0);
    EXPECT_EQ(strategy->active(now), 1u);
  }
}

TEST(Failover, WrapSkipsFailingPoolsAhead) {
  auto strategy = stratum::make_failover(three_pools(), options(3, 60s));
  strategy->session_dead(0, kStart);  // 0 failing
  strategy->session_up(1, kStart);
  strategy->session_dead(1, kStart + 1s);  // 1 failing
  strategy->session_up(2, kStart + 2s);
  EXPECT_EQ(strategy->active(kStart + 2s), 2u);
  strategy->session_up(1, kStart + 3s);
  strategy->connect_failed(1, kStart + 4s);  // not up, but one failure is not failing
  strategy->session_dead(2, kStart + 5s);
  EXPECT_EQ(strategy->active(kStart + 5s), 1u);
}

TEST(Failover, ASinglePoolIsRetriedForever) {
  auto strategy = stratum::make_failover({pool("solo")}, options(2));
  for (int i = 0; i < 10; ++i)
    strategy->connect_failed(0, kStart + std::chrono::seconds(i));
  strategy->session_dead(0, kStart + 11s);
  EXPECT_EQ(strategy->active(kStart + 11s), 0u);
  EXPECT_EQ(strategy->wanted(kStart + 11s), Indices{});
}

TEST(Failover, ForgetsPoolsBehindTheActiveOne) {
  auto strategy = stratum::make_failover(three_pools(), options(3, 60s));
  strategy->session_dead(0, kStart);
  strategy->session_dead(1, kStart + 1s);  // pool 1 failing
  strategy->session_up(2, kStart + 2s);
  EXPECT_EQ(strategy->active(kStart + 2s), 2u);
  strategy->session_up(0, kStart + 3s);
  EXPECT_EQ(strategy->active(kStart + 63s), 0u);
  // The client closes pool 2 and stops probing pool 1; late events about them change nothing ...
  for (int i = 0; i < 3; ++i)
    strategy->connect_failed(1, kStart + 64s);
  EXPECT_EQ(strategy->active(kStart + 64s), 0u);
  EXPECT_EQ(strategy->wanted(kStart + 64s), Indices{});
  // ... and pool 1, which had failed before, is tried afresh when pool 0 goes.
  strategy->session_dead(0, kStart + 70s);
  EXPECT_EQ(strategy->active(kStart + 70s), 1u);
}

TEST(Failover, PriorityDecidesTheOrderNotTheList) {
  auto strategy = stratum::make_failover({pool("a", 5), pool("b", 1), pool("c", 3)}, options(1));
  EXPECT_EQ(strategy->active(kStart), 1u);
  strategy->connect_failed(1, kStart);
  EXPECT_EQ(strategy->active(kStart), 2u);
  EXPECT_EQ(strategy->wanted(kStart), Indices{1});
  strategy->connect_failed(2, kStart);
  EXPECT_EQ(strategy->active(kStart), 0u);
  EXPECT_EQ(strategy->wanted(kStart), (Indices{1, 2}));
}

TEST(PoolStrategy, RefusesAnEmptyListAndBadQuotasNamingThePool) {
  for (const bool balance : {false, true}) {
    const auto make = [&](std::vector<PoolEntry> pools, StrategyOptions opts = options()) {
      return balance ? stratum::make_load_balance(std::move(pools), opts)
                     : stratum::make_failover(std::move(pools), opts);
    };
    EXPECT_THROW(make({}), std::invalid_argument);
    for (const double quota : {0.0, -1.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
      try {
        make({pool("a"), pool("b", 0, quota)});
        ADD_FAILURE() << "quota " << quota << " accepted";
      } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("pool 'b' (stratum+tcp://b.example:3333)"),
                  std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("quota"), std::string::npos) << e.what();
      }
    }
    PoolEntry unnamed = pool("x", 0, -2);
    unnamed.name.clear();
    try {
      make({pool("a"), pool("b"), unnamed});
      ADD_FAILURE() << "accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("pool 'pool3'"), std::string::npos) << e.what();
    }
    EXPECT_THROW(make(three_pools(), options(0)), std::invalid_argument);
    StrategyOptions no_period;
    no_period.quota_period = 0s;
    EXPECT_THROW(make(three_pools(), no_period), std::invalid_argument);
    auto strategy = make(three_pools());
    EXPECT_THROW(strategy->connect_failed(3, kStart), std::out_of_range);
    EXPECT_THROW(strategy->session_up(7, kStart), std::out_of_range);
    EXPECT_THROW(strategy->session_dead(3, kStart), std::out_of_range);
  }
}

// Time each pool was active over [from, from + span), sampled every `step`.
std::map<std::size_t, std::chrono::milliseconds> shares(const PoolStrategy& strategy,
                                                        TimePoint from,
                                                        std::chrono::milliseconds span,
                                                        std::chrono::milliseconds step) {
  std::map<std::size_t, std::chrono::milliseconds> out;
  for (auto t = 0ms; t < span; t += step)
    out[strategy.active(from + t)] += step;
  return out;
}

TEST(LoadBalance, SharesOfTimeMatchTheQuotas) {
  StrategyOptions opts = options();
  opts.quota_period = 60s;
  auto strategy =
      stratum::make_load_balance({pool("a", 0, 1), pool("b", 0, 2), pool("c", 0, 3)}, opts);
  for (std::size_t i = 0; i < 3; ++i)
    strategy->session_up(i, kStart);
  constexpr auto kStep = 50ms;
  const auto got = shares(*strategy, kStart, 5 * 60s, kStep);
  const std::chrono::milliseconds expected[] = {50s, 100s, 150s};  // 5 periods x 60 s x q / 6
  const auto slice = 10s;                                          // the smallest slice
  for (std::size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    ASSERT_TRUE(got.count(i));
    EXPECT_LE(std::chrono::abs(got.at(i) - expected[i]), slice);
    EXPECT_LE(std::chrono::abs(got.at(i) - expected[i]), kStep);  // in fact exact to a sample
  }
  // wanted is every other pool.
  const std::size_t now_active = strategy->active(kStart);
  Indices others;
  for (std::size_t i = 0; i < 3; ++i) {
    if (i != now_active) others.push_back(i);
  }
  EXPECT_EQ(strategy->wanted(kStart), others);
}

TEST(LoadBalance, FractionalQuotasAndManyPeriods) {
  StrategyOptions opts = options();
  opts.quota_period = 30s;
  auto strategy = stratum::make_load_balance({pool("a", 0, 0.25), pool("b", 1, 0.75)}, opts);
  strategy->session_up(0, kStart);
  strategy->session_up(1, kStart);
  const auto got = shares(*strategy, kStart + 3s, 10 * 30s, 10ms);
  EXPECT_LE(std::chrono::abs(got.at(0) - 75s), 10ms);
  EXPECT_LE(std::chrono::abs(got.at(1) - 225s), 10ms);
  // The same before the clock's epoch (periods count from time_point{}).
  const auto early = shares(*strategy, TimePoint{} - 45s, 2 * 30s, 10ms);
  EXPECT_LE(std::chrono::abs(early.at(0) - 15s), 10ms);
  EXPECT_LE(std::chrono::abs(early.at(1) - 45s), 10ms);
  EXPECT_EQ(strategy->active(TimePoint{} - 23s), 0u);  // phase 7 s of 30: in a's 7.5 s slice
  EXPECT_EQ(strategy->active(TimePoint{} - 22s), 1u);
}

TEST(LoadBalance, AnUnhealthyPoolGetsNothingUntilItRecovers) {
  StrategyOptions opts = options();
  opts.quota_period = 60s;
  auto strategy =
      stratum::make_load_balance({pool("a", 0, 1), pool("b", 0, 2), pool("c", 0, 3)}, opts);
  for (std::size_t i = 0; i < 3; ++i)
    strategy->session_up(i, kStart);
  strategy->session_dead(1, kStart + 1s);
  auto got = shares(*strategy, kStart + 1s, 3 * 60s, 50ms);
  EXPECT_FALSE(got.count(1));
  EXPECT_LE(std::chrono::abs(got[0] - 45s), 50ms);  // 1 : 3 of what is left
  EXPECT_LE(std::chrono::abs(got[2] - 135s), 50ms);

  strategy->connect_failed(1, kStart + 200s);  // reconnecting fails: still nothing
  got = shares(*strategy, kStart + 200s, 60s, 50ms);
  EXPECT_FALSE(got.count(1));

  strategy->session_up(1, kStart + 300s);
  got = shares(*strategy, kStart + 300s, 2 * 60s, 50ms);
  EXPECT_LE(std::chrono::abs(got[1] - 40s), 50ms);

  // A pool that has never been up has no slice either.
  auto fresh = stratum::make_load_balance(three_pools(), opts);
  fresh->session_up(2, kStart);
  got = shares(*fresh, kStart, 60s, 50ms);
  EXPECT_EQ(got.size(), 1u);
  EXPECT_EQ(got[2], 60s);
  EXPECT_EQ(fresh->wanted(kStart), (Indices{0, 1}));
}

TEST(LoadBalance, FallsBackToFailoverOrderWhenNoneIsUp) {
  auto strategy =
      stratum::make_load_balance({pool("a", 2), pool("b", 0), pool("c", 1)}, options(2));
  EXPECT_EQ(strategy->active(kStart), 1u);
  EXPECT_EQ(strategy->wanted(kStart), (Indices{2, 0}));
  strategy->connect_failed(1, kStart);
  strategy->connect_failed(1, kStart + 1s);
  EXPECT_EQ(strategy->active(kStart + 1s), 2u);
  // As soon as one is up, it has all the time.
  strategy->session_up(0, kStart + 2s);
  const auto got = shares(*strategy, kStart + 2s, 120s, 100ms);
  EXPECT_EQ(got.size(), 1u);
  EXPECT_EQ(got.at(0), 120s);
  // And when it dies, failover order again.
  strategy->session_dead(0, kStart + 200s);
  EXPECT_EQ(strategy->active(kStart + 200s), 2u);
}

}  // namespace
}  // namespace hashrig
