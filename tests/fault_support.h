// The fault-injection suite's pieces: the test pool and the test node as processes of their own,
// steered through their stdin; hashrig's log kept whole so a test can look back in it; polling
// with a hang guard; the rejoin times a test measures, printed for the record.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "server_process.h"
#include "test_support.h"

namespace hashrig::test {

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// hashrig-test-pool in a process of its own: stdin commands (see test_pool_main.cpp), its stats.
class PoolProcess {
 public:
  // `port` 0: any free port; otherwise that one (a restart on the port of a killed pool).
  explicit PoolProcess(std::vector<std::string> options, std::uint16_t port = 0)
      : m_process(HASHRIG_TEST_POOL_BINARY, with_port(std::move(options), port)),
        m_port(port_of(m_process.read_line())) {}

  std::uint16_t port() const { return m_port; }
  std::string url() const { return "stratum+tcp://127.0.0.1:" + std::to_string(m_port); }
  void command(const std::string& line) { m_process.write(line + "\n"); }
  nlohmann::json stats() {
    command("stats");
    const std::string line = m_process.read_line();
    return line.empty() ? nlohmann::json::object() : nlohmann::json::parse(line);
  }
  std::uint64_t stat(const char* name) { return stats().value(name, std::uint64_t(0)); }
  void kill() { m_process.kill_and_wait(SIGKILL); }

 private:
  static std::vector<std::string> with_port(std::vector<std::string> options, std::uint16_t port) {
    if (port != 0) {
      options.push_back("--port");
      options.push_back(std::to_string(port));
    }
    return options;
  }

  ServerProcess m_process;
  std::uint16_t m_port;
};

// A program's log (its merged stdout and stderr), every line kept, so a test can ask whether
// something was said since a mark without losing what it read past.
class LogBook {
 public:
  explicit LogBook(ServerProcess& process) : m_process(process) {}

  std::size_t mark() {
    drain();
    return m_lines.size();
  }
  // Whether a line from `from` on contains `text`, waiting up to `limit` for it.
  bool wait_for(const std::string& text, std::chrono::milliseconds limit, std::size_t from = 0) {
    return within(limit, [&] {
      drain();
      return std::any_of(m_lines.begin() + std::ptrdiff_t(std::min(from, m_lines.size())),
                         m_lines.end(),
                         [&](const std::string& l) { return l.find(text) != std::string::npos; });
    });
  }
  std::string text() {
    drain();
    std::string out;
    for (const std::string& l : m_lines)
      out += l + "\n";
    return out;
  }

 private:
  void drain() {  // each read waits at most one 50 ms poll for more
    for (std::string line = m_process.read_line(std::chrono::milliseconds(1)); !line.empty();
         line = m_process.read_line(std::chrono::milliseconds(1)))
      m_lines.push_back(std::move(line));
  }

  ServerProcess& m_process;
  std::vector<std::string> m_lines;
};

// Times measured by a test, printed as one line ("rejoin after a kill: n 20, max 1.31 s, ...").
inline void report_times(const std::string& what, std::vector<double> seconds) {
  if (seconds.empty()) return;
  std::sort(seconds.begin(), seconds.end());
  double sum = 0;
  for (const double s : seconds)
    sum += s;
  std::cout << "[fault] " << what << ": n " << seconds.size() << ", median "
            << seconds[seconds.size() / 2] << " s, mean " << sum / double(seconds.size())
            << " s, max " << seconds.back() << " s" << std::endl;
}

}  // namespace hashrig::test
