#include "model/timed_queue.hpp"

#include <algorithm>

namespace statesim {

std::uint32_t TimedQueue::take_slot(Action action) {
  changed();
  const std::uint32_t slot = free_slots_.take(slots_);
  slots_[slot].action = std::move(action);
  live_++;
  return slot;
}

TimedQueue::Ticket TimedQueue::push(double time_s, Action action, Lane lane) {
  const std::uint32_t slot = take_slot(std::move(action));
  heap_.push_back(Entry{time_s, next_order(lane), slot});
  sift_up(heap_.size() - 1);
  return Ticket{slot, slots_[slot].generation};
}

TimedQueue::Ticket TimedQueue::push(FifoId fifo, double time_s, Action action, Lane lane) {
  const std::uint32_t slot = take_slot(std::move(action));
  slots_[slot].heap_index = kInFifo;
  fifos_[fifo].push_back(Entry{time_s, next_order(lane), slot});
  return Ticket{slot, slots_[slot].generation};
}

bool TimedQueue::pending(const Ticket& ticket) const {
  return !ticket.empty() && slots_[ticket.slot_].generation == ticket.generation_ &&
         slots_[ticket.slot_].heap_index != kNoSlot;
}

void TimedQueue::cancel(Ticket& ticket) {
  if (pending(ticket)) {
    changed();
    Slot& slot = slots_[ticket.slot_];
    live_--;
    if (slot.heap_index == kInFifo) {  // left in its FIFO, skipped when it reaches the front
      slot.action = nullptr;
      slot.heap_index = kNoSlot;
      slot.generation++;
    } else {
      remove_at(slot.heap_index);
      free_slot(ticket.slot_);
    }
  }
  ticket = Ticket{};
}

long TimedQueue::earliest() {
  if (earliest_known_) return earliest_;
  long best = heap_.empty() ? -2 : -1;
  for (std::size_t f = 0; f < fifos_.size(); ++f) {
    std::deque<Entry>& fifo = fifos_[f];
    while (!fifo.empty() && slots_[fifo.front().slot].heap_index != kInFifo) {  // cancelled: its slot is free now
      free_slots_.give_back(fifo.front().slot);
      fifo.pop_front();
    }
    if (fifo.empty()) continue;
    if (best == -2 || before(fifo.front(), best == -1 ? heap_.front() : fifos_[static_cast<std::size_t>(best)].front()))
      best = static_cast<long>(f);
  }
  earliest_known_ = true;
  earliest_ = best;
  return best;
}

double TimedQueue::top_time() {
  const long where = earliest();
  return where == -1 ? heap_.front().time_s : fifos_[static_cast<std::size_t>(where)].front().time_s;
}

TimedQueue::Action TimedQueue::pop_due(double now_s) {
  if (live_ == 0 || top_time() > now_s) return Action{};
  return pop();
}

TimedQueue::Action TimedQueue::pop() {
  const long where = earliest();
  changed();
  std::uint32_t slot;
  if (where == -1) {
    slot = heap_.front().slot;
    remove_at(0);
  } else {
    std::deque<Entry>& fifo = fifos_[static_cast<std::size_t>(where)];
    slot = fifo.front().slot;
    fifo.pop_front();
  }
  Action action = std::move(slots_[slot].action);
  live_--;
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
    const std::size_t parent = (index - 1) / kArity;
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
    const std::size_t first = kArity * index + 1;
    if (first >= size) break;
    std::size_t best = first;
    const std::size_t last = std::min(first + kArity, size);
    for (std::size_t child = first + 1; child < last; ++child)
      if (before(heap_[child], heap_[best])) best = child;
    if (!before(heap_[best], entry)) break;
    place(index, heap_[best]);
    index = best;
  }
  place(index, entry);
}

void TimedQueue::remove_at(std::size_t index) {
  const Entry last = heap_.back();
  heap_.pop_back();
  if (index == heap_.size()) return;
  place(index, last);
  if (index > 0 && before(last, heap_[(index - 1) / kArity])) {
    sift_up(index);
  } else {
    sift_down(index);
  }
}

}  // namespace statesim
