#include "host/secret_file.h"

#include <sys/stat.h>

#include <cstdio>

namespace hashrig::host {

std::string open_to_others(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  const bool read = st.st_mode & S_IROTH, write = st.st_mode & S_IWOTH;
  if (!read && !write) return "";
  char mode[16];
  std::snprintf(mode, sizeof mode, "%04o", unsigned(st.st_mode & 07777));
  const std::string what = read && write ? "read and change" : read ? "read" : "change";
  return "every user can " + what + " it (mode " + mode + "; chmod o-rwx " + path + ")";
}

}  // namespace hashrig::host
