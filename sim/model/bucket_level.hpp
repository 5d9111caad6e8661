// A level the time series reports at each bucket's end (users connected, matches in progress):
// each change writes the bucket it falls in, and the buckets in between, where nothing
// changed, carry the level over. The buckets are written as the run goes, with no action of
// their own at bucket ends.
#pragma once

#include <cstdint>

#include "model/recorder.hpp"

namespace statesim {

class BucketLevel {
 public:
  BucketLevel(Recorder& recorder, std::int64_t Bucket::*column) : recorder_(recorder), column_(column) {}

  // The level changes by `delta` at `t` (t never goes back).
  void add(double t, std::int64_t delta);
  std::int64_t value() const { return level_; }
  // At the end of the run: the buckets after the last change carry the level.
  void finish();

 private:
  void carry_to(std::size_t index);  // buckets up to `index` (excluded) get the level

  Recorder& recorder_;
  std::int64_t Bucket::*column_;
  std::int64_t level_ = 0;
  std::size_t written_ = 0;  // buckets before this one hold their final value
};

}  // namespace statesim
