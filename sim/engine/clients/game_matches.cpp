#include "engine/clients/game_matches.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace statesim::engine {
namespace {

constexpr std::uint64_t kMatchIpBase = 2ull << 40;  // matches' keys for hash policies, apart from users'

}  // namespace

GameMatches::GameMatches(EngineParts& parts)
    : world_(parts.world),
      pool_(parts.pool),
      balancer_(parts.balancer),
      store_host_(parts.store_host),
      spec_(*parts.world.design.games),
      cpu_(parts.world, parts.pool),
      in_progress_(parts.world.recorder, &Bucket::matches_in_progress),
      arrival_rng_(parts.world.stream_key(StreamPurpose::match_arrivals)),
      on_server_(static_cast<std::size_t>(parts.pool.size())) {
  pool_.on_stop([this](int s, CrashReport& report) { server_stopped(s, report); });
  // A draining server waits for its matches to end.
  pool_.add_holder(
      [this](int s) { return static_cast<std::int64_t>(on_server_[static_cast<std::size_t>(s)].size()); });
  pool_.on_probe_round([this] { try_restores(); });
  store_host_.on_up([this] { try_restores(); });
}

void GameMatches::start() { schedule_arrival(); }

void GameMatches::schedule_arrival() {
  world_.clock.schedule(world_.now() + arrival_rng_.exponential(1.0 / spec_.arrival_rate_per_s), [this] {
    arrive();
    schedule_arrival();
  });
}

// A new match is placed where the balancer's policy says; with no server up in rotation there
// it cannot start.
void GameMatches::arrive() {
  const std::uint64_t identity = next_identity_++;
  lb::RouteRequest route;
  route.client_ip = kMatchIpBase + identity;
  route.new_session = true;
  const std::optional<int> server = balancer_.pick(route);
  if (!server || !pool_.serving(*server)) {
    world_.recorder.summary().matches_refused++;
    return;
  }
  const double now = world_.now();
  RandomStream duration(world_.stream_key(StreamPurpose::match_duration, identity));
  const std::uint32_t m = free_matches_.take(matches_);
  Match& match = matches_[m];
  match = Match{};
  match.identity = identity;
  match.run = next_run_++;
  match.progress = MatchProgress(duration.sample(spec_.match_duration_s), now);
  world_.recorder.summary().matches_started++;
  in_progress_.add(now, +1);
  place(m, *server);
  run_from_now(m);
}

void GameMatches::place(std::uint32_t m, int server) {
  Match& match = matches_[m];
  auto& held = on_server_[static_cast<std::size_t>(server)];
  match.server = server;
  match.place_on_server = static_cast<std::uint32_t>(held.size());
  held.push_back(m);
  match.state = State::running;
  balancer_.add_in_flight(server, +1);  // least_connections counts matches
}

void GameMatches::unplace(std::uint32_t m) {
  Match& match = matches_[m];
  auto& held = on_server_[static_cast<std::size_t>(match.server)];
  const std::uint32_t place = match.place_on_server;
  held[place] = held.back();
  matches_[held[place]].place_on_server = place;
  held.pop_back();
  balancer_.add_in_flight(match.server, -1);
  world_.clock.cancel(match.next_tick);
  world_.clock.cancel(match.next_snapshot);
  world_.clock.cancel(match.end);
}

// Ticks, snapshots and the end, from the game time it runs from now.
void GameMatches::run_from_now(std::uint32_t m) {
  Match& match = matches_[m];
  const double now = world_.now();
  match.end = world_.clock.schedule(match.progress.end_at(), [this, m] { complete(m); });
  match.next_tick = world_.clock.schedule(now + 1 / spec_.tick_rate_per_s, [this, m] { tick(m); });
  if (spec_.state == MatchState::snapshot)
    if (const auto at = match.progress.next_snapshot_at(now, spec_.snapshot_interval_s))
      match.next_snapshot = world_.clock.schedule(*at, [this, m] { snapshot(m); });
}

// The server computes the tick, then sends each player the new state.
void GameMatches::tick(std::uint32_t m) {
  Match& match = matches_[m];
  const std::uint32_t run = match.run;
  cpu_.execute(match.server, spec_.tick_cpu_s, [this, m, run](bool finished) {
    if (!finished || !current(m, run) || matches_[m].state != State::running) return;
    for (int p = 0; p < spec_.players; ++p)
      world_.network.transfer(pool_.host(matches_[m].server), world_.platform.client, spec_.tick_bytes,
                              [](bool) {});
  });
  match.next_tick = world_.clock.schedule(world_.now() + 1 / spec_.tick_rate_per_s, [this, m] { tick(m); });
}

// The state goes to the store host: a write of snapshot_bytes (one store operation). The store
// down, or a write still on its way, means no snapshot this time.
void GameMatches::snapshot(std::uint32_t m) {
  Match& match = matches_[m];
  const double now = world_.now();
  if (const auto at = match.progress.next_snapshot_at(now, spec_.snapshot_interval_s))
    match.next_snapshot = world_.clock.schedule(*at, [this, m] { snapshot(m); });
  if (!store_host_.up() || match.writing) return;
  match.writing = true;
  match.writing_game_s = match.progress.game_time(now);
  const std::uint32_t run = match.run;
  world_.network.transfer(pool_.store_side(match.server), store_host_.host(), spec_.snapshot_bytes,
                          [this, m, run](bool finished) {
                            if (!current(m, run)) return;
                            if (!finished || !store_host_.up()) {
                              matches_[m].writing = false;
                              return;
                            }
                            store_host_.execute_part2_operation([this, m, run](bool done) {
                              if (!current(m, run)) return;
                              Match& written = matches_[m];
                              written.writing = false;
                              if (done) written.progress.saved(written.writing_game_s);
                            });
                          });
}

void GameMatches::complete(std::uint32_t m) {
  unplace(m);
  world_.recorder.summary().matches_completed++;
  in_progress_.add(world_.now(), -1);
  retire(m);
}

void GameMatches::retire(std::uint32_t m) {
  Match& match = matches_[m];
  match.state = State::over;
  match.run = next_run_++;  // what is still on its way for it finds it changed
  free_matches_.give_back(m);
}

// ------------------------------------------------------------------------------------ a server stops

void GameMatches::server_stopped(int server, CrashReport& report) {
  const double now = world_.now();
  const bool drain_end = pool_.draining(server);
  const std::vector<std::uint32_t> held = on_server_[static_cast<std::size_t>(server)];
  const auto count = static_cast<std::int64_t>(held.size());
  report.part2.matches_held = count;
  report.part2.matches_lost = spec_.state == MatchState::memory ? count : 0;
  if (held.empty()) return;
  Summary& summary = world_.recorder.summary();
  if (spec_.state == MatchState::memory) {
    for (const std::uint32_t m : held) {
      unplace(m);
      summary.matches_lost++;
      summary.match_progress_lost_s += matches_[m].progress.game_time(now);
      in_progress_.add(now, -1);
      retire(m);
    }
    report.notes.push_back(fmt::format("held {} matches, lost {}", count, count));
    return;
  }
  const auto stop = static_cast<std::uint32_t>(stops_.size());
  stops_.push_back(Stop{server, now, count, 0, 0, 0, 0, {}});
  for (const std::uint32_t m : held) {
    unplace(m);
    Match& match = matches_[m];
    match.progress.stop(now);
    match.state = State::paused;
    match.stopped_at = now;
    match.stop = stop;
    match.failure_noticed = drain_end;  // a planned stop: the balancer knows at once
    paused_.push_back(m);
  }
  report.notes.push_back(fmt::format("held {} matches, {} to restore from snapshots", count, count));
  if (drain_end) world_.clock.schedule(now, [this] { try_restores(); });
}

// Paused matches whose server's failure the balancer has noticed (or that came back without
// it noticing) are restored while the store serves.
void GameMatches::try_restores() {
  if (!store_host_.up()) return;
  std::vector<std::uint32_t> waiting;
  waiting.swap(paused_);
  for (const std::uint32_t m : waiting) {
    Match& match = matches_[m];
    const bool noticed =
        match.failure_noticed || !balancer_.view(match.server).healthy || pool_.serving(match.server);
    if (!noticed) {
      paused_.push_back(m);
      continue;
    }
    match.failure_noticed = true;
    restore(m);
  }
}

// The store reads the snapshot (one operation) and sends it to a server in rotation.
void GameMatches::restore(std::uint32_t m) {
  lb::RouteRequest route;
  route.client_ip = kMatchIpBase + matches_[m].identity;
  route.new_session = true;
  const std::optional<int> target = balancer_.pick(route);
  if (!target || !pool_.serving(*target) || !store_host_.up()) {
    paused_.push_back(m);  // again at the next probe round
    return;
  }
  Match& match = matches_[m];
  match.state = State::restoring;
  match.server = *target;
  // The target counts the match from now on (least_connections spreads the restores).
  balancer_.add_in_flight(*target, +1);
  const std::uint32_t run = match.run;
  const int server = *target;
  store_host_.execute_part2_operation([this, m, run, server](bool read) {
    if (!current(m, run)) return;
    if (!read || !pool_.powered(server)) {
      restore_failed(m);
      return;
    }
    world_.network.transfer(store_host_.host(), pool_.store_side(server), spec_.snapshot_bytes,
                            [this, m, run, server](bool finished) {
                              if (!current(m, run)) return;
                              if (finished && pool_.serving(server)) {
                                resume(m, server);
                              } else {
                                restore_failed(m);
                              }
                            });
  });
}

void GameMatches::restore_failed(std::uint32_t m) {
  Match& match = matches_[m];
  balancer_.add_in_flight(match.server, -1);
  match.state = State::paused;
  paused_.push_back(m);
}

void GameMatches::resume(std::uint32_t m, int server) {
  const double now = world_.now();
  Match& match = matches_[m];
  Stop& stop = stops_[match.stop];
  const double rollback = match.progress.rollback_s();
  const double pause = now - match.stopped_at;
  Summary& summary = world_.recorder.summary();
  summary.matches_migrated++;
  summary.match_progress_lost_s += rollback;
  summary.match_pause_s += pause;
  match.progress.restore(now);
  match.run = next_run_++;
  match.writing = false;
  balancer_.add_in_flight(server, -1);  // counted since the restore began: place() counts it again
  place(m, server);
  run_from_now(m);
  stop.remaining--;
  stop.restored++;
  stop.rollback_sum_s += rollback;
  stop.rollback_max_s = std::max(stop.rollback_max_s, rollback);
  stop.pause_sum_s += pause;
  if (std::find(stop.targets.begin(), stop.targets.end(), server) == stop.targets.end())
    stop.targets.push_back(server);
  if (stop.remaining > 0) return;
  std::sort(stop.targets.begin(), stop.targets.end());
  std::vector<std::string> names;
  for (const int target : stop.targets) names.push_back(server_name(target));
  const double restored = static_cast<double>(stop.restored);
  world_.recorder.add_event(
      now, EventKind::restore, server_name(stop.server), 0,
      fmt::format(
          "{} matches stopped at {:.3f}s run again on {}: rolled back {:.3f}s on average (at most {:.3f}s), "
          "paused {:.3f}s on average",
          stop.restored, stop.at, fmt::join(names, " "), stop.rollback_sum_s / restored, stop.rollback_max_s,
          stop.pause_sum_s / restored));
}

void GameMatches::finish(double end_s) {
  (void)end_s;
  world_.recorder.summary().matches_in_progress = in_progress_.value();
  in_progress_.finish();
}

std::unique_ptr<ClientKind> make_game_matches(EngineParts& parts) {
  if (!parts.world.design.games) return nullptr;
  return std::make_unique<GameMatches>(parts);
}

}  // namespace statesim::engine
