// The client kinds: each factory returns nothing when the design has no such population.
// Web visitors come first: part 1's runs keep their order of same-time actions.
#include "engine/clients/client_kind.hpp"
#include "engine/clients/game_matches.hpp"
#include "engine/clients/realtime_users.hpp"
#include "engine/clients/uploads.hpp"
#include "engine/clients/web_visitors.hpp"

namespace statesim::engine {

std::vector<std::unique_ptr<ClientKind>> make_client_kinds(EngineParts& parts) {
  using Factory = std::unique_ptr<ClientKind> (*)(EngineParts&);
  static const Factory kFactories[] = {
      make_web_visitors,
      make_realtime_users,
      make_game_matches,
      make_uploads,
  };
  std::vector<std::unique_ptr<ClientKind>> kinds;
  for (const Factory factory : kFactories)
    if (auto kind = factory(parts)) kinds.push_back(std::move(kind));
  return kinds;
}

}  // namespace statesim::engine
