// Sessions in a SQL database: slow (query_time, `connections` queries at once), durable: a
// crash loses nothing, but requests that need it fail until it restarts.
#include "model/stores/stores.hpp"

namespace statesim {
namespace {

class DatabaseStore final : public SessionStore {
 public:
  explicit DatabaseStore(const SessionSpec& spec) : SessionStore(spec) {}
  StoreKind kind() const override { return StoreKind::database; }
  bool has_store_host() const override { return true; }
  bool writes_sessions() const override { return true; }
  int concurrent_operations() const override { return spec_.database.connections; }
  double operation_time_s(RandomStream& rng) const override { return rng.sample(spec_.database.query_time_s); }
  double mean_operation_time_s() const override { return spec_.database.query_time_s.mean(); }
  std::string store_host_name() const override { return "database"; }
  SessionVerdict verdict(const SessionState& session, int, double now_s) const override {
    return shared_store_verdict(spec_, session, now_s);
  }
  StoreCrash crash(double) override {
    StoreCrash effect;
    effect.detail = "durable: no session lost; requests that need the store fail until it restarts";
    return effect;
  }
};

}  // namespace

std::unique_ptr<SessionStore> make_database_store(const SessionSpec& spec) {
  return std::make_unique<DatabaseStore>(spec);
}

}  // namespace statesim
