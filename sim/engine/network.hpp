// How bytes cross the platform. SimGrid's CM02 model gives a communication over a route the sum
// of its links' latencies, then a rate no link's bandwidth (nor, with TCP-gamma set, the TCP
// window gamma / (2 x latency)) exceeds, shared max-min on the links flows share. A link that
// no flow shares (FATPIPE, such as each user's own client link) adds only its latency and a cap
// on the rate, whatever else is in flight. Such links are crossed here as a timed wake-up of
// their latency on SimGrid's clock, followed by a SimGrid communication over the rest of the
// route (between the balancer and the server, for a client's request or its answer): the same
// times as one communication over the whole route, with far fewer activities in flight (a
// request no longer sits in SimGrid for its 20 ms of client latency). This holds when the
// unshared links do not cap the rate below the rest of the route's bandwidth, TCP-gamma is 0
// (statesim's setting), and every flow on the rest of the route comes through the same unshared
// links: CM02 weighs a flow's share of a shared link by the inverse of its route's latency (TCP's
// round-trip unfairness), so a server link that store traffic also crossed would be shared
// differently. A route of unshared links only is one wake-up of latency + bytes / cap. Other
// routes, and every transfer to or from the uploaders' host (an upload's time is SimGrid's own),
// are plain SimGrid communications.
#pragma once

#include <simgrid/s4u.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/activities.hpp"
#include "engine/clock.hpp"
#include "engine/platform.hpp"
#include "model/free_slots.hpp"

namespace statesim::engine {

class Network {
 public:
  // The balancer's routes stand for the rest of a client's route; the servers' routes to the
  // store are the traffic that must not share it. `mode` automatic crosses unshared links as
  // wake-ups when about `transfers_per_s` transfers a second would keep at least
  // kWorthwhileInLatency of them in those links' latency at once; simulated never does (every
  // transfer is one SimGrid communication).
  Network(Clock& clock, Activities& activities, const Platform& platform, UnsharedLinks mode, double transfers_per_s)
      : clock_(clock), activities_(activities), platform_(platform), mode_(mode), transfers_per_s_(transfers_per_s) {}

  // Below this many transfers in their unshared links' latency at once, SimGrid's bookkeeping of
  // them costs less than the wake-ups (measured on perf-ref: 2 in flight, 16% slower timed).
  static constexpr double kWorthwhileInLatency = 64;
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // `bytes` from `from` to `to`; `done(finished)` when they have arrived, or failed (a host at
  // either end went down).
  void transfer(simgrid::s4u::Host* from, simgrid::s4u::Host* to, double bytes, Activities::Done done);

  // How a transfer from `from` to `to` goes (exposed for tests and the README's figures).
  struct Crossing {
    bool timed = false;              // some links are crossed as a wake-up
    double timed_latency_s = 0;      // their latencies
    double rate_cap_Bps = std::numeric_limits<double>::infinity();  // all timed: their bandwidth (and TCP window)
    simgrid::s4u::Host* comm_from = nullptr;  // the SimGrid communication over the rest of the
    simgrid::s4u::Host* comm_to = nullptr;    //   route; none when the route is all timed
  };
  const Crossing& crossing(simgrid::s4u::Host* from, simgrid::s4u::Host* to);

 private:
  struct Pending {
    const Crossing* crossing = nullptr;
    simgrid::s4u::Host* from = nullptr;
    simgrid::s4u::Host* to = nullptr;
    double bytes = 0;
    Activities::Done done;
  };
  struct PairHash {
    std::size_t operator()(const std::pair<simgrid::s4u::Host*, simgrid::s4u::Host*>& pair) const {
      return std::hash<const void*>()(pair.first) * 31 + std::hash<const void*>()(pair.second);
    }
  };
  Crossing plan(simgrid::s4u::Host* from, simgrid::s4u::Host* to);
  // Links that traffic without unshared links (a server's store and object store operations)
  // or not crossed as a wake-up (uploads) crosses.
  const std::unordered_set<const simgrid::s4u::Link*>& store_traffic_links();
  void after_wake_up(std::uint32_t pending);

  Clock& clock_;
  Activities& activities_;
  const Platform& platform_;
  UnsharedLinks mode_;
  double transfers_per_s_;
  std::optional<std::unordered_set<const simgrid::s4u::Link*>> store_traffic_links_;
  std::unordered_map<std::pair<simgrid::s4u::Host*, simgrid::s4u::Host*>, Crossing, PairHash> crossings_;
  std::vector<Pending> pending_;
  FreeSlots free_pending_;
};

}  // namespace statesim::engine
