#include "model/timed_queue.hpp"

namespace statesim {

TimedQueue::Ticket TimedQueue::push(double time_s, Action action, Lane lane) {
  const std::uint32_t slot = free_slots_.take(slots_);
  slots_[slot].action = std::move(action);
  heap_.push_back(Entry{time_s, (static_cast<std::uint64_t>(lane) << 62) | next_order_++, slot});
  sift_up(heap_.size() - 1);
  return Ticket{slot, slots_[slot].generation};
}

bool TimedQueue::pending(const Ticket& ticket) const {
  return !ticket.empty() && slots_[ticket.slot_].generation == ticket.generation_ &&
         slots_[ticket.slot_].heap_index != kNoSlot;
}

void TimedQueue::cancel(Ticket& ticket) {
  if (pending(ticket)) {
    remove_at(slots_[ticket.slot_].heap_index);
    free_slot(ticket.slot_);
  }
  ticket = Ticket{};
}

TimedQueue::Action TimedQueue::pop() {
  const std::uint32_t slot = heap_.front().slot;
  remove_at(0);
  Action action = std::move(slots_[slot].action);
  free_slot(slot);
  return action;
}

void TimedQueue::free_slot(std::uint32_t slot) {
  Slot& entry = slots_[slot];
  entry.action = nullptr;
  entry.heap_index = kNoSlot;
  entry.generation++;
  free_slots_.give_back(slot);
}

void TimedQueue::place(std::size_t index, const Entry& entry) {
  heap_[index] = entry;
  slots_[entry.slot].heap_index = static_cast<std::uint32_t>(index);
}

void TimedQueue::sift_up(std::size_t index) {
  const Entry entry = heap_[index];
  while (index > 0) {
    const std::size_t parent = (index - 1) / 2;
    if (!before(entry, heap_[parent])) break;
    place(index, heap_[parent]);
    index = parent;
  }
  place(index, entry);
}

void TimedQueue::sift_down(std::size_t index) {
  const Entry entry = heap_[index];
  const std::size_t size = heap_.size();
  while (true) {
    std::size_t child = 2 * index + 1;
    if (child >= size) break;
    if (child + 1 < size && before(heap_[child + 1], heap_[child])) ++child;
    if (!before(heap_[child], entry)) break;
    place(index, heap_[child]);
    index = child;
  }
  place(index, entry);
}

void TimedQueue::remove_at(std::size_t index) {
  const Entry last = heap_.back();
  heap_.pop_back();
  if (index == heap_.size()) return;
  place(index, last);
  if (index > 0 && before(last, heap_[(index - 1) / 2])) {
    sift_up(index);
  } else {
    sift_down(index);
  }
}

}  // namespace statesim
