#include "cli/signals.hpp"

#include "engine/runner.hpp"

namespace statesim::cli {
namespace {

volatile std::sig_atomic_t requested_by = 0;

extern "C" void record_request(int signal_number) { requested_by = signal_number; }

}  // namespace

SignalsHeld::SignalsHeld() {
  sigset_t held;
  sigemptyset(&held);
  sigaddset(&held, SIGINT);
  sigaddset(&held, SIGTERM);
  sigprocmask(SIG_BLOCK, &held, &previous_);
}

SignalsHeld::~SignalsHeld() { sigprocmask(SIG_SETMASK, &previous_, nullptr); }

InterruptRequests::InterruptRequests() {
  requested_by = 0;
  struct sigaction action {};
  action.sa_handler = record_request;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &old_int_);
  sigaction(SIGTERM, &action, &old_term_);
}

InterruptRequests::~InterruptRequests() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

void InterruptRequests::stop_if_requested() const {
  if (requested_by != 0) throw engine::Interrupted(requested_by);
}

}  // namespace statesim::cli
