#include "model/realtime/delivery_ledger.hpp"

#include <cmath>

namespace statesim {

void DeliveryLedger::sent(double, std::int64_t recipients) {
  Summary& s = recorder_.summary();
  s.messages_sent++;
  s.message_deliveries += recipients;
  in_flight_ += recipients;
}

void DeliveryLedger::received(double t, double sent_at) {
  recorder_.summary().messages_delivered++;
  in_flight_--;
  if (sent_at >= warmup_s_) latencies_.add(t - sent_at);
}

void DeliveryLedger::replayed(std::int64_t count) {
  Summary& s = recorder_.summary();
  s.messages_delivered += count;
  s.messages_replayed += count;
  in_flight_ -= count;
}

void DeliveryLedger::missed(double t, std::int64_t count) {
  recorder_.summary().messages_missed += count;
  recorder_.bucket(t).messages_missed += count;
  in_flight_ -= count;
}

void DeliveryLedger::finish() {
  Summary& s = recorder_.summary();
  s.deliveries_in_flight = in_flight_;
  const bool any = latencies_.count() > 0;
  s.delivery_latency_p50_ms = any ? latencies_.percentile(0.50) * 1e3 : NAN;
  s.delivery_latency_p99_ms = any ? latencies_.percentile(0.99) * 1e3 : NAN;
}

}  // namespace statesim
