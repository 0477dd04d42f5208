#include "host/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace hashrig::host {

void write_file_atomically(const std::string& path, const std::string& text,
                           const std::string& what) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc | std::ios::binary);
    if (out) out << text;
    out.close();
    if (!out) {
      const int error = errno;
      std::remove(temporary.c_str());
      throw std::runtime_error(what + ": could not write " + temporary + ": " +
                               std::strerror(error));
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    std::remove(temporary.c_str());
    throw std::runtime_error(what + ": could not rename " + temporary + " to " + path + ": " +
                             std::strerror(error));
  }
}

}  // namespace hashrig::host
