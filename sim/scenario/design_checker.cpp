// Checks across sections, once per design after merging: servers, workload, autoscaler and
// events against each other, each failure pointing at the key responsible.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <variant>

#include "model/run_estimate.hpp"
#include "scenario/design_draft.hpp"
#include "scenario/pool_timeline.hpp"
#include "scenario/units.hpp"

namespace statesim::loading {
namespace {

class DesignChecker {
 public:
  DesignChecker(DesignDraft& draft, bool explicit_designs, const LoadContext& context)
      : draft_(draft), design_(draft.design), explicit_designs_(explicit_designs), context_(context) {}

  Design finish() {
    check_servers();
    check_part2();
    check_workload();
    check_uploads();
    check_effects();
    check_autoscale();
    check_refresh_tokens();
    check_events();
    check_platform_hash();
    check_zero_time_loop();
    return std::move(design_);
  }

 private:
  DesignDraft& draft_;
  Design& design_;
  bool explicit_designs_;
  const LoadContext& context_;

  // A key written in the base file may be wrong only for one design: say which.
  [[noreturn]] void fail_at(const Origin& origin, const std::string& message) const {
    const bool in_this_design = origin.path.rfind("designs[", 0) == 0;
    if (explicit_designs_ && !in_this_design)
      fail(origin.position, origin.path,
           fmt::format("{} (in design {})", message, quote_value(design_.name)));
    fail(origin.position, origin.path, message);
  }

  const Origin& origin_or_start(const std::optional<Origin>& origin) const {
    return origin ? *origin : draft_.start;
  }

  void check_servers() {
    ServerSpec& servers = design_.servers;
    if (!draft_.servers_max) {
      servers.max = servers.count;
    } else if (servers.max < servers.count) {
      fail_at(*draft_.servers_max, fmt::format("expected a whole number >= servers.count ({}), got {}",
                                               servers.count, servers.max));
    }
    if (servers.max > context_.limits.max_servers)
      fail_at(origin_or_start(draft_.servers_max ? draft_.servers_max : draft_.servers_count),
              fmt::format("{} servers is above the limit of {}", servers.max, context_.limits.max_servers));
    if (!draft_.servers_workers) servers.workers = servers.cores;
  }

  // A scenario may leave the web visitors out when another population (uploads) is there;
  // without either, the clients section's defaults apply as they always have.
  void check_workload() {
    ClientSpec& clients = design_.clients;
    if (!clients.present) return;
    if (draft_.users && draft_.arrival_rate)
      fail_at(*draft_.users, fmt::format("cannot be combined with clients.arrival_rate (line {}): give "
                                         "arrival_rate for an open workload or users for a closed one",
                                         draft_.arrival_rate->position.line));
    clients.workload = draft_.users ? Workload::closed : Workload::open;
    if (clients.workload == Workload::open) {
      for (const auto* closed_only : {&draft_.relogin_after, &draft_.ramp_up})
        if (*closed_only)
          fail_at(**closed_only,
                  "applies only to a closed workload (clients.users), this design has an open "
                  "one (clients.arrival_rate)");
      check_open_sessions(clients.arrival_rate_per_s, origin_or_start(draft_.arrival_rate));
    } else {
      check_users(clients.users, *draft_.users);
    }
    if (clients.start == StartState::steady_state && clients.ramp_up_s > 0 && draft_.ramp_up)
      fail_at(*draft_.ramp_up,
              fmt::format("a run that starts in steady state (clients.start, line {}) has no ramp-up: remove "
                          "one of them",
                          draft_.start_state ? draft_.start_state->position.line : draft_.ramp_up->position.line));
  }

  // Part 2's populations; a design with one of them may go without web visitors.
  void check_part2() {
    // No clients section beside another population: no web visitors (a file with none keeps part
    // 1's default clients).
    design_.clients.present =
        draft_.clients_section.has_value() || !(design_.realtime || design_.games || design_.uploads.enabled);
    if (design_.realtime) check_realtime();
    if (design_.games) check_games();
  }

  void check_realtime() {
    RealtimeSpec& realtime = *design_.realtime;
    const RealtimeDraft& origins = draft_.realtime;
    if (origins.users && origins.arrival_rate)
      fail_at(*origins.users, fmt::format("cannot be combined with realtime.arrival_rate (line {}): give users for a "
                                          "population that stays connected or arrival_rate for users who come and go",
                                          origins.arrival_rate->position.line));
    if (!origins.users && !origins.arrival_rate)
      fail_at(*origins.section,
              "needs users (a population that stays connected) or arrival_rate (users who connect, then close)");
    realtime.workload = origins.users ? Workload::closed : Workload::open;
    if (realtime.workload == Workload::closed) {
      if (origins.connection_duration)
        fail_at(*origins.connection_duration,
                "applies only to users who come and go (realtime.arrival_rate), this design has a population that "
                "stays connected (realtime.users)");
      check_users(realtime.users, *origins.users);
    } else {
      if (origins.ramp_up)
        fail_at(*origins.ramp_up,
                "applies only to a population that stays connected (realtime.users), this design has users who come "
                "and go (realtime.arrival_rate)");
      check_open_sessions(realtime.arrival_rate_per_s, *origins.arrival_rate, "users");
    }
    const ReconnectSpec& reconnect = realtime.reconnect;
    if (reconnect.max_backoff_s < reconnect.backoff_s)
      fail_at(origin_or_start(origins.max_backoff ? origins.max_backoff : origins.backoff),
              fmt::format("reconnect.max_backoff ({}) is below reconnect.backoff ({}): the cap must be at least the "
                          "first wait",
                          format_duration(reconnect.max_backoff_s), format_duration(reconnect.backoff_s)));
  }

  void check_games() {
    const GamesSpec& games = *design_.games;
    const GamesDraft& origins = draft_.games;
    if (!origins.arrival_rate) fail_at(*origins.section, "needs arrival_rate (new matches per second)");
    if (games.match_duration_s.mean() <= 0)
      fail_at(*origins.match_duration, "a match must last: expected a distribution with a mean above 0");
    check_open_sessions(games.arrival_rate_per_s, *origins.arrival_rate, "matches");
  }

  void check_open_sessions(double rate, const Origin& origin, const char* what = "sessions") const {
    const double sessions = rate * context_.duration_s;
    if (sessions > context_.limits.max_open_sessions)
      fail_at(origin,
              fmt::format("{} over {} is {:.0f} {}, above the limit of {:.0f}", format_rate(rate),
                          format_duration(context_.duration_s), sessions, what, context_.limits.max_open_sessions));
  }

  void check_users(std::int64_t users, const Origin& origin) const {
    if (users > context_.limits.max_users)
      fail_at(origin, fmt::format("{} users is above the limit of {}", users, context_.limits.max_users));
  }

  void check_uploads() const {
    const UploadSpec& uploads = design_.uploads;
    if (!uploads.enabled) return;
    const Origin& rate = draft_.uploads_arrival_rate ? *draft_.uploads_arrival_rate : *draft_.uploads;
    const double started = uploads.arrival_rate_per_s * context_.duration_s;
    if (started > context_.limits.max_open_sessions)
      fail_at(rate, fmt::format("{} over {} is {:.0f} uploads, above the limit of {:.0f}",
                                format_rate(uploads.arrival_rate_per_s), format_duration(context_.duration_s), started,
                                context_.limits.max_open_sessions));
    // On the built-in platform a chunk's round trip is known now: one that can never beat the
    // timeout would make every upload fail, which is a mistake in the file, not a result.
    if (!design_.platform_file.empty() || uploads.mode == UploadMode::presigned) return;
    const bool fixed_size = uploads.size_B.kind == Distribution::Kind::constant;
    const double chunk = fixed_size ? std::min(uploads.chunk_B, std::max(std::ceil(uploads.size_B.a), 1.0))
                                    : uploads.chunk_B;
    const NetworkSpec& network = design_.network;
    const double round_trip = chunk / std::min(uploads.client_bandwidth_Bps, network.bandwidth_Bps) +
                              2 * (network.client_latency_s + network.internal_latency_s) + uploads.chunk_cpu_s;
    if (round_trip >= uploads.timeout_s)
      fail_at(draft_.uploads_timeout ? *draft_.uploads_timeout : *draft_.uploads,
              fmt::format("a chunk of {} takes at least {:g}s at client_bandwidth {} (with the round trip and "
                          "chunk_cpu), not less than uploads.timeout ({}): every chunk would time out; raise the "
                          "timeout or make chunks smaller",
                          format_size(chunk), round_trip, format_bandwidth(uploads.client_bandwidth_Bps),
                          format_duration(uploads.timeout_s)));
  }

  void check_effects() {
    EffectSpec& effects = design_.effects;
    const ClientSpec& clients = design_.clients;
    const bool effect_kinds = clients.present && std::any_of(clients.requests.begin(), clients.requests.end(),
                                                             [](const RequestKind& kind) { return kind.effect; });
    if (effect_kinds) effects.enabled = true;
    if (!effects.enabled) return;
    if (!clients.present)
      fail_at(*draft_.effects,
              "effects are applied by the web visitors' requests with effect: true, and this design has no "
              "clients section");
    if (!effect_kinds)
      add_warning(fmt::format("{}:{}:{}: {}: no request kind of design {} has effect: true, so nothing is applied: "
                              "mark the kinds that change something (clients.requests[i].effect: true)",
                              context_.display_name, draft_.effects->position.line, draft_.effects->position.column,
                              draft_.effects->path, quote_value(design_.name)));
    const StoreKind store = design_.sessions.store;
    const bool store_for_keys =
        effects.state == EffectState::database || store == StoreKind::redis || store == StoreKind::database;
    if (effects.idempotency == Idempotency::store && !store_for_keys)
      fail_at(draft_.effects_idempotency ? *draft_.effects_idempotency : *draft_.effects,
              fmt::format("store keeps its keys in the effects' database (effects.state: database) or in the "
                          "session store (redis or database), and this design has neither (effects.state: memory, "
                          "sessions.store: {}): choose where the keys live",
                          kStoreKindNames.name(store)));
  }

  // A refresh token that dies before the access token it renews would renew nothing; and a
  // client refreshes a token with less than its timeout left, so an access token that lives no
  // longer than the timeout would be refreshed before every page, for ever.
  void check_refresh_tokens() const {
    const JwtSpec& jwt = design_.sessions.jwt;
    if (design_.sessions.store != StoreKind::jwt || !jwt.refresh.enabled) return;
    if (jwt.refresh.expiry_s <= jwt.expiry_s)
      fail_at(origin_or_start(draft_.jwt_refresh),
              fmt::format("expiry {} is not longer than the access token's (sessions.jwt.expiry: {}): a refresh "
                          "token must outlive the access tokens it renews",
                          format_duration(jwt.refresh.expiry_s), format_duration(jwt.expiry_s)));
    if (jwt.expiry_s <= design_.clients.timeout_s)
      fail_at(origin_or_start(draft_.jwt_refresh),
              fmt::format("needs an access token that outlives clients.timeout ({}), got sessions.jwt.expiry: {}: "
                          "a client refreshes a token with less than its timeout left, so it would refresh "
                          "before every page",
                          format_duration(design_.clients.timeout_s), format_duration(jwt.expiry_s)));
  }

  void check_autoscale() {
    AutoscaleSpec& autoscale = design_.autoscale;
    if (!autoscale.enabled) return;
    const int pool = design_.servers.max;
    // Unwritten bounds follow the pool, so a bare `autoscale: {}` fits a small one.
    if (!draft_.autoscale_max) {
      autoscale.max = std::min(autoscale.max, pool);
    } else if (autoscale.max > pool) {
      fail_at(
          *draft_.autoscale_max,
          fmt::format("expected at most servers.max ({}), got {}: the autoscaler starts hosts of the pool, "
                      "raise servers.max",
                      pool, autoscale.max));
    }
    if (!draft_.autoscale_min) {
      autoscale.min = std::min(autoscale.min, autoscale.max);
    } else if (autoscale.min > autoscale.max) {
      fail_at(*draft_.autoscale_min,
              fmt::format("expected at most autoscale.max ({}), got {}", autoscale.max, autoscale.min));
    }
  }

  // On the built-in platform a loop that takes no simulated time is known now; a platform
  // file's routes are known once SimGrid has loaded it (cli/preflight.cpp).
  void check_zero_time_loop() const {
    if (!design_.platform_file.empty() || !design_.clients.present) return;
    const std::optional<ZeroTimeLoop> loop = zero_time_loop(design_, builtin_platform_cost(design_));
    if (!loop) return;
    switch (loop->cause) {
      case ZeroTimeLoop::Cause::think_time:
        fail_at(origin_or_start(draft_.think_time), loop->message);
      case ZeroTimeLoop::Cause::traffic_think_time:
        fail_at(draft_.events.at(loop->event).action_origin, loop->message);
      case ZeroTimeLoop::Cause::relogin_after:
        fail_at(origin_or_start(draft_.relogin_after), loop->message);
    }
  }

  // A resolved scenario records its platform file's hash: a file edited since then runs, but
  // the run does not reproduce the one the scenario came from.
  void check_platform_hash() const {
    if (!draft_.recorded_sha256 || draft_.recorded_sha256->sha256 == design_.platform_sha256) return;
    const RecordedHash& recorded = *draft_.recorded_sha256;
    const std::string warning = fmt::format(
        "{}:{}:{}: {}: {} has changed since this scenario was written (sha256 {}, now {}): the run will not "
        "reproduce the one it records",
        context_.display_name, recorded.origin.position.line, recorded.origin.position.column, recorded.origin.path,
        design_.platform_file, recorded.sha256.substr(0, 12), design_.platform_sha256.substr(0, 12));
    add_warning(warning);
  }

  // "app-3" -> 2, "store" -> StoreTarget, or an error naming the valid range.
  EventTarget resolve_target(const EventDraft& event) const {
    if (event.target == "store") return StoreTarget{};
    const int pool = design_.servers.max;
    const std::string& name = event.target;
    constexpr std::string_view kPrefix = "app-";
    if (name.rfind(kPrefix, 0) == 0 && name.size() > kPrefix.size() && name[kPrefix.size()] != '0' &&
        name.size() - kPrefix.size() <= 6 &&
        std::all_of(name.begin() + kPrefix.size(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      const int number = std::stoi(name.substr(kPrefix.size()));
      if (number <= pool) return number - 1;
    }
    fail_at(event.action_origin,
            fmt::format("expected a server app-1 .. app-{} (servers.max is {}){}, got {}", pool, pool,
                        event.action == EventActionKind::stop ? "" : " or store", quote_value(name)));
  }

  // An event on a server no event has started by its time; `consequence` says why that is wrong.
  void refuse_never_started(const EventDraft& event, const PoolTimeline& pool, int index,
                            std::string_view consequence) const {
    if (!pool.never_started(index)) return;
    fail_at(event.action_origin,
            fmt::format("{} is not running at {}: no event starts it before then (servers.count is {}){}",
                        event.target, format_duration(event.event.at_s), design_.servers.count, consequence));
  }

  // A crash of a server that was never started does nothing, and a restart of a server that
  // left the pool powers a host the balancer never sends anything to again: both are refused
  // when certain, and a restart is flagged when a drain or the autoscaler makes it uncertain.
  void check_in_pool(const EventDraft& event, const PoolTimeline& pool, int index) const {
    const std::string when = format_duration(event.event.at_s);
    refuse_never_started(event, pool, index, "; a crash of a stopped server does nothing");
    if (event.action != EventActionKind::restart) return;
    const PoolTimeline::Membership membership = pool.membership(index);
    if (membership == PoolTimeline::Membership::out)
      fail_at(event.action_origin,
              fmt::format("{} has left the pool by {} (a scale event drained it): a restart would power the host "
                          "but the balancer would never use it again; scale out to bring servers back",
                          event.target, when));
    if (membership == PoolTimeline::Membership::unknown) {
      const std::string warning = fmt::format(
          "{}:{}:{}: {}: {} may have left the pool by {} ({}); if it has, the crash before this restart did "
          "nothing and the restart powers the host without returning it to the rotation",
          context_.display_name, event.action_origin.position.line, event.action_origin.position.column,
          event.action_origin.path, event.target, when,
          design_.autoscale.enabled ? "the autoscaler decides" : "a drain may have ended early");
      add_warning(warning);
    }
  }

  // A stop names a server of the pool: one that runs (or may run) at its time.
  int resolve_stopped_server(const EventDraft& event, const PoolTimeline& pool) const {
    if (event.target == "store")
      fail_at(event.action_origin,
              fmt::format("expected a server app-1 .. app-{}, got store: a stop takes a server out of the "
                          "balancer's pool (crash: store stops the store)",
                          design_.servers.max));
    const int index = std::get<int>(resolve_target(event));
    const std::string when = format_duration(event.event.at_s);
    refuse_never_started(event, pool, index, ", so there is nothing to stop");
    if (pool.membership(index) == PoolTimeline::Membership::out)
      fail_at(event.action_origin,
              fmt::format("{} is not in the pool at {} (an earlier stop or scale event took it out): there is "
                          "nothing to stop",
                          event.target, when));
    return index;
  }

  void add_warning(const std::string& warning) const {
    auto& warnings = *context_.warnings;
    if (std::find(warnings.begin(), warnings.end(), warning) == warnings.end()) warnings.push_back(warning);
  }

  void check_events() {
    std::stable_sort(draft_.events.begin(), draft_.events.end(),
                     [](const EventDraft& a, const EventDraft& b) { return a.event.at_s < b.event.at_s; });
    // When each server (and, last, the store) went down; nullopt while it is up.
    std::vector<std::optional<double>> down_since(design_.servers.max + 1);
    const std::size_t store_index = down_since.size() - 1;
    design_.events.clear();
    PoolTimeline pool(design_.servers.count, design_.servers.max, design_.autoscale.enabled, design_.autoscale.min);
    for (EventDraft& event : draft_.events) {
      const double at = event.event.at_s;
      const EventActionKind kind = event.action;
      if (kind == EventActionKind::crash || kind == EventActionKind::restart) {
        const EventTarget target = resolve_target(event);
        const std::size_t index = std::holds_alternative<int>(target) ? std::get<int>(target) : store_index;
        if (index != store_index) check_in_pool(event, pool, static_cast<int>(index));
        if (kind == EventActionKind::crash) {
          if (down_since[index])
            fail_at(
                event.action_origin,
                fmt::format("{} is already down at {} (crashed at {}): restart it before crashing it again",
                            event.target, format_duration(at), format_duration(*down_since[index])));
          down_since[index] = at;
          event.event.action = CrashEvent{target};
        } else {
          if (!down_since[index])
            fail_at(event.action_origin, fmt::format("{} is not down at {}: a restart needs an earlier crash",
                                                     event.target, format_duration(at)));
          down_since[index].reset();
          event.event.action = RestartEvent{target};
        }
      } else if (kind == EventActionKind::stop) {
        auto& stop = std::get<StopEvent>(event.event.action);
        stop.server = resolve_stopped_server(event, pool);
        pool.stop(stop.server);
      } else if (kind == EventActionKind::scale) {
        const int to = std::get<ScaleEvent>(event.event.action).to;
        if (to > design_.servers.max)
          fail_at(*event.scale_to,
                  fmt::format("expected at most servers.max ({}), got {}", design_.servers.max, to));
        if (design_.autoscale.enabled && to < design_.autoscale.min)
          fail_at(*event.scale_to,
                  fmt::format("expected at least autoscale.min ({}), got {}", design_.autoscale.min, to));
        pool.scale(at, to, std::get<ScaleEvent>(event.event.action).drain_s);
      } else if (kind == EventActionKind::traffic) {
        if (!design_.clients.present)
          fail_at(event.action_origin,
                  "a traffic event changes the web visitors' workload (the clients section), and this design has "
                  "none (its populations are realtime, games or uploads)");
        const auto& traffic = std::get<TrafficEvent>(event.event.action);
        const bool open = design_.clients.workload == Workload::open;
        if (event.traffic_arrival_rate && !open)
          fail_at(*event.traffic_arrival_rate,
                  "applies only to an open workload (clients.arrival_rate), this design has a closed one "
                  "(clients.users)");
        if (event.traffic_users && open)
          fail_at(*event.traffic_users,
                  "applies only to a closed workload (clients.users), this design has an open one "
                  "(clients.arrival_rate)");
        if (traffic.arrival_rate_per_s)
          check_open_sessions(*traffic.arrival_rate_per_s, *event.traffic_arrival_rate);
        if (traffic.users) check_users(*traffic.users, *event.traffic_users);
      }
      design_.events.push_back(event.event);
    }
  }
};

}  // namespace

Design finish_design(DesignDraft& draft, bool explicit_designs, const LoadContext& context) {
  return DesignChecker(draft, explicit_designs, context).finish();
}

}  // namespace statesim::loading
