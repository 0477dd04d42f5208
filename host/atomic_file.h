// Writing a whole file so that a reader never sees half of it: into PATH.tmp, then a rename.
#pragma once

#include <string>

namespace hashrig::host {

// Throws std::runtime_error "`what`: could not write PATH.tmp: reason" (or rename), leaving no
// temporary file behind.
void write_file_atomically(const std::string& path, const std::string& text,
                           const std::string& what);

}  // namespace hashrig::host
