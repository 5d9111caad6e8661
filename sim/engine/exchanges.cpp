#include "engine/exchanges.hpp"

namespace statesim::engine {
namespace {

constexpr double kErrorResponseBytes = 200;  // a 401 / 503 answer
constexpr double kStoreMessageBytes = 1000;  // a session read or write to the store

}  // namespace

using Stage = Exchange::Stage;

Exchanges::Exchanges(World& world, ServerPool& pool, lb::Balancer& balancer, StoreHost& store)
    : world_(world), pool_(pool), balancer_(balancer), store_(store) {}

std::uint32_t Exchanges::allocate() {
  const std::uint32_t x = free_.take(exchanges_);
  exchanges_[x] = Exchange{};
  exchanges_[x].in_use = true;
  return x;
}

// A slot is reused once the client is done with it and its chain has ended.
void Exchanges::maybe_free(std::uint32_t x) {
  Exchange& e = at(x);
  if (!e.client_done || e.activity_pending || e.stage != Stage::done || !e.in_use) return;
  e.in_use = false;
  e.request.handler->ended(e);
  free_.give_back(x);
}

void Exchanges::start_transfer(std::uint32_t x, Stage stage, simgrid::s4u::Host* from, simgrid::s4u::Host* to,
                               double bytes) {
  Exchange& e = at(x);
  e.stage = stage;
  e.activity_pending = true;
  world_.network.transfer(from, to, bytes, [this, x](bool finished) { on_activity_end(x, finished); });
}

void Exchanges::start_execution(std::uint32_t x, Stage stage, simgrid::s4u::Host* host, double seconds) {
  Exchange& e = at(x);
  e.stage = stage;
  e.activity_pending = true;
  world_.activities.execute(host, seconds * kFlopsPerSecond, [this, x](bool finished) { on_activity_end(x, finished); });
}

// ------------------------------------------------------------------------------------ the way in

void Exchanges::send(const ExchangeRequest& request) {
  const std::uint32_t x = allocate();
  Exchange& e = at(x);
  e.request = request;
  e.sent_at = world_.now();
  world_.recorder.request_sent(e.sent_at);
  const double timeout = request.timeout_s > 0 ? request.timeout_s : world_.design.clients.timeout_s;
  e.timeout = world_.clock.schedule_after(timeout, [this, x] { on_timeout(x); }, Clock::Lane::first);

  const std::optional<int> picked = balancer_.pick(request.route);
  if (!picked) {
    answer_from_balancer(x, FailureCause::no_server);
    return;
  }
  const int s = *picked;
  e.server = s;
  world_.recorder.request_routed(e.sent_at, s);
  if (!pool_.serving(s)) {
    e.server = -1;
    answer_from_balancer(x, FailureCause::server_down);
    return;
  }
  balancer_.add_in_flight(s, +1);
  e.counted_in_flight = true;
  start_transfer(x, Stage::to_server, client_host(e), pool_.host(s), request.request_bytes + request.credential_bytes);
}

// The balancer itself answers (no server to send to, or the one it chose is down).
void Exchanges::answer_from_balancer(std::uint32_t x, FailureCause cause) {
  Exchange& e = at(x);
  e.outcome = Outcome::failed;
  e.cause = cause;
  start_transfer(x, Stage::to_balancer, client_host(e), world_.platform.balancer, e.request.request_bytes);
}

void Exchanges::on_activity_end(std::uint32_t x, bool finished) {
  Exchange& e = at(x);
  e.activity_pending = false;
  const Stage stage = e.stage;
  if (e.holds_cpu) {
    pool_.cpu_ended(e.server);
    e.holds_cpu = false;
  }
  if (stage == Stage::store_exec) release_store_slot(x);
  const bool store_stage = stage == Stage::store_request || stage == Stage::store_exec || stage == Stage::store_reply;
  if (!finished && !e.aborted && store_stage && pool_.serving(e.server)) {
    fail_store_down(x);  // the store died under this operation; the server answers 503
    return;
  }
  if (e.aborted || !finished) {
    if (!e.aborted) abort(x, FailureCause::reset);
    e.stage = Stage::done;
    maybe_free(x);
    return;
  }
  switch (stage) {
    case Stage::to_balancer:
      start_transfer(x, Stage::balancer_reply, world_.platform.balancer, client_host(e), kErrorResponseBytes);
      break;
    case Stage::balancer_reply:
    case Stage::reply:
      e.stage = Stage::done;
      deliver(x);
      break;
    case Stage::to_server: arrive_at_server(x); break;
    case Stage::store_request: enqueue_store(x); break;
    case Stage::store_exec:
      start_transfer(x, Stage::store_reply, store_.host(), pool_.store_side(e.server), kStoreMessageBytes);
      break;
    case Stage::store_reply: after_store(x); break;
    case Stage::cpu: after_cpu(x); break;
    case Stage::object_write:
      start_transfer(x, Stage::object_ack, world_.platform.objects, pool_.store_side(e.server), kStoreMessageBytes);
      break;
    case Stage::object_ack: continue_after_cpu(x); break;
    case Stage::queued:
    case Stage::store_queued:
    case Stage::done:
      break;  // no activity runs in these stages
  }
}

// ------------------------------------------------------------------------------------ at the server

void Exchanges::arrive_at_server(std::uint32_t x) {
  Exchange& e = at(x);
  if (!pool_.serving(e.server)) {
    fail_at_server(x, FailureCause::reset);
    return;
  }
  if (expired(x)) {
    drop(x);
    return;
  }
  e.waiting_since = world_.now();
  if (pool_.take_worker(e.server)) {
    begin_service(x);
  } else if (!pool_.queue_full(e.server)) {
    e.stage = Stage::queued;
    pool_.enqueue(e.server, x);
  } else {
    answer(x, Outcome::failed, FailureCause::overload);
  }
}

// A worker takes the request: look the session up, run the CPU demand, write, answer.
void Exchanges::begin_service(std::uint32_t x) {
  Exchange& e = at(x);
  e.holds_worker = true;
  world_.recorder.worker_taken(world_.now(), world_.now() - e.waiting_since);
  if (e.request.reads_store) {
    e.store_pool = StorePool::sessions;
    store_operation(x);
    return;
  }
  after_lookup(x);
}

void Exchanges::after_store(std::uint32_t x) {
  Exchange& e = at(x);
  if (e.store_write_pending) {
    e.store_write_pending = false;
    continue_after_cpu(x);
  } else {
    after_lookup(x);
  }
}

void Exchanges::after_lookup(std::uint32_t x) {
  Exchange& e = at(x);
  // A request whose client gave up still runs, but its handler is not asked to admit it.
  if (!e.client_done && e.request.handler->refuses(e)) {
    release_worker(x);
    answer(x, Outcome::failed, FailureCause::overload);
    return;
  }
  if (!e.client_done && !e.request.handler->admit(e)) {
    release_worker(x);
    answer(x, Outcome::forced, FailureCause::reset);
    return;
  }
  pool_.cpu_started(e.server);
  e.holds_cpu = true;
  start_execution(x, Stage::cpu, pool_.host(e.server), e.request.cpu_s);
}

void Exchanges::after_cpu(std::uint32_t x) {
  Exchange& e = at(x);
  const bool session_write = e.request.handler->executed(e);
  const std::optional<StorePool> effect = e.request.handler->effect_write(e);
  e.writes = session_write ? kWriteSession : 0;
  // One operation does both when the effect goes to the session store's own operations.
  if (effect && !(session_write && store_.same_pool(*effect, StorePool::sessions))) e.writes |= kWriteEffect;
  continue_after_cpu(x);
}

// The store writes (the session's, then an effect's), the object store write, then the answer.
void Exchanges::continue_after_cpu(std::uint32_t x) {
  Exchange& e = at(x);
  for (const auto& [bit, pool] : {std::pair{kWriteSession, StorePool::sessions}, std::pair{kWriteEffect, StorePool::effects}}) {
    if ((e.writes & bit) == 0) continue;
    e.writes = static_cast<std::uint8_t>(e.writes & ~bit);
    e.store_pool = pool;
    e.store_write_pending = true;
    store_operation(x);
    return;
  }
  if (e.request.object_bytes > 0 && !e.object_written) {
    e.object_written = true;
    start_transfer(x, Stage::object_write, pool_.store_side(e.server), world_.platform.objects, e.request.object_bytes);
    return;
  }
  finish_service(x);
}

void Exchanges::finish_service(std::uint32_t x) {
  release_worker(x);
  answer(x, Outcome::ok, FailureCause::reset);
}

void Exchanges::release_worker(std::uint32_t x) {
  Exchange& e = at(x);
  if (!e.holds_worker) return;
  e.holds_worker = false;
  std::optional<std::uint32_t> next = pool_.release_worker(e.server);
  while (next && expired(*next)) {  // dropped, and the worker takes the next one
    drop(*next);
    next = pool_.release_worker(e.server);
  }
  if (next) begin_service(*next);
}

// servers.drop_expired: the server honours the client's deadline instead of serving a request
// nobody waits for.
bool Exchanges::expired(std::uint32_t x) const {
  return world_.design.servers.drop_expired && exchanges_[x].client_done;
}

void Exchanges::drop(std::uint32_t x) {
  Exchange& e = at(x);
  if (e.counted_in_flight) {
    balancer_.add_in_flight(e.server, -1);
    e.counted_in_flight = false;
  }
  e.stage = Stage::done;
  maybe_free(x);
}

// The server sends its answer back to the client.
void Exchanges::answer(std::uint32_t x, Outcome outcome, FailureCause cause) {
  Exchange& e = at(x);
  e.outcome = outcome;
  e.cause = cause;
  const double bytes = outcome == Outcome::ok ? e.request.response_bytes : kErrorResponseBytes;
  start_transfer(x, Stage::reply, pool_.host(e.server), client_host(e), bytes);
}

void Exchanges::fail_at_server(std::uint32_t x, FailureCause cause) {
  release_worker(x);
  abort(x, cause);
  at(x).stage = Stage::done;
  maybe_free(x);
}

// ------------------------------------------------------------------------------------ the store host

void Exchanges::store_operation(std::uint32_t x) {
  if (!store_.up()) {
    fail_store_down(x);
    return;
  }
  start_transfer(x, Stage::store_request, pool_.store_side(at(x).server), store_.host(), kStoreMessageBytes);
}

void Exchanges::enqueue_store(std::uint32_t x) {
  if (!store_.up()) {
    fail_store_down(x);
    return;
  }
  Exchange& e = at(x);
  e.waiting_since = world_.now();
  if (store_.take_slot(e.store_pool)) {
    run_store_operation(x);
  } else {
    e.stage = Stage::store_queued;
    store_.enqueue(e.store_pool, x);
  }
}

void Exchanges::run_store_operation(std::uint32_t x) {
  at(x).holds_store_slot = true;
  world_.recorder.store_slot_taken(world_.now() - at(x).waiting_since);
  const double service_s = store_.operation_time_s(at(x).store_pool);
  world_.recorder.summary().store_ops++;
  start_execution(x, Stage::store_exec, store_.host(), service_s);
}

void Exchanges::release_store_slot(std::uint32_t x) {
  Exchange& e = at(x);
  if (!e.holds_store_slot) return;
  e.holds_store_slot = false;
  const StorePool pool = e.store_pool;
  store_.release_slot(pool);
  while (store_.slot_free(pool)) {
    const std::optional<std::uint32_t> next = store_.next_waiting(pool);
    if (!next) break;
    if (at(*next).aborted) {  // its server died while it waited
      at(*next).stage = Stage::done;
      maybe_free(*next);
      continue;
    }
    store_.take_slot(pool);
    run_store_operation(*next);
  }
}

// The server is up but cannot reach the session store: it answers 503.
void Exchanges::fail_store_down(std::uint32_t x) {
  release_worker(x);
  answer(x, Outcome::failed, FailureCause::store_down);
}

void Exchanges::fail_waiting_for_store(const std::deque<std::uint32_t>& waiting) {
  for (const std::uint32_t x : waiting) {
    if (at(x).aborted) {
      at(x).stage = Stage::done;
      maybe_free(x);
    } else {
      fail_store_down(x);
    }
  }
}

// ------------------------------------------------------------------------------------ the client's side

void Exchanges::deliver(std::uint32_t x) {
  Exchange& e = at(x);
  if (e.counted_in_flight) {
    balancer_.add_in_flight(e.server, -1);
    e.counted_in_flight = false;
  }
  if (!e.client_done) conclude(x, e.outcome, e.cause);  // else the client gave up on it already
  maybe_free(x);
}

void Exchanges::conclude(std::uint32_t x, Outcome outcome, FailureCause cause) {
  Exchange& e = at(x);
  const double now = world_.now();
  e.client_done = true;
  world_.clock.cancel(e.timeout);
  world_.recorder.request_left(now, e.sent_at);
  switch (outcome) {
    case Outcome::ok: world_.recorder.request_ok(now, e.sent_at); break;
    case Outcome::forced: world_.recorder.request_forced(now); break;
    case Outcome::failed: world_.recorder.request_failed(now, cause); break;
    case Outcome::pending: break;  // never concluded as such
  }
  e.request.handler->answered(e, outcome, cause);
}

// Failure seen by the client at once (its server died with the request in it).
void Exchanges::abort(std::uint32_t x, FailureCause cause) {
  Exchange& e = at(x);
  e.aborted = true;
  if (e.counted_in_flight) {
    balancer_.add_in_flight(e.server, -1);
    e.counted_in_flight = false;
  }
  if (!e.client_done) conclude(x, Outcome::failed, cause);
}

void Exchanges::on_timeout(std::uint32_t x) {
  Exchange& e = at(x);
  if (!e.in_use || e.client_done) return;
  conclude(x, Outcome::failed, FailureCause::timeout);
  maybe_free(x);
}

void Exchanges::server_stopped(int server, CrashReport& report) {
  for (std::uint32_t x = 0; x < exchanges_.size(); ++x) {
    Exchange& e = at(x);
    if (!e.in_use || e.server != server || e.aborted || e.stage == Stage::done) continue;
    if (!e.client_done) report.requests_reset++;
    e.holds_worker = false;
    e.holds_cpu = false;
    abort(x, FailureCause::reset);
    // Activities on or to this host fail when it goes down and end the chain in on_activity_end;
    // a store operation still finishes on the store host; a queued request just ends here.
    if (!e.activity_pending && e.stage != Stage::store_queued) {
      e.stage = Stage::done;
      maybe_free(x);
    }
  }
}

double Exchanges::residual_sojourn_s(double end_s) const {
  double residual = 0;
  for (const Exchange& e : exchanges_)
    if (e.in_use && !e.client_done) residual += end_s - e.sent_at;
  return residual;
}

}  // namespace statesim::engine
