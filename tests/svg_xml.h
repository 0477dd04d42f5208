// SVG documents read back with a real XML parser (libxml2) for tests: parse (nullptr when the
// text is not well-formed XML), select elements by XPath with the prefix `svg` bound to the SVG
// namespace, and read their attributes and text.
#pragma once

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace hashrig::test {

struct XmlDocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using XmlDoc = std::unique_ptr<xmlDoc, XmlDocFree>;

// No network, no entity expansion: the document must stand alone.
inline XmlDoc parse_xml(const std::string& text) {
  return XmlDoc(xmlReadMemory(text.data(), int(text.size()), "report.svg", nullptr,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
}

inline std::vector<xmlNode*> select(xmlDoc* doc, const std::string& xpath) {
  std::vector<xmlNode*> out;
  xmlXPathContext* context = xmlXPathNewContext(doc);
  xmlXPathRegisterNs(context, BAD_CAST "svg", BAD_CAST "http://www.w3.org/2000/svg");
  xmlXPathObject* result = xmlXPathEvalExpression(BAD_CAST xpath.c_str(), context);
  if (result && result->nodesetval) {
    for (int i = 0; i < result->nodesetval->nodeNr; ++i)
      out.push_back(result->nodesetval->nodeTab[i]);
  }
  xmlXPathFreeObject(result);
  xmlXPathFreeContext(context);
  return out;
}

inline std::string attribute(xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, BAD_CAST name);
  std::string out = value ? reinterpret_cast<const char*>(value) : "";
  xmlFree(value);
  return out;
}

inline double number_attribute(xmlNode* node, const char* name) {
  return std::strtod(attribute(node, name).c_str(), nullptr);
}

inline std::string text_of(xmlNode* node) {
  xmlChar* value = xmlNodeGetContent(node);
  std::string out = value ? reinterpret_cast<const char*>(value) : "";
  xmlFree(value);
  return out;
}

// A polyline's points attribute: "x1,y1 x2,y2 ...".
inline std::vector<std::pair<double, double>> polyline_points(xmlNode* node) {
  std::vector<std::pair<double, double>> out;
  std::istringstream in(attribute(node, "points"));
  double x = 0, y = 0;
  char comma = 0;
  while (in >> x >> comma >> y)
    out.emplace_back(x, y);
  return out;
}

}  // namespace hashrig::test
