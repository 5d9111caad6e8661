#include "scenario/platform_xml.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "scenario/message_text.hpp"

namespace statesim {
namespace {

bool starts_with(std::string_view text, std::size_t at, std::string_view prefix) {
  return text.size() - at >= prefix.size() && text.compare(at, prefix.size(), prefix) == 0;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':' ||
         c == '.' || c == '-';
}

// &lt; &gt; &amp; &quot; &apos; &#N; &#xN; decoded; anything else kept as written.
std::string decode_entities(std::string_view value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::size_t end = value[i] == '&' ? value.find(';', i) : std::string_view::npos;
    if (end == std::string_view::npos || end - i > 12) {
      out += value[i];
      continue;
    }
    const std::string_view entity = value.substr(i + 1, end - i - 1);
    std::string decoded;
    if (entity == "lt") decoded = "<";
    else if (entity == "gt") decoded = ">";
    else if (entity == "amp") decoded = "&";
    else if (entity == "quot") decoded = "\"";
    else if (entity == "apos") decoded = "'";
    else if (entity.size() > 1 && entity[0] == '#') {
      const bool hex = entity[1] == 'x' || entity[1] == 'X';
      const std::string_view digits = entity.substr(hex ? 2 : 1);
      std::uint32_t code = 0;
      const auto [ptr, error] = std::from_chars(digits.data(), digits.data() + digits.size(), code, hex ? 16 : 10);
      if (error == std::errc() && ptr == digits.data() + digits.size() && code > 0 && code < 0x80)
        decoded = std::string(1, static_cast<char>(code));
    }
    if (decoded.empty()) {
      out += value[i];
      continue;
    }
    out += decoded;
    i = end;
  }
  return out;
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  PlatformXml scan() {
    while (true) {
      const std::size_t open = text_.find('<', position_);
      if (open == std::string_view::npos) break;
      move_to(open);
      if (starts_with(text_, position_, "<!--")) {
        skip_past("-->", "a comment <!-- is not closed");
      } else if (starts_with(text_, position_, "<![CDATA[")) {
        skip_past("]]>", "a <![CDATA[ section is not closed");
      } else if (starts_with(text_, position_, "<?")) {
        skip_past("?>", "a <? processing instruction is not closed");
      } else if (starts_with(text_, position_, "<!DOCTYPE")) {
        read_doctype();
      } else if (starts_with(text_, position_, "<!")) {
        skip_past(">", "a <! declaration is not closed");
      } else if (starts_with(text_, position_, "</")) {
        skip_past(">", "an end tag is not closed");
        if (depth_ > 0) --depth_;
      } else {
        read_start_tag();
      }
    }
    return std::move(result_);
  }

 private:
  [[noreturn]] void fail(int line, const std::string& message) const { throw PlatformXmlError(line, "", message); }

  // Moves forward to `to`, counting the lines passed.
  void move_to(std::size_t to) {
    line_ += static_cast<int>(std::count(text_.begin() + static_cast<std::ptrdiff_t>(position_),
                                         text_.begin() + static_cast<std::ptrdiff_t>(to), '\n'));
    position_ = to;
  }

  void skip_past(std::string_view end, const char* unclosed) {
    const std::size_t found = text_.find(end, position_);
    if (found == std::string_view::npos) fail(line_, unclosed);
    move_to(found + end.size());
  }

  void read_doctype() {
    const int line = line_;
    std::size_t i = position_ + 9;
    while (i < text_.size() && is_space(text_[i])) ++i;
    const std::size_t name_start = i;
    while (i < text_.size() && is_name_char(text_[i])) ++i;
    result_.doctype_root = std::string(text_.substr(name_start, i - name_start));
    // Quoted identifiers may hold '>' or '['; an internal subset may declare entities.
    char quote = 0;
    for (; i < text_.size(); ++i) {
      const char c = text_[i];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '[') {
        fail(line, "a DOCTYPE with an internal subset (entity declarations) is not supported");
      } else if (c == '>') {
        break;
      }
    }
    if (i >= text_.size()) fail(line, "the <!DOCTYPE declaration is not closed");
    result_.has_doctype = true;
    move_to(i + 1);
  }

  void read_start_tag() {
    XmlElement element;
    element.line = line_;
    element.depth = depth_;
    std::size_t i = position_ + 1;
    const std::size_t name_start = i;
    while (i < text_.size() && is_name_char(text_[i])) ++i;
    element.name = std::string(text_.substr(name_start, i - name_start));
    if (element.name.empty()) fail(line_, "a '<' that starts no tag");
    bool self_closing = false;
    while (true) {
      while (i < text_.size() && is_space(text_[i])) ++i;
      if (i >= text_.size()) fail(element.line, fmt::format("the tag <{}> is not closed", element.name));
      if (text_[i] == '>') break;
      if (text_[i] == '/' && i + 1 < text_.size() && text_[i + 1] == '>') {
        self_closing = true;
        ++i;
        break;
      }
      const std::size_t key_start = i;
      while (i < text_.size() && is_name_char(text_[i])) ++i;
      const std::string key(text_.substr(key_start, i - key_start));
      while (i < text_.size() && is_space(text_[i])) ++i;
      if (key.empty() || i >= text_.size() || text_[i] != '=')
        fail(element.line, fmt::format("the tag <{}> is not well formed", element.name));
      ++i;
      while (i < text_.size() && is_space(text_[i])) ++i;
      if (i >= text_.size() || (text_[i] != '"' && text_[i] != '\''))
        fail(element.line, fmt::format("an attribute of <{}> has no quoted value", element.name));
      const char quote = text_[i];
      const std::size_t value_end = text_.find(quote, i + 1);
      if (value_end == std::string_view::npos)
        fail(element.line, fmt::format("an attribute value of <{}> is not closed", element.name));
      element.attributes[key] = decode_entities(text_.substr(i + 1, value_end - i - 1));
      i = value_end + 1;
    }
    move_to(i + 1);
    result_.elements.push_back(std::move(element));
    if (!self_closing) ++depth_;
  }

  std::string_view text_;
  std::size_t position_ = 0;
  int line_ = 1;
  int depth_ = 0;
  PlatformXml result_;
};

bool is_host_element(const std::string& name) { return name == "host" || name == "peer" || name == "router"; }
bool is_link_element(const std::string& name) { return name == "link" || name == "backbone"; }
bool generates_names(const std::string& name) { return name == "cluster" || name == "cabinet"; }

// Whether `name` is prefix + member + suffix of a <cluster> or <cabinet>.
bool cluster_has_member(const XmlElement& cluster, std::string_view name) {
  const std::string* prefix = cluster.attribute("prefix");
  const std::string* suffix = cluster.attribute("suffix");
  const std::string* radical = cluster.attribute("radical");
  if (radical == nullptr) return false;
  const std::string before = prefix ? *prefix : "";
  const std::string after = suffix ? *suffix : "";
  if (name.size() <= before.size() + after.size() || name.substr(0, before.size()) != before ||
      name.substr(name.size() - after.size()) != after)
    return false;
  const std::string_view digits = name.substr(before.size(), name.size() - before.size() - after.size());
  std::uint64_t number = 0;
  const auto [ptr, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (error != std::errc() || ptr != digits.data() + digits.size()) return false;
  try {
    std::vector<std::uint64_t> members;
    radical_members(*radical, &members, 1'000'000);
    return std::find(members.begin(), members.end(), number) != members.end();
  } catch (const std::invalid_argument&) {
    return false;
  }
}

std::string element_label(const XmlElement& element) {
  if (element.name == "route" && element.attribute("src") && element.attribute("dst"))
    return fmt::format("route {} -> {}", quote_value(*element.attribute("src")), quote_value(*element.attribute("dst")));
  const std::string* id = element.attribute("id");
  if (element.name == "link_ctn" && id != nullptr) return fmt::format("link {}", quote_value(*id));
  if (id == nullptr) return fmt::format("<{}>", element.name);
  return fmt::format("{} {}", element.name, quote_value(*id));
}

[[noreturn]] void refuse(const XmlElement& element, const std::string& message) {
  throw PlatformXmlError(element.line, element_label(element), message);
}

// Attributes that attach a trace file to a host or link, and what the trace would change.
struct TraceAttribute {
  const char* name;
  const char* effect;
};
constexpr TraceAttribute kTraceAttributes[] = {
    {"speed_file", "changes the host's speed during the run"},
    {"availability_file", "changes the host's speed during the run"},
    {"state_file", "turns the host or link off and on during the run (write crashes as scenario events)"},
    {"bandwidth_file", "changes the link's bandwidth during the run"},
    {"latency_file", "changes the link's latency during the run"},
};

void check_element(const XmlElement& element) {
  // SimGrid aborts on a host without a core; a text it cannot read is its own parse error.
  if (const std::string* core = element.attribute("core")) {
    const bool digits = !core->empty() && core->find_first_not_of("0123456789") == std::string::npos;
    if (digits && core->find_first_not_of('0') == std::string::npos)
      refuse(element, fmt::format("core=\"{}\": a host needs at least 1 core", *core));
  }
  for (const TraceAttribute& trace : kTraceAttributes)
    if (element.attribute(trace.name) != nullptr)
      refuse(element, fmt::format("{} is not supported: it {}, behind the scenario's back; remove it", trace.name,
                                  trace.effect));
  const std::string& name = element.name;
  if (name == "trace" || name == "trace_connect")
    refuse(element, fmt::format("<{}> is not supported: traces change hosts and links during the run, behind the "
                                "scenario's back; write changes as scenario events",
                                name));
  if (name == "include")
    refuse(element, "<include> is not supported: write the platform in one file (statesim records its content hash)");
  if (name == "config")
    refuse(element, "<config> is not supported: statesim sets SimGrid's models itself, so that written latencies "
                    "are the latencies simulated");
  if (name == "actor" || name == "process" || name == "argument")
    refuse(element, fmt::format("<{}> belongs in a SimGrid deployment file, not in a platform", name));
}

}  // namespace

const std::string* XmlElement::attribute(const std::string& key) const {
  const auto found = attributes.find(key);
  return found == attributes.end() ? nullptr : &found->second;
}

std::uint64_t radical_members(std::string_view radical, std::vector<std::uint64_t>* listed, std::size_t limit) {
  std::uint64_t total = 0;
  std::size_t start = 0;
  while (start <= radical.size()) {
    std::size_t comma = radical.find(',', start);
    if (comma == std::string_view::npos) comma = radical.size();
    const std::string_view part = radical.substr(start, comma - start);
    const std::size_t dash = part.find('-');
    auto number = [&](std::string_view digits) {
      std::uint64_t value = 0;
      const auto [ptr, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (digits.empty() || error != std::errc() || ptr != digits.data() + digits.size())
        throw std::invalid_argument("not a list of numbers and ranges");
      return value;
    };
    const std::uint64_t low = number(dash == std::string_view::npos ? part : part.substr(0, dash));
    const std::uint64_t high = dash == std::string_view::npos ? low : number(part.substr(dash + 1));
    if (high < low) throw std::invalid_argument("a range goes down");
    const std::uint64_t count = high - low + 1;
    if (count == 0 || total > UINT64_MAX - count) throw std::invalid_argument("too many members");
    total += count;
    if (listed != nullptr)
      for (std::uint64_t member = low; member <= high && listed->size() < limit; ++member) listed->push_back(member);
    start = comma + 1;
  }
  return total;
}

int PlatformXml::line_of_host(std::string_view name) const {
  for (const XmlElement& element : elements)
    if (is_host_element(element.name) && element.attribute("id") && *element.attribute("id") == name)
      return element.line;
  for (const XmlElement& element : elements)
    if (generates_names(element.name) && cluster_has_member(element, name)) return element.line;
  for (const XmlElement& element : elements)
    for (const auto& attribute : element.attributes)
      if (attribute.second == name) return element.line;
  return 0;
}

int PlatformXml::line_of_link(std::string_view name) const {
  for (const XmlElement& element : elements)
    if (is_link_element(element.name) && element.attribute("id") && *element.attribute("id") == name)
      return element.line;
  for (const XmlElement& element : elements)
    for (const auto& attribute : element.attributes)
      if (attribute.second == name) return element.line;
  return 0;
}

std::size_t PlatformXml::host_count() const {
  std::uint64_t count = 0;
  for (const XmlElement& element : elements) {
    if (element.name == "host" || element.name == "peer") {
      ++count;
    } else if (generates_names(element.name) && element.attribute("radical")) {
      try {
        count += radical_members(*element.attribute("radical"), nullptr, 0);
      } catch (const std::invalid_argument&) {
        // SimGrid refuses the radical with its own message
      }
    }
  }
  return static_cast<std::size_t>(std::min<std::uint64_t>(count, SIZE_MAX));
}

double PlatformXml::estimated_bytes() const {
  constexpr double kBytesPerHost = 16e3;  // host, its CPU model and its share of routes
  constexpr double kBytesPerLink = 1e3;
  double bytes = kBytesPerHost * static_cast<double>(host_count());
  // Members of each zone: the elements one level below it that are points of the network.
  std::vector<std::size_t> open_zones;  // indexes into elements, by depth
  std::map<std::size_t, double> members;
  for (std::size_t i = 0; i < elements.size(); ++i) {
    const XmlElement& element = elements[i];
    if (is_link_element(element.name)) bytes += kBytesPerLink;
    while (!open_zones.empty() && elements[open_zones.back()].depth >= element.depth) open_zones.pop_back();
    const bool network_point = is_host_element(element.name) || element.name == "zone" || element.name == "AS" ||
                               generates_names(element.name);
    if (network_point && !open_zones.empty()) members[open_zones.back()] += 1;
    if (element.name == "zone" || element.name == "AS") open_zones.push_back(i);
  }
  for (const auto& [zone, count] : members) {
    const std::string* routing = elements[zone].attribute("routing");
    const std::string kind = routing ? *routing : "";
    // Full: one route pointer per pair; Floyd: cost, predecessor and link tables per pair;
    // Dijkstra with its cache: up to one cached route per pair.
    const double per_pair = kind == "Full" ? 8 : kind == "Floyd" ? 24 : kind.rfind("Dijkstra", 0) == 0 ? 16 : 0;
    bytes += per_pair * count * count;
  }
  return bytes;
}

PlatformXml scan_platform_xml(std::string_view text) { return Scanner(text).scan(); }

void check_platform_xml(const PlatformXml& platform) {
  if (!platform.has_doctype)
    throw PlatformXmlError(platform.elements.empty() ? 1 : platform.elements.front().line, "",
                           "no <!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\"> before the root "
                           "element: SimGrid reads only platform files that declare it");
  if (platform.elements.empty() || platform.elements.front().name != "platform")
    throw PlatformXmlError(platform.elements.empty() ? 1 : platform.elements.front().line, "",
                           "the root element is not <platform>: not a SimGrid platform file");
  std::set<std::string> hosts, links;
  bool generated_names = false;
  for (const XmlElement& element : platform.elements) {
    check_element(element);
    generated_names |= generates_names(element.name);
    const std::string* id = element.attribute("id");
    if (id == nullptr) continue;
    if (is_host_element(element.name) && !hosts.insert(*id).second)
      refuse(element, fmt::format("a second host named {}: each host needs its own name", quote_value(*id)));
    if (is_link_element(element.name) && !links.insert(*id).second)
      refuse(element, fmt::format("a second link named {}: each link needs its own name", quote_value(*id)));
  }
  // Clusters name their hosts and links themselves; without them every name is declared.
  if (generated_names) return;
  for (const XmlElement& element : platform.elements) {
    if (element.name == "link_ctn") {
      const std::string* id = element.attribute("id");
      if (id != nullptr && links.count(*id) == 0)
        refuse(element, fmt::format("the route goes through link {}, which no <link> declares", quote_value(*id)));
    }
    if (element.name == "route") {
      for (const char* end : {"src", "dst"}) {
        const std::string* host = element.attribute(end);
        if (host != nullptr && hosts.count(*host) == 0)
          refuse(element, fmt::format("the route's {} is {}, which no <host> or <router> declares", end,
                                      quote_value(*host)));
      }
    }
  }
}

}  // namespace statesim
