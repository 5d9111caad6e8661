// Sessions as signed tokens the client holds: any server checks them (verify_cpu, token_bytes
// on every request), nothing to lose in a crash, valid until expiry whatever happens after
// login. Revocation needs a denylist: a redis-like store asked on every request, which forgets
// the revocations its persistence did not keep when it crashes.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "model/stores/stores.hpp"

namespace statesim {
namespace {

class JwtStore final : public SessionStore {
 public:
  explicit JwtStore(const SessionSpec& spec) : SessionStore(spec) {}
  StoreKind kind() const override { return StoreKind::jwt; }
  bool has_store_host() const override { return spec_.jwt.denylist; }
  double extra_request_bytes() const override { return spec_.jwt.token_bytes; }
  double extra_cpu_s() const override { return spec_.jwt.verify_cpu_s; }
  bool expires_when_idle() const override { return false; }
  SessionVerdict verdict(const SessionState& session, int, double now_s) const override {
    if (!session.alive) return SessionVerdict::missing;
    if (now_s >= session.token_issued_s + spec_.jwt.expiry_s) return SessionVerdict::expired;
    if (!session.revoked) return SessionVerdict::valid;
    const bool denylist_knows = spec_.jwt.denylist && session.revoked_at_s >= denylist_forgot_before_s_;
    return denylist_knows ? SessionVerdict::refused_revoked : SessionVerdict::valid_revoked;
  }
  bool fails_over() const override { return spec_.redis.replica; }
  StoreCrash crash(double crash_s) override {
    const double lost_from = store_crash_loses_created_from(spec_.redis, crash_s);
    denylist_forgot_before_s_ = std::max(denylist_forgot_before_s_, std::isinf(lost_from) ? crash_s : lost_from);
    StoreCrash effect;
    // Without a denylist the store host only holds part 2's state (pub/sub, snapshots).
    effect.detail = spec_.jwt.denylist ? "denylist, " + persistence_outcome(spec_.redis, lost_from)
                                       : "no session there: the client holds the token";
    return effect;
  }
  Revocation revocation() const override { return Revocation::flag_token; }
  bool revocation_costs_store_operation() const override { return spec_.jwt.denylist; }
  std::string revocation_effect() const override {
    if (spec_.jwt.denylist) return "their tokens are on the denylist";
    return fmt::format("their tokens stay valid until they expire (up to {}s)", spec_.jwt.expiry_s);
  }
  std::string no_store_host_reason() const override {
    return "no session store in this design: the client holds the token";
  }

 private:
  double denylist_forgot_before_s_ = -1;  // revocations older than this were lost by a crash
};

}  // namespace

std::unique_ptr<SessionStore> make_jwt_store(const SessionSpec& spec) { return std::make_unique<JwtStore>(spec); }

}  // namespace statesim
