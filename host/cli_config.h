// The config file on the command line: -c FILE under the options (the command line wins), and
// `hashrig config --check FILE | --example`.
#pragma once

#include <string>

#include "host/commands.h"
#include "host/config_file.h"

namespace CLI {
class App;
}

namespace hashrig::host {

// Reads FILE and gives each of its values to its command-line option, unless the command line
// gave that option (then the file's key is dropped from the result's keys). Sets
// mine.api_token from api.token unless --api-token-file was given. Throws UsageError.
ConfigOptions overlay_config_file(CLI::App& app, const std::string& path, MineArgs& mine);

// hashrig config --example | --check FILE (the file already overlaid on `mine`).
struct ConfigArgs {
  bool example = false;
  std::optional<std::string> check;
};
int run_config(const ConfigArgs& args, const MineArgs& mine, CliContext& ctx);

}  // namespace hashrig::host
