// PrometheusText: writes the Prometheus text exposition format (version 0.0.4): each family's
// # HELP and # TYPE once, then its samples, label values escaped (\\, \", \n), numbers in the
// shortest form that reads back exactly (NaN, +Inf, -Inf as the format spells them).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace hashrig::host {

class PrometheusText {
 public:
  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  // Starts a family; `type` is "counter" or "gauge". A family's samples follow it.
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, Labels labels, double value);
  void sample(std::string_view name, double value) { sample(name, {}, value); }

  const std::string& text() const { return m_text; }

 private:
  std::string m_text;
};

// "a\"b" for a"b: a label value as the format wants it.
std::string escape_label_value(std::string_view value);
// The shortest decimal that reads back as `value`; "NaN", "+Inf", "-Inf".
std::string format_sample_value(double value);

}  // namespace hashrig::host
