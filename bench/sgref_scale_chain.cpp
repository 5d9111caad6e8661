// The scale-200k workload (../shared/bench/scale-200k.yaml) as a bare SimGrid 3.32 program, in
// the style of ../shared/bench/sgref_chain.cpp: no actors, users as data, each request a chain
// of activities started from maestro and advanced in the global completion callback, the
// wake-ups driven by Engine::run_until. Per page request it runs what statesim runs on SimGrid
// for that scenario, on the same platform (the built-in star, CM02 without factors):
//
//   client link (FATPIPE, unshared): a wake-up of its 20 ms latency, as statesim crosses it
//   balancer -> server: a communication over the server's link (1,000 B)
//   server -> store: a communication over the store link (1,000 B), by the server's one worker
//   the store operation: an execution of 100 us on the store host, one at a time (redis)
//   store -> server: a communication over the store link (1,000 B)
//   the request's CPU: an execution of exp(4 ms) on the server
//   client link: a wake-up of 20 ms, then server -> balancer: a communication (10,000 B)
//   think exp(20 s), then the next request
//
// and nothing else: no sessions (every request is a page: no logins or logouts), timeouts,
// health probes, metrics or crash. Its request rate over sgref_chain's, measured in the same
// run, bounds what a simulator that leaves these activities to SimGrid can reach on
// scale-200k relative to perf-ref. scripts/bench.py builds and runs it.
//
// usage: sgref_scale_chain [simulated seconds, default 600] [users, default 200000]
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <queue>
#include <simgrid/s4u.hpp>
#include <string>
#include <utility>
#include <vector>
#include <xbt/random.hpp>

namespace sg4 = simgrid::s4u;

namespace {

constexpr int kServers = 64;
constexpr double kRampUp = 20, kThink = 20, kCpu = 0.004, kStoreOp = 100e-6;
constexpr double kClientLatency = 0.020, kInternalLatency = 250e-6, kBandwidth = 1e9 / 8;
constexpr double kRequestBytes = 1000, kResponseBytes = 10000, kStoreBytes = 1000, kFlops = 1e9;

enum class Stage : std::uint8_t { to_server, store_request, store_exec, store_reply, cpu, reply };

struct Request {
  int user = 0;
  int server = 0;
  double sent = 0;
};
struct Running {
  sg4::ActivityPtr activity;
  int request = 0;
  Stage stage = Stage::to_server;
};

double duration = 600;
std::vector<sg4::Host*> servers, store_sides;
sg4::Host* balancer = nullptr;
sg4::Host* store = nullptr;
simgrid::xbt::random::XbtRandom rng(1);

std::vector<Request> requests;  // by slot, free again once answered
std::vector<int> free_requests;
std::vector<Running> running;  // by the activity's data - 1
std::vector<int> free_running;
std::vector<sg4::ActivityPtr> finished;  // SimGrid still uses an activity after its callback

int in_flight[kServers];
bool worker_busy[kServers];
std::deque<int> waiting[kServers];
bool store_busy = false;
std::deque<int> store_waiting;

using Wake = std::pair<double, int>;
std::priority_queue<Wake, std::vector<Wake>, std::greater<>> thinking;  // (time, user)
std::deque<Wake> to_server, to_client;  // (time, request): crossing the client link

long answered = 0;
double latency_sum = 0;

template <class T>
int take(std::vector<T>& table, std::vector<int>& free) {
  if (free.empty()) {
    table.emplace_back();
    return static_cast<int>(table.size()) - 1;
  }
  const int slot = free.back();
  free.pop_back();
  return slot;
}

void start(const sg4::ActivityPtr& activity, int request, Stage stage) {
  const int slot = take(running, free_running);
  running[slot] = {activity, request, stage};
  activity->set_data(reinterpret_cast<void*>(static_cast<std::uintptr_t>(slot) + 1));
  activity->vetoable_start();
}

void transfer(sg4::Host* from, sg4::Host* to, double bytes, int request, Stage stage) {
  start(sg4::Comm::sendto_init(from, to)->set_payload_size(bytes), request, stage);
}

void execute(sg4::Host* host, double seconds, int request, Stage stage) {
  start(sg4::Exec::init()->set_flops_amount(seconds * kFlops)->set_host(host), request, stage);
}

void store_operation(int r) { execute(store, kStoreOp, r, Stage::store_exec); }

void begin_service(int r) {
  worker_busy[requests[r].server] = true;
  transfer(store_sides[requests[r].server], store, kStoreBytes, r, Stage::store_request);
}

void send(int user) {
  const int r = take(requests, free_requests);
  int server = 0;  // least connections, the lowest number first
  for (int s = 1; s < kServers; ++s)
    if (in_flight[s] < in_flight[server]) server = s;
  in_flight[server]++;
  requests[r] = {user, server, sg4::Engine::get_clock()};
  to_server.emplace_back(sg4::Engine::get_clock() + kClientLatency, r);
}

void on_completion(const sg4::Activity& activity) {
  const auto slot = static_cast<int>(reinterpret_cast<std::uintptr_t>(activity.get_data<void>()) - 1);
  const int r = running[slot].request;
  const Stage stage = running[slot].stage;
  finished.push_back(std::move(running[slot].activity));
  free_running.push_back(slot);
  const int s = requests[r].server;
  switch (stage) {
    case Stage::to_server:
      if (worker_busy[s])
        waiting[s].push_back(r);
      else
        begin_service(r);
      break;
    case Stage::store_request:
      if (store_busy) {
        store_waiting.push_back(r);
      } else {
        store_busy = true;
        store_operation(r);
      }
      break;
    case Stage::store_exec:
      if (store_waiting.empty()) {
        store_busy = false;
      } else {
        store_operation(store_waiting.front());
        store_waiting.pop_front();
      }
      transfer(store, store_sides[s], kStoreBytes, r, Stage::store_reply);
      break;
    case Stage::store_reply:
      execute(servers[s], rng.exponential(1 / kCpu), r, Stage::cpu);
      break;
    case Stage::cpu:
      worker_busy[s] = false;
      if (!waiting[s].empty()) {
        begin_service(waiting[s].front());
        waiting[s].pop_front();
      }
      to_client.emplace_back(sg4::Engine::get_clock() + kClientLatency, r);
      break;
    case Stage::reply: {
      const double now = sg4::Engine::get_clock();
      answered++;
      latency_sum += now - requests[r].sent;
      in_flight[s]--;
      const double next = now + rng.exponential(1 / kThink);
      if (next < duration) thinking.emplace(next, requests[r].user);
      free_requests.push_back(r);
      break;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  sg4::Engine engine(&argc, argv);
  if (argc > 1) duration = std::atof(argv[1]);
  const int users = argc > 2 ? std::atoi(argv[2]) : 200000;
  sg4::Engine::set_config("network/model:CM02");
  sg4::Engine::set_config("network/crosstraffic:0");
  sg4::Engine::set_config("network/latency-factor:1");
  sg4::Engine::set_config("network/bandwidth-factor:1");
  sg4::Engine::set_config("network/TCP-gamma:0");

  // The built-in star's routes: balancer -> app-N over app-N's link; a server's store traffic
  // from a linkless host beside it, over the store link only.
  auto* zone = sg4::create_full_zone("datacenter");
  balancer = zone->create_host("lb", kFlops)->seal();
  store = zone->create_host("store", kFlops)->seal();
  auto* store_link = zone->create_link("store-link", kBandwidth)->set_latency(kInternalLatency)->seal();
  for (int s = 0; s < kServers; ++s) {
    const std::string name = "app-" + std::to_string(s + 1);
    auto* server = zone->create_host(name, kFlops)->seal();
    auto* store_side = zone->create_host(name + ":store", kFlops)->seal();
    auto* link = zone->create_link(name + "-link", kBandwidth)->set_latency(kInternalLatency)->seal();
    zone->add_route(balancer->get_netpoint(), server->get_netpoint(), nullptr, nullptr,
                    {sg4::LinkInRoute(link)}, true);
    zone->add_route(store_side->get_netpoint(), store->get_netpoint(), nullptr, nullptr,
                    {sg4::LinkInRoute(store_link)}, true);
    servers.push_back(server);
    store_sides.push_back(store_side);
  }
  zone->seal();
  sg4::Activity::on_completion_cb(on_completion);

  for (int user = 0; user < users; ++user) thinking.emplace(rng.uniform_real(0, kRampUp), user);
  const auto wall_start = std::chrono::steady_clock::now();
  while (true) {
    double next = thinking.empty() ? 1e300 : thinking.top().first;
    if (!to_server.empty()) next = std::min(next, to_server.front().first);
    if (!to_client.empty()) next = std::min(next, to_client.front().first);
    if (next >= duration) {
      engine.run_until(duration);
      break;
    }
    engine.run_until(next);
    finished.clear();
    const double now = sg4::Engine::get_clock();
    while (!to_server.empty() && to_server.front().first <= now) {
      const int r = to_server.front().second;
      to_server.pop_front();
      transfer(balancer, servers[requests[r].server], kRequestBytes, r, Stage::to_server);
    }
    while (!to_client.empty() && to_client.front().first <= now) {
      const int r = to_client.front().second;
      to_client.pop_front();
      transfer(servers[requests[r].server], balancer, kResponseBytes, r, Stage::reply);
    }
    while (!thinking.empty() && thinking.top().first <= now) {
      const int user = thinking.top().second;
      thinking.pop();
      send(user);
    }
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  std::printf("{\"users\": %d, \"ok\": %ld, \"mean_ms\": %.3f, \"wall_s\": %.3f, \"req_per_wall_s\": %.0f}\n",
              users, answered, 1000 * latency_sum / static_cast<double>(answered), wall,
              static_cast<double>(answered) / wall);
  std::fflush(stdout);
  _exit(0);  // the engine's teardown is not part of the measure
}
