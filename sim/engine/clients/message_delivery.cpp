#include "engine/clients/message_delivery.hpp"

#include <algorithm>

namespace statesim::engine {
namespace {

constexpr double kReplayRequestBytes = 200;  // a server asking the stream for what a user missed

// The steps of a replay, in order.
enum ReplayStep : int { to_store, store_read, from_store, to_client };

}  // namespace

MessageDelivery::MessageDelivery(World& world, ServerPool& pool, StoreHost& store_host, ServerCpu& cpu,
                                 const ConnectionTable& connections)
    : world_(world),
      pool_(pool),
      store_host_(store_host),
      cpu_(cpu),
      connections_(connections),
      spec_(*world.design.realtime),
      ledger_(world.recorder, world.scenario.warmup_s),
      range_begin_(static_cast<std::size_t>(pool.size()), 0),
      range_end_(static_cast<std::size_t>(pool.size()), 0) {}

// ------------------------------------------------------------------------------------ the sender's side

void MessageDelivery::send(int server, const std::vector<std::uint32_t>& recipients) {
  const double now = world_.now();
  const auto count = static_cast<std::int64_t>(recipients.size());
  ledger_.sent(now, count);
  if (server < 0) {  // into a dead connection: no server ever sees it
    if (count > 0) ledger_.missed(now, count);
    return;
  }
  const std::uint32_t m = free_messages_.take(messages_);
  Message& message = messages_[m];
  message.sent_at = now;
  message.origin = server;
  message.published = false;
  message.outstanding = 1;
  message.targets.clear();
  for (const std::uint32_t user : recipients) {
    if (user >= generation_.size()) generation_.resize(user + 1, 0);
    message.targets.push_back(Target{user, generation_[user], -1});
  }
  world_.network.transfer(world_.platform.client, pool_.host(server), spec_.message_bytes,
                          [this, m](bool finished) { arrived_at_origin(m, finished); });
}

void MessageDelivery::arrived_at_origin(std::uint32_t m, bool finished) {
  if (!finished) {  // the server went down under it
    miss_all(m);
    part_done(m);
    return;
  }
  cpu_.execute(messages_[m].origin, spec_.message_cpu_s,
               [this, m](bool done) { handled_at_origin(m, done); });
}

void MessageDelivery::handled_at_origin(std::uint32_t m, bool finished) {
  Message& message = messages_[m];
  if (!finished) {
    miss_all(m);
  } else if (spec_.delivery == Delivery::local) {
    // The lesson's `connections` map: only the server's own connections are reachable.
    for (std::size_t t = 0; t < message.targets.size(); ++t) {
      if (connections_.server_of(message.targets[t].user) == message.origin) {
        deliver(m, t);
      } else {
        miss(m, t);
      }
    }
  } else {
    publish(m);
    return;
  }
  part_done(m);
}

// ------------------------------------------------------------------------------------ the store

void MessageDelivery::publish(std::uint32_t m) {
  if (!store_host_.up()) {
    miss_all(m);
    part_done(m);
    return;
  }
  world_.network.transfer(pool_.store_side(messages_[m].origin), store_host_.host(), spec_.message_bytes,
                          [this, m](bool finished) {
                            if (!finished || !store_host_.up()) {
                              miss_all(m);
                              part_done(m);
                              return;
                            }
                            store_host_.execute_part2_operation([this, m](bool done) { published(m, done); });
                          });
}

void MessageDelivery::published(std::uint32_t m, bool finished) {
  if (!finished) {  // the store went down under it
    miss_all(m);
  } else {
    messages_[m].published = true;
    fan_out(m);
  }
  part_done(m);
}

// The store sends a copy to every server holding a connection, with the targets it holds.
void MessageDelivery::fan_out(std::uint32_t m) {
  Message& message = messages_[m];
  for (std::size_t t = 0; t < message.targets.size(); ++t)
    message.targets[t].server = connections_.server_of(message.targets[t].user);
  std::stable_sort(message.targets.begin(), message.targets.end(),
                   [](const Target& a, const Target& b) { return a.server < b.server; });
  std::size_t t = 0;
  for (; t < message.targets.size() && message.targets[t].server < 0; ++t) miss(m, t);  // connected nowhere
  while (t < message.targets.size()) {
    const auto server = static_cast<std::size_t>(message.targets[t].server);
    range_begin_[server] = static_cast<std::uint32_t>(t);
    while (t < message.targets.size() && static_cast<std::size_t>(message.targets[t].server) == server) ++t;
    range_end_[server] = static_cast<std::uint32_t>(t);
  }
  for (const int server : connections_.servers_in_use()) {
    const auto s = static_cast<std::size_t>(server);
    const std::uint32_t c = free_copies_.take(copies_);
    copies_[c] = Copy{m, server, range_begin_[s], range_end_[s]};
    range_begin_[s] = range_end_[s] = 0;
    message.outstanding++;
    world_.network.transfer(store_host_.host(), pool_.store_side(server), spec_.message_bytes,
                            [this, c](bool finished) { copy_arrived(c, finished); });
  }
}

void MessageDelivery::copy_arrived(std::uint32_t c, bool finished) {
  if (!finished) {
    for (std::uint32_t t = copies_[c].begin; t < copies_[c].end; ++t) miss(copies_[c].message, t);
    end_copy(c);
    return;
  }
  cpu_.execute(copies_[c].server, spec_.message_cpu_s, [this, c](bool done) { copy_handled(c, done); });
}

void MessageDelivery::copy_handled(std::uint32_t c, bool finished) {
  const Copy copy = copies_[c];
  const Message& message = messages_[copy.message];
  for (std::uint32_t t = copy.begin; t < copy.end; ++t) {
    if (finished && connections_.server_of(message.targets[t].user) == copy.server) {
      deliver(copy.message, t);
    } else {
      miss(copy.message, t);
    }
  }
  end_copy(c);
}

void MessageDelivery::end_copy(std::uint32_t c) {
  const std::uint32_t m = copies_[c].message;
  free_copies_.give_back(c);
  part_done(m);
}

// ------------------------------------------------------------------------------------ recipients

// A frame from the server holding the target's connection to its client.
void MessageDelivery::deliver(std::uint32_t m, std::size_t target) {
  Message& message = messages_[m];
  const int server = connections_.server_of(message.targets[target].user);
  message.outstanding++;
  const auto t = static_cast<std::uint32_t>(target);
  world_.network.transfer(pool_.host(server), world_.platform.client, spec_.message_bytes,
                          [this, m, t](bool finished) {
                            if (finished) {
                              ledger_.received(world_.now(), messages_[m].sent_at);
                            } else {
                              miss(m, t);
                            }
                            part_done(m);
                          });
}

void MessageDelivery::miss(std::uint32_t m, std::size_t target) {
  const Message& message = messages_[m];
  const Target& missed = message.targets[target];
  if (message.published && spec_.delivery == Delivery::stream) {
    miss_for_now(missed.user, missed.generation, message.sent_at);
  } else {
    ledger_.missed(world_.now(), 1);
  }
}

void MessageDelivery::miss_all(std::uint32_t m) {
  for (std::size_t t = 0; t < messages_[m].targets.size(); ++t) miss(m, t);
}

void MessageDelivery::part_done(std::uint32_t m) {
  if (--messages_[m].outstanding == 0) free_messages_.give_back(m);
}

// ------------------------------------------------------------------------------------ stream replays

void MessageDelivery::miss_for_now(std::uint32_t user, std::uint32_t generation, double sent_at) {
  if (generation != generation_[user]) {  // its user has left since the message was sent
    expire(sent_at);
    return;
  }
  if (user >= pending_.size()) pending_.resize(user + 1);
  pending_[user].push_back(sent_at);
}

void MessageDelivery::expire(double sent_at) { ledger_.missed(sent_at + spec_.replay_window_s, 1); }

void MessageDelivery::connected(std::uint32_t user, int server) {
  if (spec_.delivery != Delivery::stream || user >= pending_.size() || pending_[user].empty()) return;
  const double now = world_.now();
  std::vector<double>& pending = pending_[user];
  std::vector<double> kept;
  for (const double sent_at : pending) {
    if (now - sent_at > spec_.replay_window_s) {
      expire(sent_at);
    } else {
      kept.push_back(sent_at);
    }
  }
  pending.swap(kept);
  if (pending.empty() || !store_host_.up()) return;  // a store down replays nothing (yet)
  const std::uint32_t r = free_replays_.take(replays_);
  Replay& replay = replays_[r];
  replay.user = user;
  replay.generation = generation_[user];
  replay.server = server;
  replay.sent_at.swap(pending);
  pending.clear();
  replay_step(r, to_store, true);
}

// The connection's server reads the stream, then sends the user what it missed.
void MessageDelivery::replay_step(std::uint32_t r, int step, bool finished) {
  Replay& replay = replays_[r];
  if (!finished) {
    replay_failed(r);
    return;
  }
  const double bytes = spec_.message_bytes * static_cast<double>(replay.sent_at.size());
  switch (step) {
    case to_store:
      world_.network.transfer(pool_.store_side(replay.server), store_host_.host(), kReplayRequestBytes,
                              [this, r](bool done) { replay_step(r, store_read, done); });
      break;
    case store_read:
      if (!store_host_.up()) {
        replay_failed(r);
        return;
      }
      store_host_.execute_part2_operation([this, r](bool done) { replay_step(r, from_store, done); });
      break;
    case from_store:
      if (!pool_.powered(replay.server)) {
        replay_failed(r);
        return;
      }
      world_.network.transfer(store_host_.host(), pool_.store_side(replay.server), bytes,
                              [this, r](bool done) { replay_step(r, to_client, done); });
      break;
    case to_client:
      if (!pool_.powered(replay.server)) {
        replay_failed(r);
        return;
      }
      world_.network.transfer(pool_.host(replay.server), world_.platform.client, bytes, [this, r](bool done) {
        if (!done) {
          replay_failed(r);
          return;
        }
        ledger_.replayed(static_cast<std::int64_t>(replays_[r].sent_at.size()));
        replays_[r].sent_at.clear();
        free_replays_.give_back(r);
      });
      break;
    default:
      break;
  }
}

// What a failed replay carried waits for the user's next connection again.
void MessageDelivery::replay_failed(std::uint32_t r) {
  Replay& replay = replays_[r];
  for (const double sent_at : replay.sent_at) miss_for_now(replay.user, replay.generation, sent_at);
  replay.sent_at.clear();
  free_replays_.give_back(r);
}

void MessageDelivery::left(std::uint32_t user) {
  if (user >= generation_.size()) generation_.resize(user + 1, 0);
  generation_[user]++;
  if (user >= pending_.size()) return;
  for (const double sent_at : pending_[user]) expire(sent_at);
  pending_[user].clear();
}

void MessageDelivery::finish(double end_s) {
  for (std::vector<double>& pending : pending_) {
    std::vector<double> kept;
    for (const double sent_at : pending) {
      if (end_s - sent_at > spec_.replay_window_s) {
        expire(sent_at);
      } else {
        kept.push_back(sent_at);  // could still be replayed: in flight
      }
    }
    pending.swap(kept);
  }
  ledger_.finish();
}

}  // namespace statesim::engine
