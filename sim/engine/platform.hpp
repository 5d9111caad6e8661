// The simulated hardware: hosts `client`, `lb`, `store` and `app-1`..`app-<servers.max>` (and,
// with uploads, `uploader` and, for resumable and presigned uploads, `objects`), either built from the scenario's `network` section or loaded from a SimGrid platform file.
#pragma once

#include <simgrid/s4u.hpp>

#include <string>
#include <vector>

#include "scenario/config.hpp"

namespace statesim::engine {

struct Platform {
  simgrid::s4u::Host* client = nullptr;  // every user's machine (users are data, not hosts)
  simgrid::s4u::Host* balancer = nullptr;
  simgrid::s4u::Host* store = nullptr;   // redis / database / jwt denylist
  std::vector<simgrid::s4u::Host*> servers;  // app-1 .. app-max
  // Where each server's traffic with the store starts and ends: the server itself in a platform
  // file; in the built-in star, a host of its own beside the server, so that store traffic
  // crosses the store link only (as a full routing table would have it), not the server's link.
  std::vector<simgrid::s4u::Host*> store_sides;
  simgrid::s4u::Host* uploader = nullptr;  // every uploader's machine, over its own link (uploads only)
  simgrid::s4u::Host* objects = nullptr;   // the object store (resumable and presigned uploads)
};

// The design's uploads store their chunks in the object store (`objects`).
bool needs_object_store(const Design& design);

// Sets SimGrid's network model so that written latencies are the latencies simulated
// (CM02, no latency or bandwidth factor, no cross traffic), then builds or loads the
// platform. Throws std::runtime_error naming a missing host of a platform file.
Platform build_platform(simgrid::s4u::Engine& engine, const Design& design);

}  // namespace statesim::engine
