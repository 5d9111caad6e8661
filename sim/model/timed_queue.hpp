// Actions waiting for their time, in an indexed binary heap ordered by (time, lane, insertion
// order), each named by a ticket that cancels it in O(log n): what the engine's clock runs on.
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

  // Same-time actions come out lane by lane, in insertion order within a lane.
  enum class Lane : std::uint8_t { first = 0, normal = 1 };

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

  Ticket push(double time_s, Action action, Lane lane = Lane::normal);
  // Removes the action if it is still pending; the ticket is emptied either way.
  void cancel(Ticket& ticket);
  bool pending(const Ticket& ticket) const;

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  double top_time() const { return heap_.front().time_s; }
  // Removes the earliest action and returns it (the queue may be changed before it runs).
  Action pop();

 private:
  static constexpr std::uint32_t kNoSlot = std::numeric_limits<std::uint32_t>::max();

  struct Slot {
    Action action;
    std::uint32_t heap_index = kNoSlot;
    std::uint32_t generation = 0;   // bumps when the slot is freed: stale tickets name nothing
  };
  // The heap holds the ordering keys itself, so that sifting reads no slot.
  struct Entry {
    double time_s;
    std::uint64_t order;            // lane in the top bits, then an insertion counter
    std::uint32_t slot;
  };

  static bool before(const Entry& x, const Entry& y) {
    return x.time_s < y.time_s || (x.time_s == y.time_s && x.order < y.order);
  }
  void sift_up(std::size_t index);
  void sift_down(std::size_t index);
  void place(std::size_t index, const Entry& entry);
  void remove_at(std::size_t index);
  void free_slot(std::uint32_t slot);

  std::vector<Slot> slots_;
  FreeSlots free_slots_;
  std::vector<Entry> heap_;  // a binary min-heap
  std::uint64_t next_order_ = 0;
};

}  // namespace statesim
