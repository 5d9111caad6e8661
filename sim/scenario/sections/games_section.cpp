// games: real-time game servers, their matches, ticks and snapshots.
#include "scenario/design_draft.hpp"

namespace statesim::loading {

void apply_games(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext&) {
  const Section section(node, path,
                        {"arrival_rate", "players", "match_duration", "tick_rate", "tick_cpu", "tick_bytes",
                         "state", "snapshot_interval", "snapshot_bytes"});
  if (!draft.design.games) draft.design.games.emplace();
  GamesDraft& origins = draft.games;
  if (!origins.section) origins.section = origin_of(node, path);
  GamesSpec& games = *draft.design.games;
  if (const Node* value = section.get("arrival_rate")) {
    games.arrival_rate_per_s = read_rate(*value, section.path("arrival_rate"), Lowest::above_zero);
    origins.arrival_rate = origin_of(*value, section.path("arrival_rate"));
  }
  if (const Node* value = section.get("players"))
    games.players = read_int(*value, section.path("players"), 1);
  if (const Node* value = section.get("match_duration")) {
    games.match_duration_s = read_distribution(*value, section.path("match_duration"));
    origins.match_duration = origin_of(*value, section.path("match_duration"));
  }
  if (const Node* value = section.get("tick_rate"))
    games.tick_rate_per_s = read_rate(*value, section.path("tick_rate"), Lowest::above_zero);
  if (const Node* value = section.get("tick_cpu"))
    games.tick_cpu_s = read_duration(*value, section.path("tick_cpu"), Lowest::zero);
  if (const Node* value = section.get("tick_bytes"))
    games.tick_bytes = read_size(*value, section.path("tick_bytes"));
  if (const Node* value = section.get("state"))
    games.state = read_choice(*value, section.path("state"), kMatchStateNames);
  if (const Node* value = section.get("snapshot_interval"))
    games.snapshot_interval_s = read_duration(*value, section.path("snapshot_interval"), Lowest::above_zero);
  if (const Node* value = section.get("snapshot_bytes"))
    games.snapshot_bytes = read_size(*value, section.path("snapshot_bytes"));
}

}  // namespace statesim::loading
