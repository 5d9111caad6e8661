#include "model/abandonment.hpp"

#include <fmt/format.h>

#include <cmath>

#include "report/text_format.hpp"

namespace statesim {
namespace {

constexpr const char* kShared = "a shared store (redis, database) or jwt lets any server answer";

// Policies that pick a server without looking at where a session lives.
bool ignores_sessions(LbPolicy policy) {
  return policy == LbPolicy::round_robin || policy == LbPolicy::random ||
         policy == LbPolicy::least_connections || policy == LbPolicy::power_of_two;
}

}  // namespace

std::string abandonment_note(const Design& design, double abandoned) {
  if (!(abandoned > 0)) return "";
  const std::string count = fmt::format("{} session{} abandoned", format_count(std::llround(abandoned)),
                                        std::llround(abandoned) == 1 ? "" : "s");
  const SessionSpec& sessions = design.sessions;
  if (sessions.store == StoreKind::jwt)  // only a redis crash forgets refresh tokens: a database is durable
    return fmt::format(
        "{}: their refresh tokens were lost in a crash of the redis that held them, so each of those "
        "users had to log in again (aof persistence or a replica keeps all but the last second's)",
        count);
  if (sessions.store != StoreKind::memory) return "";
  const LbPolicy policy = design.load_balancer.policy;
  const std::string policy_name(kLbPolicyNames.name(policy));
  if (ignores_sessions(policy)) {
    // With one server at the start, sessions are abandoned only once a scale-out adds others.
    const int servers = design.servers.count;
    const std::string share = servers > 1
                                  ? fmt::format(" (with {} in rotation, about {} in {} reach one without it)",
                                                servers, servers - 1, servers)
                                  : "";
    return fmt::format(
        "{}: a memory session lives on the server that handled the login, and {} sends the user's "
        "next requests to any server{}; sticky_cookie sends each user back to that server, and {}",
        count, policy_name, share, kShared);
  }
  if (policy == LbPolicy::sticky_cookie)
    return fmt::format(
        "{}: sticky_cookie sent these users to another server while theirs was out of rotation "
        "(failed health probes, a drain), and that server did not hold the memory session; {}",
        count, kShared);
  return fmt::format(
      "{}: {} maps each client IP to one of the servers in rotation, and when that set changed (a "
      "crash, a restart, a scale) some users were mapped to a server without their memory session{}; {}",
      count, policy_name, policy == LbPolicy::consistent_hash ? "" : " (consistent_hash moves fewer of them)",
      kShared);
}

}  // namespace statesim
