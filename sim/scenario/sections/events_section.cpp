// events: the scenario's timed events, one action each (targets resolved per design).
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "scenario/design_draft.hpp"

namespace statesim::loading {
namespace {

// A deploy's or a stop's drain decides whether sticky memory sessions survive it: its default
// (none) is said, not applied silently. `who`: "each server" or the stopped server's name.
void warn_default_drain(const Node& action, const std::string& path, const std::string& who,
                        const LoadContext& context) {
  if (context.warnings == nullptr) return;
  const std::string warning = fmt::format(
      "{}:{}:{}: {}: no drain given, so drain: 0s ({} stops at once and loses the sessions it holds "
      "in memory); write drain: 0s to say so, or a time such as drain: 30s to let its users finish",
      context.display_name, action.position.line, action.position.column, path, who);
  auto& warnings = *context.warnings;
  if (std::find(warnings.begin(), warnings.end(), warning) == warnings.end()) warnings.push_back(warning);
}

EventDraft read_event(const Node& node, const std::string& path, const LoadContext& context) {
  const std::vector<std::string> actions = kEventActionNames.names();
  std::vector<std::string> keys = {"at"};
  keys.insert(keys.end(), actions.begin(), actions.end());
  const Section section(node, path, keys);
  EventDraft draft;
  const Node& at = section.require("at");
  draft.event.at_s = read_duration(at, section.path("at"), Lowest::zero);
  if (draft.event.at_s > context.duration_s)
    fail_expected(
        at, section.path("at"),
        fmt::format("a time between 0s and the duration ({})", format_duration(context.duration_s)));

  const MapEntry* action = nullptr;
  for (const auto& entry : node.entries) {
    if (entry.key.text == "at") continue;
    if (action != nullptr)
      fail(entry.key.position, section.path(entry.key.text),
           fmt::format("an event has exactly one action, this one already has {}", action->key.text));
    action = &entry;
  }
  if (action == nullptr)
    fail(node.position, path, fmt::format("an event needs one action: {}", join_names(actions)));

  const Node& value = action->value;
  // The Section above admits only "at" and the action names.
  draft.action = *kEventActionNames.parse(action->key.text);
  const std::string action_path = section.path(action->key.text);
  draft.action_origin = origin_of(value, action_path);
  switch (draft.action) {
    case EventActionKind::crash:
    case EventActionKind::restart:
      draft.target = require_scalar(value, action_path, "a server name (app-1, app-2, ...) or store").text;
      // The target is resolved once servers.max of the design is known.
      break;
    case EventActionKind::deploy: {
      const Section deploy(value, action_path, {"batch", "drain"});
      DeployEvent event;
      if (const Node* item = deploy.get("batch")) event.batch = read_int(*item, deploy.path("batch"), 1);
      if (const Node* item = deploy.get("drain"))
        event.drain_s = read_duration(*item, deploy.path("drain"), Lowest::zero);
      else
        warn_default_drain(value, action_path, "each server", context);
      draft.event.action = event;
      break;
    }
    case EventActionKind::scale: {
      const Section scale(value, action_path, {"to", "drain"});
      ScaleEvent event;
      const Node& to = scale.require("to");
      event.to = read_int(to, scale.path("to"), 1);
      draft.scale_to = origin_of(to, scale.path("to"));
      if (const Node* item = scale.get("drain"))
        event.drain_s = read_duration(*item, scale.path("drain"), Lowest::zero);
      draft.event.action = event;
      break;
    }
    case EventActionKind::stop: {
      const Section stop(value, action_path, {"server", "drain"});
      StopEvent event;
      const std::string server_path = stop.path("server");
      const Node& server = stop.require("server");
      draft.target = require_scalar(server, server_path, "a server name (app-1, app-2, ...)").text;
      draft.action_origin = origin_of(server, server_path);  // the server is resolved per design
      if (const Node* item = stop.get("drain"))
        event.drain_s = read_duration(*item, stop.path("drain"), Lowest::zero);
      else
        warn_default_drain(value, action_path, draft.target, context);
      draft.event.action = event;
      break;
    }
    case EventActionKind::revoke:
      draft.event.action = RevokeEvent{read_fraction(value, action_path, Lowest::zero)};
      break;
    case EventActionKind::traffic: {
      const Section traffic(value, action_path, {"arrival_rate", "users", "think_time"});
      if (value.entries.empty())
        fail_expected(value, action_path, "a map with at least one of arrival_rate, users, think_time");
      TrafficEvent event;
      if (const Node* item = traffic.get("arrival_rate")) {
        event.arrival_rate_per_s = read_rate(*item, traffic.path("arrival_rate"), Lowest::zero);
        draft.traffic_arrival_rate = origin_of(*item, traffic.path("arrival_rate"));
      }
      if (const Node* item = traffic.get("users")) {
        event.users = read_integer(*item, traffic.path("users"), 0, std::numeric_limits<std::int64_t>::max());
        draft.traffic_users = origin_of(*item, traffic.path("users"));
      }
      if (const Node* item = traffic.get("think_time"))
        event.think_time_s = read_distribution(*item, traffic.path("think_time"));
      draft.event.action = event;
      break;
    }
  }
  return draft;
}


}  // namespace

void apply_events(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext& context) {
  if (node.kind != Node::Kind::sequence)
    fail_expected(node, path, "a list of events, each a map such as {at: 5m, crash: app-2}");
  if (node.items.size() > context.limits.max_events)
    fail(node.position, path,
         fmt::format("{} events is above the limit of {}", node.items.size(), context.limits.max_events));
  draft.events.clear();
  for (std::size_t i = 0; i < node.items.size(); ++i)
    draft.events.push_back(read_event(node.items[i], item_path(path, i), context));
}

}  // namespace statesim::loading
