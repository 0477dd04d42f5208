// The chart of `hashrig bench --report DIR` (DIR/bench.svg): a title with the machine and the date,
// a horizontal bar chart of the hashrate of each kernel and device, and a line chart of the best
// kernel's hashrate over thread counts beside the ideal (1 thread's rate x threads, dashed).
//
// The SVG is self-contained (no scripts, no external fonts, links or styles) and is built from a
// plain struct, so it can be tested on crafted data without running a benchmark. Every text is
// XML-escaped, and bytes that XML cannot hold (control characters, invalid UTF-8) become '?'.
// Elements a test or a script may look for: the bars are <rect class="bar"> (one per bar, in
// order, width proportional to the rate), the measured scaling line is
// <polyline class="measured"> (one point per thread count) and the ideal <polyline class="ideal">.
#pragma once

#include <string>
#include <vector>

namespace hashrig::bench {

struct ReportBar {
  std::string label;             // "shani, 16 threads", "cuda#0 NVIDIA H100 80GB HBM3"
  double hashes_per_second = 0;  // >= 0
};

struct ReportScalingPoint {
  unsigned threads = 0;          // ascending, > 0
  double hashes_per_second = 0;  // >= 0
};

struct ReportChart {
  std::string title;     // "hashrig bench: AMD EPYC 7B13, 16 hardware threads"
  std::string subtitle;  // "2025-01-31 12:00:00 UTC, hashrig 0.1.0"
  std::vector<ReportBar> bars;
  std::string scaling_kernel;  // the kernel whose scaling is drawn
  std::vector<ReportScalingPoint> scaling;
};

// The whole SVG document.
std::string report_svg(const ReportChart& chart);

// `text` made safe for XML character data and attribute values (&, <, >, " and ' escaped;
// control characters and invalid UTF-8 replaced by '?').
std::string xml_escape(const std::string& text);

}  // namespace hashrig::bench
