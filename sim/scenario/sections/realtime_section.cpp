// realtime: long-lived connections (WebSocket, long polling), their messages and reconnects.
#include <limits>

#include "scenario/design_draft.hpp"

namespace statesim::loading {

void apply_realtime(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext&) {
  const Section section(node, path,
                        {"users", "arrival_rate", "connection_duration", "ramp_up", "connect_cpu",
                         "max_connections", "heartbeat", "message_rate", "message_bytes", "message_cpu",
                         "audience", "room_size", "delivery", "replay_window", "reconnect"});
  if (!draft.design.realtime) draft.design.realtime.emplace();
  RealtimeDraft& origins = draft.realtime;
  if (!origins.section) origins.section = origin_of(node, path);
  RealtimeSpec& realtime = *draft.design.realtime;
  if (const Node* value = section.get("users")) {
    realtime.users = read_integer(*value, section.path("users"), 1, std::numeric_limits<std::int64_t>::max());
    origins.users = origin_of(*value, section.path("users"));
  }
  if (const Node* value = section.get("arrival_rate")) {
    realtime.arrival_rate_per_s = read_rate(*value, section.path("arrival_rate"), Lowest::above_zero);
    origins.arrival_rate = origin_of(*value, section.path("arrival_rate"));
  }
  if (const Node* value = section.get("connection_duration")) {
    realtime.connection_duration_s = read_distribution(*value, section.path("connection_duration"));
    origins.connection_duration = origin_of(*value, section.path("connection_duration"));
  }
  if (const Node* value = section.get("ramp_up")) {
    realtime.ramp_up_s = read_duration(*value, section.path("ramp_up"), Lowest::zero);
    origins.ramp_up = origin_of(*value, section.path("ramp_up"));
  }
  if (const Node* value = section.get("connect_cpu"))
    realtime.connect_cpu_s = read_duration(*value, section.path("connect_cpu"), Lowest::zero);
  if (const Node* value = section.get("max_connections"))
    realtime.max_connections =
        read_integer(*value, section.path("max_connections"), 1, std::numeric_limits<std::int64_t>::max());
  if (const Node* value = section.get("heartbeat"))
    realtime.heartbeat_s = read_duration(*value, section.path("heartbeat"), Lowest::above_zero);
  if (const Node* value = section.get("message_rate"))
    realtime.message_rate_per_s = read_rate(*value, section.path("message_rate"), Lowest::zero);
  if (const Node* value = section.get("message_bytes"))
    realtime.message_bytes = read_size(*value, section.path("message_bytes"));
  if (const Node* value = section.get("message_cpu"))
    realtime.message_cpu_s = read_duration(*value, section.path("message_cpu"), Lowest::zero);
  if (const Node* value = section.get("audience"))
    realtime.audience = read_choice(*value, section.path("audience"), kAudienceNames);
  if (const Node* value = section.get("room_size"))
    realtime.room_size =
        read_integer(*value, section.path("room_size"), 2, std::numeric_limits<std::int64_t>::max());
  if (const Node* value = section.get("delivery"))
    realtime.delivery = read_choice(*value, section.path("delivery"), kDeliveryNames);
  if (const Node* value = section.get("replay_window"))
    realtime.replay_window_s = read_duration(*value, section.path("replay_window"), Lowest::above_zero);
  if (const Node* value = section.get("reconnect")) {
    const Section reconnect(*value, section.path("reconnect"), {"backoff", "max_backoff", "jitter"});
    ReconnectSpec& spec = realtime.reconnect;
    if (const Node* item = reconnect.get("backoff")) {
      spec.backoff_s = read_duration(*item, reconnect.path("backoff"), Lowest::above_zero);
      origins.backoff = origin_of(*item, reconnect.path("backoff"));
    }
    if (const Node* item = reconnect.get("max_backoff")) {
      spec.max_backoff_s = read_duration(*item, reconnect.path("max_backoff"), Lowest::above_zero);
      origins.max_backoff = origin_of(*item, reconnect.path("max_backoff"));
    }
    if (const Node* item = reconnect.get("jitter"))
      spec.jitter = read_choice(*item, reconnect.path("jitter"), kJitterNames);
  }
}

}  // namespace statesim::loading
