// Actions waiting for their time, ordered by (time, lane, insertion order), each named by a
// ticket that cancels it: what the engine's clock runs on. Most actions wait in a 4-ary heap.
// Actions that follow their scheduling by a constant delay (every request's timeout, the
// latency of a client link) come out in the order they went in, so each such delay has a FIFO
// of its own, a ring holding the actions themselves: O(1) to add and to cancel, and a cancelled
// entry is skipped when it reaches the front. With ten million users waiting in the heap, this
// keeps the heap's work (and its cache misses) to the users' own steps.
//
// The heap's entries carry their ordering keys and no back-pointer: sifting reads and writes the
// heap alone (at 200,000 users and more, a write per level into a table of actions was a cache
// miss per level). A cancel frees the action's slot at once; its heap entry, stale by its
// generation, is dropped when it reaches the top, or all at once when stale entries outnumber
// live ones.
#pragma once

#include <cstdint>
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
    bool empty() const { return where_ == kNowhere; }

   private:
    friend class TimedQueue;
    Ticket(std::uint32_t where, std::uint32_t stamp) : where_(where), stamp_(stamp) {}
    std::uint32_t where_ = kNowhere;  // a heap action's slot, or kInFifo | the FIFO's number
    std::uint32_t stamp_ = 0;         // the slot's generation, or the entry's sequence number in its FIFO
  };

  // A FIFO for actions scheduled a constant delay after "now" (see add_fifo).
  using FifoId = std::uint32_t;

  Ticket push(double time_s, Action action, Lane lane = Lane::normal);
  // A FIFO whose times must never decrease: each push is later than or at the previous one's.
  FifoId add_fifo();
  Ticket push(FifoId fifo, double time_s, Action action, Lane lane = Lane::normal);
  // Removes the action if it is still pending; the ticket is emptied either way.
  void cancel(Ticket& ticket);
  bool pending(const Ticket& ticket) const;

  bool empty() const { return live_ == 0; }
  std::size_t size() const { return live_; }
  double top_time();  // of the earliest pending action; the queue must not be empty
  // Removes the earliest action and returns it (the queue may be changed before it runs).
  Action pop();
  // The earliest action if it is due at `now_s` (removed), or an empty Action.
  Action pop_due(double now_s);

  // Heap entries kept for cancelled actions (for tests: they stay bounded).
  std::size_t stale_entries() const { return stale_; }

 private:
  static constexpr std::uint32_t kNowhere = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::uint32_t kInFifo = 1u << 31;
  static constexpr std::size_t kArity = 4;
  // Below this many, stale heap entries are left to reach the top.
  static constexpr std::size_t kCompactAbove = 4096;

  struct Slot {
    Action action;
    std::uint32_t generation = 0;  // bumps when the slot is freed: stale tickets and entries name nothing
  };
  struct HeapEntry {
    double time_s;
    std::uint64_t order;  // lane in the top bits, then an insertion counter
    std::uint32_t slot;
    std::uint32_t generation;  // the slot's, when pushed
  };
  struct FifoEntry {
    double time_s = 0;
    std::uint64_t order = 0;
    Action action;  // empty once cancelled
  };
  // A ring of entries; `front_sequence` numbers the front one, the next ones follow.
  struct Fifo {
    std::vector<FifoEntry> ring;  // capacity a power of two
    std::size_t head = 0;
    std::size_t count = 0;
    std::uint32_t front_sequence = 0;
    FifoEntry& at(std::size_t i) { return ring[(head + i) & (ring.size() - 1)]; }
    const FifoEntry& at(std::size_t i) const { return ring[(head + i) & (ring.size() - 1)]; }
    void pop_front() {
      ring[head].action = nullptr;
      head = (head + 1) & (ring.size() - 1);
      --count;
      ++front_sequence;
    }
  };

  static bool before(double time_x, std::uint64_t order_x, double time_y, std::uint64_t order_y) {
    return time_x < time_y || (time_x == time_y && order_x < order_y);
  }
  static bool before(const HeapEntry& x, const HeapEntry& y) {
    return before(x.time_s, x.order, y.time_s, y.order);
  }
  std::uint64_t next_order(Lane lane) { return (static_cast<std::uint64_t>(lane) << 62) | next_order_++; }
  bool stale(const HeapEntry& entry) const { return slots_[entry.slot].generation != entry.generation; }
  // The FIFO entry a ticket names, if it is still there.
  const FifoEntry* fifo_entry(const Ticket& ticket) const;
  void sift_up(std::size_t index);
  void sift_down(std::size_t index);
  void remove_top();
  void free_slot(std::uint32_t slot);
  void compact();
  // The earliest live entry: -1 for the heap, else a FIFO's index; -2 when there is none.
  // Remembered until the queue changes.
  long earliest();
  void changed() { earliest_known_ = false; }

  std::vector<Slot> slots_;
  FreeSlots free_slots_;
  std::vector<HeapEntry> heap_;  // a 4-ary min-heap
  std::vector<Fifo> fifos_;
  std::uint64_t next_order_ = 0;
  std::size_t live_ = 0;
  std::size_t stale_ = 0;  // heap entries whose action was cancelled
  bool earliest_known_ = false;
  long earliest_ = -2;
};

}  // namespace statesim
