// The built-in platform's star zone. Each of its hosts reaches the centre over at most one link
// of its own, the same both ways, so the route between two hosts is the source's link, then the
// destination's. SimGrid's StarZone gives exactly that route, but fills a hash set of its links
// for every route it is asked (once per communication: 5% of perf-ref's instructions); this zone
// reads the two links from a table, adds their latencies in the same order, and leaves any other
// kind of route (a loopback, a gateway, several links) to StarZone's own code.
#pragma once

#include <simgrid/kernel/routing/StarZone.hpp>
#include <simgrid/s4u/Link.hpp>
#include <string>
#include <vector>

namespace statesim::engine {

class BuiltinStarZone : public simgrid::kernel::routing::StarZone {
 public:
  using NetPoint = simgrid::kernel::routing::NetPoint;
  using Route = simgrid::kernel::routing::Route;

  explicit BuiltinStarZone(const std::string& name) : StarZone(name) {}

  void add_route(NetPoint* src, NetPoint* dst, NetPoint* gw_src, NetPoint* gw_dst,
                 const std::vector<simgrid::s4u::LinkInRoute>& link_list, bool symmetrical) override;
  void get_local_route(const NetPoint* src, const NetPoint* dst, Route* route, double* latency) override;

 private:
  struct OwnLink {
    simgrid::kernel::resource::StandardLinkImpl* impl = nullptr;  // none: the host is the centre
    const simgrid::s4u::Link* link = nullptr;
  };
  std::vector<OwnLink> own_links_;  // by netpoint id
  bool every_route_in_table_ = true;
};

}  // namespace statesim::engine
