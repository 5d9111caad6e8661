// The sections a design may override: a new section is its reader (a file of its own here)
// and one line below.
#include "scenario/design_draft.hpp"

namespace statesim::loading {

const std::vector<std::pair<std::string, SectionReader>>& design_sections() {
  static const std::vector<std::pair<std::string, SectionReader>> sections = {
    {"platform", apply_platform},           {"network", apply_network}, {"clients", apply_clients},
    {"load_balancer", apply_load_balancer}, {"servers", apply_servers}, {"sessions", apply_sessions},
    {"autoscale", apply_autoscale},         {"events", apply_events},
    {"realtime", apply_realtime},           {"games", apply_games},
    {"uploads", apply_uploads},             {"effects", apply_effects}};
  return sections;
}

void apply_design_sections(const Section& section, DesignDraft& draft, const LoadContext& context) {
  for (const auto& [key, apply] : design_sections())
    if (const Node* value = section.get(key)) apply(*value, section.path(key), draft, context);
}

}  // namespace statesim::loading
