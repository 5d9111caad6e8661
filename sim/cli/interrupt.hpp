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

}  // namespace statesim::cli
