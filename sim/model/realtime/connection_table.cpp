#include "model/realtime/connection_table.hpp"

namespace statesim {

template <typename T>
std::optional<T> ConnectionTable::remove_at(std::vector<T>& list, std::uint32_t place) {
  const T last = list.back();
  list.pop_back();
  if (place == list.size()) return std::nullopt;  // it was the last one
  list[place] = last;
  return last;
}

void ConnectionTable::open(std::uint32_t user, int server) {
  if (user >= users_.size()) users_.resize(user + 1);
  Entry& entry = users_[user];
  entry.server = server;
  auto& on_server = on_server_[static_cast<std::size_t>(server)];
  if (on_server.empty()) {
    place_in_servers_[static_cast<std::size_t>(server)] = static_cast<std::uint32_t>(servers_in_use_.size());
    servers_in_use_.push_back(server);
  }
  entry.place_on_server = static_cast<std::uint32_t>(on_server.size());
  on_server.push_back(user);
  entry.place_in_all = static_cast<std::uint32_t>(all_.size());
  all_.push_back(user);
}

void ConnectionTable::close(std::uint32_t user) {
  if (server_of(user) < 0) return;
  Entry& entry = users_[user];
  const auto server = static_cast<std::size_t>(entry.server);
  auto& on_server = on_server_[server];
  if (const auto moved = remove_at(on_server, entry.place_on_server))
    users_[*moved].place_on_server = entry.place_on_server;
  if (const auto moved = remove_at(all_, entry.place_in_all))
    users_[*moved].place_in_all = entry.place_in_all;
  if (on_server.empty()) {
    if (const auto moved = remove_at(servers_in_use_, place_in_servers_[server]))
      place_in_servers_[static_cast<std::size_t>(*moved)] = place_in_servers_[server];
    place_in_servers_[server] = kNowhere;
  }
  entry = Entry{};
}

std::optional<std::uint32_t> ConnectionTable::random_other(std::uint32_t user, RandomStream& rng) const {
  const int own = server_of(user);
  const std::uint64_t others = all_.size() - (own >= 0 ? 1 : 0);
  if (others == 0) return std::nullopt;
  auto index = static_cast<std::uint32_t>(rng.below(others));
  // Skip the user's own place: the others keep equal chances.
  if (own >= 0 && index >= users_[user].place_in_all) index++;
  return all_[index];
}

}  // namespace statesim
