#include "model/bucket_level.hpp"

namespace statesim {

void BucketLevel::carry_to(std::size_t index) {
  for (; written_ < index; ++written_) recorder_.bucket_at(written_).*column_ = level_;
}

void BucketLevel::add(double t, std::int64_t delta) {
  const std::size_t index = recorder_.bucket_index(t);
  carry_to(index);
  level_ += delta;
  recorder_.bucket_at(index).*column_ = level_;
}

void BucketLevel::finish() { carry_to(recorder_.bucket_count()); }

}  // namespace statesim
