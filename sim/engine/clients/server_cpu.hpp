// CPU work on an app server outside the request chain (a message's handling, a game's tick):
// an execution on the server's host, sharing its cores with the requests in service (SimGrid's
// processor sharing) rather than waiting in the worker queue, and counted in the pool's CPU
// accounting (utilisation, the autoscaler) like theirs.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/activities.hpp"
#include "engine/server_pool.hpp"
#include "engine/world.hpp"
#include "model/free_slots.hpp"

namespace statesim::engine {

class ServerCpu {
 public:
  ServerCpu(World& world, ServerPool& pool);
  ServerCpu(const ServerCpu&) = delete;
  ServerCpu& operator=(const ServerCpu&) = delete;

  // `seconds` of CPU (on a speed-1 server) on `server`, which must be powered; `done(finished)`
  // once: false when the server went down first.
  void execute(int server, double seconds, Activities::Done done);

 private:
  struct Running {
    int server = -1;
    std::uint32_t stops = 0;  // the server's stops when it started
    Activities::Done done;
  };
  void ended(std::uint32_t slot, bool finished);

  World& world_;
  ServerPool& pool_;
  std::vector<std::uint32_t> stops_;  // per server: how many times it went down
  std::vector<Running> running_;
  FreeSlots free_;
};

}  // namespace statesim::engine
