#include <doctest/doctest.h>

#include <algorithm>
#include <bitset>
#include <cmath>
#include <map>
#include <optional>
#include <vector>

#include "model/lb/policies.hpp"
#include "model/lb/policy.hpp"
#include "model/random.hpp"

using namespace statesim;
using namespace statesim::lb;

namespace {

// `count` servers, all members, healthy and taking new sessions, nothing in flight.
std::vector<ServerView> healthy_pool(int count) {
  std::vector<ServerView> servers(static_cast<std::size_t>(count));
  for (auto& s : servers) s = ServerView{true, true, true, 0};
  return servers;
}

void mark_down(ServerView& s) { s.healthy = false, s.accepts_new_sessions = false; }
void mark_draining(ServerView& s) { s.accepts_new_sessions = false; }
void remove_member(ServerView& s) { s.member = false, s.healthy = false, s.accepts_new_sessions = false; }

RouteRequest request_from(std::uint64_t ip, bool new_session = false) {
  RouteRequest r;
  r.client_ip = ip;
  r.new_session = new_session;
  return r;
}

std::vector<std::uint64_t> random_ips(int count) {
  RandomStream stream(derive_stream_key(5, 0, StreamPurpose::client_ip, 0));
  std::vector<std::uint64_t> ips;
  for (int i = 0; i < count; ++i) ips.push_back(stream.below(std::uint64_t{1} << 32));
  return ips;
}

// The server of each ip, for a policy that ignores rng and in-flight counts.
std::vector<int> assign(Policy& policy, const std::vector<std::uint64_t>& ips,
                        const std::vector<ServerView>& servers, std::uint64_t pool_version,
                        bool new_session = false) {
  RandomStream unused(0);
  std::vector<int> result;
  for (auto ip : ips) {
    const auto server = policy.pick(request_from(ip, new_session), servers, pool_version, unused);
    REQUIRE(server.has_value());
    result.push_back(*server);
  }
  return result;
}

double moved_fraction(const std::vector<int>& before, const std::vector<int>& after) {
  int moved = 0;
  for (std::size_t i = 0; i < before.size(); ++i) moved += before[i] != after[i];
  return static_cast<double>(moved) / static_cast<double>(before.size());
}

std::vector<int> picks(Policy& policy, const std::vector<ServerView>& servers, int count, RandomStream& rng,
                       const RouteRequest& request = RouteRequest{}) {
  std::vector<int> result;
  for (int i = 0; i < count; ++i) {
    const auto server = policy.pick(request, servers, 0, rng);
    REQUIRE(server.has_value());
    result.push_back(*server);
  }
  return result;
}

}  // namespace

TEST_CASE("hash64 mixes well") {
  CHECK(hash64(0) != 0);
  CHECK(hash64(1) != hash64(2));
  double flipped = 0;
  int trials = 0;
  for (std::uint64_t x = 0; x < 200; ++x)
    for (int bit = 0; bit < 64; ++bit, ++trials)
      flipped +=
          static_cast<double>(std::bitset<64>(hash64(x) ^ hash64(x ^ (std::uint64_t{1} << bit))).count());
  CHECK(flipped / trials == doctest::Approx(32).epsilon(0.02));
}

TEST_CASE("round_robin rotates in index order and skips servers that cannot take new sessions") {
  RoundRobinPolicy policy;
  RandomStream rng(0);
  auto servers = healthy_pool(4);
  CHECK(picks(policy, servers, 6, rng) == std::vector<int>{0, 1, 2, 3, 0, 1});

  mark_down(servers[2]);
  CHECK(picks(policy, servers, 4, rng) == std::vector<int>{3, 0, 1, 3});
  mark_draining(servers[0]);
  CHECK(picks(policy, servers, 3, rng) == std::vector<int>{1, 3, 1});
  remove_member(servers[1]);
  CHECK(picks(policy, servers, 2, rng) == std::vector<int>{3, 3});

  mark_down(servers[3]);
  CHECK_FALSE(policy.pick(RouteRequest{}, servers, 0, rng).has_value());
  CHECK_FALSE(policy.pick(RouteRequest{}, {}, 0, rng).has_value());
}

TEST_CASE("random picks uniformly among eligible servers only") {
  RandomPolicy policy;
  RandomStream rng(derive_stream_key(1, 0, StreamPurpose::balancer, 0));
  auto servers = healthy_pool(5);
  mark_down(servers[1]);
  mark_draining(servers[3]);
  const int draws = 90'000;
  std::map<int, int> counts;
  for (int s : picks(policy, servers, draws, rng)) ++counts[s];
  CHECK(counts.size() == 3);
  CHECK(counts.count(1) == 0);
  CHECK(counts.count(3) == 0);
  const double sd = std::sqrt(draws * (1.0 / 3) * (2.0 / 3));
  for (int s : {0, 2, 4}) CHECK(std::fabs(counts[s] - draws / 3.0) < 4 * sd);

  for (auto& s : servers) mark_down(s);
  CHECK_FALSE(policy.pick(RouteRequest{}, servers, 0, rng).has_value());
}

TEST_CASE("least_connections picks the fewest in flight and rotates ties") {
  LeastConnectionsPolicy policy;
  RandomStream rng(0);
  auto servers = healthy_pool(4);
  servers[0].in_flight = 3;
  servers[1].in_flight = 1;
  servers[2].in_flight = 2;
  servers[3].in_flight = 5;
  CHECK(picks(policy, servers, 2, rng) == std::vector<int>{1, 1});

  // An unhealthy or draining server is skipped even when it is the least loaded.
  servers[1].healthy = servers[1].accepts_new_sessions = false;
  CHECK(picks(policy, servers, 1, rng) == std::vector<int>{2});
  servers[1].healthy = true;  // draining: healthy but not taking new work
  CHECK(picks(policy, servers, 1, rng) == std::vector<int>{2});

  auto tied = healthy_pool(4);
  tied[0].in_flight = 1;
  tied[3].in_flight = 1;
  LeastConnectionsPolicy fresh;
  CHECK(picks(fresh, tied, 5, rng) == std::vector<int>{1, 2, 1, 2, 1});
  auto all_tied = healthy_pool(3);
  CHECK(picks(fresh, all_tied, 4, rng) == std::vector<int>{2, 0, 1, 2});

  for (auto& s : servers) mark_down(s);
  CHECK_FALSE(policy.pick(RouteRequest{}, servers, 0, rng).has_value());
}

TEST_CASE("power_of_two never picks the more loaded of its two choices") {
  PowerOfTwoPolicy policy;
  RandomStream rng(derive_stream_key(1, 0, StreamPurpose::balancer, 1));
  auto servers = healthy_pool(4);
  for (int i = 0; i < 4; ++i) servers[static_cast<std::size_t>(i)].in_flight = i;
  const int draws = 60'000;
  std::map<int, int> counts;
  for (int s : picks(policy, servers, draws, rng)) ++counts[s];
  // Server i wins exactly the pairs with a more loaded server: 3, 2, 1, 0 of the 6 pairs.
  CHECK(counts.count(3) == 0);
  for (int s = 0; s < 3; ++s) {
    const double p = (3 - s) / 6.0;
    CHECK(std::fabs(counts[s] - draws * p) < 4 * std::sqrt(draws * p * (1 - p)));
  }

  // Two eligible servers: always the lighter one.
  auto pair = healthy_pool(3);
  mark_down(pair[0]);
  pair[1].in_flight = 7;
  pair[2].in_flight = 2;
  for (int s : picks(policy, pair, 100, rng)) CHECK(s == 2);

  // Ties go to the first drawn, which is uniform.
  auto tied = healthy_pool(3);
  std::map<int, int> tie_counts;
  for (int s : picks(policy, tied, 30'000, rng)) ++tie_counts[s];
  for (int s = 0; s < 3; ++s) CHECK(std::fabs(tie_counts[s] - 10'000) < 4 * std::sqrt(30'000 * 2.0 / 9));

  auto single = healthy_pool(3);
  mark_down(single[0]);
  mark_draining(single[2]);
  CHECK(picks(policy, single, 5, rng) == std::vector<int>{1, 1, 1, 1, 1});
  mark_down(single[1]);
  CHECK_FALSE(policy.pick(RouteRequest{}, single, 0, rng).has_value());
}

TEST_CASE("ip_hash: the same client always reaches the same server") {
  IpHashPolicy policy;
  const auto ips = random_ips(10'000);
  const auto servers = healthy_pool(5);
  const auto first = assign(policy, ips, servers, 1);
  CHECK(assign(policy, ips, servers, 1) == first);
  std::map<int, int> load;
  for (int s : first) ++load[s];
  CHECK(load.size() == 5);
  for (auto& [server, count] : load) CHECK(std::fabs(count - 2000) < 4 * std::sqrt(10'000 * 0.2 * 0.8));
}

TEST_CASE("ip_hash: removing a member remaps most clients") {
  IpHashPolicy policy;
  const auto ips = random_ips(10'000);
  auto servers = healthy_pool(5);
  const auto before = assign(policy, ips, servers, 1);
  remove_member(servers[2]);
  const auto after = assign(policy, ips, servers, 2);
  const double moved = moved_fraction(before, after);
  CHECK(moved > 0.70);  // theory: (N-1)/N = 0.8
  CHECK(moved < 0.90);
  for (int s : after) CHECK(s != 2);
}

TEST_CASE("ip_hash: a server marked down moves only its own clients") {
  IpHashPolicy policy;
  const auto ips = random_ips(10'000);
  auto servers = healthy_pool(5);
  const auto before = assign(policy, ips, servers, 1);
  mark_down(servers[3]);
  const auto after = assign(policy, ips, servers, 1);
  int moved = 0;
  for (std::size_t i = 0; i < ips.size(); ++i) {
    if (before[i] == 3) {
      CHECK(after[i] != 3);
      ++moved;
    } else {
      CHECK(after[i] == before[i]);
    }
  }
  CHECK(moved > 1500);  // the clients of one server in five actually moved
  // The displaced clients spread over the others rather than piling onto one.
  std::map<int, int> destinations;
  for (std::size_t i = 0; i < ips.size(); ++i)
    if (before[i] == 3) ++destinations[after[i]];
  CHECK(destinations.size() == 4);
}

TEST_CASE("ip_hash: a draining server keeps its sessions but takes no logins") {
  IpHashPolicy policy;
  const auto ips = random_ips(2'000);
  auto servers = healthy_pool(4);
  const auto before = assign(policy, ips, servers, 1);
  mark_draining(servers[0]);
  CHECK(assign(policy, ips, servers, 1, false) == before);
  const auto logins = assign(policy, ips, servers, 1, true);
  for (std::size_t i = 0; i < ips.size(); ++i) {
    CHECK(logins[i] != 0);
    if (before[i] != 0) CHECK(logins[i] == before[i]);
  }
}

TEST_CASE("ip_hash: with one usable server left every client reaches it, with none nobody does") {
  IpHashPolicy policy;
  const auto ips = random_ips(2'000);
  auto servers = healthy_pool(8);
  for (int i = 0; i < 8; ++i)
    if (i != 5) mark_down(servers[static_cast<std::size_t>(i)]);
  // (7/8)^21 of the clients exhaust the rehashes: the round-robin fallback must catch them.
  for (int s : assign(policy, ips, servers, 1)) CHECK(s == 5);
  mark_down(servers[5]);
  RandomStream unused(0);
  CHECK_FALSE(policy.pick(request_from(ips[0]), servers, 1, unused).has_value());
  CHECK_FALSE(policy.pick(request_from(ips[0]), {}, 1, unused).has_value());
}

TEST_CASE("consistent_hash: removing a member moves only its keys, about 1/N of them") {
  ConsistentHashPolicy policy(100);
  const auto ips = random_ips(10'000);
  auto servers = healthy_pool(5);
  const auto before = assign(policy, ips, servers, 1);
  remove_member(servers[1]);
  const auto after = assign(policy, ips, servers, 2);
  const double moved = moved_fraction(before, after);
  CHECK(moved > 0.12);  // theory: 1/N = 0.2
  CHECK(moved < 0.28);
  for (std::size_t i = 0; i < ips.size(); ++i)
    if (after[i] != before[i]) CHECK(before[i] == 1);
  for (int s : after) CHECK(s != 1);
}

TEST_CASE("consistent_hash: adding a member moves about 1/(N+1) of the keys, all to it") {
  ConsistentHashPolicy policy(100);
  const auto ips = random_ips(10'000);
  auto servers = healthy_pool(6);
  remove_member(servers[5]);
  const auto before = assign(policy, ips, servers, 1);
  servers[5] = ServerView{true, true, true, 0};
  const auto after = assign(policy, ips, servers, 2);
  const double moved = moved_fraction(before, after);
  CHECK(moved > 0.09);  // theory: 1/(N+1) = 0.167
  CHECK(moved < 0.25);
  for (std::size_t i = 0; i < ips.size(); ++i)
    if (after[i] != before[i]) CHECK(after[i] == 5);
}

TEST_CASE("consistent_hash: the ring follows pool_version, health is checked on every pick") {
  ConsistentHashPolicy policy(100);
  const auto ips = random_ips(5'000);
  auto servers = healthy_pool(4);
  remove_member(servers[3]);
  const auto before = assign(policy, ips, servers, 7);

  // A member added without a new pool_version is not on the ring yet.
  servers[3] = ServerView{true, true, true, 0};
  CHECK(assign(policy, ips, servers, 7) == before);
  const auto rebuilt = assign(policy, ips, servers, 8);
  CHECK(std::count(rebuilt.begin(), rebuilt.end(), 3) > 500);

  // Marked down (still a member): only its keys move, and back when it recovers.
  mark_down(servers[0]);
  const auto degraded = assign(policy, ips, servers, 8);
  for (std::size_t i = 0; i < ips.size(); ++i) {
    if (rebuilt[i] == 0)
      CHECK(degraded[i] != 0);
    else
      CHECK(degraded[i] == rebuilt[i]);
  }
  servers[0] = ServerView{true, true, true, 0};
  CHECK(assign(policy, ips, servers, 8) == rebuilt);

  // Draining: existing sessions stay, logins go elsewhere.
  mark_draining(servers[2]);
  CHECK(assign(policy, ips, servers, 8, false) == rebuilt);
  for (int s : assign(policy, ips, servers, 8, true)) CHECK(s != 2);

  for (auto& s : servers) mark_down(s);
  RandomStream unused(0);
  CHECK_FALSE(policy.pick(request_from(ips[0]), servers, 8, unused).has_value());
  for (auto& s : servers) remove_member(s);
  CHECK_FALSE(policy.pick(request_from(ips[0]), servers, 9, unused).has_value());
}

TEST_CASE("sticky_cookie honours the cookie while its server is a healthy member") {
  StickyCookiePolicy policy;
  RandomStream rng(0);
  auto servers = healthy_pool(4);

  RouteRequest no_cookie;
  no_cookie.new_session = true;
  CHECK(picks(policy, servers, 3, rng, no_cookie) == std::vector<int>{0, 1, 2});

  RouteRequest with_cookie;
  with_cookie.cookie_server = 2;
  CHECK(picks(policy, servers, 3, rng, with_cookie) == std::vector<int>{2, 2, 2});

  SUBCASE("draining: the existing session stays, a login does not") {
    mark_draining(servers[2]);
    CHECK(picks(policy, servers, 2, rng, with_cookie) == std::vector<int>{2, 2});
    RouteRequest login_with_old_cookie = with_cookie;
    login_with_old_cookie.new_session = true;
    const auto server = policy.pick(login_with_old_cookie, servers, 0, rng);
    REQUIRE(server.has_value());
    CHECK(*server != 2);
  }
  SUBCASE("down: round robin over the eligible servers") {
    mark_down(servers[2]);
    // The rotation continues after the last round-robin pick (server 2, now down).
    CHECK(picks(policy, servers, 3, rng, with_cookie) == std::vector<int>{3, 0, 1});
  }
  SUBCASE("no longer a member, or a cookie naming no server") {
    remove_member(servers[2]);
    CHECK(picks(policy, servers, 1, rng, with_cookie) == std::vector<int>{3});
    RouteRequest stale;
    stale.cookie_server = 17;
    CHECK(picks(policy, servers, 1, rng, stale) == std::vector<int>{0});
    stale.cookie_server = -1;
    CHECK(picks(policy, servers, 1, rng, stale) == std::vector<int>{1});
  }
  SUBCASE("nothing usable") {
    for (auto& s : servers) mark_down(s);
    CHECK_FALSE(policy.pick(with_cookie, servers, 0, rng).has_value());
  }
}

TEST_CASE("make_policy builds the policy the spec names") {
  RandomStream rng(derive_stream_key(1, 0, StreamPurpose::balancer, 2));
  auto servers = healthy_pool(3);
  servers[0].in_flight = 9;
  servers[1].in_flight = 0;
  servers[2].in_flight = 9;

  auto make = [](LbPolicy kind) {
    LoadBalancerSpec spec;
    spec.policy = kind;
    spec.virtual_nodes = 50;
    auto policy = make_policy(spec);
    REQUIRE(policy != nullptr);
    return policy;
  };

  // Each policy's signature behaviour on the same pool.
  auto round_robin = make(LbPolicy::round_robin);
  CHECK(picks(*round_robin, servers, 3, rng) == std::vector<int>{0, 1, 2});
  auto least = make(LbPolicy::least_connections);
  CHECK(picks(*least, servers, 3, rng) == std::vector<int>{1, 1, 1});
  // power_of_two: server 1 wins both pairs it is in, 2/3 of the draws (random would give 1/3).
  auto two = make(LbPolicy::power_of_two);
  const int two_draws = 3000;
  int lightest = 0;
  for (int s : picks(*two, servers, two_draws, rng)) lightest += s == 1;
  CHECK(std::fabs(lightest - two_draws * 2.0 / 3) < 4 * std::sqrt(two_draws * 2.0 / 9));
  auto sticky = make(LbPolicy::sticky_cookie);
  RouteRequest cookie;
  cookie.cookie_server = 2;
  CHECK(picks(*sticky, servers, 2, rng, cookie) == std::vector<int>{2, 2});

  const auto ips = random_ips(1'000);
  IpHashPolicy ip_hash;
  auto made_ip_hash = make(LbPolicy::ip_hash);
  CHECK(assign(*made_ip_hash, ips, servers, 1) == assign(ip_hash, ips, servers, 1));
  ConsistentHashPolicy ring(50);
  auto made_ring = make(LbPolicy::consistent_hash);
  CHECK(assign(*made_ring, ips, servers, 1) == assign(ring, ips, servers, 1));
  ConsistentHashPolicy other_ring(100);
  CHECK(assign(*made_ring, ips, servers, 1) != assign(other_ring, ips, servers, 1));

  auto random = make(LbPolicy::random);
  std::map<int, int> counts;
  for (int s : picks(*random, servers, 3000, rng)) ++counts[s];
  CHECK(counts.size() == 3);
}

namespace {

// The policies as plain walks over every view (what the indexed pool must reproduce exactly,
// draw for draw): eligible servers in index order, the rotation's start after the last pick.
std::vector<int> eligible_in_order(const std::vector<ServerView>& views) {
  std::vector<int> eligible;
  for (std::size_t i = 0; i < views.size(); ++i)
    if (is_eligible(views[i])) eligible.push_back(static_cast<int>(i));
  return eligible;
}

std::optional<int> walk_rotation(const std::vector<ServerView>& views, int& last) {
  const int count = static_cast<int>(views.size());
  for (int step = 1; step <= count; ++step) {
    const int index = (last + step) % count;
    if (is_eligible(views[static_cast<std::size_t>(index)])) return last = index;
  }
  return std::nullopt;
}

std::optional<int> walk_least_connections(const std::vector<ServerView>& views, int& last) {
  const int count = static_cast<int>(views.size());
  std::optional<int> best;
  for (int step = 1; step <= count; ++step) {
    const int index = (last + step) % count;
    const ServerView& view = views[static_cast<std::size_t>(index)];
    if (is_eligible(view) && (!best || view.in_flight < views[static_cast<std::size_t>(*best)].in_flight))
      best = index;
  }
  if (best) last = *best;
  return best;
}

std::optional<int> walk_random(const std::vector<ServerView>& views, RandomStream& rng) {
  const auto eligible = eligible_in_order(views);
  if (eligible.empty()) return std::nullopt;
  return eligible[rng.below(eligible.size())];
}

std::optional<int> walk_power_of_two(const std::vector<ServerView>& views, RandomStream& rng) {
  const auto eligible = eligible_in_order(views);
  if (eligible.empty()) return std::nullopt;
  if (eligible.size() == 1) return eligible.front();
  const std::size_t first = rng.below(eligible.size());
  std::size_t second = rng.below(eligible.size() - 1);
  if (second >= first) ++second;
  const int a = eligible[first], b = eligible[second];
  return views[static_cast<std::size_t>(b)].in_flight < views[static_cast<std::size_t>(a)].in_flight ? b : a;
}

std::optional<int> walk_ip_hash(const std::vector<ServerView>& views, const RouteRequest& request, int& last) {
  std::vector<int> members;
  for (std::size_t i = 0; i < views.size(); ++i)
    if (views[i].member) members.push_back(static_cast<int>(i));
  if (members.empty()) return std::nullopt;
  for (int attempt = 0; attempt <= IpHashPolicy::kRehashAttempts; ++attempt) {
    const std::uint64_t hash = attempt == 0 ? hash64(request.client_ip)
                                            : hash_pair(request.client_ip, static_cast<std::uint64_t>(attempt));
    const int candidate = members[hash % members.size()];
    if (is_usable(views[static_cast<std::size_t>(candidate)], request)) return candidate;
  }
  return walk_rotation(views, last);
}

}  // namespace

TEST_CASE("the indexed pool answers every policy exactly as a walk over all the views") {
  for (const int size : {1, 2, 3, 5, 17, 64, 100}) {
    CAPTURE(size);
    RandomStream changes(derive_stream_key(11, 0, StreamPurpose::misc, static_cast<std::uint64_t>(size)));
    std::vector<ServerView> views(static_cast<std::size_t>(size));
    Pool pool(static_cast<std::size_t>(size));  // changed the way the balancer changes it
    RoundRobinPolicy round_robin;
    LeastConnectionsPolicy least;
    RandomPolicy random;
    PowerOfTwoPolicy two;
    IpHashPolicy ip_hash;
    StickyCookiePolicy sticky;
    int round_robin_last = -1, least_last = -1, ip_hash_last = -1, sticky_last = -1;
    RandomStream random_rng(1), random_reference(1), two_rng(2), two_reference(2);
    int picked = 0;
    for (int step = 0; step < 4000; ++step) {
      const auto s = static_cast<int>(changes.below(static_cast<std::uint64_t>(size)));
      ServerView& view = views[static_cast<std::size_t>(s)];
      if (changes.below(4) == 0) {  // membership, health, draining
        view.member = changes.below(5) != 0;
        view.healthy = view.member && changes.below(4) != 0;
        view.accepts_new_sessions = view.healthy && changes.below(4) != 0;
        pool.set(s, view);
      } else {  // a request sent to it or answered
        const int delta = view.in_flight > 0 && changes.below(2) == 0 ? -1 : 1;
        view.in_flight += delta;
        pool.add_in_flight(s, delta);
      }
      REQUIRE(pool.eligible_count() == static_cast<int>(eligible_in_order(views).size()));
      RouteRequest request = request_from(changes.below(std::uint64_t{1} << 32), changes.below(3) == 0);
      CHECK(round_robin.pick(request, pool, 0, random_rng) == walk_rotation(views, round_robin_last));
      const auto least_pick = least.pick(request, pool, 0, random_rng);
      CHECK(least_pick == walk_least_connections(views, least_last));
      CHECK(random.pick(request, pool, 0, random_rng) == walk_random(views, random_reference));
      CHECK(two.pick(request, pool, 0, two_rng) == walk_power_of_two(views, two_reference));
      CHECK(ip_hash.pick(request, pool, 0, random_rng) == walk_ip_hash(views, request, ip_hash_last));
      CHECK(sticky.pick(RouteRequest{}, pool, 0, random_rng) == walk_rotation(views, sticky_last));
      picked += least_pick.has_value() ? 1 : 0;
    }
    CHECK(picked > 1000);  // the pools were not empty most of the time
  }
}
