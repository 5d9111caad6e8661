// effects: what request kinds with `effect: true` change, and where idempotency keys live
// (part 2 of the format, §4).
#include <fmt/format.h>

#include "scenario/design_draft.hpp"

namespace statesim::loading {

void apply_effects(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext&) {
  const Section section(node, path, {"state", "idempotency", "key_ttl"});
  EffectSpec& effects = draft.design.effects;
  effects.enabled = true;
  if (!draft.effects) draft.effects = origin_of(node, path);
  if (const Node* value = section.get("state")) {
    effects.state = read_choice(*value, section.path("state"), kEffectStateNames);
    draft.effects_state = origin_of(*value, section.path("state"));
  }
  if (const Node* value = section.get("idempotency")) {
    effects.idempotency = read_choice(*value, section.path("idempotency"), kIdempotencyNames);
    draft.effects_idempotency = origin_of(*value, section.path("idempotency"));
  }
  if (const Node* value = section.get("key_ttl"))
    effects.key_ttl_s = read_duration(*value, section.path("key_ttl"), Lowest::above_zero);
}

}  // namespace statesim::loading
