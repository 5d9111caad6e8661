// Sessions in the memory of the server that handled the login: only that server can serve
// them, and they die with it.
#include "model/stores/stores.hpp"

namespace statesim {
namespace {

class ServerMemoryStore final : public SessionStore {
 public:
  explicit ServerMemoryStore(const SessionSpec& spec) : SessionStore(spec) {}
  StoreKind kind() const override { return StoreKind::memory; }
  bool has_store_host() const override { return false; }
  bool held_by_server() const override { return true; }
  SessionVerdict verdict(const SessionState& session, int server, double now_s) const override {
    if (!session.alive) return SessionVerdict::missing;
    if (now_s > session.last_access_s + spec_.ttl_s) return SessionVerdict::expired;
    if (session.server != server) return SessionVerdict::elsewhere;
    return SessionVerdict::valid;
  }
  // The store host of such a design holds part 2's state (pub/sub, snapshots), no session.
  StoreCrash crash(double) override {
    StoreCrash effect;
    effect.detail = "no session there: sessions live in server memory";
    return effect;
  }
  bool fails_over() const override { return spec_.redis.replica; }  // part 2's redis, when there is one
  std::string no_store_host_reason() const override {
    return "no session store in this design: sessions live in server memory";
  }
};

}  // namespace

std::unique_ptr<SessionStore> make_server_memory_store(const SessionSpec& spec) {
  return std::make_unique<ServerMemoryStore>(spec);
}

}  // namespace statesim
