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
// "reconnect HOST PORT WAIT", "stats" (prints the JSON line now), and these for a hostile pool:
//   raw TEXT            TEXT to every session as it is, after \n \r \\ \xHH escapes
//   garbage N SEED      N random bytes (newlines among them) from the seed
//   bigline N           N bytes of 'a' and no newline
//   trickle MS TEXT     TEXT (escapes as raw) one byte every MS ms, and meanwhile nothing else:
//                       no periodic jobs, no answers to submits
//   never-answer on|off check and record submits but answer none
// Exit 2 on bad usage.
#include <signal.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
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
                      {"open_sessions", stats.open_sessions},
                      {"disconnects", stats.disconnects},
                      {"malformed_lines", stats.malformed_lines},
                      {"rejected_by_reason", stats.rejected_by_reason},
                      {"last_user_agent", stats.last_user_agent},
                      {"last_user", stats.last_user}};
  return j.dump();
}

// A hostile pool's slow sender: one byte of `text` every `every`.
struct Trickle {
  std::string text;
  std::size_t sent = 0;
  std::chrono::milliseconds every{0};
  std::chrono::steady_clock::time_point next;
  bool active() const { return sent < text.size(); }
};

// TEXT with \n, \r, \\ and \xHH decoded; false when an escape is malformed.
bool unescape(const std::string& text, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (++i == text.size()) return false;
    const char c = text[i];
    if (c == 'n') {
      out += '\n';
    } else if (c == 'r') {
      out += '\r';
    } else if (c == '\\') {
      out += '\\';
    } else if (c == 'x' && i + 2 < text.size() && std::isxdigit((unsigned char)text[i + 1]) &&
               std::isxdigit((unsigned char)text[i + 2])) {
      out += char(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      return false;
    }
  }
  return true;
}

// The commands of a hostile pool; false when `command` is none of them or malformed.
bool run_hostile_command(TestPool& pool, Trickle& trickle, const std::string& command,
                         std::istringstream& in) {
  std::string rest;
  if (command == "raw") {
    std::getline(in >> std::ws, rest);
    std::string bytes;
    if (!unescape(rest, bytes)) return false;
    pool.send_raw(bytes);
  } else if (command == "garbage") {
    std::size_t n = 0;
    unsigned seed = 0;
    if (!(in >> n >> seed)) return false;
    std::mt19937 random(seed);
    std::string bytes(n, '\0');
    for (char& c : bytes)
      c = char(random() & 0xff);
    pool.send_raw(bytes);
  } else if (command == "bigline") {
    std::size_t n = 0;
    if (!(in >> n)) return false;
    pool.send_raw(std::string(n, 'a'));
  } else if (command == "trickle") {
    long ms = 0;
    if (!(in >> ms) || ms <= 0) return false;
    std::getline(in >> std::ws, rest);
    if (!unescape(rest, trickle.text)) return false;
    trickle.sent = 0;
    trickle.every = std::chrono::milliseconds(ms);
    trickle.next = std::chrono::steady_clock::now();
    pool.set_never_answer_submits(true);
  } else if (command == "never-answer") {
    in >> rest;
    if (rest != "on" && rest != "off") return false;
    pool.set_never_answer_submits(rest == "on");
  } else {
    return false;
  }
  return true;
}

// One stdin command; false when unknown.
bool run_command(TestPool& pool, Trickle& trickle, const std::string& line) {
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
    return run_hostile_command(pool, trickle, command, in);
  }
  return true;
}

// Serves until a signal or the end of stdin, sending a job every --job-interval-ms.
void serve(TestPool& pool, const Settings& settings, const sigset_t& signals) {
  using clock = std::chrono::steady_clock;
  const auto interval = std::chrono::milliseconds(settings.job_interval_ms);
  auto next_job = clock::now() + interval;
  long jobs = 0;
  Trickle trickle;
  hashrig::test::serve_commands(
      {"hashrig-test-pool", !settings.ignore_stdin,
       [&](const std::string& line) { return run_command(pool, trickle, line); },
       [&] {
         if (trickle.active()) {  // a stuck pool: one byte now and then, and nothing else
           if (clock::now() >= trickle.next) {
             pool.send_raw(trickle.text.substr(trickle.sent++, 1));
             trickle.next += trickle.every;
             if (!trickle.active()) pool.set_never_answer_submits(false);
           }
           next_job = clock::now() + interval;
           return;
         }
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
