// The pool options of the command line (-o/-u/-p, --tls-*, --load-balance) as the Stratum
// client's options. Each -o URL pairs with the -u/-p at the same position; when there are fewer,
// the last one given repeats (a password defaults to "x"). Throws UsageError naming the option.
#pragma once

#include "host/commands.h"
#include "stratum/client.h"

namespace hashrig::host {

stratum::ClientOptions client_options(const MineArgs& args, const std::string& user_agent);

}  // namespace hashrig::host
