// Files that hold a secret (the API token file, a config file with api.token in it) must not be
// open to every user of the machine, as ssh holds its keys: a token others can read lets them
// steer the miner, one others can write lets them choose it.
#pragma once

#include <string>

namespace hashrig::host {

// Empty when `path` is closed to other users (or cannot be looked at: reading it will say why);
// else what is wrong and the fix, e.g. "every user can read it (mode 0644; chmod o-rwx FILE)".
std::string open_to_others(const std::string& path);

}  // namespace hashrig::host
