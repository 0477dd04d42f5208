#include <string>

#include "host/cli_options.h"
#include "host/log_file.h"
#include "host/number_parse.h"
#include "host/usage_error.h"

namespace hashrig::host {

void add_log_options(CLI::App& app, LogArgs& a) {
  app.add_option("--log-level", a.level, "error, warning, info (default) or debug")
      ->type_name("LEVEL");
  app.add_option("--log-file", a.file, "log to this file too (no colour), rotated by size")
      ->type_name("FILE");
  app.add_option("--log-max-size", a.max_size,
                 "rotate the log file before it passes this size: N, NK, NM or NG (default 10M)")
      ->type_name("SIZE");
  app.add_option("--log-keep", a.keep,
                 "rotated log files kept, FILE.1 (newest) to FILE.N (default 5)")
      ->type_name("N");
  app.add_flag("--syslog", a.syslog, "log to syslog too (daemon facility, ident hashrig)");
}

LogSettings log_settings(const CLI::App& app, const LogArgs& a) {
  LogSettings log;
  const std::optional<LogLevel> level = parse_log_level(a.level);
  if (!level) {
    throw UsageError("--log-level: unknown level '" + a.level +
                     "' (choose error, warning, info or debug)");
  }
  log.level = *level;
  log.syslog = a.syslog;
  const std::optional<std::uint64_t> size = parse_byte_size(a.max_size);
  if (!size || *size < kMinLogFileSize) {
    throw UsageError("--log-max-size: '" + a.max_size +
                     "' is not a size (use N, NK, NM or NG, at least 64K)");
  }
  const std::uint64_t keep =
      parse_argument("--log-keep", [&] { return parse_unsigned(a.keep, 0, kMaxLogFilesKept); });
  if (app.get_option("--log-file")->count() > 0 && a.file.empty())
    throw UsageError("--log-file: needs a file name");
  if (a.file.empty()) {
    for (const char* name : {"--log-max-size", "--log-keep"}) {
      if (app.get_option(name)->count() > 0)
        throw UsageError(std::string(name) + ": only with --log-file FILE");
    }
    return log;
  }
  log.file = LogFileOptions{a.file, *size, unsigned(keep)};
  return log;
}

}  // namespace hashrig::host
