// ServerProcess: a test server program (hashrig-test-pool, hashrig-test-node) as a process of its
// own, for tests that signal or kill it: its stdin takes the program's commands, its stdout lines
// ("port N", "block <hash>", JSON) are read with a timeout; with `Stderr::merged` its stderr (a
// program's log) is read the same way. Only stdin, stdout and stderr are passed on to it (never
// the test's listening sockets). It inherits the test's environment, changed by `environment`:
// "NAME=value" sets NAME, a bare "NAME" removes it. The destructor kills it.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace hashrig::test {

class ServerProcess {
 public:
  enum class Stderr { inherited, merged };  // merged: stderr lines come through read_line too
  // `timeout`: how long read_line and wait wait by default.
  ServerProcess(const std::string& binary, std::vector<std::string> args,
                std::chrono::milliseconds timeout = std::chrono::seconds(20),
                Stderr err = Stderr::inherited, const std::vector<std::string>& environment = {})
      : m_timeout(timeout) {
    int in[2];
    int out[2];
    if (::pipe(in) != 0 || ::pipe(out) != 0) throw std::runtime_error("pipe");
    // Room for a busy log the test does not read for a while (64 KiB by default): a program
    // blocked on a full pipe would stall whatever thread was logging.
    ::fcntl(out[0], F_SETPIPE_SZ, 1 << 20);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    if (err == Stderr::merged) posix_spawn_file_actions_adddup2(&actions, out[1], STDERR_FILENO);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    args.insert(args.begin(), binary);
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_strings = environment_with(environment);
    std::vector<char*> envp;
    for (auto& e : env_strings)
      envp.push_back(e.data());
    envp.push_back(nullptr);
    const int rc = posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    ::close(out[1]);
    m_stdin = in[1];
    m_stdout = out[0];
    if (rc != 0) throw std::runtime_error("posix_spawn failed");
  }
  ~ServerProcess() {
    close_stdin();
    if (m_pid > 0) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, nullptr, 0);
    }
    ::close(m_stdout);
  }
  // The next stdout line; empty when none comes within the timeout.
  std::string read_line() { return read_line(m_timeout); }
  std::string read_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (m_out.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd fd{m_stdout, POLLIN, 0};
      if (::poll(&fd, 1, 50) <= 0) continue;
      char buffer[4096];
      const ssize_t n = ::read(m_stdout, buffer, sizeof buffer);
      if (n <= 0) {
        m_eof = true;
        break;
      }
      m_out.append(buffer, std::size_t(n));
    }
    const std::size_t eol = m_out.find('\n');
    if (eol == std::string::npos) {  // at the end, a last line without '\n' is still a line
      if (!m_eof) return {};
      return std::exchange(m_out, std::string());
    }
    std::string line = m_out.substr(0, eol);
    m_out.erase(0, eol + 1);
    return line;
  }
  // Reads lines until one contains `text`; false when none does within the timeout.
  bool wait_for_line(const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + m_timeout;
    for (auto now = std::chrono::steady_clock::now(); now < deadline;
         now = std::chrono::steady_clock::now()) {
      const std::string line =
          read_line(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }
  // Its output has ended (it closed stdout and stderr, or exited) and every line was read.
  bool at_end() const { return m_eof && m_out.empty(); }
  void write(const std::string& text) { (void)!::write(m_stdin, text.data(), text.size()); }
  void close_stdin() {
    if (m_stdin >= 0) ::close(m_stdin);
    m_stdin = -1;
  }
  pid_t pid() const { return m_pid; }
  void signal(int sig) { ::kill(m_pid, sig); }
  // Kills it with `sig` and reaps it; returns once it is gone.
  void kill_and_wait(int sig) {
    if (m_pid <= 0) return;
    ::kill(m_pid, sig);
    ::waitpid(m_pid, nullptr, 0);
    m_pid = -1;
  }
  // The exit status (128 + signal when killed), or -1 when it has not exited within the timeout.
  int wait() { return wait(m_timeout); }
  int wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
        m_pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

 private:
  // This process's environment with `changes` made (see the constructor).
  static std::vector<std::string> environment_with(const std::vector<std::string>& changes) {
    const auto name_of = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
      const std::string entry = *e;
      if (std::none_of(changes.begin(), changes.end(),
                       [&](const std::string& c) { return name_of(c) == name_of(entry); }))
        env.push_back(entry);
    }
    for (const std::string& c : changes)
      if (c.find('=') != std::string::npos) env.push_back(c);
    return env;
  }

  std::chrono::milliseconds m_timeout;
  pid_t m_pid = -1;
  int m_stdin = -1;
  int m_stdout = -1;
  std::string m_out;
  bool m_eof = false;
};

// The port of a "port N" line; throws on anything else.
inline std::uint16_t port_of(const std::string& line) {
  if (line.rfind("port ", 0) != 0) throw std::runtime_error("expected \"port N\", got: " + line);
  return std::uint16_t(std::stoi(line.substr(5)));
}

}  // namespace hashrig::test
