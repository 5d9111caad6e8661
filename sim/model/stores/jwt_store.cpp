// Sessions as signed tokens the client holds: any server checks them (verify_cpu, token_bytes
// on every request), nothing to lose in a crash, valid until expiry whatever happens after
// login. Revocation needs a denylist: a redis-like store asked on every request, which forgets
// the revocations its persistence did not keep when it crashes.
//
// With refresh tokens the token is a short access token: a client whose access token has
// expired asks for a new one with its refresh token, which lives in the store host (written at
// login, deleted at logout or revocation, valid refresh.expiry from the login). So a revocation
// takes effect at the user's next refresh, and a crash of that store without persistence logs
// its users out at their next refresh.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "model/stores/stores.hpp"

namespace statesim {
namespace {

class JwtStore final : public SessionStore {
 public:
  explicit JwtStore(const SessionSpec& spec) : SessionStore(spec) {}
  StoreKind kind() const override { return StoreKind::jwt; }
  bool has_store_host() const override { return spec_.jwt.denylist || refresh(); }
  bool looks_up_every_request() const override { return spec_.jwt.denylist; }
  bool writes_at_login() const override { return refresh(); }
  double extra_request_bytes() const override { return spec_.jwt.token_bytes; }
  double extra_cpu_s() const override { return spec_.jwt.verify_cpu_s; }
  int concurrent_operations() const override { return on_database() ? spec_.database.connections : 1; }
  double operation_time_s(RandomStream& rng) const override {
    return on_database() ? rng.sample(spec_.database.query_time_s) : spec_.redis.op_time_s;
  }
  double mean_operation_time_s() const override {
    return on_database() ? spec_.database.query_time_s.mean() : spec_.redis.op_time_s;
  }
  std::string store_host_name() const override {
    const char* what = spec_.jwt.denylist ? (refresh() ? "jwt denylist and refresh tokens" : "jwt denylist")
                                          : "jwt refresh tokens";
    return fmt::format("{} ({})", what, on_database() ? "database" : "redis");
  }
  bool expires_when_idle() const override { return false; }
  SessionVerdict verdict(const SessionState& session, int, double now_s) const override {
    if (!session.alive) return SessionVerdict::missing;
    if (now_s >= session.token_issued_s + spec_.jwt.expiry_s) return SessionVerdict::expired;
    if (!session.revoked) return SessionVerdict::valid;
    const bool denylist_knows = spec_.jwt.denylist && session.revoked_at_s >= denylist_forgot_before_s_;
    return denylist_knows ? SessionVerdict::refused_revoked : SessionVerdict::valid_revoked;
  }
  bool has_refresh_tokens() const override { return refresh(); }
  SessionVerdict refresh_verdict(const SessionState& session, double now_s) const override {
    if (!refresh() || !session.alive) return SessionVerdict::missing;
    if (now_s >= session.created_s + spec_.jwt.refresh.expiry_s) return SessionVerdict::expired;
    if (session.revoked) return SessionVerdict::refused_revoked;  // its refresh token was deleted
    const bool lost =
        std::any_of(refresh_tokens_lost_.begin(), refresh_tokens_lost_.end(), [&](const auto& span) {
          return session.created_s >= span.first && session.created_s <= span.second;
        });
    return lost ? SessionVerdict::forgotten : SessionVerdict::valid;
  }
  bool fails_over() const override { return !on_database() && spec_.redis.replica; }
  StoreCrash crash(double crash_s) override {
    StoreCrash effect;
    if (on_database()) {
      effect.detail = fmt::format("{}: durable, nothing lost; requests that need it fail until it restarts",
                                  store_host_name());
      return effect;
    }
    const double lost_from = store_crash_loses_created_from(spec_.redis, crash_s);
    denylist_forgot_before_s_ = std::max(denylist_forgot_before_s_, std::isinf(lost_from) ? crash_s : lost_from);
    if (refresh()) refresh_tokens_lost_.emplace_back(lost_from, crash_s);
    if (!refresh() && !spec_.jwt.denylist) {
      // Without a denylist or refresh tokens the store host only holds part 2's state (pub/sub, snapshots).
      effect.detail = "no session there: the client holds the token";
      return effect;
    }
    const char* what = !refresh()           ? "denylist"
                       : spec_.jwt.denylist ? "denylist and refresh tokens"
                                            : "refresh tokens";
    effect.detail = fmt::format("{}, {}", what, persistence_outcome(spec_.redis, lost_from));
    if (refresh())
      effect.detail += " (users whose refresh token is lost are logged out at their next refresh)";
    return effect;
  }
  Revocation revocation() const override { return Revocation::flag_token; }
  bool revocation_costs_store_operation() const override { return spec_.jwt.denylist || refresh(); }
  std::string revocation_effect() const override {
    if (spec_.jwt.denylist) return "their tokens are on the denylist";
    if (refresh())
      return fmt::format(
          "their access tokens stay valid until they expire (up to {}s), their refresh tokens are deleted: "
          "they are logged out at their next refresh",
          spec_.jwt.expiry_s);
    return fmt::format("their tokens stay valid until they expire (up to {}s)", spec_.jwt.expiry_s);
  }
  std::string no_store_host_reason() const override {
    return "no session store in this design: the client holds the token";
  }

 private:
  bool refresh() const { return spec_.jwt.refresh.enabled; }
  bool on_database() const { return refresh() && spec_.jwt.refresh.store == RefreshStore::database; }

  double denylist_forgot_before_s_ = -1;  // revocations older than this were lost by a crash
  // Refresh tokens issued (at login) in these spans were lost by crashes of the store.
  std::vector<std::pair<double, double>> refresh_tokens_lost_;
};

}  // namespace

std::unique_ptr<SessionStore> make_jwt_store(const SessionSpec& spec) { return std::make_unique<JwtStore>(spec); }

}  // namespace statesim
