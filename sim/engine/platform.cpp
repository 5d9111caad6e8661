#include "engine/platform.hpp"

#include <stdexcept>

#include "engine/builtin_star_zone.hpp"
#include "engine/store_host.hpp"
#include "model/run_estimate.hpp"
#include "model/session_store.hpp"

namespace sg4 = simgrid::s4u;

namespace statesim::engine {
namespace {

// Store host cores: one per operation the store serves at once (a database's queries are
// I/O-bound, so each pooled connection gets a core of its own).
int store_cores(const Design& design) { return StoreHost::cores(design); }

// A star: every host reaches the centre over its own links, and a route is the source's links
// then the destination's. client: the client link (FATPIPE: it stands for each user's own
// internet path, so users do not share it); app-N: its own link, which its requests and answers
// cross; store: the store link, which every store operation crosses; lb: no link (requests go
// through the balancer: client link, then the server's link). A server's store traffic starts
// from a linkless host beside it (`app-N:store`), so it crosses the store link only. The routes
// are those of a full routing table (client->lb: client link; lb->app-N: app-N's link;
// client->app-N: both; app-N->store: the store link) but take memory in the number of hosts,
// not its square: 100,000 servers fit.
Platform build_builtin(const Design& design) {
  const NetworkSpec& net = design.network;
  sg4::NetZone* zone =
      (new BuiltinStarZone("statesim"))->get_iface();  // owned by the engine, as create_star_zone's
  Platform platform;
  auto attach = [zone](sg4::Host* host, std::vector<sg4::Link*> links) {
    std::vector<sg4::LinkInRoute> in_route;
    for (auto* link : links) in_route.emplace_back(link);
    zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr, in_route, true);
  };
  platform.client = zone->create_host("client", kFlopsPerSpeedUnit)->seal();
  platform.balancer = zone->create_host("lb", kFlopsPerSpeedUnit)->seal();
  platform.store =
      zone->create_host("store", kFlopsPerSpeedUnit)->set_core_count(store_cores(design))->seal();
  attach(platform.client, {zone->create_link("client-link", net.bandwidth_Bps)
                               ->set_latency(net.client_latency_s)
                               ->set_sharing_policy(sg4::Link::SharingPolicy::FATPIPE)
                               ->seal()});
  attach(platform.balancer, {});
  attach(platform.store,
         {zone->create_link("store-link", net.bandwidth_Bps)->set_latency(net.internal_latency_s)->seal()});
  // Uploads (part 2): the uploaders' machine, over a FATPIPE link of client_bandwidth (each
  // uploader's own: every flow gets the whole bandwidth), and the object store.
  if (design.uploads.enabled) {
    platform.uploader = zone->create_host("uploader", kFlopsPerSpeedUnit)->seal();
    attach(platform.uploader, {zone->create_link("uploader-link", design.uploads.client_bandwidth_Bps)
                                   ->set_latency(net.client_latency_s)
                                   ->set_sharing_policy(sg4::Link::SharingPolicy::FATPIPE)
                                   ->seal()});
  }
  if (needs_object_store(design)) {
    platform.objects = zone->create_host("objects", kFlopsPerSpeedUnit)->seal();
    attach(
        platform.objects,
        {zone->create_link("objects-link", net.bandwidth_Bps)->set_latency(net.internal_latency_s)->seal()});
  }
  platform.servers.reserve(static_cast<std::size_t>(design.servers.max));
  platform.store_sides.reserve(static_cast<std::size_t>(design.servers.max));
  for (int i = 0; i < design.servers.max; ++i) {
    const std::string name = server_name(i);
    auto* host = zone->create_host(name, kFlopsPerSpeedUnit * design.servers.speed)
                     ->set_core_count(design.servers.cores)
                     ->seal();
    attach(
        host,
        {zone->create_link(name + "-link", net.bandwidth_Bps)->set_latency(net.internal_latency_s)->seal()});
    auto* store_side = zone->create_host(name + ":store", kFlopsPerSpeedUnit)->seal();
    attach(store_side, {});
    platform.servers.push_back(host);
    platform.store_sides.push_back(store_side);
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
                               std::to_string(design.servers.max) +
                               (design.uploads.enabled ? ", and for uploads uploader" : "") +
                               (needs_object_store(design) ? " and objects" : "") + ")");
    return found;
  };
  Platform platform;
  platform.client = host("client");
  platform.balancer = host("lb");
  platform.store = host("store");
  for (int i = 0; i < design.servers.max; ++i) platform.servers.push_back(host(server_name(i)));
  platform.store_sides = platform.servers;
  if (design.uploads.enabled) platform.uploader = host("uploader");
  if (needs_object_store(design)) platform.objects = host("objects");
  return platform;
}

}  // namespace

bool needs_object_store(const Design& design) {
  return design.uploads.enabled && design.uploads.mode != UploadMode::server_memory;
}

Platform build_platform(sg4::Engine& engine, const Design& design) {
  sg4::Engine::set_config("network/model:CM02");
  sg4::Engine::set_config("network/crosstraffic:0");
  sg4::Engine::set_config("network/latency-factor:1");
  sg4::Engine::set_config("network/bandwidth-factor:1");
  sg4::Engine::set_config("network/TCP-gamma:0");
  return design.platform_file.empty() ? build_builtin(design) : load_file(engine, design);
}

}  // namespace statesim::engine
