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

// Where the keys of the part-2 sections that checks across keys depend on were written.
struct RealtimeDraft {
  std::optional<Origin> section, users, arrival_rate, connection_duration, ramp_up, backoff, max_backoff;
};
struct GamesDraft {
  std::optional<Origin> section, arrival_rate, match_duration;
};

struct DesignDraft {
  Design design;
  Origin start;  // the map the design comes from (fallback position)
  std::optional<RecordedHash> recorded_sha256;
  std::optional<Origin> servers_count, servers_max, servers_workers;
  std::optional<Origin> arrival_rate, users, relogin_after, ramp_up, start_state, think_time;
  std::optional<Origin> autoscale_min, autoscale_max;
  std::optional<Origin> clients_section;  // the design has a `clients` section (base file or its own)
  RealtimeDraft realtime;
  GamesDraft games;
  std::optional<Origin> requests;
  // Part 2: where each section (and the keys checks across sections need) was written.
  std::optional<Origin> uploads, uploads_arrival_rate, uploads_timeout;
  std::optional<Origin> effects, effects_idempotency, effects_state;
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
void apply_realtime(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext& context);
void apply_games(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext& context);
void apply_uploads(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext& context);
void apply_effects(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext& context);

// The sections a design may override, in the order they are read.
const std::vector<std::pair<std::string, SectionReader>>& design_sections();
void apply_design_sections(const Section& section, DesignDraft& draft, const LoadContext& context);

// The checks across sections, once per design after merging; the design, or a TreeError.
// `explicit_designs`: the design comes from a `designs:` list (not the file alone).
Design finish_design(DesignDraft& draft, bool explicit_designs, const LoadContext& context);

}  // namespace statesim::loading
