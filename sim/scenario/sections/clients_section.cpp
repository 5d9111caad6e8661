// clients: the web visitors of part 1 and their request mix.
#include <fmt/format.h>

#include <limits>

#include "scenario/design_draft.hpp"

namespace statesim::loading {
namespace {

std::vector<RequestKind> read_request_kinds(const Node& node, const std::string& path,
                                            const LoadContext& context) {
  constexpr std::string_view kExpected =
      "a list of request kinds such as [{name: page, weight: 1, cpu: exp(5ms)}]";
  if (node.kind != Node::Kind::sequence) fail_expected(node, path, kExpected);
  if (node.items.empty()) fail_expected(node, path, kExpected, "at least one kind is needed");
  if (node.items.size() > context.limits.max_request_kinds)
    fail(node.position, path,
         fmt::format("{} request kinds is above the limit of {}", node.items.size(),
                     context.limits.max_request_kinds));
  std::vector<RequestKind> kinds;
  for (std::size_t i = 0; i < node.items.size(); ++i) {
    const Section section(node.items[i], item_path(path, i),
                          {"name", "weight", "cpu", "writes_session", "effect", "request_bytes", "response_bytes"});
    RequestKind kind;
    const Node& name = section.require("name");
    constexpr std::string_view kNameExpected =
        "a name of lowercase letters, digits, '_' and '-' ([a-z0-9_-]+)";
    kind.name = require_scalar(name, section.path("name"), kNameExpected).text;
    if (!matches_name(kind.name, true)) fail_expected(name, section.path("name"), kNameExpected);
    for (std::size_t earlier = 0; earlier < kinds.size(); ++earlier)
      if (kinds[earlier].name == kind.name)
        fail(name.position, section.path("name"),
             fmt::format("duplicate request name {} (already used by {})", quote_value(kind.name),
                         item_path(path, earlier)));
    if (const Node* value = section.get("weight"))
      kind.weight = read_positive_number(*value, section.path("weight"), 0, kHighestWeight,
                                         "weights are relative: 1 and 9 say 10% and 90%");
    if (const Node* value = section.get("cpu")) kind.cpu_s = read_distribution(*value, section.path("cpu"));
    if (const Node* value = section.get("writes_session"))
      kind.writes_session = read_bool(*value, section.path("writes_session"));
    if (const Node* value = section.get("effect")) kind.effect = read_bool(*value, section.path("effect"));
    if (const Node* value = section.get("request_bytes"))
      kind.request_bytes = read_size(*value, section.path("request_bytes"));
    if (const Node* value = section.get("response_bytes"))
      kind.response_bytes = read_size(*value, section.path("response_bytes"));
    kinds.push_back(std::move(kind));
  }
  return kinds;
}


}  // namespace

void apply_clients(const Node& node, const std::string& path, DesignDraft& draft,
                   const LoadContext& context) {
  const Section section(node, path,
                        {"arrival_rate", "users", "start", "relogin_after", "ramp_up", "session_duration",
                         "think_time", "ip_pool", "request_bytes", "response_bytes", "timeout", "retries",
                         "retry_backoff", "retry_jitter", "on_forced_logout", "requests"});
  ClientSpec& clients = draft.design.clients;
  if (!draft.clients_section) draft.clients_section = origin_of(node, path);
  if (const Node* value = section.get("arrival_rate")) {
    clients.arrival_rate_per_s = read_rate(*value, section.path("arrival_rate"), Lowest::above_zero);
    draft.arrival_rate = origin_of(*value, section.path("arrival_rate"));
  }
  if (const Node* value = section.get("users")) {
    clients.users = read_integer(*value, section.path("users"), 1, std::numeric_limits<std::int64_t>::max());
    draft.users = origin_of(*value, section.path("users"));
  }
  if (const Node* value = section.get("start")) {
    clients.start = read_choice(*value, section.path("start"), kStartStateNames);
    draft.start_state = origin_of(*value, section.path("start"));
  }
  if (const Node* value = section.get("relogin_after")) {
    clients.relogin_after_s = read_distribution(*value, section.path("relogin_after"));
    draft.relogin_after = origin_of(*value, section.path("relogin_after"));
  }
  if (const Node* value = section.get("ramp_up")) {
    clients.ramp_up_s = read_duration(*value, section.path("ramp_up"), Lowest::zero);
    draft.ramp_up = origin_of(*value, section.path("ramp_up"));
  }
  if (const Node* value = section.get("session_duration"))
    clients.session_duration_s = read_distribution(*value, section.path("session_duration"));
  if (const Node* value = section.get("think_time")) {
    clients.think_time_s = read_distribution(*value, section.path("think_time"));
    draft.think_time = origin_of(*value, section.path("think_time"));
  }
  if (const Node* value = section.get("ip_pool"))
    clients.ip_pool =
        read_integer(*value, section.path("ip_pool"), 0, std::numeric_limits<std::int64_t>::max());
  if (const Node* value = section.get("request_bytes"))
    clients.request_bytes = read_size(*value, section.path("request_bytes"));
  if (const Node* value = section.get("response_bytes"))
    clients.response_bytes = read_size(*value, section.path("response_bytes"));
  if (const Node* value = section.get("timeout"))
    clients.timeout_s = read_duration(*value, section.path("timeout"), Lowest::above_zero);
  if (const Node* value = section.get("retries"))
    clients.retries = read_int(*value, section.path("retries"), 0, 255);  // a user counts them in a byte
  if (const Node* value = section.get("retry_backoff"))
    clients.retry_backoff_s = read_duration(*value, section.path("retry_backoff"), Lowest::zero);
  if (const Node* value = section.get("retry_jitter"))
    clients.retry_jitter = read_choice(*value, section.path("retry_jitter"), kRetryJitterNames);
  if (const Node* value = section.get("on_forced_logout"))
    clients.on_forced_logout = read_choice(*value, section.path("on_forced_logout"), kOnForcedLogoutNames);
  if (const Node* value = section.get("requests")) {
    clients.requests = read_request_kinds(*value, section.path("requests"), context);
    draft.requests = origin_of(*value, section.path("requests"));
  }
}

}  // namespace statesim::loading
