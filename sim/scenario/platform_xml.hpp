// What statesim reads in a SimGrid platform file before SimGrid does: a small, forgiving scan
// of the XML (elements, attributes and the line each element starts on) that refuses, with
// the line, what SimGrid would abort on or what statesim does not model (traces and state
// files change hosts and links behind the scenario's back), finds the line of a host or link
// SimGrid complains about, and sizes the platform before it is loaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace statesim {

// A problem at a line of the platform file; `what` names the element ("host \"app-2\"") or
// is empty when the problem is the file as a whole.
class PlatformXmlError : public std::runtime_error {
 public:
  PlatformXmlError(int line, std::string what, const std::string& message)
      : std::runtime_error(message), line(line), what_element(std::move(what)) {}
  int line;
  std::string what_element;
};

struct XmlElement {
  std::string name;                               // "host", "link", "zone", ...
  std::map<std::string, std::string> attributes;  // entity references decoded
  int line = 1;                                   // where the element's `<` is
  int depth = 0;                                  // 0 for the root element
  const std::string* attribute(const std::string& key) const;
};

struct PlatformXml {
  bool has_doctype = false;
  std::string doctype_root;  // the name after <!DOCTYPE
  std::vector<XmlElement> elements;  // start tags, in file order

  // The line of the element that defines the host or link called `name` (a <host>, <link>,
  // <peer>, <router> or <backbone> with that id, or the <cluster> whose names include it),
  // else of the first place the name appears quoted, else 0.
  int line_of_host(std::string_view name) const;
  int line_of_link(std::string_view name) const;
  // Hosts, peers and cluster members, counted once each.
  std::size_t host_count() const;
  // A rough size of what SimGrid builds for this file: a full or Floyd zone keeps a table of
  // routes per pair of its members (the quadratic part that makes a 30,000-host full zone
  // take ~7 GB), plus a little per host and link.
  double estimated_bytes() const;
};

// Scans the text; throws PlatformXmlError for text that is not XML enough to scan (an
// unterminated comment or tag, a DOCTYPE with an internal subset). Never reads another file.
PlatformXml scan_platform_xml(std::string_view text);

// Refuses what statesim does not run: no DOCTYPE, trace and state files (speed_file,
// state_file, bandwidth_file, latency_file, availability_file), <trace>, <trace_connect>,
// <include>, <config> (statesim sets SimGrid's models itself), actors, a duplicate host or link
// id, and a route through a link that no element declares. Throws PlatformXmlError.
void check_platform_xml(const PlatformXml& platform);

// Members of a <cluster radical="0-3,7">: 0, 1, 2, 3, 7 (at most `limit` are listed); the
// total count is returned even when the list stops at the limit. Throws std::invalid_argument
// for a radical that is not a list of numbers and ranges.
std::uint64_t radical_members(std::string_view radical, std::vector<std::uint64_t>* listed, std::size_t limit);

}  // namespace statesim
