// A strict parser of the Prometheus text exposition format (0.0.4), for tests: every line must be
// a well-formed # HELP, # TYPE, other comment, blank line or sample. It checks metric and label
// names against the format's grammar, unescapes label values, reads values (NaN, +Inf, -Inf
// included) and an optional timestamp, and requires each family's TYPE to come once, before its
// samples, with every sample named after its family (histograms and summaries, which hashrig
// does not expose, are refused). Throws std::runtime_error naming the line.
#pragma once

#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace hashrig::test {

struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct PromFamily {
  std::string type;  // counter, gauge, untyped
  std::string help;
  std::vector<PromSample> samples;
};

class PromExposition {
 public:
  std::map<std::string, PromFamily> families;

  const PromFamily& family(const std::string& name) const {
    const auto it = families.find(name);
    if (it == families.end()) throw std::runtime_error("no metric family " + name);
    return it->second;
  }
  // The value of the one sample of `name` whose labels include `labels`.
  double value(const std::string& name,
               const std::map<std::string, std::string>& labels = {}) const {
    std::optional<double> found;
    for (const PromSample& s : family(name).samples) {
      bool match = true;
      for (const auto& [k, v] : labels) {
        const auto it = s.labels.find(k);
        match = match && it != s.labels.end() && it->second == v;
      }
      if (!match) continue;
      if (found) throw std::runtime_error("more than one sample of " + name + " matches");
      found = s.value;
    }
    if (!found) throw std::runtime_error("no sample of " + name + " matches");
    return *found;
  }
};

namespace prom_detail {

inline bool name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
inline bool name_char(char c) {
  return name_start(c) || (c >= '0' && c <= '9');
}

inline std::string take_name(const std::string& line, std::size_t& i, bool label) {
  const std::size_t start = i;
  if (i >= line.size() || !name_start(line[i]) || (label && line[i] == ':'))
    throw std::runtime_error("expected a name at column " + std::to_string(i + 1));
  while (i < line.size() && name_char(line[i]) && !(label && line[i] == ':'))
    ++i;
  return line.substr(start, i - start);
}

inline double take_value(const std::string& text) {
  if (text == "NaN") return std::nan("");
  if (text == "+Inf" || text == "Inf") return HUGE_VAL;
  if (text == "-Inf") return -HUGE_VAL;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || text.find_first_of("xXpP") != std::string::npos)
    throw std::runtime_error("'" + text + "' is not a sample value");
  return v;
}

}  // namespace prom_detail

inline PromExposition parse_prometheus(const std::string& text) {
  using namespace prom_detail;
  PromExposition out;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  if (!text.empty() && text.back() != '\n') throw std::runtime_error("the text must end in \\n");
  while (std::getline(in, line)) {
    ++number;
    const std::string where = "line " + std::to_string(number) + " '" + line + "': ";
    try {
      if (line.empty()) continue;
      if (line[0] == '#') {
        std::istringstream words(line.substr(1));
        std::string keyword, name;
        words >> keyword >> name;
        if (keyword != "HELP" && keyword != "TYPE") continue;  // an ordinary comment
        std::size_t i = 0;
        if (take_name(name, i, false) != name) throw std::runtime_error("bad metric name");
        std::string rest;
        std::getline(words, rest);
        if (!rest.empty() && rest[0] == ' ') rest.erase(0, 1);
        PromFamily& f = out.families[name];
        if (keyword == "TYPE") {
          if (!f.type.empty()) throw std::runtime_error("a second TYPE for " + name);
          if (!f.samples.empty()) throw std::runtime_error("TYPE after samples of " + name);
          if (rest != "counter" && rest != "gauge" && rest != "untyped")
            throw std::runtime_error("unexpected type '" + rest + "'");
          f.type = rest;
        } else {
          if (!f.help.empty()) throw std::runtime_error("a second HELP for " + name);
          f.help = rest;
        }
        continue;
      }
      PromSample s;
      std::size_t i = 0;
      s.name = take_name(line, i, false);
      if (i < line.size() && line[i] == '{') {
        ++i;
        while (i < line.size() && line[i] != '}') {
          const std::string key = take_name(line, i, true);
          if (i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"')
            throw std::runtime_error("expected =\" after label " + key);
          i += 2;
          std::string value;
          for (;; ++i) {
            if (i >= line.size()) throw std::runtime_error("unterminated label value");
            if (line[i] == '"') break;
            if (line[i] == '\\') {
              ++i;
              if (i >= line.size()) throw std::runtime_error("dangling backslash");
              if (line[i] == 'n') {
                value += '\n';
              } else if (line[i] == '\\' || line[i] == '"') {
                value += line[i];
              } else {
                throw std::runtime_error("bad escape \\" + std::string(1, line[i]));
              }
            } else {
              value += line[i];
            }
          }
          ++i;  // the closing quote
          if (!s.labels.emplace(key, value).second) throw std::runtime_error("label twice: " + key);
          if (i < line.size() && line[i] == ',') ++i;
        }
        if (i >= line.size()) throw std::runtime_error("unterminated label set");
        ++i;  // '}'
      }
      if (i >= line.size() || line[i] != ' ') throw std::runtime_error("expected a space");
      std::istringstream rest(line.substr(i + 1));
      std::string value, timestamp, extra;
      rest >> value >> timestamp >> extra;
      if (!extra.empty()) throw std::runtime_error("trailing text");
      s.value = take_value(value);
      if (!timestamp.empty()) take_value(timestamp);
      const auto f = out.families.find(s.name);
      if (f == out.families.end() || f->second.type.empty())
        throw std::runtime_error("sample of " + s.name + " without a TYPE before it");
      for (const PromSample& other : f->second.samples) {
        if (other.labels == s.labels) throw std::runtime_error("duplicate series");
      }
      f->second.samples.push_back(std::move(s));
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(where + e.what());
    }
  }
  return out;
}

}  // namespace hashrig::test
