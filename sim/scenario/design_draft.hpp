// A design while the loader assembles it: the typed values, plus where the keys that checks
// across sections depend on were written; the facts every section reader needs; and the
// sections a design may override, each read by a function of its own (scenario/sections/).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scenario/loader.hpp"
#include "scenario/schema.hpp"

namespace statesim::loading {

struct EventDraft {
  ScheduledEvent event;
  EventActionKind action = EventActionKind::crash;
  Origin action_origin;  // the action's value
  std::string target;    // crash/restart: the name as written
  std::optional<Origin> scale_to, traffic_arrival_rate, traffic_users;
};

// platform.sha256 as written: the platform file's contents when the scenario was resolved.
struct RecordedHash {
  std::string sha256;
  Origin origin;
};

struct DesignDraft {
  Design design;
  Origin start;  // the map the design comes from (fallback position)
  std::optional<RecordedHash> recorded_sha256;
  std::optional<Origin> servers_count, servers_max, servers_workers;
  std::optional<Origin> arrival_rate, users, relogin_after, ramp_up, start_state, think_time;
  std::optional<Origin> autoscale_min, autoscale_max;
  std::optional<Origin> jwt_refresh;  // sessions.jwt.refresh as written (the map)
  std::vector<EventDraft> events;
};

// Scenario-wide facts the section readers need.
struct LoadContext {
  std::string base_dir;
  std::string display_name;  // the file as named in messages
  double duration_s = 0;
  ScenarioLimits limits;
  std::vector<std::string>* warnings = nullptr;  // Scenario::warnings, each once
};

// A section reader applies the keys present in its map over what the draft already holds, so
// that the same function reads the base file and a design's override of it.
using SectionReader = void (*)(const Node&, const std::string&, DesignDraft&, const LoadContext&);

void apply_platform(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext& context);
void apply_network(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext& context);
void apply_clients(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext& context);
void apply_load_balancer(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext& context);
void apply_servers(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext& context);
void apply_sessions(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext& context);
void apply_autoscale(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext& context);
void apply_events(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext& context);

// The sections a design may override, in the order they are read.
const std::vector<std::pair<std::string, SectionReader>>& design_sections();
void apply_design_sections(const Section& section, DesignDraft& draft, const LoadContext& context);

// The checks across sections, once per design after merging; the design, or a TreeError.
// `explicit_designs`: the design comes from a `designs:` list (not the file alone).
Design finish_design(DesignDraft& draft, bool explicit_designs, const LoadContext& context);

}  // namespace statesim::loading
