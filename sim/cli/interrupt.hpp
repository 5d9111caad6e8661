// SIGINT and SIGTERM turned into a flag while an InterruptScope lives, so that a command can
// stop what it is doing, remove what it had begun and exit 128 + the signal. The handler is
// installed without SA_RESTART: a blocking wait returns EINTR at once.
#pragma once

#include <csignal>

namespace statesim::cli {

class InterruptScope {
 public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
  // The signal received since the scope began, or 0.
  static int received();
  // Throws engine::Interrupted when a signal was received.
  static void throw_if_received();

 private:
  struct sigaction old_int_ {}, old_term_ {};
};

// Holds SIGINT and SIGTERM while it lives, around steps that must not be cut in the middle
// (files written together): one that comes meanwhile is delivered when it ends.
class SignalsHeld {
 public:
  SignalsHeld();
  ~SignalsHeld();
  SignalsHeld(const SignalsHeld&) = delete;
  SignalsHeld& operator=(const SignalsHeld&) = delete;

 private:
  sigset_t previous_;
};

}  // namespace statesim::cli
