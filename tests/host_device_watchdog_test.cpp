// The device watchdog's decisions on a hand-driven clock (when a device is stalled, how often it
// is restarted, when it is dead, when it counts as recovered), and DeviceThread's stop: joined
// when the body stops, abandoned when it is wedged, with the body told so.
#include <gtest/gtest.h>

#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "gate.h"
#include "host/device_thread.h"
#include "host/device_watchdog.h"

namespace hashrig {
namespace {

using namespace std::chrono_literals;
using host::DeviceCounters;
using host::DeviceState;
using host::WatchdogOptions;
using host::WatchdogPolicy;
using Action = WatchdogPolicy::Action;

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kMs = 1'000'000;

WatchdogOptions options() {
  WatchdogOptions o;
  o.min_stall = 5s;
  o.factor = 10;
  o.max_restarts = 3;
  o.recovered_after = 60s;
  return o;
}

TEST(WatchdogPolicy, AnIdleDeviceNeverStalls) {
  WatchdogPolicy policy(options(), 1);
  DeviceCounters c;
  c.batch_done(kSecond, 50 * kMs);
  c.idle();  // no job: waiting is not stalling
  EXPECT_EQ(policy.check(0, c, 3600 * kSecond).action, Action::none);
}

TEST(WatchdogPolicy, TheLimitIsTenBatchesButNeverBelowTheFloor) {
  WatchdogPolicy policy(options(), 1);
  DeviceCounters c;
  c.batch_done(100 * kSecond, 50 * kMs);  // 10 x 50 ms is under the 5 s floor
  EXPECT_EQ(policy.stall_limit(c), 5s);
  EXPECT_EQ(policy.check(0, c, 104 * kSecond).action, Action::none);
  EXPECT_EQ(policy.check(0, c, 105 * kSecond).action, Action::none);  // exactly the limit
  const WatchdogPolicy::Verdict v = policy.check(0, c, 105 * kSecond + 1);
  EXPECT_EQ(v.action, Action::restart);
  EXPECT_EQ(v.why, "no batch completed in 5.0 s (its batches take 50 ms)");

  DeviceCounters slow;  // 2 s batches (a slow OpenCL device): 20 s
  slow.batch_done(100 * kSecond, 2 * kSecond);
  EXPECT_EQ(policy.stall_limit(slow), 20s);
  EXPECT_EQ(policy.check(0, slow, 119 * kSecond).action, Action::none);
  EXPECT_EQ(policy.check(0, slow, 121 * kSecond).action, Action::restart);
}

TEST(WatchdogPolicy, TheUsualBatchTimeIsAMovingAverage) {
  DeviceCounters c;
  c.batch_done(1, 80 * kMs);
  EXPECT_EQ(c.batch_ns.load(), 80 * kMs);
  c.batch_done(2, 160 * kMs);  // one slow batch moves it by an eighth
  EXPECT_EQ(c.batch_ns.load(), 90 * kMs);
  EXPECT_EQ(c.batches.load(), 2u);
}

TEST(WatchdogPolicy, AFirstBatchThatNeverEndsIsAStallToo) {
  WatchdogPolicy policy(options(), 1);
  DeviceCounters c;
  c.busy(10 * kSecond);
  EXPECT_EQ(policy.check(0, c, 14 * kSecond).action, Action::none);
  const WatchdogPolicy::Verdict v = policy.check(0, c, 16 * kSecond);
  EXPECT_EQ(v.action, Action::restart);
  EXPECT_EQ(v.why, "no batch completed in 6.0 s (its first batch)");
}

TEST(WatchdogPolicy, RestartsInARowThenDead) {
  WatchdogPolicy policy(options(), 2);
  DeviceCounters c, other;
  std::int64_t now = kSecond;  // a steady time of 0 means idle
  for (unsigned i = 0; i < 3; ++i) {
    c.busy(now);
    now += 6 * kSecond;
    ASSERT_EQ(policy.check(0, c, now).action, Action::restart) << i;
    c.idle();  // what restart_device leaves
    policy.restarted(0, c, now, true);
    EXPECT_EQ(policy.in_a_row(0), i + 1);
  }
  c.busy(now);
  now += 6 * kSecond;
  EXPECT_EQ(policy.check(0, c, now).action, Action::retire);
  EXPECT_EQ(policy.in_a_row(1), 0u) << "devices are counted apart";
  c.state.store(DeviceState::dead);
  EXPECT_EQ(policy.check(0, c, now + 600 * kSecond).action, Action::none);
}

TEST(WatchdogPolicy, HashingForAMinuteAfterARestartResetsTheCount) {
  WatchdogPolicy policy(options(), 1);
  DeviceCounters c;
  c.busy(1);  // a steady time of 0 means idle
  ASSERT_EQ(policy.check(0, c, 6 * kSecond).action, Action::restart);
  c.idle();
  policy.restarted(0, c, 6 * kSecond, true);
  // Batches again, but a stall 30 s later is still part of the same trouble.
  c.batch_done(10 * kSecond, 50 * kMs);
  EXPECT_EQ(policy.check(0, c, 30 * kSecond).action, Action::restart);
  EXPECT_EQ(policy.in_a_row(0), 1u);
  // Hashing 60 s after the restart: recovered.
  c.batch_done(66 * kSecond, 50 * kMs);
  EXPECT_EQ(policy.check(0, c, 66 * kSecond).action, Action::none);
  EXPECT_EQ(policy.in_a_row(0), 0u);
}

TEST(WatchdogPolicy, ADriverErrorIsRestartedAtOnceAFailedRestartAfterTheFloor) {
  WatchdogPolicy policy(options(), 1);
  DeviceCounters c;
  c.batch_done(kSecond, 50 * kMs);
  c.idle();
  c.broken.store(true);
  WatchdogPolicy::Verdict v = policy.check(0, c, kSecond + 1);
  EXPECT_EQ(v.action, Action::restart);
  EXPECT_EQ(v.why, "its driver reported an error");
  policy.restarted(0, c, 2 * kSecond, false);  // the reopen failed: still broken
  EXPECT_EQ(policy.check(0, c, 6 * kSecond).action, Action::none) << "retried too soon";
  v = policy.check(0, c, 7 * kSecond);
  EXPECT_EQ(v.action, Action::restart);
  EXPECT_EQ(v.why, "it could not be restarted");
}

TEST(WatchdogPolicy, ADeviceStoppedForHardwareErrorsIsLeftAlone) {
  WatchdogPolicy policy(options(), 1);
  DeviceCounters c;
  c.busy(1);
  c.failed.store(true);
  EXPECT_EQ(policy.check(0, c, 600 * kSecond).action, Action::none);
}

TEST(DeviceThread, AStoppingBodyIsJoinedAndTheThreadIsNamed) {
  std::atomic<bool> saw_stop{false};
  char name[16] = {};
  host::DeviceThread t("opencl#12345678", [&](std::stop_token stop, const std::atomic<bool>&) {
    while (!stop.stop_requested())
      std::this_thread::sleep_for(1ms);
    pthread_getname_np(pthread_self(), name, sizeof name);
    saw_stop = true;
  });
  EXPECT_FALSE(t.finished());
  EXPECT_TRUE(t.stop_within(5s));
  EXPECT_TRUE(saw_stop.load());
  EXPECT_TRUE(t.finished());
  EXPECT_STREQ(name, "opencl#12345678") << "the thread is named after its device";
}

TEST(DeviceThread, AWedgedBodyIsAbandonedAndToldSoWhenItWakes) {
  auto gate = std::make_shared<test::Gate>();
  auto told = std::make_shared<std::atomic<int>>(-1);  // outlive the DeviceThread, as state must
  {
    host::DeviceThread t("wedged",
                         [gate, told](std::stop_token, const std::atomic<bool>& abandoned) {
                           gate->wait();  // ignores the stop request: wedged
                           told->store(abandoned.load() ? 1 : 0);
                         });
    const auto started = std::chrono::steady_clock::now();
    EXPECT_FALSE(t.stop_within(100ms));
    EXPECT_GE(std::chrono::steady_clock::now() - started, 100ms);
    EXPECT_FALSE(t.finished());
  }  // destroying it does not wait for the wedged thread
  gate->release();
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (told->load() < 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(told->load(), 1);
}

TEST(DeviceThread, AStopWaitsTenUsualBatchesAndAtLeastTheFloor) {
  EXPECT_EQ(host::stop_grace(0), host::kDeviceStopGrace);
  EXPECT_EQ(host::stop_grace(50'000'000), host::kDeviceStopGrace);
  EXPECT_EQ(host::stop_grace(2'000'000'000), 20s);
}

TEST(DeviceThread, StopAllStopsThemTogetherAndNamesTheWedged) {
  auto gate = std::make_shared<test::Gate>();
  std::vector<std::unique_ptr<host::DeviceThread>> threads;
  for (int i = 0; i < 3; ++i) {
    threads.push_back(std::make_unique<host::DeviceThread>(
        "t" + std::to_string(i), [gate, i](std::stop_token stop, const std::atomic<bool>&) {
          if (i == 1) return gate->wait();
          while (!stop.stop_requested())
            std::this_thread::sleep_for(1ms);
        }));
  }
  threads.insert(threads.begin() + 2, nullptr);  // a device with no thread is skipped
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(host::stop_all(threads, [](std::size_t) { return 200ms; }),
            std::vector<std::size_t>{1});
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  for (const auto& t : threads)
    EXPECT_EQ(t, nullptr);
  gate->release();
}

}  // namespace
}  // namespace hashrig
