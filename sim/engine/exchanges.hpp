// The request chain: one request and its answer, as SimGrid activities. A client hands over
// what its request is (bytes, CPU demand, whether the session is read from the store first,
// where the balancer may send it) and a handler; the chain carries it:
//   client -> (balancer's links) -> server: FIFO worker queue -> [store read: comm to the store
//   host, a slot there, an execution, comm back] -> handler.admit -> CPU execution on the server
//   -> handler.executed -> [store writes: the session's, an effect's] -> [object store write:
//   comm to the `objects` host and an acknowledgement back] -> answer -> client -> handler.answered
// and fails it where the model says (no server, a server down, the queue full, the store down,
// a crash, the client's timeout). The server goes on with work whose client gave up, unless
// servers.drop_expired: then a request whose client has given up is dropped when a worker
// would take it.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "engine/server_pool.hpp"
#include "engine/store_host.hpp"
#include "engine/world.hpp"
#include "model/free_slots.hpp"
#include "model/lb/balancer.hpp"

namespace statesim::engine {

enum class Outcome : std::uint8_t { pending, ok, forced, failed };

class ExchangeHandler;

// What a client asks for.
struct ExchangeRequest {
  ExchangeHandler* handler = nullptr;
  std::uint32_t client = 0;      // the client's own index (a user)
  std::uint8_t kind = 0;         // the client's own request type
  std::uint32_t detail = 0;      // the client's own detail (e.g. which request kind of the mix)
  double request_bytes = 0;
  double credential_bytes = 0;   // a token sent with the request to a server (the balancer's own answers skip it)
  double response_bytes = 0;
  double cpu_s = 0;              // CPU demand on a speed-1 server
  bool reads_store = false;      // the server looks the session up in the store host first
  lb::RouteRequest route;
  simgrid::s4u::Host* client_host = nullptr;  // where the client is; null: the platform's `client`
  double timeout_s = 0;          // the client gives up after this; 0: clients.timeout
  double object_bytes = 0;       // the server writes these to the object store before answering
  std::uint32_t action = 0;      // the client's own: the user action it belongs to (effects)
};

struct Exchange {
  // Where the chain is; the stage tells the completion of its activity what comes next.
  enum class Stage : std::uint8_t {
    to_balancer,     // client -> lb, for an answer from the balancer itself (no server)
    balancer_reply,  // lb -> client with that answer
    to_server,       // client -> server, through the balancer
    queued,          // waiting for a worker
    store_request,   // server -> store
    store_queued,    // waiting for a store slot
    store_exec,      // the operation on the store host
    store_reply,     // store -> server
    cpu,             // the request's CPU demand on the server
    object_write,    // server -> object store, the request's object_bytes
    object_ack,      // object store -> server
    reply,           // server -> client
    done
  };

  ExchangeRequest request;
  Stage stage = Stage::done;
  Outcome outcome = Outcome::pending;
  FailureCause cause = FailureCause::reset;
  bool in_use = false;
  bool client_done = false;         // the client has its answer (or gave up)
  bool aborted = false;             // its server died: whatever is still running is discarded
  bool activity_pending = false;    // a SimGrid activity of it is running
  bool holds_worker = false;
  bool holds_cpu = false;           // an execution of it runs on its server
  bool holds_store_slot = false;
  bool counted_in_flight = false;   // counted in the balancer's in_flight of `server`
  bool store_write_pending = false;
  bool object_written = false;
  std::uint8_t writes = 0;          // store writes still to do after the CPU (Exchanges::kWrite*)
  StorePool store_pool = StorePool::sessions;  // of the store operation in progress
  int server = -1;
  double sent_at = 0;
  double waiting_since = 0;  // arrival at the server's queue, then at the store's
  Clock::Ticket timeout;
};

// The client side and the server side of one kind of request.
class ExchangeHandler {
 public:
  virtual ~ExchangeHandler() = default;
  // At the server, after the session lookup, while the client still waits: refuse the request
  // because the server is full (a 503, counted as `overload`; e.g. max_connections)...
  virtual bool refuses(const Exchange& exchange) {
    (void)exchange;
    return false;
  }
  // ... or serve it (true), or answer 401 (false).
  virtual bool admit(const Exchange& exchange) = 0;
  // The CPU demand ran (whether or not the client still waits): apply what the request does;
  // true when it must also write the session to the store host before answering.
  virtual bool executed(const Exchange& exchange) = 0;
  // The client has its answer: ok, forced (401) or failed with a cause (timeout included).
  virtual void answered(const Exchange& exchange, Outcome outcome, FailureCause cause) = 0;
  // Asked right after executed(): an effect's write before answering, and to which operations of
  // the store host (merged with the session write when both go to the same ones).
  virtual std::optional<StorePool> effect_write(const Exchange& exchange) {
    (void)exchange;
    return std::nullopt;
  }
  // The exchange is over: its client is done with it and nothing of it runs any more.
  virtual void ended(const Exchange& exchange) { (void)exchange; }
};

class Exchanges {
 public:
  Exchanges(World& world, ServerPool& pool, lb::Balancer& balancer, StoreHost& store);

  // Where the balancer would send a new session now (a visit in progress when the run starts
  // in steady state is placed as its login would have been), or nothing.
  std::optional<int> place(const lb::RouteRequest& route) { return balancer_.pick(route); }

  // Sends a request now; the handler hears of it again through its callbacks.
  void send(const ExchangeRequest& request);

  // Requests whose operations waited for the store when it went down: they fail (503).
  void fail_waiting_for_store(const std::deque<std::uint32_t>& waiting);

  // The server's host goes down: every request in it (queued, in service, or on the wire to or
  // from it) fails as `reset`; counted in the report when its client still waited.
  void server_stopped(int server, CrashReport& report);

  // The time in the system, up to `end_s`, of the requests whose client still waits.
  double residual_sojourn_s(double end_s) const;

 private:
  Exchange& at(std::uint32_t x) { return exchanges_[x]; }
  std::uint32_t allocate();
  void maybe_free(std::uint32_t x);
  void start_transfer(std::uint32_t x, Exchange::Stage stage, simgrid::s4u::Host* from, simgrid::s4u::Host* to,
                      double bytes);
  void start_execution(std::uint32_t x, Exchange::Stage stage, simgrid::s4u::Host* host, double seconds);
  void on_activity_end(std::uint32_t x, bool finished);

  void answer_from_balancer(std::uint32_t x, FailureCause cause);
  void arrive_at_server(std::uint32_t x);
  void begin_service(std::uint32_t x);  // a worker has been taken for it
  void after_lookup(std::uint32_t x);
  void after_store(std::uint32_t x);
  void after_cpu(std::uint32_t x);
  void continue_after_cpu(std::uint32_t x);  // the writes still to do, then the answer
  void finish_service(std::uint32_t x);
  bool expired(std::uint32_t x) const;
  void drop(std::uint32_t x);
  simgrid::s4u::Host* client_host(const Exchange& e) const {
    return e.request.client_host != nullptr ? e.request.client_host : world_.platform.client;
  }
  void release_worker(std::uint32_t x);
  void answer(std::uint32_t x, Outcome outcome, FailureCause cause);
  void fail_at_server(std::uint32_t x, FailureCause cause);

  void store_operation(std::uint32_t x);
  void enqueue_store(std::uint32_t x);
  void run_store_operation(std::uint32_t x);
  void release_store_slot(std::uint32_t x);
  void fail_store_down(std::uint32_t x);

  void deliver(std::uint32_t x);
  void conclude(std::uint32_t x, Outcome outcome, FailureCause cause);
  void abort(std::uint32_t x, FailureCause cause);
  void on_timeout(std::uint32_t x);

  static constexpr std::uint8_t kWriteSession = 1;
  static constexpr std::uint8_t kWriteEffect = 2;

  World& world_;
  ServerPool& pool_;
  lb::Balancer& balancer_;
  StoreHost& store_;
  std::deque<Exchange> exchanges_;  // references stay valid while it grows
  FreeSlots free_;
};

}  // namespace statesim::engine
