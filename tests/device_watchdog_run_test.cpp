// The device watchdog in a running scheduler: a GPU whose kernel hangs is restarted on a freshly
// opened device and hashes again; one that keeps hanging is marked dead; a driver error is
// restarted; a wedged CPU worker gets a new thread. The other devices hash throughout, and the
// API (over a real socket) and the metrics (read by a strict parser) show the restarts and the
// states.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/target.h"
#include "gate.h"
#include "host/api_server.h"
#include "host/gpu_backend.h"
#include "host/mine_api.h"
#include "http_client.h"
#include "prometheus_parser.h"
#include "scheduler_test_support.h"

namespace hashrig {
namespace {

using namespace std::chrono_literals;
using host::DeviceState;
using host::Scheduler;
using kernels::gpu::GpuDeviceInfo;
using kernels::gpu::GpuError;
using kernels::gpu::GpuScanner;
using kernels::gpu::GpuWork;
using kernels::gpu::LaunchResult;

// A GPU that hashes nothing, 2 ms per launch. From launch `trouble_at` on (0: never) its kernel
// hangs until the gate opens, or its driver fails (`fails`).
class TroubledScanner : public GpuScanner {
 public:
  TroubledScanner(std::shared_ptr<test::Gate> gate, int trouble_at, bool fails = false)
      : m_gate(std::move(gate)), m_trouble_at(trouble_at), m_fails(fails) {
    m_info.id = "gpu#0";
    m_info.name = "troubled";
    m_info.kernel = "scripted";
  }
  const GpuDeviceInfo& info() const override { return m_info; }
  std::uint32_t granule() const override { return 1 << 16; }
  void launch(int slot, const GpuWork&, std::uint32_t, std::uint32_t) override {
    const bool trouble = m_trouble_at > 0 && ++m_launches >= m_trouble_at;
    if (trouble && m_fails) throw GpuError("gpu#0: launch failed: the device fell off the bus");
    m_slots[std::size_t(slot)] = {std::chrono::steady_clock::now() + 2ms, trouble};
  }
  LaunchResult wait(int slot) override {
    const Slot& s = m_slots[std::size_t(slot)];
    if (s.hangs) m_gate->wait();
    std::this_thread::sleep_until(s.ready);
    return {};
  }

 private:
  struct Slot {
    std::chrono::steady_clock::time_point ready;
    bool hangs = false;
  };
  std::shared_ptr<test::Gate> m_gate;
  int m_trouble_at;
  bool m_fails;
  int m_launches = 0;
  GpuDeviceInfo m_info;
  std::array<Slot, 2> m_slots;
};

host::WatchdogOptions quick_watchdog(unsigned restarts = 3) {
  host::WatchdogOptions o;
  o.min_stall = 1s;  // above what a loaded CI machine deschedules a thread for
  o.max_restarts = restarts;
  o.grace = 100ms;
  o.tick = 20ms;
  return o;
}

// A scheduler with one CPU worker (device 0, `kernel`) and one scripted GPU (device 1) whose
// reopens are `reopen`'s, or with the CPU alone.
struct Rig {
  std::ostringstream text;
  host::Logger log{text, host::LogLevel::info, false};
  Scheduler scheduler{log};
  std::shared_ptr<test::Gate> gate;  // released at the end
  std::atomic<int> reopens{0};

  Rig(std::shared_ptr<test::Gate> gate_, std::unique_ptr<GpuScanner> first,
      std::function<std::unique_ptr<GpuScanner>()> reopen, host::WatchdogOptions watchdog,
      const kernels::cpu::KernelInfo& kernel = test::real_kernel(), unsigned workers = 1)
      : gate(std::move(gate_)) {
    scheduler.add_backend(test::cpu_backend(kernel, workers));
    if (first) {
      std::vector<std::unique_ptr<GpuScanner>> v;
      v.push_back(std::move(first));
      host::GpuBackendOptions o;
      o.launch_target = 2ms;
      o.reopen_limit = 1s;
      o.reopen = [this, reopen](std::size_t) {
        ++reopens;
        return reopen();
      };
      scheduler.add_backend(std::make_unique<host::GpuBackend>("test", std::move(v), o));
    }
    scheduler.set_watchdog(watchdog);
    scheduler.start();
    scheduler.publish(test::pool_job("w", core::diff1_target()));
  }
  ~Rig() {
    scheduler.stop();
    if (gate) gate->release();  // abandoned threads wake, see that they were, and end
  }

  host::DeviceCounters& device(std::size_t i) { return scheduler.stats().device(i); }

  bool wait_until(const std::function<bool()>& done, std::chrono::seconds limit = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(5ms);
    }
    return true;
  }
  // Whether device `i` hashes on (its hashes grow within 5 s).
  bool hashes_on(std::size_t i) {
    const std::uint64_t before = device(i).hashes.load();
    return wait_until([&] { return device(i).hashes.load() > before; }, 5s);
  }
};

// The API of the rig, served on a loopback port as `hashrig mine` serves it.
struct Api {
  host::MineApi model;
  host::ApiRouter router{model, std::nullopt};
  host::ApiServer server;
  std::uint16_t port = 0;

  explicit Api(Rig& rig)
      : model(host::MineApiParts{rig.scheduler, "job-file", nullptr, nullptr, {}, {}, {}}),
        server({"127.0.0.1", 0}, router, rig.log) {
    server.start();
    const std::string address = server.address();
    port = std::uint16_t(std::stoi(address.substr(address.rfind(':') + 1)));
  }
  nlohmann::json get(const std::string& path) {
    const test::HttpReply r = test::http_get(port, path);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return nlohmann::json::parse(r.body);
  }
  test::PromExposition metrics() {
    return test::parse_prometheus(test::http_get(port, "/metrics").body);
  }
};

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

const nlohmann::json& device_json(const nlohmann::json& devices, const std::string& id) {
  for (const auto& d : devices) {
    if (d.at("id") == id) return d;
  }
  throw std::runtime_error("no device " + id + " in " + devices.dump());
}

TEST(DeviceWatchdog, AHungGpuIsRestartedOnAFreshDeviceAndHashesAgain) {
  auto gate = std::make_shared<test::Gate>();
  Rig rig(
      gate, std::make_unique<TroubledScanner>(gate, 20),
      [gate] { return std::make_unique<TroubledScanner>(gate, 0); }, quick_watchdog());
  ASSERT_TRUE(rig.wait_until([&] { return rig.device(1).restarts.load() == 1; })) << rig.text.str();
  ASSERT_TRUE(rig.wait_until([&] { return rig.device(1).state.load() == DeviceState::running; }));
  EXPECT_TRUE(rig.hashes_on(1)) << "the restarted GPU does not hash\n" << rig.text.str();
  EXPECT_TRUE(rig.hashes_on(0)) << "the CPU stopped";
  EXPECT_EQ(rig.reopens.load(), 1);
  EXPECT_FALSE(rig.device(1).broken.load());

  Api api(rig);
  const nlohmann::json gpu = device_json(api.get("/api/v1/devices"), "gpu#0");
  EXPECT_EQ(gpu.at("state"), "hashing");
  EXPECT_EQ(gpu.at("restarts"), 1);
  const test::PromExposition m = api.metrics();
  EXPECT_EQ(m.family("hashrig_device_restarts_total").type, "counter");
  EXPECT_EQ(m.value("hashrig_device_restarts_total", {{"device", "gpu#0"}}), 1);
  EXPECT_EQ(m.value("hashrig_device_restarts_total", {{"device", "cpu#0"}}), 0);
  EXPECT_EQ(m.value("hashrig_device_state", {{"device", "gpu#0"}, {"state", "hashing"}}), 1);

  rig.scheduler.stop();  // no thread logs while the text is read
  const std::string text = rig.text.str();
  EXPECT_EQ(count(text, "[gpu#0] RESTARTING (1 of 3): no batch completed in "), 1u) << text;
  EXPECT_NE(text.find("(its batches take "), std::string::npos) << text;
  EXPECT_NE(text.find("[gpu#0] its feeder did not stop in time"), std::string::npos) << text;
  EXPECT_NE(text.find("[gpu#0] restarted"), std::string::npos) << text;
}

TEST(DeviceWatchdog, AGpuThatKeepsHangingIsMarkedDeadWhileTheCpuHashesOn) {
  auto gate = std::make_shared<test::Gate>();
  Rig rig(
      gate, std::make_unique<TroubledScanner>(gate, 5),
      [gate] { return std::make_unique<TroubledScanner>(gate, 1); }, quick_watchdog(2));
  ASSERT_TRUE(rig.wait_until([&] { return rig.device(1).state.load() == DeviceState::dead; }))
      << rig.text.str();
  EXPECT_EQ(rig.device(1).restarts.load(), 2u);
  EXPECT_EQ(rig.reopens.load(), 2);
  EXPECT_TRUE(rig.hashes_on(0)) << "the CPU stopped";
  const std::uint64_t gpu = rig.device(1).hashes.load();

  Api api(rig);
  const nlohmann::json summary = api.get("/api/v1/summary");
  EXPECT_EQ(summary.at("devices").at("dead"), 1);
  EXPECT_EQ(summary.at("devices").at("hashing"), 1);
  const nlohmann::json devices = api.get("/api/v1/devices");
  EXPECT_EQ(device_json(devices, "gpu#0").at("state"), "dead");
  EXPECT_EQ(device_json(devices, "gpu#0").at("restarts"), 2);
  EXPECT_EQ(device_json(devices, "cpu#0").at("state"), "hashing");
  const test::PromExposition m = api.metrics();
  EXPECT_EQ(m.value("hashrig_device_state", {{"device", "gpu#0"}, {"state", "dead"}}), 1);
  EXPECT_EQ(m.value("hashrig_device_state", {{"device", "gpu#0"}, {"state", "hashing"}}), 0);
  EXPECT_EQ(m.value("hashrig_device_restarts_total", {{"device", "gpu#0"}}), 2);

  std::this_thread::sleep_for(1500ms);  // more than a stall: the dead device is left alone
  EXPECT_EQ(rig.device(1).restarts.load(), 2u);
  EXPECT_EQ(rig.device(1).hashes.load(), gpu);
  rig.scheduler.stop();  // no thread logs while the text is read
  const std::string text = rig.text.str();
  EXPECT_EQ(count(text, "[gpu#0] RESTARTING ("), 2u) << text;
  EXPECT_EQ(count(text, "[gpu#0] DEAD: no batch completed in "), 1u) << text;
  EXPECT_NE(text.find("after 2 restarts in a row; stopped for good"), std::string::npos) << text;
}

TEST(DeviceWatchdog, ADriverErrorIsRestartedAndAFailedReopenRetriedUntilDead) {
  auto gate = std::make_shared<test::Gate>();
  int opened = 0;
  Rig rig(
      gate, std::make_unique<TroubledScanner>(gate, 4, true),
      [&opened, gate]() -> std::unique_ptr<GpuScanner> {
        if (++opened == 1) return std::make_unique<TroubledScanner>(gate, 4, true);
        throw GpuError("gpu#0: no CUDA-capable device is detected");
      },
      quick_watchdog(3));
  ASSERT_TRUE(rig.wait_until([&] { return rig.device(1).state.load() == DeviceState::dead; }))
      << rig.text.str();
  EXPECT_EQ(rig.device(1).restarts.load(), 3u);
  EXPECT_TRUE(rig.hashes_on(0));
  rig.scheduler.stop();  // no thread logs while the text is read
  const std::string text = rig.text.str();
  EXPECT_EQ(count(text, "[gpu#0] STOPPED: gpu#0: launch failed: the device fell off the bus"), 2u)
      << text;
  EXPECT_EQ(count(text, "[gpu#0] RESTARTING (1 of 3): its driver reported an error"), 1u) << text;
  EXPECT_EQ(count(text, "[gpu#0] RESTARTING (2 of 3): its driver reported an error"), 1u) << text;
  EXPECT_EQ(count(text, "[gpu#0] restart failed: gpu#0: no CUDA-capable device is detected"), 2u)
      << text;
  EXPECT_EQ(count(text, "[gpu#0] RESTARTING (3 of 3): it could not be restarted"), 1u) << text;
  EXPECT_EQ(count(text, "[gpu#0] DEAD: it could not be restarted after 3 restarts"), 1u) << text;
}

TEST(DeviceWatchdog, AReopenThatHangsIsGivenUpOnAndNeverHoldsUpTheStop) {
  auto gate = std::make_shared<test::Gate>();
  Rig rig(
      gate, std::make_unique<TroubledScanner>(gate, 3, true),
      [gate]() -> std::unique_ptr<GpuScanner> {
        gate->wait();  // the driver hangs in its open call
        return std::make_unique<TroubledScanner>(gate, 0);
      },
      quick_watchdog(1));
  ASSERT_TRUE(rig.wait_until([&] { return rig.device(1).state.load() == DeviceState::dead; }))
      << rig.text.str();
  EXPECT_TRUE(rig.hashes_on(0));
  const auto stopping = std::chrono::steady_clock::now();
  rig.scheduler.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, 5s);
  const std::string text = rig.text.str();
  EXPECT_EQ(count(text, "[gpu#0] RESTARTING (1 of 1): its driver reported an error"), 1u) << text;
  EXPECT_EQ(count(text, "[gpu#0] restart failed: opening it again took more than 1 s"), 1u) << text;
  EXPECT_EQ(count(text, "[gpu#0] DEAD: it could not be restarted after 1 restarts in a row"), 1u)
      << text;
}

// The CPU worker that scans first hangs in its kernel until released (a wedged core); every
// other scan takes 20 us and finds nothing.
std::atomic<int> g_stalls_left{0};
std::shared_ptr<test::Gate> g_cpu_gate;  // set (atomically) by the test
std::uint32_t wedging_kernel(const kernels::cpu::ScanInput&, std::uint32_t, std::uint32_t count,
                             kernels::cpu::HitSink&) {
  if (g_stalls_left.fetch_sub(1) == 1) std::atomic_load(&g_cpu_gate)->wait();
  std::this_thread::sleep_for(20us);
  return count;
}

TEST(DeviceWatchdog, AWedgedCpuWorkerGetsANewThread) {
  const auto gate = std::make_shared<test::Gate>();
  std::atomic_store(&g_cpu_gate, gate);
  g_stalls_left = 1;
  Rig rig(nullptr, nullptr, nullptr, quick_watchdog(), test::fake_kernel("wedging", wedging_kernel),
          2);
  ASSERT_TRUE(rig.wait_until([&] {
    return rig.device(0).restarts.load() + rig.device(1).restarts.load() == 1;
  })) << rig.text.str();
  const std::size_t wedged = rig.device(0).restarts.load() == 1 ? 0 : 1;
  ASSERT_TRUE(
      rig.wait_until([&] { return rig.device(wedged).state.load() == DeviceState::running; }));
  EXPECT_TRUE(rig.hashes_on(wedged)) << rig.text.str();
  EXPECT_TRUE(rig.hashes_on(1 - wedged));
  const std::string tag = "[cpu#" + std::to_string(wedged) + "] ";
  rig.scheduler.stop();  // no thread logs while the text is read
  const std::string text = rig.text.str();
  EXPECT_EQ(count(text, tag + "RESTARTING (1 of 3): no batch completed in "), 1u) << text;
  EXPECT_NE(text.find(tag + "worker did not stop in time; abandoned it"), std::string::npos)
      << text;
  gate->release();  // the abandoned worker wakes, sees that it was, and ends
}

}  // namespace
}  // namespace hashrig
