// ProgramCache: compiled OpenCL programs on disk, one file per (platform, device, driver, build
// options, kernel source), named by the SHA-256 of all of them, so a driver update or a kernel
// change never loads a stale binary. Writes are atomic (temporary file, then rename); a file
// that cannot be read or loaded is simply rebuilt.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hashrig::kernels::opencl {

class ProgramCache {
 public:
  // `dir` empty: a cache that holds nothing and stores nothing.
  explicit ProgramCache(std::filesystem::path dir) : m_dir(std::move(dir)) {}

  // The key: every string that decides what the compiler produces.
  static std::string key(const std::vector<std::string_view>& parts);

  std::optional<std::vector<unsigned char>> load(const std::string& key) const;
  // Stores the binary; returns an empty string, or why it could not.
  std::string store(const std::string& key, const std::vector<unsigned char>& binary) const;

  bool enabled() const { return !m_dir.empty(); }
  std::filesystem::path path_for(const std::string& key) const;

 private:
  std::filesystem::path m_dir;
};

}  // namespace hashrig::kernels::opencl
