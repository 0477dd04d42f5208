// hashrig kernels [--json]: every CPU kernel, whether this CPU supports it, its self-test result,
// and which one "auto" picks.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "host/commands.h"

namespace hashrig::host {
namespace {

using kernels::cpu::KernelInfo;
using kernels::cpu::SelfTest;

// One table row; the last column is left unpadded.
std::string row(const std::string& name, const char* available, std::string_view selftest,
                const char* note) {
  char line[128];
  std::snprintf(line, sizeof line, "%-8s %-10s %-11s %s", name.c_str(), available,
                std::string(selftest).c_str(), note);
  std::string out = line;
  out.erase(out.find_last_not_of(' ') + 1);
  return out + '\n';
}

void print_text(const kernels::cpu::KernelRegistry& registry, const KernelInfo* best,
                std::ostream& out) {
  out << row("kernel", "available", "selftest", "auto");
  for (const KernelInfo& k : registry.kernels()) {
    out << row(k.name, k.available ? "yes" : "no", to_string(k.selftest), &k == best ? "*" : "");
    if (k.selftest == SelfTest::fail) {
      out << "         self-test failure: " << k.selftest_detail << '\n';
    }
  }
  out << "auto picks: " << (best ? best->name : std::string("none")) << '\n';
}

void print_json(const kernels::cpu::KernelRegistry& registry, const KernelInfo* best,
                std::ostream& out) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::array();
  for (const KernelInfo& k : registry.kernels()) {
    nlohmann::ordered_json j;
    j["name"] = k.name;
    j["available"] = k.available;
    j["selftest"] = std::string(to_string(k.selftest));
    j["auto"] = &k == best;
    if (k.selftest == SelfTest::fail) j["selftest_detail"] = k.selftest_detail;
    doc.push_back(std::move(j));
  }
  out << doc.dump() << '\n';
}

}  // namespace

int run_kernels(const KernelsArgs& args, CliContext& ctx) {
  const kernels::cpu::KernelRegistry& registry = ctx.kernels();
  const KernelInfo* best = registry.fastest();
  if (args.json) {
    print_json(registry, best, ctx.out());
  } else {
    print_text(registry, best, ctx.out());
  }
  return 0;
}

}  // namespace hashrig::host
