// SimGrid communications and executions started from maestro, each with the callback to run
// when it ends. SimGrid reports every activity's end through one global completion signal;
// this table routes each to its own callback, telling whether it finished or failed (a host on
// its way was turned off).
#pragma once

#include <simgrid/s4u.hpp>

#include <cstdint>
#include <functional>
#include <vector>

#include "model/free_slots.hpp"

namespace statesim::engine {

class Activities {
 public:
  // Small captures ([this, index]) fit std::function's inline buffer: no allocation.
  using Done = std::function<void(bool finished)>;

  // Installs the completion callback: one table per process.
  Activities();
  Activities(const Activities&) = delete;
  Activities& operator=(const Activities&) = delete;

  // `bytes` from `from` to `to` over the platform's route.
  void transfer(simgrid::s4u::Host* from, simgrid::s4u::Host* to, double bytes, Done done);
  // `flops` on `host`, sharing its cores with the other executions there.
  void execute(simgrid::s4u::Host* host, double flops, Done done);

  // SimGrid still uses an activity after its completion callback: the table keeps the last
  // reference until this is called (at the next timer, outside any callback).
  void release_finished() { finished_.clear(); }

 private:
  struct Slot {
    simgrid::s4u::ActivityPtr activity;
    Done done;
  };
  void start(simgrid::s4u::ActivityPtr activity, Done done);
  void on_completion(const simgrid::s4u::Activity& activity);

  std::vector<Slot> slots_;
  FreeSlots free_slots_;
  std::vector<simgrid::s4u::ActivityPtr> finished_;
};

}  // namespace statesim::engine
