#include "engine/platform.hpp"

#include <stdexcept>

#include "model/run_estimate.hpp"

namespace sg4 = simgrid::s4u;

namespace statesim::engine {
namespace {

// Store host cores: redis serves one operation at a time; a database runs one query per
// pooled connection in parallel (queries are I/O-bound, so each gets a core of its own).
int store_cores(const SessionSpec& sessions) {
  return sessions.store == StoreKind::database ? sessions.database.connections : 1;
}

Platform build_builtin(const Design& design) {
  const NetworkSpec& net = design.network;
  auto* zone = sg4::create_full_zone("statesim");
  Platform platform;
  platform.client = zone->create_host("client", kFlopsPerSpeedUnit)->seal();
  platform.balancer = zone->create_host("lb", kFlopsPerSpeedUnit)->seal();
  platform.store = zone->create_host("store", kFlopsPerSpeedUnit)->set_core_count(store_cores(design.sessions))->seal();

  // The client link stands for each user's own internet path, so users do not share it.
  auto* client_link = zone->create_link("client-link", net.bandwidth_Bps)
                          ->set_latency(net.client_latency_s)
                          ->set_sharing_policy(sg4::Link::SharingPolicy::FATPIPE)
                          ->seal();
  auto* store_link = zone->create_link("store-link", net.bandwidth_Bps)->set_latency(net.internal_latency_s)->seal();
  auto route = [zone](sg4::Host* from, sg4::Host* to, std::vector<sg4::Link*> links) {
    std::vector<sg4::LinkInRoute> in_route;
    for (auto* link : links) in_route.emplace_back(link);
    zone->add_route(from->get_netpoint(), to->get_netpoint(), nullptr, nullptr, in_route, true);
  };
  route(platform.client, platform.balancer, {client_link});
  route(platform.balancer, platform.store, {store_link});
  route(platform.client, platform.store, {client_link, store_link});
  for (int i = 0; i < design.servers.max; ++i) {
    const std::string name = server_name(i);
    auto* host = zone->create_host(name, kFlopsPerSpeedUnit * design.servers.speed)
                     ->set_core_count(design.servers.cores)
                     ->seal();
    auto* link = zone->create_link(name + "-link", net.bandwidth_Bps)->set_latency(net.internal_latency_s)->seal();
    // Requests reach a server through the balancer: client link, then the server's link.
    route(platform.client, host, {client_link, link});
    route(platform.balancer, host, {link});
    route(host, platform.store, {store_link});
    platform.servers.push_back(host);
  }
  zone->seal();
  return platform;
}

Platform load_file(sg4::Engine& engine, const Design& design) {
  engine.load_platform(design.platform_file);
  auto host = [&](const std::string& name) {
    sg4::Host* found = engine.host_by_name_or_null(name);
    if (found == nullptr)
      throw std::runtime_error(design.platform_file + ": the platform has no host named \"" + name +
                               "\" (statesim needs client, lb, store and app-1..app-" +
                               std::to_string(design.servers.max) + ")");
    return found;
  };
  Platform platform;
  platform.client = host("client");
  platform.balancer = host("lb");
  platform.store = host("store");
  for (int i = 0; i < design.servers.max; ++i) platform.servers.push_back(host(server_name(i)));
  return platform;
}

}  // namespace

Platform build_platform(sg4::Engine& engine, const Design& design) {
  sg4::Engine::set_config("network/model:CM02");
  sg4::Engine::set_config("network/crosstraffic:0");
  sg4::Engine::set_config("network/latency-factor:1");
  sg4::Engine::set_config("network/bandwidth-factor:1");
  sg4::Engine::set_config("network/TCP-gamma:0");
  return design.platform_file.empty() ? build_builtin(design) : load_file(engine, design);
}

}  // namespace statesim::engine
