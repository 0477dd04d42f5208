// The --node options as the node source's options. --node needs --payout and either
// --node-cookie FILE or --node-user with --node-pass; --journal defaults to
// ~/.local/state/hashrig/blocks.sqlite3. Throws UsageError naming the option.
#pragma once

#include "host/commands.h"
#include "host/node_source.h"

namespace hashrig::host {

NodeSourceOptions node_options(const MineArgs& args);

// Whether any node-only option was given (an error without --node).
const char* first_node_only_option(const MineArgs& args);

}  // namespace hashrig::host
