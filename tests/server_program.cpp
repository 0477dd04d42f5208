#include "tests/server_program.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <exception>
#include <iostream>

namespace hashrig::test {

sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  return signals;
}

void serve_commands(const CommandLoop& loop, const sigset_t& signals) {
  std::string pending;
  for (;;) {
    pollfd fd{STDIN_FILENO, POLLIN, 0};
    const int ready = ::poll(&fd, loop.read_stdin ? 1 : 0, 20);
    if (ready > 0 && (fd.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      char buffer[4096];
      const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
      if (n <= 0 && !(n < 0 && errno == EINTR)) return;  // stdin closed
      if (n > 0) pending.append(buffer, std::size_t(n));
      for (std::size_t eol; (eol = pending.find('\n')) != std::string::npos;) {
        const std::string line = pending.substr(0, eol);
        pending.erase(0, eol + 1);
        try {
          if (!loop.command(line)) {
            std::cerr << loop.program << ": unknown or malformed command: " << line << "\n";
          }
        } catch (const std::exception& e) {
          std::cerr << loop.program << ": " << line << ": " << e.what() << "\n";
        }
      }
    }
    const timespec no_wait{0, 0};
    if (::sigtimedwait(&signals, nullptr, &no_wait) > 0) return;
    if (loop.tick) loop.tick();
  }
}

}  // namespace hashrig::test
