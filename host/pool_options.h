// The pool options as the Stratum client's options: the config file's "pools" and
// "pool_strategy" sections (-c FILE; validated by stratum/pool_config, unknown keys refused), with
// the command line over them: -o/-u/-p replace the file's pools (each -o pairs with the -u/-p at
// its position, the last one repeating; a password defaults to "x"), --tls-* apply to them, and
// --load-balance switches the mode. Throws UsageError naming the option or the key.
#pragma once

#include "host/commands.h"
#include "stratum/client.h"

namespace hashrig::host {

stratum::ClientOptions client_options(const MineArgs& args, const std::string& user_agent);

}  // namespace hashrig::host
