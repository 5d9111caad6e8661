#include "scenario/config.hpp"

#include <algorithm>
#include <cmath>

namespace statesim {

double Distribution::mean() const {
  switch (kind) {
    case Kind::constant:
    case Kind::exponential:
    case Kind::lognormal:
      return a;
    case Kind::uniform:
      return (a + b) / 2;
    case Kind::normal: {
      // Normal(a, b) truncated to [0, inf): a + b * pdf(alpha) / (1 - cdf(alpha)), alpha = -a/b.
      if (b <= 0) return std::max(a, 0.0);
      const double alpha = -a / b;
      const double kept_mass = 0.5 * std::erfc(alpha / std::sqrt(2.0));
      if (!(kept_mass > 0)) return 0;
      const double density = std::exp(-0.5 * alpha * alpha) / std::sqrt(2 * M_PI);
      return a + b * density / kept_mass;
    }
  }
  return a;
}

std::string server_name(int index) { return "app-" + std::to_string(index + 1); }

bool uses_store_host(const Design& design) {
  const SessionSpec& sessions = design.sessions;
  const bool sessions_there = sessions.store == StoreKind::redis || sessions.store == StoreKind::database ||
                              (sessions.store == StoreKind::jwt && (sessions.jwt.denylist || sessions.jwt.refresh.enabled));
  const bool messages_there = design.realtime && design.realtime->delivery != Delivery::local;
  const bool snapshots_there = design.games && design.games->state == MatchState::snapshot;
  return sessions_there || messages_there || snapshots_there;
}

}  // namespace statesim
