#include "engine/network.hpp"

#include <xbt/config.hpp>

#include <algorithm>

namespace sg4 = simgrid::s4u;

namespace statesim::engine {
namespace {

std::vector<sg4::Link*> route_of(const sg4::Host* from, const sg4::Host* to, double* latency) {
  std::vector<sg4::Link*> links;
  double total = 0;
  from->route_to(to, links, &total);
  if (latency != nullptr) *latency = total;
  return links;
}

}  // namespace

const std::unordered_set<const sg4::Link*>& Network::store_traffic_links() {
  if (!store_traffic_links_) {
    store_traffic_links_.emplace();
    auto add_routes = [this](sg4::Host* one, sg4::Host* other) {
      for (const auto& [a, b] : {std::pair{one, other}, std::pair{other, one}})
        if (a != b)
          for (const sg4::Link* link : route_of(a, b, nullptr)) store_traffic_links_->insert(link);
    };
    std::unordered_set<const sg4::Host*> seen;
    for (sg4::Host* side : platform_.store_sides) {
      if (!seen.insert(side).second) continue;
      add_routes(side, platform_.store);
      if (platform_.objects != nullptr) add_routes(side, platform_.objects);
    }
    // Uploads are whole SimGrid communications (their own links cap them): the links they
    // cross are shared with flows of another route latency.
    if (platform_.uploader != nullptr) {
      for (sg4::Host* server : platform_.servers) add_routes(platform_.uploader, server);
      add_routes(platform_.uploader, platform_.balancer);
      if (platform_.objects != nullptr) add_routes(platform_.uploader, platform_.objects);
    }
  }
  return *store_traffic_links_;
}

Network::Crossing Network::plan(sg4::Host* from, sg4::Host* to) {
  Crossing crossing;
  crossing.comm_from = from;
  crossing.comm_to = to;
  if (mode_ == UnsharedLinks::simulated || from == to) return crossing;
  // An upload's time comes from SimGrid's network model over its whole route.
  if (from == platform_.uploader || to == platform_.uploader) return crossing;
  double route_latency = 0;
  std::vector<sg4::Link*> shared;
  double unshared_latency = 0, unshared_bandwidth = std::numeric_limits<double>::infinity();
  bool any_unshared = false;
  for (sg4::Link* link : route_of(from, to, &route_latency)) {
    if (link->get_sharing_policy() == sg4::Link::SharingPolicy::FATPIPE) {
      any_unshared = true;
      unshared_latency += link->get_latency();
      unshared_bandwidth = std::min(unshared_bandwidth, link->get_bandwidth());
    } else {
      shared.push_back(link);
    }
  }
  if (!any_unshared) return crossing;
  if (mode_ == UnsharedLinks::automatic && transfers_per_s_ * unshared_latency < kWorthwhileInLatency) return crossing;
  double cap = unshared_bandwidth;
  const double gamma = simgrid::config::get_value<double>("network/TCP-gamma");
  if (gamma > 0 && route_latency > 0) cap = std::min(cap, gamma / (2 * route_latency));
  if (shared.empty()) {
    crossing.timed = true;
    crossing.timed_latency_s = unshared_latency;
    crossing.rate_cap_Bps = cap;
    crossing.comm_from = crossing.comm_to = nullptr;
    return crossing;
  }
  // The rest of the route is a communication of its own, from or to the relay, which SimGrid
  // bounds by its own links' bandwidth only: the unshared links must not limit the rate (SimGrid
  // 3.32 takes no rate for a host-to-host communication), nor may a TCP window that depends on
  // the whole route's latency.
  double shared_bandwidth = std::numeric_limits<double>::infinity();
  for (const sg4::Link* link : shared) shared_bandwidth = std::min(shared_bandwidth, link->get_bandwidth());
  if (gamma > 0 || unshared_bandwidth < shared_bandwidth) return crossing;
  const auto& store_links = store_traffic_links();
  if (std::any_of(shared.begin(), shared.end(), [&](const sg4::Link* link) { return store_links.count(link) > 0; }))
    return crossing;
  sg4::Host* relay = platform_.balancer;
  for (const auto& [a, b] : {std::pair{relay, to}, std::pair{from, relay}}) {
    if (a == b || route_of(a, b, nullptr) != shared) continue;
    crossing.timed = true;
    crossing.timed_latency_s = unshared_latency;
    crossing.comm_from = a;
    crossing.comm_to = b;
    return crossing;
  }
  return crossing;
}

const Network::Crossing& Network::crossing(sg4::Host* from, sg4::Host* to) {
  auto found = crossings_.find({from, to});
  if (found == crossings_.end()) found = crossings_.emplace(std::pair{from, to}, plan(from, to)).first;
  return found->second;
}

void Network::transfer(sg4::Host* from, sg4::Host* to, double bytes, Activities::Done done) {
  const Crossing& how = crossing(from, to);
  if (!how.timed) {
    activities_.transfer(from, to, bytes, std::move(done));
    return;
  }
  const std::uint32_t slot = free_pending_.take(pending_);
  pending_[slot] = Pending{&how, from, to, bytes, std::move(done)};
  // A route of unshared links only: latency, then the bytes at the cap (nothing shares them).
  const double delay = how.comm_from == nullptr ? how.timed_latency_s + bytes / how.rate_cap_Bps : how.timed_latency_s;
  clock_.schedule_after(delay, [this, slot] { after_wake_up(slot); });
}

void Network::after_wake_up(std::uint32_t slot) {
  Pending pending = std::move(pending_[slot]);
  pending_[slot] = Pending{};
  free_pending_.give_back(slot);
  const Crossing& how = *pending.crossing;
  if (how.comm_from == nullptr) {
    pending.done(pending.from->is_on() && pending.to->is_on());
    return;
  }
  if (!how.comm_from->is_on() || !how.comm_to->is_on()) {
    pending.done(false);  // as a communication to or from a host that went down
    return;
  }
  activities_.transfer(how.comm_from, how.comm_to, pending.bytes, std::move(pending.done));
}

}  // namespace statesim::engine
