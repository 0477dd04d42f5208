#include "host/cli_config.h"

#include <CLI/CLI.hpp>

#include "host/usage_error.h"

namespace hashrig::host {

ConfigOptions overlay_config_file(CLI::App& app, const std::string& path, MineArgs& mine) {
  ConfigOptions config = config_options(read_config_file(path), path);
  std::vector<std::pair<std::string, std::string>> applied;
  for (const auto& [option, values] : config.options) {
    CLI::Option* o = app.get_option(option);
    if (o->count() > 0) continue;  // the command line's value wins
    o->add_result(values);
    o->run_callback();
    for (const auto& key : config.keys) {
      if (key.first == option) applied.push_back(key);
    }
  }
  config.keys = std::move(applied);
  mine.config_has_pools = config.has_pools;
  if (config.api_token && !app.get_option("--api-token-file")->count())
    mine.api_token = config.api_token;
  return config;
}

int run_config(const ConfigArgs& args, const MineArgs& mine, CliContext& ctx) {
  if (args.example == bool(args.check))
    throw UsageError("config: give one of --check FILE or --example");
  if (args.example) {
    ctx.out() << example_config();
    return 0;
  }
  check_kernel_name(mine.kernel_option, mine.kernel);
  const std::string summary = check_mine_args(mine);
  ctx.out() << "config " << *args.check << ": valid: " << summary << '\n';
  return 0;
}

}  // namespace hashrig::host
