// How a realtime message reaches its recipients, as SimGrid activities:
//   client -> its server (the balancer's links), `message_cpu` there, then
//   local:  a frame from that server to each recipient connected to it; the others miss it;
//   pubsub: a publication to the store host (one store operation), a copy from the store to
//           every server holding at least one connection, `message_cpu` on each, and a frame
//           from each to its own recipients; a recipient connected nowhere misses it, and so
//           does every recipient while the store is down;
//   stream: as pubsub, and the store keeps the message for `replay_window`: what a recipient
//           missed is replayed when it connects again within the window (a store read, then
//           the missed messages from its server), counted as delivered and replayed.
// A delivery is one recipient of one message; the DeliveryLedger counts how each one ends.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "engine/clients/server_cpu.hpp"
#include "engine/server_pool.hpp"
#include "engine/store_host.hpp"
#include "engine/world.hpp"
#include "model/free_slots.hpp"
#include "model/realtime/connection_table.hpp"
#include "model/realtime/delivery_ledger.hpp"

namespace statesim::engine {

class MessageDelivery {
 public:
  MessageDelivery(World& world, ServerPool& pool, StoreHost& store_host, ServerCpu& cpu,
                  const ConnectionTable& connections);

  // A message to `recipients` (users), sent now over the sender's connection to `server`;
  // -1: that connection is dead and its client does not know yet, so the message is lost.
  void send(int server, const std::vector<std::uint32_t>& recipients);
  // A user connected to `server`: a stream replays what it missed within the window.
  void connected(std::uint32_t user, int server);
  // A user is gone for good (its index may serve another user): what it waited for is missed.
  void left(std::uint32_t user);
  // At the end of the run: replays whose window ran out are missed, the rest stay in flight.
  void finish(double end_s);

 private:
  struct Target {
    std::uint32_t user = 0;
    std::uint32_t generation = 0;  // the user index's generation when the message was sent
    int server = -1;               // where the store's copy finds it (pubsub, stream)
  };
  struct Message {
    double sent_at = 0;
    int origin = -1;                // the sender's server
    bool published = false;         // the store holds it (stream: it can be replayed)
    std::uint32_t outstanding = 0;  // activities of it still running
    std::vector<Target> targets;
  };
  // The store's copy of a message to one server, and the targets connected there.
  struct Copy {
    std::uint32_t message = 0;
    int server = -1;
    std::uint32_t begin = 0, end = 0;
  };
  // A stream's replay to a user that connected again.
  struct Replay {
    std::uint32_t user = 0;
    std::uint32_t generation = 0;
    int server = -1;
    std::vector<double> sent_at;
  };

  void arrived_at_origin(std::uint32_t m, bool finished);
  void handled_at_origin(std::uint32_t m, bool finished);
  void publish(std::uint32_t m);
  void published(std::uint32_t m, bool finished);
  void fan_out(std::uint32_t m);
  void copy_arrived(std::uint32_t c, bool finished);
  void copy_handled(std::uint32_t c, bool finished);
  void deliver(std::uint32_t m, std::size_t target);
  void miss(std::uint32_t m, std::size_t target);
  void miss_all(std::uint32_t m);
  void part_done(std::uint32_t m);
  void end_copy(std::uint32_t c);

  void replay_step(std::uint32_t r, int step, bool finished);
  void replay_failed(std::uint32_t r);
  // A stream delivery that waits for a replay until `sent_at + replay_window`.
  void miss_for_now(std::uint32_t user, std::uint32_t generation, double sent_at);
  void expire(double sent_at);  // a pending replay whose window ran out

  World& world_;
  ServerPool& pool_;
  StoreHost& store_host_;
  ServerCpu& cpu_;
  const ConnectionTable& connections_;
  const RealtimeSpec& spec_;
  DeliveryLedger ledger_;
  std::deque<Message> messages_;
  FreeSlots free_messages_;
  std::deque<Copy> copies_;
  FreeSlots free_copies_;
  std::deque<Replay> replays_;
  FreeSlots free_replays_;
  std::vector<std::vector<double>> pending_;            // stream: per user, send times of what it missed
  std::vector<std::uint32_t> generation_;               // per user index: bumps when its user leaves
  std::vector<std::uint32_t> range_begin_, range_end_;  // per server: scratch of fan_out
};

}  // namespace statesim::engine
