// chain_store.h.
#include "tests/node/chain_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace hashrig::testnode {
namespace {

constexpr const char* kChainFile = "chain.json";

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error("testnode: " + what + " " + path + ": " + std::strerror(errno));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot open", path);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

void write_file_atomic(const std::string& path, const std::string& content, unsigned mode) {
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) fail("cannot create", temp);
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      fail("cannot write", temp);
    }
    written += std::size_t(n);
  }
  if (::fchmod(fd, mode) != 0 || ::fsync(fd) != 0) {
    ::close(fd);
    fail("cannot sync", temp);
  }
  ::close(fd);
  if (::rename(temp.c_str(), path.c_str()) != 0) fail("cannot rename onto", path);
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void save_state(const std::string& datadir, const StoredState& state) {
  nlohmann::json mempool = nlohmann::json::array();
  for (const auto& [hex, fee] : state.mempool)
    mempool.push_back({{"hex", hex}, {"fee", fee}});
  const nlohmann::json j = {{"format", 1},
                            {"blocks", state.blocks},
                            {"mempool", mempool},
                            {"mempool_sequence", state.mempool_sequence}};
  write_file_atomic((std::filesystem::path(datadir) / kChainFile).string(), j.dump());
}

std::optional<StoredState> load_state(const std::string& datadir) {
  const std::string path = (std::filesystem::path(datadir) / kChainFile).string();
  if (!std::filesystem::exists(path)) return std::nullopt;
  try {
    const nlohmann::json j = nlohmann::json::parse(read_file(path));
    if (j.at("format").get<int>() != 1) throw std::runtime_error("unknown format");
    StoredState state;
    state.blocks = j.at("blocks").get<std::vector<std::string>>();
    for (const nlohmann::json& tx : j.at("mempool")) {
      state.mempool.emplace_back(tx.at("hex").get<std::string>(), tx.at("fee").get<std::int64_t>());
    }
    state.mempool_sequence = j.at("mempool_sequence").get<std::uint64_t>();
    return state;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("testnode: " + path + " is malformed: " + e.what());
  }
}

std::vector<std::string> read_chain_fixture(const std::string& path, std::int64_t up_to) {
  try {
    const nlohmann::json j = nlohmann::json::parse(read_file(path));
    std::vector<std::string> blocks;
    for (const nlohmann::json& b : j.at("blocks")) {
      const std::int64_t height = b.at("height").get<std::int64_t>();
      if (up_to >= 0 && height > up_to) break;
      if (height != std::int64_t(blocks.size()) + 1) {
        throw std::runtime_error("block heights are not 1, 2, 3, ...");
      }
      blocks.push_back(b.at("hex").get<std::string>());
    }
    if (up_to >= 0 && std::int64_t(blocks.size()) < up_to) {
      throw std::runtime_error("has only " + std::to_string(blocks.size()) + " blocks");
    }
    return blocks;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("testnode: chain file " + path + ": " + e.what());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("testnode: chain file " + path + ": " + e.what());
  }
}

}  // namespace hashrig::testnode
