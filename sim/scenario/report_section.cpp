#include "scenario/report_section.hpp"

#include <algorithm>

#include "model/summary_fields.hpp"
#include "scenario/schema.hpp"

namespace statesim::loading {

std::vector<std::string> read_report_fields(const Node& node, const std::string& path) {
  const Section section(node, path, {"fields"});
  std::vector<std::string> fields;
  const Node* list = section.get("fields");
  if (list == nullptr) return fields;
  const std::vector<std::string> known = summary_field_names();
  const std::string fields_path = section.path("fields");
  if (list->kind != Node::Kind::sequence)
    fail_expected(*list, fields_path, "a list of summary fields such as [sessions_lost, revoked_accepted]");
  for (std::size_t i = 0; i < list->items.size(); ++i) {
    const Node& item = list->items[i];
    const std::string item_at = item_path(fields_path, i);
    const std::string name = read_text(item, item_at);
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      const std::string suggestion = closest_name(name, known);
      fail(item.position, item_at,
           fmt::format("unknown field {} ({})", quote_value(name),
                       suggestion.empty() ? fmt::format("summary fields: {}", join_names(known))
                                          : fmt::format("did you mean {}?", quote_value(suggestion))));
    }
    if (std::find(fields.begin(), fields.end(), name) != fields.end())
      fail(item.position, item_at, fmt::format("{} is named twice", quote_value(name)));
    fields.push_back(name);
  }
  return fields;
}

}  // namespace statesim::loading
