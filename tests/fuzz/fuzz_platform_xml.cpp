// libFuzzer target for the SimGrid-free half of the platform check: the XML scan and the
// pre-check of a platform file, the line lookups and the size estimate. Any input must either
// pass or be refused with a PlatformXmlError whose line lies within the text; anything else (a
// crash, a hang, a sanitizer report, a line outside the file) is a finding.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "scenario/platform_xml.hpp"

namespace {

[[noreturn]] void report_bug(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_platform_xml: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  statesim::PlatformXml platform;
  try {
    platform = statesim::scan_platform_xml(text);
  } catch (const statesim::PlatformXmlError& error) {
    if (error.line < 1 || error.line > lines) report_bug("a scan error's line is outside the text", error.what());
    return 0;
  }
  for (const auto& element : platform.elements)
    if (element.line < 1 || element.line > lines) report_bug("an element's line is outside the text", element.name);
  try {
    statesim::check_platform_xml(platform);
  } catch (const statesim::PlatformXmlError& error) {
    if (error.line < 1 || error.line > lines) report_bug("a refusal's line is outside the text", error.what());
  }
  for (const char* name : {"client", "lb", "store", "app-1", "app-10", "client-link"}) {
    const int host_line = platform.line_of_host(name);
    const int link_line = platform.line_of_link(name);
    if (host_line < 0 || host_line > lines || link_line < 0 || link_line > lines)
      report_bug("a looked-up line is outside the text", name);
  }
  const double bytes = platform.estimated_bytes();
  if (!(bytes >= 0)) report_bug("the size estimate is not a number >= 0", std::to_string(bytes));
  return 0;
}
