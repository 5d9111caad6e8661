// The accounting of a realtime run's messages. A delivery is one recipient of one message: it
// is counted when the message is sent, and ends once: received (with its latency), received
// late from a stream's replay, or missed; those not ended when the run ends are in flight, so
// that deliveries = delivered + missed + in flight.
#pragma once

#include <cstdint>

#include "model/recorder.hpp"
#include "model/stats.hpp"

namespace statesim {

class DeliveryLedger {
 public:
  DeliveryLedger(Recorder& recorder, double warmup_s) : recorder_(recorder), warmup_s_(warmup_s) {}

  // A message sent at `t` to `recipients` users.
  void sent(double t, std::int64_t recipients);
  // A delivery of a message sent at `sent_at` reached its recipient at `t`.
  void received(double t, double sent_at);
  // `count` deliveries reached their recipient late, replayed by a stream.
  void replayed(std::int64_t count);
  // `count` deliveries will never arrive; counted in the time series at `t`.
  void missed(double t, std::int64_t count);
  std::int64_t in_flight() const { return in_flight_; }

  // At the end of the run: the in-flight count and the latency percentiles into the summary.
  void finish();

 private:
  Recorder& recorder_;
  double warmup_s_;
  LatencySamples latencies_;  // messages sent at or after warmup, received live
  std::int64_t in_flight_ = 0;
};

}  // namespace statesim
