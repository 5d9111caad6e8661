#include "engine/clients/server_cpu.hpp"

namespace statesim::engine {

ServerCpu::ServerCpu(World& world, ServerPool& pool)
    : world_(world), pool_(pool), stops_(static_cast<std::size_t>(pool.size()), 0) {
  // A stop resets the pool's count of running executions: those started before it end uncounted.
  pool_.on_stop([this](int s, CrashReport&) { stops_[static_cast<std::size_t>(s)]++; });
}

void ServerCpu::execute(int server, double seconds, Activities::Done done) {
  const std::uint32_t slot = free_.take(running_);
  running_[slot] = Running{server, stops_[static_cast<std::size_t>(server)], std::move(done)};
  pool_.cpu_started(server);
  world_.activities.execute(pool_.host(server), seconds * kFlopsPerSecond,
                            [this, slot](bool finished) { ended(slot, finished); });
}

void ServerCpu::ended(std::uint32_t slot, bool finished) {
  Running& running = running_[slot];
  if (running.stops == stops_[static_cast<std::size_t>(running.server)]) pool_.cpu_ended(running.server);
  Activities::Done done = std::move(running.done);
  running.done = nullptr;
  free_.give_back(slot);
  done(finished);
}

}  // namespace statesim::engine
