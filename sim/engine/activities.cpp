#include "engine/activities.hpp"

namespace sg4 = simgrid::s4u;

namespace statesim::engine {
namespace {

Activities* table = nullptr;  // SimGrid's completion signal takes no context

}  // namespace

Activities::Activities() {
  table = this;
  sg4::Activity::on_completion_cb([](const sg4::Activity& activity) { table->on_completion(activity); });
}

void Activities::transfer(sg4::Host* from, sg4::Host* to, double bytes, Done done) {
  start(sg4::Comm::sendto_init(from, to)->set_payload_size(bytes), std::move(done));
}

void Activities::execute(sg4::Host* host, double flops, Done done) {
  start(sg4::Exec::init()->set_flops_amount(flops)->set_host(host), std::move(done));
}

void Activities::start(sg4::ActivityPtr activity, Done done) {
  const std::uint32_t slot = free_slots_.take(slots_);
  activity->set_data(reinterpret_cast<void*>(static_cast<std::uintptr_t>(slot) + 1));
  slots_[slot].activity = activity;
  slots_[slot].done = std::move(done);
  activity->vetoable_start();
}

void Activities::on_completion(const sg4::Activity& activity) {
  auto* data = activity.get_data<void>();
  if (data == nullptr) return;
  const auto slot = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(data) - 1);
  if (slot >= slots_.size() || slots_[slot].activity.get() != &activity) return;
  const bool finished = activity.get_state() == sg4::Activity::State::FINISHED;
  finished_.push_back(std::move(slots_[slot].activity));
  Done done = std::move(slots_[slot].done);
  slots_[slot].done = nullptr;
  free_slots_.give_back(slot);
  done(finished);
}

}  // namespace statesim::engine
