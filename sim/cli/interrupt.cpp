#include "cli/interrupt.hpp"

#include "engine/runner.hpp"

namespace statesim::cli {
namespace {

volatile std::sig_atomic_t signal_received = 0;

extern "C" void record_signal(int signal_number) { signal_received = signal_number; }

}  // namespace

InterruptScope::InterruptScope() {
  signal_received = 0;
  struct sigaction action {};
  action.sa_handler = record_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &old_int_);
  sigaction(SIGTERM, &action, &old_term_);
}

InterruptScope::~InterruptScope() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

int InterruptScope::received() { return signal_received; }

void InterruptScope::throw_if_received() {
  if (signal_received != 0) throw engine::Interrupted(signal_received);
}

SignalsHeld::SignalsHeld() {
  sigset_t held;
  sigemptyset(&held);
  sigaddset(&held, SIGINT);
  sigaddset(&held, SIGTERM);
  sigprocmask(SIG_BLOCK, &held, &previous_);
}

SignalsHeld::~SignalsHeld() { sigprocmask(SIG_SETMASK, &previous_, nullptr); }

}  // namespace statesim::cli
