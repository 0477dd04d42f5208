// hashrig-test-pool: the test pool (test_pool.h) as a process of its own, for tests that run the
// miner as a separate program.
//
//   hashrig-test-pool [--port N] [--difficulty D] [--extranonce2-size N] [--ntime-roll S]
//                     [--version-mask HEX] [--job-interval-ms MS] [--clean-every N]
//                     [--tls-cert PEM --tls-key PEM] [--ignore-stdin]
//
// Prints "port N" (flushed) once listening; sends a new job every --job-interval-ms (0: none),
// every --clean-every'th of them clean (0: never). Runs until SIGTERM/SIGINT or until stdin
// closes (unless --ignore-stdin), then prints one JSON line with the stats and exits 0.
// Lines on stdin are commands: "job", "clean", "difficulty D", "drop", "reset",
// "reconnect HOST PORT WAIT", "stats" (prints the JSON line now). Exit 2 on bad usage.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>

#include "tests/pool/test_pool.h"
#include "tests/server_program.h"

namespace {

using hashrig::testpool::PoolStats;
using hashrig::testpool::TestPool;
using hashrig::testpool::TestPoolOptions;

struct Settings {
  TestPoolOptions pool;
  long job_interval_ms = 0;
  long clean_every = 0;
  bool ignore_stdin = false;
};

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

constexpr const char* kUsage =
    "usage: hashrig-test-pool [--port N] [--difficulty D] [--extranonce2-size N]\n"
    "         [--ntime-roll S] [--version-mask HEX] [--job-interval-ms MS] [--clean-every N]\n"
    "         [--tls-cert PEM --tls-key PEM] [--ignore-stdin]\n"
    "Prints \"port N\" once listening on 127.0.0.1; runs until SIGTERM/SIGINT or the end of\n"
    "stdin, then prints a JSON summary. stdin commands: job, clean, difficulty D, drop, reset,\n"
    "reconnect HOST PORT WAIT, stats.\n";

long number_arg(const std::string& flag, const std::string& value, long min, long max) {
  std::size_t used = 0;
  long n = 0;
  try {
    n = std::stol(value, &used, 0);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || value.empty() || n < min || n > max) {
    throw UsageError(flag + ": " + value + " is not a number in " + std::to_string(min) + ".." +
                     std::to_string(max));
  }
  return n;
}

Settings parse_args(int argc, char** argv) {
  Settings s;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      std::exit(0);
    }
    if (flag == "--ignore-stdin") {
      s.ignore_stdin = true;
      continue;
    }
    if (i + 1 >= argc) throw UsageError(flag + ": needs a value (or is unknown)");
    const std::string value = argv[++i];
    if (flag == "--port") {
      s.pool.port = std::uint16_t(number_arg(flag, value, 0, 65535));
    } else if (flag == "--difficulty") {
      char* end = nullptr;
      s.pool.difficulty = std::strtod(value.c_str(), &end);
      if (end == value.c_str() || *end != '\0' || !(s.pool.difficulty > 0)) {
        throw UsageError("--difficulty: " + value + " is not a positive number");
      }
    } else if (flag == "--extranonce2-size") {
      s.pool.extranonce2_size = std::uint32_t(number_arg(flag, value, 1, 32));
    } else if (flag == "--ntime-roll") {
      s.pool.ntime_roll = std::uint32_t(number_arg(flag, value, 0, 86400));
    } else if (flag == "--version-mask") {
      s.pool.version_rolling_mask = std::uint32_t(number_arg(flag, "0x" + value, 0, 0x1fffffff));
    } else if (flag == "--job-interval-ms") {
      s.job_interval_ms = number_arg(flag, value, 0, 3600000);
    } else if (flag == "--clean-every") {
      s.clean_every = number_arg(flag, value, 0, 1000000);
    } else if (flag == "--tls-cert") {
      s.pool.tls_cert_pem = value;
    } else if (flag == "--tls-key") {
      s.pool.tls_key_pem = value;
    } else {
      throw UsageError("unknown option " + flag);
    }
  }
  if (s.pool.tls_cert_pem.empty() != s.pool.tls_key_pem.empty()) {
    throw UsageError("--tls-cert and --tls-key go together");
  }
  return s;
}

std::string summary(const PoolStats& stats) {
  nlohmann::json j = {{"accepted", stats.accepted},
                      {"rejected", stats.rejected},
                      {"connections", stats.connections},
                      {"subscribes", stats.subscribes},
                      {"authorizes", stats.authorizes},
                      {"submits", stats.submits.size()},
                      {"notifies_sent", stats.notifies_sent},
                      {"rejected_by_reason", stats.rejected_by_reason},
                      {"last_user_agent", stats.last_user_agent},
                      {"last_user", stats.last_user}};
  return j.dump();
}

// One stdin command; false when unknown.
bool run_command(TestPool& pool, const std::string& line) {
  std::istringstream in(line);
  std::string command;
  in >> command;
  if (command.empty()) return true;
  if (command == "job" || command == "clean") {
    pool.send_job(command == "clean");
  } else if (command == "difficulty") {
    double d = 0;
    if (!(in >> d) || !(d > 0)) return false;
    pool.set_difficulty(d);
  } else if (command == "drop" || command == "reset") {
    pool.drop_connections(command == "reset");
  } else if (command == "reconnect") {
    std::string host;
    int port = 0;
    int wait = 0;
    if (!(in >> host >> port >> wait)) return false;
    pool.send_reconnect(host, std::uint16_t(port), wait);
  } else if (command == "stats") {
    std::cout << summary(pool.stats()) << std::endl;
  } else {
    return false;
  }
  return true;
}

// Serves until a signal or the end of stdin, sending a job every --job-interval-ms.
void serve(TestPool& pool, const Settings& settings, const sigset_t& signals) {
  using clock = std::chrono::steady_clock;
  const auto interval = std::chrono::milliseconds(settings.job_interval_ms);
  auto next_job = clock::now() + interval;
  long jobs = 0;
  hashrig::test::serve_commands(
      {"hashrig-test-pool", !settings.ignore_stdin,
       [&](const std::string& line) { return run_command(pool, line); },
       [&] {
         if (settings.job_interval_ms > 0 && clock::now() >= next_job) {
           ++jobs;
           pool.send_job(settings.clean_every > 0 && jobs % settings.clean_every == 0);
           next_job += interval;
         }
       }},
      signals);
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  try {
    settings = parse_args(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "hashrig-test-pool: " << e.what() << "\n" << kUsage;
    return 2;
  }
  const sigset_t signals = hashrig::test::block_stop_signals();  // before the pool thread starts

  try {
    TestPool pool(settings.pool);
    const std::uint16_t port = pool.start();
    std::cout << "port " << port << std::endl;
    serve(pool, settings, signals);
    pool.stop();
    std::cout << summary(pool.stats()) << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "hashrig-test-pool: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
