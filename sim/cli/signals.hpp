// SIGINT and SIGTERM around the steps of a command that must not be cut in the middle.
#pragma once

#include <csignal>

namespace statesim::cli {

// Holds SIGINT and SIGTERM while it lives: one that comes meanwhile is delivered when it ends.
class SignalsHeld {
 public:
  SignalsHeld();
  ~SignalsHeld();
  SignalsHeld(const SignalsHeld&) = delete;
  SignalsHeld& operator=(const SignalsHeld&) = delete;

 private:
  sigset_t previous_;
};

// While it lives, SIGINT and SIGTERM are recorded instead of ending the process, so that a
// command can stop between two steps and say what it has done (engine::run_tasks records them
// the same way while simulations run, and throws engine::Interrupted).
class InterruptRequests {
 public:
  InterruptRequests();
  ~InterruptRequests();
  InterruptRequests(const InterruptRequests&) = delete;
  InterruptRequests& operator=(const InterruptRequests&) = delete;

  // Throws engine::Interrupted when a signal came since the start.
  void stop_if_requested() const;

 private:
  struct sigaction old_int_ {
  }, old_term_{};
};

}  // namespace statesim::cli
