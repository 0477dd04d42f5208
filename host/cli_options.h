// The command line's option groups that live apart from host/cli.cpp: the logging options and
// the mining options (mine, pools, solo mining), declared on a CLI11 app.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "host/cli_context.h"
#include "host/commands.h"

namespace hashrig::host {

// An option whose value lands in a std::optional (absent when not given).
inline CLI::Option* add_optional(CLI::App* app, const std::string& name,
                                 std::optional<std::string>& target, const std::string& help) {
  return app->add_option_function<std::string>(
      name, [&target](const std::string& value) { target = value; }, help);
}

// The global logging options as given.
struct LogArgs {
  std::string level = "info";
  std::string file, max_size = "10M", keep = "5";
  bool syslog = false;
};
void add_log_options(CLI::App& app, LogArgs& a);
// Checks them; throws UsageError naming a bad one and what it allows.
LogSettings log_settings(const CLI::App& app, const LogArgs& a);

// The mining options (all global: `hashrig -o URL ...` mines without the mine subcommand) and the
// mine subcommand itself.
void add_mine_options(CLI::App& app, MineArgs& a);
// Throws UsageError when a mining option was given to a command that does not mine.
void check_mine_only(CLI::App& app);

}  // namespace hashrig::host
