#include "model/timed_queue.hpp"

#include <algorithm>
#include <utility>

namespace statesim {

TimedQueue::Ticket TimedQueue::push(double time_s, Action action, Lane lane) {
  changed();
  const std::uint32_t slot = free_slots_.take(slots_);
  slots_[slot].action = std::move(action);
  live_++;
  heap_.push_back(HeapEntry{time_s, next_order(lane), slot, slots_[slot].generation});
  sift_up(heap_.size() - 1);
  return Ticket{slot, slots_[slot].generation};
}

TimedQueue::FifoId TimedQueue::add_fifo() {
  fifos_.emplace_back();
  fifos_.back().ring.resize(16);
  return static_cast<FifoId>(fifos_.size() - 1);
}

TimedQueue::Ticket TimedQueue::push(FifoId fifo_id, double time_s, Action action, Lane lane) {
  changed();
  Fifo& fifo = fifos_[fifo_id];
  if (fifo.count == fifo.ring.size()) {  // full: double the ring, entries in order from 0
    std::vector<FifoEntry> bigger(fifo.ring.size() * 2);
    for (std::size_t i = 0; i < fifo.count; ++i) bigger[i] = std::move(fifo.at(i));
    fifo.ring = std::move(bigger);
    fifo.head = 0;
  }
  FifoEntry& entry = fifo.at(fifo.count);
  entry.time_s = time_s;
  entry.order = next_order(lane);
  entry.action = std::move(action);
  const auto sequence = static_cast<std::uint32_t>(fifo.front_sequence + fifo.count);
  fifo.count++;
  live_++;
  return Ticket{kInFifo | fifo_id, sequence};
}

const TimedQueue::FifoEntry* TimedQueue::fifo_entry(const Ticket& ticket) const {
  const Fifo& fifo = fifos_[ticket.where_ & ~kInFifo];
  const std::uint32_t index = ticket.stamp_ - fifo.front_sequence;  // modulo 2^32, as the numbers
  if (index >= fifo.count) return nullptr;
  const FifoEntry& entry = fifo.at(index);
  return entry.action ? &entry : nullptr;
}

bool TimedQueue::pending(const Ticket& ticket) const {
  if (ticket.empty()) return false;
  if ((ticket.where_ & kInFifo) != 0) return fifo_entry(ticket) != nullptr;
  return slots_[ticket.where_].generation == ticket.stamp_ && slots_[ticket.where_].action;
}

void TimedQueue::cancel(Ticket& ticket) {
  if (pending(ticket)) {
    changed();
    live_--;
    if ((ticket.where_ & kInFifo) != 0) {
      Fifo& fifo = fifos_[ticket.where_ & ~kInFifo];
      fifo.at(ticket.stamp_ - fifo.front_sequence).action = nullptr;  // skipped when it reaches the front
    } else {
      free_slot(ticket.where_);
      stale_++;
      if (stale_ > kCompactAbove && stale_ > live_) compact();
    }
  }
  ticket = Ticket{};
}

long TimedQueue::earliest() {
  if (earliest_known_) return earliest_;
  while (!heap_.empty() && stale(heap_.front())) {
    remove_top();
    stale_--;
  }
  long best = -2;
  double best_time = 0;
  std::uint64_t best_order = 0;
  if (!heap_.empty()) {
    best = -1;
    best_time = heap_.front().time_s;
    best_order = heap_.front().order;
  }
  for (std::size_t f = 0; f < fifos_.size(); ++f) {
    Fifo& fifo = fifos_[f];
    while (fifo.count > 0 && !fifo.at(0).action) fifo.pop_front();  // cancelled
    if (fifo.count == 0) continue;
    const FifoEntry& front = fifo.at(0);
    if (best != -2 && !before(front.time_s, front.order, best_time, best_order)) continue;
    best = static_cast<long>(f);
    best_time = front.time_s;
    best_order = front.order;
  }
  earliest_known_ = true;
  earliest_ = best;
  return best;
}

double TimedQueue::top_time() {
  const long where = earliest();
  return where == -1 ? heap_.front().time_s : fifos_[static_cast<std::size_t>(where)].at(0).time_s;
}

TimedQueue::Action TimedQueue::pop_due(double now_s) {
  if (live_ == 0 || top_time() > now_s) return Action{};
  return pop();
}

TimedQueue::Action TimedQueue::pop() {
  const long where = earliest();
  changed();
  live_--;
  Action action;
  if (where == -1) {
    const std::uint32_t slot = heap_.front().slot;
    remove_top();
    action = std::move(slots_[slot].action);
    free_slot(slot);
  } else {
    Fifo& fifo = fifos_[static_cast<std::size_t>(where)];
    action = std::move(fifo.at(0).action);
    fifo.pop_front();
  }
  return action;
}

void TimedQueue::free_slot(std::uint32_t slot) {
  Slot& entry = slots_[slot];
  entry.action = nullptr;
  entry.generation++;
  free_slots_.give_back(slot);
}

// Drops every stale entry and rebuilds the heap: the order of what remains is unchanged, as
// (time, order) is a total order.
void TimedQueue::compact() {
  heap_.erase(
      std::remove_if(heap_.begin(), heap_.end(), [this](const HeapEntry& entry) { return stale(entry); }),
      heap_.end());
  stale_ = 0;
  if (heap_.size() < 2) return;
  for (std::size_t parent = (heap_.size() - 2) / kArity + 1; parent-- > 0;) sift_down(parent);
}

void TimedQueue::sift_up(std::size_t index) {
  const HeapEntry entry = heap_[index];
  while (index > 0) {
    const std::size_t parent = (index - 1) / kArity;
    if (!before(entry, heap_[parent])) break;
    heap_[index] = heap_[parent];
    index = parent;
  }
  heap_[index] = entry;
}

void TimedQueue::sift_down(std::size_t index) {
  const HeapEntry entry = heap_[index];
  const std::size_t size = heap_.size();
  while (true) {
    const std::size_t first = kArity * index + 1;
    if (first >= size) break;
    std::size_t best = first;
    const std::size_t last = std::min(first + kArity, size);
    for (std::size_t child = first + 1; child < last; ++child)
      if (before(heap_[child], heap_[best])) best = child;
    if (!before(heap_[best], entry)) break;
    heap_[index] = heap_[best];
    index = best;
  }
  heap_[index] = entry;
}

void TimedQueue::remove_top() {
  heap_.front() = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0);
}

}  // namespace statesim
