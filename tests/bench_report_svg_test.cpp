// The chart of `bench --report` on crafted data, read back with libxml2: well-formed and
// self-contained, one bar per result with widths proportional to the rates and labelled with
// format_hashrate, one scaling point per thread count beside the dashed ideal, names escaped.
#include <gtest/gtest.h>

#include <string>

#include "bench/report_svg.h"
#include "host/stats_report.h"
#include "svg_xml.h"

namespace {

using hashrig::bench::report_svg;
using hashrig::bench::ReportChart;
using hashrig::test::attribute;
using hashrig::test::number_attribute;
using hashrig::test::parse_xml;
using hashrig::test::polyline_points;
using hashrig::test::select;
using hashrig::test::text_of;

ReportChart crafted() {
  ReportChart c;
  c.title = "hashrig bench: Test CPU 9000, 8 hardware threads";
  c.subtitle = "2025-01-31 12:00:00 UTC, hashrig 0.1.0, 3 s per run";
  c.bars = {{"scalar, 8 threads", 40e6}, {"shani, 8 threads", 250e6}, {"cuda#0 GPU", 1.5e9}};
  c.scaling_kernel = "shani";
  c.scaling = {{1, 40e6}, {2, 78e6}, {4, 150e6}, {8, 250e6}};
  return c;
}

TEST(ReportSvg, IsWellFormedWithTheMachineInItsTitle) {
  const std::string svg = report_svg(crafted());
  const auto doc = parse_xml(svg);
  ASSERT_NE(doc, nullptr) << svg;
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  EXPECT_STREQ(reinterpret_cast<const char*>(root->name), "svg");
  const auto title = select(doc.get(), "//svg:text[@class='title']");
  ASSERT_EQ(title.size(), 1u);
  EXPECT_EQ(text_of(title[0]), crafted().title);
  const auto subtitle = select(doc.get(), "//svg:text[@class='subtitle']");
  ASSERT_EQ(subtitle.size(), 1u);
  EXPECT_NE(text_of(subtitle[0]).find("2025-01-31"), std::string::npos);
}

TEST(ReportSvg, IsSelfContained) {
  const std::string svg = report_svg(crafted());
  for (const char* outside : {"<script", "href", "url(", "@import", "<style", "@font-face"})
    EXPECT_EQ(svg.find(outside), std::string::npos) << outside;
}

TEST(ReportSvg, OneBarPerResultWithWidthsProportionalToTheRates) {
  const ReportChart chart = crafted();
  const auto doc = parse_xml(report_svg(chart));
  ASSERT_NE(doc, nullptr);
  const auto bars = select(doc.get(), "//svg:rect[@class='bar']");
  ASSERT_EQ(bars.size(), chart.bars.size());
  const double per_hash =
      number_attribute(bars.back(), "width") / chart.bars.back().hashes_per_second;
  ASSERT_GT(per_hash, 0);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    EXPECT_NEAR(number_attribute(bars[i], "width"), chart.bars[i].hashes_per_second * per_hash,
                0.02)
        << chart.bars[i].label;
  }
  const auto values = select(doc.get(), "//svg:text[@class='bar-value']");
  ASSERT_EQ(values.size(), chart.bars.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(text_of(values[i]), hashrig::host::format_hashrate(chart.bars[i].hashes_per_second));
  }
  // The axis under the bars: ticks and the unit of the largest rate (an axis up to 2 GH/s).
  EXPECT_FALSE(select(doc.get(), "//svg:text[.='hashrate (GH/s)']").empty());
}

TEST(ReportSvg, ScalingHasOnePointPerThreadCountBesideTheDashedIdeal) {
  const ReportChart chart = crafted();
  const auto doc = parse_xml(report_svg(chart));
  ASSERT_NE(doc, nullptr);
  const auto measured = select(doc.get(), "//svg:polyline[@class='measured']");
  const auto ideal = select(doc.get(), "//svg:polyline[@class='ideal']");
  ASSERT_EQ(measured.size(), 1u);
  ASSERT_EQ(ideal.size(), 1u);
  const auto m = polyline_points(measured[0]);
  const auto i = polyline_points(ideal[0]);
  ASSERT_EQ(m.size(), chart.scaling.size());
  ASSERT_EQ(i.size(), chart.scaling.size());
  EXPECT_FALSE(attribute(ideal[0], "stroke-dasharray").empty());
  EXPECT_TRUE(attribute(measured[0], "stroke-dasharray").empty());
  EXPECT_EQ(m[0], i[0]);  // at 1 thread, measured is the ideal
  for (std::size_t k = 1; k < m.size(); ++k) {
    EXPECT_GT(m[k].first, m[k - 1].first);  // threads grow to the right
    EXPECT_EQ(m[k].first, i[k].first);
    EXPECT_GE(m[k].second, i[k].second);  // below the ideal (SVG y grows downwards)
  }
  EXPECT_EQ(select(doc.get(), "//svg:circle").size(), chart.scaling.size());
  EXPECT_FALSE(select(doc.get(), "//svg:text[.='threads']").empty());
  EXPECT_FALSE(select(doc.get(), "//svg:text[.='hashrate (MH/s)']").empty());
}

TEST(ReportSvg, NamesAreEscapedAndRoundTrip) {
  ReportChart chart = crafted();
  chart.title = "R&D <lab> \"rig\" 'one'";
  chart.bars = {{"a&b <c>", 1e6}, {"opencl#0 \"x\" & 'y' >", 2e6}};
  chart.scaling_kernel = "k<&>";
  const auto doc = parse_xml(report_svg(chart));
  ASSERT_NE(doc, nullptr);
  const auto title = select(doc.get(), "//svg:text[@class='title']");
  ASSERT_EQ(title.size(), 1u);
  EXPECT_EQ(text_of(title[0]), chart.title);
  const auto labels = select(doc.get(), "//svg:text[@class='bar-label']");
  ASSERT_EQ(labels.size(), 2u);
  EXPECT_EQ(text_of(labels[0]), "a&b <c>");
  EXPECT_EQ(text_of(labels[1]), "opencl#0 \"x\" & 'y' >");
  EXPECT_FALSE(select(doc.get(), "//svg:text[.='Thread scaling: k<&>']").empty());
}

TEST(ReportSvg, BytesXmlCannotHoldBecomeQuestionMarks) {
  ReportChart chart = crafted();
  chart.bars = {{std::string("ctl\x01 bad\xff utf8 \xc3\xa9t\xc3\xa9"), 1e6}};
  const auto doc = parse_xml(report_svg(chart));
  ASSERT_NE(doc, nullptr);
  const auto labels = select(doc.get(), "//svg:text[@class='bar-label']");
  ASSERT_EQ(labels.size(), 1u);
  EXPECT_EQ(text_of(labels[0]), "ctl? bad? utf8 \xc3\xa9t\xc3\xa9");
}

TEST(ReportSvg, ALongLabelIsShortenedAndKeptWhole) {
  ReportChart chart = crafted();
  const std::string name = "opencl#0 " + std::string(80, 'x');
  chart.bars = {{name, 1e6}};
  const auto doc = parse_xml(report_svg(chart));
  ASSERT_NE(doc, nullptr);
  const auto labels = select(doc.get(), "//svg:text[@class='bar-label']");
  ASSERT_EQ(labels.size(), 1u);
  EXPECT_LT(text_of(labels[0]).size(), name.size());
  EXPECT_TRUE(text_of(labels[0]).ends_with("..."));
  const auto tooltip = select(doc.get(), "//svg:rect[@class='bar']/svg:title");
  ASSERT_EQ(tooltip.size(), 1u);
  EXPECT_TRUE(text_of(tooltip[0]).starts_with(name));
}

TEST(ReportSvg, NoDataStillMakesADocument) {
  ReportChart chart;
  chart.title = "empty";
  const auto doc = parse_xml(report_svg(chart));
  ASSERT_NE(doc, nullptr);
  EXPECT_TRUE(select(doc.get(), "//svg:rect[@class='bar']").empty());
  EXPECT_TRUE(select(doc.get(), "//svg:polyline").empty());
  EXPECT_FALSE(select(doc.get(), "//svg:text[.='no results']").empty());
  // Zero rates: no division by zero, bars of width 0.
  chart.bars = {{"idle", 0}};
  chart.scaling = {{1, 0}, {2, 0}};
  const auto zero = parse_xml(report_svg(chart));
  ASSERT_NE(zero, nullptr);
  const auto bars = select(zero.get(), "//svg:rect[@class='bar']");
  ASSERT_EQ(bars.size(), 1u);
  EXPECT_EQ(number_attribute(bars[0], "width"), 0);
  EXPECT_EQ(polyline_points(select(zero.get(), "//svg:polyline[@class='measured']")[0]).size(), 2u);
}

}  // namespace
