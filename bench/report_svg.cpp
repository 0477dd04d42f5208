#include "bench/report_svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "host/stats_report.h"

namespace hashrig::bench {
namespace {

constexpr double kWidth = 900;
constexpr double kMargin = 20;
constexpr double kCharWidth = 7.2;  // a generous advance of a 12 px sans-serif character
constexpr double kMinLabelWidth = 80;
constexpr double kMaxLabelWidth = 300;
constexpr double kValueLabelWidth = 110;  // room after the longest bar for its value
constexpr double kBarHeight = 22;
constexpr double kBarGap = 10;
constexpr double kLinePlotLeft = 90;
constexpr double kLinePlotWidth = 560;
constexpr double kLinePlotHeight = 260;
constexpr const char* kFont = "font-family=\"sans-serif\"";

std::string num(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", v);
  return text;
}

// Ticks from 0 to a round maximum >= `max`, about `target` of them.
struct Axis {
  double max = 1;
  double step = 0.2;
};

Axis nice_axis(double max, int target, bool integers = false) {
  if (!(max > 0) || !std::isfinite(max)) return integers ? Axis{1, 1} : Axis{1, 0.2};
  const double raw = max / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / magnitude;
  double step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude;
  if (integers) step = std::max(1.0, std::round(step));
  return {std::ceil(max / step - 1e-9) * step, step};
}

// The unit axis labels use: the SI prefix that keeps `max` under 1000.
struct Unit {
  double scale = 1;
  const char* name = "H/s";
};

Unit unit_for(double max) {
  static constexpr const char* kNames[] = {"H/s", "kH/s", "MH/s", "GH/s", "TH/s", "PH/s"};
  Unit u;
  for (std::size_t i = 1; i < std::size(kNames) && max / u.scale >= 1000; ++i) {
    u.scale *= 1000;
    u.name = kNames[i];
  }
  return u;
}

std::string tick_label(double value, double scale) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value / scale);
  return text;
}

std::string text_at(double x, double y, const std::string& content, const std::string& attrs) {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" " + attrs + ">" + xml_escape(content) +
         "</text>\n";
}

std::string line_at(double x1, double y1, double x2, double y2, const std::string& attrs) {
  return "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" +
         num(y2) + "\" " + attrs + "/>\n";
}

// The first `max_chars` characters of a UTF-8 string, "..." when cut.
std::string shortened(const std::string& text, std::size_t max_chars) {
  std::vector<std::size_t> starts;  // byte offset of each character
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  if (starts.size() <= max_chars) return text;
  return text.substr(0, starts[max_chars - 3]) + "...";
}

// The tick values 0, step, 2 step, ... up to the axis maximum.
std::vector<double> ticks(const Axis& axis) {
  std::vector<double> out;
  for (int i = 0; i * axis.step <= axis.max * (1 + 1e-9); ++i)
    out.push_back(i * axis.step);
  return out;
}

double rate(double r) {
  return std::isfinite(r) && r > 0 ? r : 0;
}

// The bar chart; returns its height.
double bar_chart(std::string& svg, const std::vector<ReportBar>& bars, double top) {
  svg += text_at(kMargin, top + 16, "Hashrate per kernel and device",
                 std::string(kFont) + " font-size=\"15\" font-weight=\"bold\"");
  top += 32;
  if (bars.empty()) {
    svg += text_at(kMargin, top + 14, "no results", std::string(kFont) + " font-size=\"12\"");
    return 32 + 30;
  }
  std::size_t longest = 0;
  double fastest = 0;
  for (const ReportBar& b : bars) {
    longest = std::max(longest, b.label.size());
    fastest = std::max(fastest, rate(b.hashes_per_second));
  }
  const double label_width =
      std::clamp(double(longest) * kCharWidth, kMinLabelWidth, kMaxLabelWidth);
  const auto max_chars = std::size_t(kMaxLabelWidth / kCharWidth);
  const double left = kMargin + label_width + 10;
  const double width = kWidth - left - kValueLabelWidth - kMargin;
  const Axis axis = nice_axis(fastest, 5);
  const Unit unit = unit_for(axis.max);
  const double plot_height = double(bars.size()) * (kBarHeight + kBarGap) + kBarGap;
  const double bottom = top + plot_height;

  for (const double t : ticks(axis)) {
    const double x = left + t / axis.max * width;
    svg += line_at(x, top, x, bottom, "stroke=\"#e0e0e0\" stroke-width=\"1\"");
    svg += line_at(x, bottom, x, bottom + 5, "stroke=\"#333\" stroke-width=\"1\"");
    svg += text_at(x, bottom + 18, tick_label(t, unit.scale),
                   std::string(kFont) + " font-size=\"11\" text-anchor=\"middle\" fill=\"#333\"");
  }
  svg += line_at(left, top, left, bottom, "stroke=\"#333\" stroke-width=\"1\"");
  svg += line_at(left, bottom, left + width, bottom, "stroke=\"#333\" stroke-width=\"1\"");
  svg += text_at(left + width / 2, bottom + 36, std::string("hashrate (") + unit.name + ")",
                 std::string(kFont) + " font-size=\"12\" text-anchor=\"middle\" fill=\"#333\"");

  double y = top + kBarGap;
  for (const ReportBar& b : bars) {
    const double w = rate(b.hashes_per_second) / axis.max * width;
    svg += "<rect class=\"bar\" x=\"" + num(left) + "\" y=\"" + num(y) + "\" width=\"" + num(w) +
           "\" height=\"" + num(kBarHeight) + "\" fill=\"#4a7fb5\"><title>" + xml_escape(b.label) +
           ": " + host::format_hashrate(rate(b.hashes_per_second)) + "</title></rect>\n";
    svg +=
        text_at(left - 8, y + kBarHeight / 2 + 4, shortened(b.label, max_chars),
                std::string(kFont) + " font-size=\"12\" text-anchor=\"end\" class=\"bar-label\"");
    svg += text_at(left + w + 6, y + kBarHeight / 2 + 4,
                   host::format_hashrate(rate(b.hashes_per_second)),
                   std::string(kFont) + " font-size=\"12\" class=\"bar-value\"");
    y += kBarHeight + kBarGap;
  }
  return 32 + plot_height + 50;
}

std::string points_attr(const std::vector<std::pair<double, double>>& points) {
  std::string out;
  for (const auto& [x, y] : points)
    out += (out.empty() ? "" : " ") + num(x) + "," + num(y);
  return out;
}

// The scaling chart; returns its height.
double scaling_chart(std::string& svg, const ReportChart& chart, double top) {
  svg += text_at(kMargin, top + 16,
                 "Thread scaling" +
                     (chart.scaling_kernel.empty() ? std::string() : ": " + chart.scaling_kernel),
                 std::string(kFont) + " font-size=\"15\" font-weight=\"bold\"");
  top += 32;
  const std::vector<ReportScalingPoint>& points = chart.scaling;
  if (points.empty()) {
    svg += text_at(kMargin, top + 14, "no scaling data", std::string(kFont) + " font-size=\"12\"");
    return 32 + 30;
  }
  // The ideal: the first point's rate per thread, times the threads.
  const double per_thread = rate(points.front().hashes_per_second) / points.front().threads;
  double highest = 0;
  unsigned most_threads = 0;
  for (const ReportScalingPoint& p : points) {
    highest = std::max({highest, rate(p.hashes_per_second), per_thread * p.threads});
    most_threads = std::max(most_threads, p.threads);
  }
  const Axis x_axis = nice_axis(most_threads, 8, true);
  const Axis y_axis = nice_axis(highest, 5);
  const Unit unit = unit_for(y_axis.max);
  const double left = kLinePlotLeft;
  const double bottom = top + kLinePlotHeight;
  const auto x_of = [&](double threads) { return left + threads / x_axis.max * kLinePlotWidth; };
  const auto y_of = [&](double r) { return bottom - r / y_axis.max * kLinePlotHeight; };
  const std::string small = std::string(kFont) + " font-size=\"11\" fill=\"#333\"";

  for (const double t : ticks(y_axis)) {
    svg += line_at(left, y_of(t), left + kLinePlotWidth, y_of(t), "stroke=\"#e0e0e0\"");
    svg += line_at(left - 5, y_of(t), left, y_of(t), "stroke=\"#333\"");
    svg +=
        text_at(left - 8, y_of(t) + 4, tick_label(t, unit.scale), small + " text-anchor=\"end\"");
  }
  for (const double t : ticks(x_axis)) {
    svg += line_at(x_of(t), bottom, x_of(t), bottom + 5, "stroke=\"#333\"");
    svg += text_at(x_of(t), bottom + 18, tick_label(t, 1), small + " text-anchor=\"middle\"");
  }
  svg += line_at(left, top, left, bottom, "stroke=\"#333\"");
  svg += line_at(left, bottom, left + kLinePlotWidth, bottom, "stroke=\"#333\"");
  svg += text_at(left + kLinePlotWidth / 2, bottom + 36, "threads",
                 std::string(kFont) + " font-size=\"12\" text-anchor=\"middle\" fill=\"#333\"");
  const double mid = top + kLinePlotHeight / 2;
  svg += "<text x=\"" + num(kMargin + 6) + "\" y=\"" + num(mid) + "\" transform=\"rotate(-90 " +
         num(kMargin + 6) + " " + num(mid) + ")\" " + kFont +
         " font-size=\"12\" text-anchor=\"middle\" fill=\"#333\">hashrate (" + unit.name +
         ")</text>\n";

  std::vector<std::pair<double, double>> measured, ideal;
  for (const ReportScalingPoint& p : points) {
    measured.emplace_back(x_of(p.threads), y_of(rate(p.hashes_per_second)));
    ideal.emplace_back(x_of(p.threads), y_of(per_thread * p.threads));
  }
  svg += "<polyline class=\"ideal\" points=\"" + points_attr(ideal) +
         "\" fill=\"none\" stroke=\"#888\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n";
  svg += "<polyline class=\"measured\" points=\"" + points_attr(measured) +
         "\" fill=\"none\" stroke=\"#d9662b\" stroke-width=\"2\"/>\n";
  for (std::size_t i = 0; i < points.size(); ++i) {
    const ReportScalingPoint& p = points[i];
    const double efficiency =
        per_thread > 0 ? rate(p.hashes_per_second) / (per_thread * p.threads) : 0;
    svg += "<circle cx=\"" + num(measured[i].first) + "\" cy=\"" + num(measured[i].second) +
           "\" r=\"3.5\" fill=\"#d9662b\"><title>" + std::to_string(p.threads) + " thread" +
           (p.threads == 1 ? "" : "s") + ": " + host::format_hashrate(rate(p.hashes_per_second)) +
           ", " + std::to_string(int(std::lround(efficiency * 100))) +
           "% of ideal</title></circle>\n";
  }

  // Legend, top left inside the plot, and the efficiency at the most threads.
  const double lx = left + 14;
  const double ly = top + 14;
  svg += "<rect x=\"" + num(lx - 8) + "\" y=\"" + num(ly - 10) +
         "\" width=\"230\" height=\"62\" fill=\"#fff\" fill-opacity=\"0.85\" stroke=\"#ccc\"/>\n";
  svg += line_at(lx, ly, lx + 30, ly, "stroke=\"#d9662b\" stroke-width=\"2\"");
  svg += text_at(lx + 38, ly + 4, "measured", small);
  svg += line_at(lx, ly + 20, lx + 30, ly + 20,
                 "stroke=\"#888\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"");
  svg += text_at(lx + 38, ly + 24, "ideal (1 thread x threads)", small);
  const ReportScalingPoint& last = points.back();
  const double last_efficiency =
      per_thread > 0 ? rate(last.hashes_per_second) / (per_thread * last.threads) : 0;
  svg += text_at(lx, ly + 44,
                 "at " + std::to_string(last.threads) + " threads: " +
                     std::to_string(int(std::lround(last_efficiency * 100))) + "% of ideal",
                 small);
  return 32 + kLinePlotHeight + 50;
}

// The length of the UTF-8 sequence starting at text[i] when it is valid XML, else 0.
std::size_t valid_utf8(const std::string& text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') ? 1 : 0;
  std::size_t n = 0;
  unsigned code = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    code = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    code = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    code = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr unsigned kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < kMinimum[n] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF) ||
      code == 0xFFFE || code == 0xFFFF) {
    return 0;
  }
  return n;
}

}  // namespace

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = valid_utf8(text, i);
    if (n == 0) {
      out += '?';
      ++i;
      continue;
    }
    switch (text[i]) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.append(text, i, n);
    }
    i += n;
  }
  return out;
}

std::string report_svg(const ReportChart& chart) {
  std::string body;
  double y = 20;
  // 20 px, smaller for a title (a long CPU model) that would not fit the width otherwise.
  const double title_size = std::clamp(
      (kWidth - 2 * kMargin) / (std::max<double>(1, chart.title.size()) * 0.62), 10.0, 20.0);
  body += text_at(kMargin, y + 16, chart.title,
                  std::string(kFont) + " font-size=\"" + num(title_size) +
                      "\" font-weight=\"bold\" class=\"title\"");
  body += text_at(kMargin, y + 38, chart.subtitle,
                  std::string(kFont) + " font-size=\"13\" fill=\"#555\" class=\"subtitle\"");
  y += 60;
  y += bar_chart(body, chart.bars, y);
  y += scaling_chart(body, chart, y);
  const std::string height = num(y + kMargin);
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
         num(kWidth) + "\" height=\"" + height + "\" viewBox=\"0 0 " + num(kWidth) + " " + height +
         "\">\n<title>" + xml_escape(chart.title) +
         "</title>\n<rect width=\"100%\" height=\"100%\" "
         "fill=\"#fff\"/>\n" +
         body + "</svg>\n";
}

}  // namespace hashrig::bench
