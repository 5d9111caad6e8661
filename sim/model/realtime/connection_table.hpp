// The open connections of realtime users, as the servers hold them: which server each user is
// connected to, each server's own set (what a crash drops, what a local delivery reaches), the
// whole set (a direct message's recipient is drawn from it) and the servers holding at least
// one (a pub/sub publication goes to each). Every operation is O(1): a delivery never scans
// the population. Plain C++: the engine turns these into SimGrid activities.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "model/random.hpp"

namespace statesim {

class ConnectionTable {
 public:
  explicit ConnectionTable(int servers)
      : on_server_(static_cast<std::size_t>(servers)),
        place_in_servers_(static_cast<std::size_t>(servers), kNowhere) {}

  // `user` connects to `server`; it must hold no connection.
  void open(std::uint32_t user, int server);
  // `user`'s connection closes (nothing happens when it has none).
  void close(std::uint32_t user);

  // The server holding `user`'s connection, or -1.
  int server_of(std::uint32_t user) const { return user < users_.size() ? users_[user].server : -1; }
  std::int64_t connected() const { return static_cast<std::int64_t>(all_.size()); }
  std::int64_t held_by(int server) const {
    return static_cast<std::int64_t>(on_server_[static_cast<std::size_t>(server)].size());
  }
  // The users connected to `server`, in no particular order.
  const std::vector<std::uint32_t>& on(int server) const {
    return on_server_[static_cast<std::size_t>(server)];
  }
  // Every connected user, in no particular order.
  const std::vector<std::uint32_t>& all() const { return all_; }
  // The servers holding at least one connection, in no particular order.
  const std::vector<int>& servers_in_use() const { return servers_in_use_; }

  // A connected user other than `user`, uniformly (`user` itself may or may not be connected);
  // nothing when there is none.
  std::optional<std::uint32_t> random_other(std::uint32_t user, RandomStream& rng) const;

 private:
  static constexpr std::uint32_t kNowhere = 0xffffffff;
  struct Entry {
    int server = -1;
    std::uint32_t place_on_server = kNowhere;
    std::uint32_t place_in_all = kNowhere;
  };
  // Removes the element at `place` of `list` by moving the last one there; returns the moved one.
  template <typename T>
  static std::optional<T> remove_at(std::vector<T>& list, std::uint32_t place);

  std::vector<Entry> users_;
  std::vector<std::vector<std::uint32_t>> on_server_;
  std::vector<std::uint32_t> all_;
  std::vector<int> servers_in_use_;
  std::vector<std::uint32_t> place_in_servers_;
};

}  // namespace statesim
