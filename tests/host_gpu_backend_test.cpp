// GpuBackend through the scheduler: a real OpenCL device (PoCL in CI) finds a recorded pool
// share and loses no hit under a flood; scripted scanners check the feeder's own logic at GPU
// speeds: header runs rolled in the kernel's version dimension, disjoint work across job
// switches, launch sizing, and a device stopped for hardware errors or a driver error while the
// other devices keep hashing.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "core/job_work.h"
#include "core/target.h"
#include "gpu_backends.h"
#include "host/gpu_backend.h"
#include "host/gpu_devices.h"
#include "scheduler_test_support.h"

namespace hashrig {
namespace {

using namespace std::chrono_literals;
using host::Scheduler;
using kernels::gpu::GpuDeviceInfo;
using kernels::gpu::GpuError;
using kernels::gpu::GpuWork;
using kernels::gpu::Hit;
using kernels::gpu::LaunchResult;

struct Logs {
  std::ostringstream text;
  host::Logger log{text, host::LogLevel::info, false};
};

std::unique_ptr<host::GpuBackend> gpu_backend(
    std::unique_ptr<kernels::gpu::GpuScanner> scanner,
    std::chrono::nanoseconds launch = std::chrono::milliseconds(20)) {
  std::vector<std::unique_ptr<kernels::gpu::GpuScanner>> v;
  v.push_back(std::move(scanner));
  host::GpuBackendOptions options;
  options.launch_target = launch;
  return std::make_unique<host::GpuBackend>("test", std::move(v), options);
}

TEST(GpuBackendOpenCl, FindsTheRecordedPoolShare) {
  std::string why;
  auto scanner = test::open_first_device("opencl", &why);
  if (!scanner) return test::no_device("opencl", why);
  const auto f = test::load_gbt_fixture("stratum-ckpool-shares-5tx.json");
  const auto& submit = f.at("results").at("valid").at("params");
  const core::Job job = stratum::job_from_notify(
      test::recorded_notify(f.at("transcript"), submit.at(1)), test::fixture_session(f));
  const std::uint64_t en2 = std::stoull(submit.at(2).get<std::string>(), nullptr, 16);
  const auto ntime = std::uint32_t(std::stoul(submit.at(3).get<std::string>(), nullptr, 16));
  const auto nonce = std::uint32_t(std::stoul(submit.at(4).get<std::string>(), nullptr, 16));
  Logs logs;
  Scheduler scheduler(logs.log);
  test::ShareCollector sink;
  scheduler.set_sink("ckpool", &sink);
  scheduler.add_backend(gpu_backend(std::move(scanner)));
  scheduler.start();
  scheduler.publish(job, {en2, ntime - job.ntime, nonce & ~0xffffu});
  ASSERT_TRUE(sink.wait_for([&](const std::vector<host::Share>& v) {
    return std::any_of(v.begin(), v.end(), [&](const host::Share& s) { return s.nonce == nonce; });
  })) << logs.text.str();
  scheduler.stop();
  for (const host::Share& s : sink.shares()) {
    EXPECT_LE(core::hash_value(s.hash), s.job->share_target);
    if (s.nonce == nonce) {
      EXPECT_EQ(core::to_hex(s.header), f.at("results").at("valid").at("header_hex"));
    }
  }
  EXPECT_EQ(scheduler.stats().snapshot(host::Stats::Clock::now()).hw_errors, 0u);
}

TEST(GpuBackendOpenCl, AFloodOfHitsLosesNone) {
  // Every nonce meets the target: each launch overflows the hit buffer and is rescanned in
  // halves; every hashed nonce must come back as a share.
  std::string why;
  auto scanner = test::open_first_device("opencl", &why);
  if (!scanner) return test::no_device("opencl", why);
  Logs logs;
  Scheduler scheduler(logs.log);
  test::ShareCollector sink;
  scheduler.set_sink("pool", &sink);
  scheduler.add_backend(gpu_backend(std::move(scanner), 5ms));
  scheduler.start();
  core::Job job = test::pool_job("flood", core::diff1_target());
  job.share_target = core::Uint256::max();
  scheduler.publish(job);
  std::this_thread::sleep_for(150ms);
  scheduler.stop();
  const auto stats = scheduler.stats().snapshot(host::Stats::Clock::now());
  ASSERT_EQ(stats.devices.size(), 1u);
  EXPECT_GT(stats.devices[0].hashes, 0u);
  EXPECT_EQ(stats.devices[0].shares, stats.devices[0].hashes);
  EXPECT_EQ(sink.shares().size(), stats.devices[0].hashes);
  EXPECT_EQ(stats.hw_errors, 0u);
}

TEST(GpuBackendOpenCl, ARestartOpensTheDeviceAgainAndItHashesOn) {
  // The watchdog's restart, as `hashrig mine` wires it (open_gpu_backends): a new feeder on a
  // newly opened device, finding valid shares as before.
  std::string why;
  if (!test::open_first_device("opencl", &why)) return test::no_device("opencl", why);
  const host::GpuInventory gpus = host::discover_gpus();
  host::DeviceChoice choice;
  choice.cpu = false;
  choice.opencl = {0};
  Logs logs;
  auto backends = host::open_gpu_backends(choice, gpus, {}, logs.log);
  ASSERT_EQ(backends.size(), 1u) << logs.text.str();
  host::Backend& backend = *backends[0];
  Scheduler scheduler(logs.log);
  test::ShareCollector sink;
  scheduler.set_sink("pool", &sink);
  scheduler.add_backend(std::move(backends[0]));
  scheduler.start();
  scheduler.publish(test::pool_job("r", core::target_from_difficulty(1.0 / 65536)));
  const auto shares_beyond = [&](std::size_t n) {
    return sink.wait_for([n](const std::vector<host::Share>& v) { return v.size() > n; });
  };
  ASSERT_TRUE(shares_beyond(0)) << logs.text.str();
  ASSERT_EQ(backend.restart_device(0, std::chrono::seconds(5)), "");
  const std::uint64_t batches = scheduler.stats().device(0).batches.load();
  const std::size_t before = sink.shares().size();
  ASSERT_TRUE(shares_beyond(before + 2)) << logs.text.str();
  EXPECT_GT(scheduler.stats().device(0).batches.load(), batches);
  scheduler.stop();
  for (const host::Share& s : sink.shares())
    EXPECT_LE(core::hash_value(s.hash), s.job->share_target);
  EXPECT_EQ(scheduler.stats().snapshot(host::Stats::Clock::now()).hw_errors, 0u);
}

// A scripted GPU: hashes nothing, takes `count * versions / rate` per launch, records what it was
// given, and reports the hits it is told to (or lies).
class ScriptedScanner : public kernels::gpu::GpuScanner {
 public:
  struct Launch {
    std::vector<core::HeaderBytes> headers;
    std::uint32_t first, count;
  };
  enum class Mode { honest, liar, dies_on_third_launch };

  ScriptedScanner(double rate, Mode mode) : m_rate(rate), m_mode(mode) {
    m_info.id = "gpu#0";
    m_info.name = "scripted";
    m_info.kernel = "scripted";
  }
  const GpuDeviceInfo& info() const override { return m_info; }
  std::uint32_t granule() const override { return 1 << 16; }
  void launch(int slot, const GpuWork& work, std::uint32_t first, std::uint32_t count) override {
    if (m_mode == Mode::dies_on_third_launch && ++m_launches == 3) {
      throw GpuError("gpu#0: launch failed: an illegal memory access was encountered");
    }
    auto& s = m_slots[std::size_t(slot)];
    s.hits.clear();
    if (m_mode == Mode::liar) s.hits.push_back({first, 0, 0});  // "top word 0": never true
    std::lock_guard lock(m_mutex);
    m_recorded.push_back({work.headers, first, count});
    // Launches run one after the other, as on a real device.
    m_busy_until =
        std::max(m_busy_until, std::chrono::steady_clock::now()) +
        std::chrono::nanoseconds(std::int64_t(1e9 * count * work.headers.size() / m_rate));
    s.ready = m_busy_until;
  }
  LaunchResult wait(int slot) override {
    auto& s = m_slots[std::size_t(slot)];
    std::this_thread::sleep_until(s.ready);
    return {s.hits, false};
  }
  std::vector<Launch> recorded() const {
    std::lock_guard lock(m_mutex);
    return m_recorded;
  }

 private:
  struct Slot {
    std::chrono::steady_clock::time_point ready;
    std::vector<Hit> hits;
  };
  GpuDeviceInfo m_info;
  double m_rate;
  Mode m_mode;
  int m_launches = 0;
  std::chrono::steady_clock::time_point m_busy_until;
  std::array<Slot, 2> m_slots;
  mutable std::mutex m_mutex;
  std::vector<Launch> m_recorded;
};

TEST(GpuBackendFeeder, RollsVersionsInTheKernelAndNeverHashesAnythingTwice) {
  auto owned = std::make_unique<ScriptedScanner>(2e11, ScriptedScanner::Mode::honest);
  ScriptedScanner& scanner = *owned;
  Logs logs;
  Scheduler scheduler(logs.log);
  test::ShareCollector sink;
  scheduler.set_sink("pool", &sink);
  scheduler.add_backend(gpu_backend(std::move(owned), 10ms));
  scheduler.start();
  const std::uint32_t mask = 0x1fffe000u;
  for (int i = 0; i < 12; ++i) {
    core::Job job = test::pool_job("job" + std::to_string(i / 2), core::diff1_target(), mask);
    job.share_target = i % 2 ? core::target_from_difficulty(2) : core::diff1_target();
    job.coinbase_prefix = {1, std::uint8_t(i / 2)};
    job.clean = i % 4 == 0;
    scheduler.publish(job);
    std::this_thread::sleep_for(60ms);
  }
  scheduler.stop();
  const auto launches = scanner.recorded();
  ASSERT_GT(launches.size(), 20u);
  std::set<std::pair<core::HeaderBytes, std::uint32_t>> seen;  // (header, first nonce)
  std::size_t multi = 0, largest = 0;
  std::map<core::HeaderBytes, std::vector<std::pair<std::uint32_t, std::uint32_t>>> ranges;
  for (const auto& l : launches) {
    multi += l.headers.size() > 1;
    largest = std::max(largest, l.headers.size());
    for (const core::HeaderBytes& h : l.headers) {
      const std::uint32_t v = core::read_le32(h.data());
      EXPECT_EQ(v & ~mask, 0x20000000u) << "a version bit outside the mask";
      ranges[h].push_back({l.first, l.count});
    }
  }
  EXPECT_GT(multi, 0u) << "no launch rolled versions in the kernel";
  EXPECT_LE(largest, kernels::gpu::kMaxVersions);
  for (auto& [header, rs] : ranges) {
    std::sort(rs.begin(), rs.end());
    for (std::size_t i = 1; i < rs.size(); ++i) {
      ASSERT_GE(rs[i].first, std::uint64_t(rs[i - 1].first) + rs[i - 1].second)
          << "a (header, nonce) was hashed twice";
    }
  }
  // Launch sizing: at 200 GH/s and a 10 ms target, launches grow to the hundreds of millions.
  std::uint64_t biggest = 0;
  for (const auto& l : launches)
    biggest = std::max<std::uint64_t>(biggest, std::uint64_t(l.count) * l.headers.size());
  EXPECT_GT(biggest, 400'000'000u);
  EXPECT_LT(biggest, 8'000'000'000u);
  EXPECT_EQ(scheduler.stats().snapshot(host::Stats::Clock::now()).hw_errors, 0u);
}

void expect_stopped_while_cpu_goes_on(ScriptedScanner::Mode mode, const std::string& logged) {
  Logs logs;
  Scheduler scheduler(logs.log);
  test::ShareCollector sink;
  scheduler.set_sink("pool", &sink);
  scheduler.add_backend(test::cpu_backend(test::real_kernel(), 1));
  scheduler.add_backend(gpu_backend(std::make_unique<ScriptedScanner>(1e8, mode), 2ms));
  scheduler.start();
  scheduler.publish(test::pool_job("j", core::diff1_target()));
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  // Hardware errors stop it for good (failed); a driver error leaves it to the watchdog (broken),
  // which this scheduler does not have.
  const auto is_stopped = [&] {
    const host::DeviceCounters& c = scheduler.stats().device(1);
    return mode == ScriptedScanner::Mode::liar ? c.failed.load() : c.broken.load();
  };
  while (!is_stopped() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(is_stopped()) << logs.text.str();
  const std::uint64_t gpu_hashes = scheduler.stats().device(1).hashes.load();
  const std::uint64_t cpu_before = scheduler.stats().device(0).hashes.load();
  std::this_thread::sleep_for(100ms);
  EXPECT_GT(scheduler.stats().device(0).hashes.load(), cpu_before) << "the CPU stopped too";
  EXPECT_EQ(scheduler.stats().device(1).hashes.load(), gpu_hashes) << "the GPU went on";
  scheduler.stop();
  const std::string text = logs.text.str();
  const std::size_t stopped = text.find("[gpu#0] STOPPED: ");
  ASSERT_NE(stopped, std::string::npos) << text;
  EXPECT_NE(text.find(logged, stopped), std::string::npos) << text;
}

TEST(GpuBackendFeeder, ADeviceWithRepeatedHardwareErrorsIsStopped) {
  expect_stopped_while_cpu_goes_on(ScriptedScanner::Mode::liar, "hardware errors in");
}

TEST(GpuBackendFeeder, ADriverErrorStopsOnlyThatDevice) {
  expect_stopped_while_cpu_goes_on(ScriptedScanner::Mode::dies_on_third_launch,
                                   "gpu#0: launch failed: an illegal memory access");
}

}  // namespace
}  // namespace hashrig
