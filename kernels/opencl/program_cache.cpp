#include "kernels/opencl/program_cache.h"

#include <unistd.h>

#include <fstream>
#include <system_error>

#include "core/bytes.h"
#include "core/sha256.h"

namespace hashrig::kernels::opencl {

std::string ProgramCache::key(const std::vector<std::string_view>& parts) {
  core::Sha256 h;
  for (const std::string_view part : parts) {
    // Length-prefixed so ("ab", "c") and ("a", "bc") differ.
    const std::uint64_t n = part.size();
    std::uint8_t len[8];
    for (int i = 0; i < 8; ++i)
      len[i] = std::uint8_t(n >> (8 * i));
    h.update(len);
    h.update({reinterpret_cast<const std::uint8_t*>(part.data()), part.size()});
  }
  return core::to_hex(h.finish());
}

std::filesystem::path ProgramCache::path_for(const std::string& key) const {
  return m_dir / (key + ".bin");
}

std::optional<std::vector<unsigned char>> ProgramCache::load(const std::string& key) const {
  if (!enabled()) return std::nullopt;
  std::ifstream in(path_for(key), std::ios::binary);
  if (!in) return std::nullopt;
  std::vector<unsigned char> data((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return std::nullopt;
  if (data.empty()) return std::nullopt;
  return data;
}

std::string ProgramCache::store(const std::string& key,
                                const std::vector<unsigned char>& binary) const {
  if (!enabled()) return "no cache directory";
  std::error_code ec;
  std::filesystem::create_directories(m_dir, ec);
  if (ec) return "cannot create " + m_dir.string() + ": " + ec.message();
  const std::filesystem::path final_path = path_for(key);
  std::filesystem::path tmp = final_path;
  tmp += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(binary.data()), std::streamsize(binary.size()));
    out.flush();
    if (!out) {
      std::filesystem::remove(tmp, ec);
      return "cannot write " + tmp.string();
    }
  }
  std::filesystem::rename(tmp, final_path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return "cannot rename into " + final_path.string() + ": " + ec.message();
  }
  return {};
}

}  // namespace hashrig::kernels::opencl
