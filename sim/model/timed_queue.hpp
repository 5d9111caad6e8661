// Actions waiting for their time, ordered by (time, lane, insertion order), each named by a
// ticket that cancels it: what the engine's clock runs on. Most actions wait in an indexed
// 4-ary heap (a cancel removes the action at once). Actions that follow their scheduling by a
// constant delay (every request's timeout, the latency of a client link) come out in the order
// they went in, so each such delay has a FIFO of its own: O(1) to add, and a cancelled entry is
// skipped when it reaches the front. With ten million users waiting in the heap, this keeps
// the heap's work (and its cache misses) to the users' own steps.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <vector>

#include "model/free_slots.hpp"

namespace statesim {

class TimedQueue {
 public:
  // Small captures ([this, index]) fit std::function's inline buffer: no allocation.
  using Action = std::function<void()>;

  // Same-time actions come out lane by lane, in insertion order within a lane. `observe` reads
  // the state at the very start of an instant, before any other action of that instant changes
  // it (the end of a time-series bucket [a, t) is the state just before t).
  enum class Lane : std::uint8_t { observe = 0, first = 1, normal = 2 };

  // Names one pending action; default-constructed, cancelled or popped tickets name none.
  class Ticket {
   public:
    Ticket() = default;
    bool empty() const { return slot_ == kNoSlot; }

   private:
    friend class TimedQueue;
    Ticket(std::uint32_t slot, std::uint32_t generation) : slot_(slot), generation_(generation) {}
    std::uint32_t slot_ = kNoSlot;
    std::uint32_t generation_ = 0;
  };

  // A FIFO for actions scheduled a constant delay after "now" (see add_fifo).
  using FifoId = std::uint32_t;

  Ticket push(double time_s, Action action, Lane lane = Lane::normal);
  // A FIFO whose times must never decrease: each push is later than or at the previous one's.
  FifoId add_fifo() {
    fifos_.emplace_back();
    return static_cast<FifoId>(fifos_.size() - 1);
  }
  Ticket push(FifoId fifo, double time_s, Action action, Lane lane = Lane::normal);
  // Removes the action if it is still pending; the ticket is emptied either way.
  void cancel(Ticket& ticket);
  bool pending(const Ticket& ticket) const;

  bool empty() { return live_ == 0; }
  std::size_t size() const { return live_; }
  double top_time();  // of the earliest pending action; the queue must not be empty
  // Removes the earliest action and returns it (the queue may be changed before it runs).
  Action pop();
  // The earliest action if it is due at `now_s` (removed), or an empty Action.
  Action pop_due(double now_s);

 private:
  static constexpr std::uint32_t kNoSlot = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::uint32_t kInFifo = kNoSlot - 1;  // heap_index of a slot waiting in a FIFO
  static constexpr std::size_t kArity = 4;

  struct Slot {
    Action action;
    std::uint32_t heap_index = kNoSlot;  // kInFifo in a FIFO, kNoSlot when free or cancelled there
    std::uint32_t generation = 0;        // bumps when the slot is freed: stale tickets name nothing
  };
  // An entry holds its ordering keys, so that sifting reads no slot.
  struct Entry {
    double time_s;
    std::uint64_t order;  // lane in the top bits, then an insertion counter
    std::uint32_t slot;
  };

  static bool before(const Entry& x, const Entry& y) {
    return x.time_s < y.time_s || (x.time_s == y.time_s && x.order < y.order);
  }
  std::uint64_t next_order(Lane lane) { return (static_cast<std::uint64_t>(lane) << 62) | next_order_++; }
  std::uint32_t take_slot(Action action);
  void sift_up(std::size_t index);
  void sift_down(std::size_t index);
  void place(std::size_t index, const Entry& entry);
  void remove_at(std::size_t index);
  void free_slot(std::uint32_t slot);
  // The earliest live entry: -1 for the heap, else a FIFO's index; -2 when there is none.
  // Remembered until the queue changes.
  long earliest();
  void changed() { earliest_known_ = false; }

  std::vector<Slot> slots_;
  FreeSlots free_slots_;
  std::vector<Entry> heap_;  // a 4-ary min-heap
  std::vector<std::deque<Entry>> fifos_;
  std::uint64_t next_order_ = 0;
  std::size_t live_ = 0;
  bool earliest_known_ = false;
  long earliest_ = -2;
};

}  // namespace statesim
