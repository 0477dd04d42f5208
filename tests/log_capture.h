// LogCapture: a std::ostream that a host::Logger writes to from its threads while a test reads
// what was written (text()) without a data race: every write and every read take one lock. (A
// plain std::ostringstream is only safe to read once the writers have stopped.)
#pragma once

#include <mutex>
#include <ostream>
#include <sstream>
#include <string>

namespace hashrig::test {

class LogCapture : public std::ostream {
 public:
  LogCapture() : std::ostream(&m_buffer) {}
  std::string text() const { return m_buffer.text(); }

 private:
  class Buffer : public std::stringbuf {
   public:
    std::string text() const {
      std::lock_guard lock(m_mutex);
      return str();
    }

   protected:
    std::streamsize xsputn(const char* s, std::streamsize n) override {
      std::lock_guard lock(m_mutex);
      return std::stringbuf::xsputn(s, n);
    }
    int_type overflow(int_type c) override {
      std::lock_guard lock(m_mutex);
      return std::stringbuf::overflow(c);
    }

   private:
    mutable std::recursive_mutex m_mutex;  // xsputn may call overflow
  };

  Buffer m_buffer;
};

}  // namespace hashrig::test
