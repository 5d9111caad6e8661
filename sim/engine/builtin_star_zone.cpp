#include "engine/builtin_star_zone.hpp"

#include <simgrid/kernel/routing/NetPoint.hpp>

namespace sg4 = simgrid::s4u;

namespace statesim::engine {

void BuiltinStarZone::add_route(NetPoint* src, NetPoint* dst, NetPoint* gw_src, NetPoint* gw_dst,
                                const std::vector<sg4::LinkInRoute>& link_list, bool symmetrical) {
  StarZone::add_route(src, dst, gw_src, gw_dst, link_list, symmetrical);  // checks it, keeps its own table
  const bool own_link = src != nullptr && dst == nullptr && gw_src == nullptr && gw_dst == nullptr &&
                        symmetrical && link_list.size() <= 1 &&
                        (link_list.empty() || link_list.front().get_link()->get_sharing_policy() !=
                                                  sg4::Link::SharingPolicy::SPLITDUPLEX);
  if (!own_link) {
    every_route_in_table_ = false;
    return;
  }
  const std::size_t id = src->id();
  if (own_links_.size() <= id) own_links_.resize(id + 1);
  own_links_[id] = link_list.empty()
                       ? OwnLink{}
                       : OwnLink{link_list.front().get_link()->get_impl(), link_list.front().get_link()};
}

void BuiltinStarZone::get_local_route(const NetPoint* src, const NetPoint* dst, Route* route,
                                      double* latency) {
  if (!every_route_in_table_ || src == dst) {
    StarZone::get_local_route(src, dst, route, latency);
    return;
  }
  const auto own = [this](const NetPoint* point) {
    return point->id() < own_links_.size() ? own_links_[point->id()] : OwnLink{};
  };
  const OwnLink up = own(src);
  const OwnLink down = own(dst);
  // As StarZone: up, then down unless it is the same link; latencies summed in that order.
  const auto add = [route, latency](const OwnLink& hop) {
    route->link_list_.push_back(hop.impl);
    if (latency != nullptr) *latency += hop.link->get_latency();
  };
  route->link_list_.reserve(route->link_list_.size() + 2);  // one allocation, not one per link
  if (up.impl != nullptr) add(up);
  if (down.impl != nullptr && down.impl != up.impl) add(down);
  route->gw_src_ = nullptr;
  route->gw_dst_ = nullptr;
}

}  // namespace statesim::engine
