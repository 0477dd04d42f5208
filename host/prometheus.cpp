#include "host/prometheus.h"

#include <charconv>
#include <cmath>

namespace hashrig::host {

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_sample_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char text[32];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  return ec == std::errc() ? std::string(text, end) : "NaN";
}

void PrometheusText::family(std::string_view name, std::string_view type, std::string_view help) {
  m_text += "# HELP ";
  m_text += name;
  m_text += ' ';
  for (const char c : help) {  // HELP escapes only \ and newline
    if (c == '\\') {
      m_text += "\\\\";
    } else if (c == '\n') {
      m_text += "\\n";
    } else {
      m_text += c;
    }
  }
  m_text += "\n# TYPE ";
  m_text += name;
  m_text += ' ';
  m_text += type;
  m_text += '\n';
}

void PrometheusText::sample(std::string_view name, Labels labels, double value) {
  m_text += name;
  if (labels.size() != 0) {
    m_text += '{';
    bool first = true;
    for (const auto& [key, text] : labels) {
      if (!first) m_text += ',';
      first = false;
      m_text += key;
      m_text += "=\"";
      m_text += escape_label_value(text);
      m_text += '"';
    }
    m_text += '}';
  }
  m_text += ' ';
  m_text += format_sample_value(value);
  m_text += '\n';
}

}  // namespace hashrig::host
