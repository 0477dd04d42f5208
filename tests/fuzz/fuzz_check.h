// What a fuzz target asserts besides "no crash, no sanitizer report": a property every input must
// keep. A broken property aborts, which libFuzzer records as a crash with the input that broke it.
//
// Exceptions: each target catches the refusals its code promises (core::ParseError and the
// other std::invalid_argument, host::UsageError, ApiError inside the router). Anything else
// escaping LLVMFuzzerTestOneInput (a nlohmann type_error, std::out_of_range, ...) terminates the
// process: a parser that throws what it did not promise is a bug the program would not survive.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

#define FUZZ_CHECK(cond)                                                               \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                    \
    }                                                                                  \
  } while (0)

namespace hashrig::fuzz {

inline std::string_view text_of(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace hashrig::fuzz
