#include "engine/clients/uploads.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace statesim::engine {
namespace {

constexpr double kUrlRequestBytes = 1000;  // presigned: the request for a signed URL, and its answer
constexpr double kChunkAnswerBytes = 200;  // a chunk's answer (an acknowledgement)
// A chunk request's detail: whether it is the upload's first (which a server_memory server
// takes as a new upload); the index itself is the upload's next_chunk.
constexpr std::uint32_t kFirstChunk = 0;
constexpr std::uint32_t kLaterChunk = 1;

}  // namespace

Uploads::Uploads(World& world, Exchanges& exchanges, ServerPool& pool)
    : world_(world),
      exchanges_(exchanges),
      spec_(world.design.uploads),
      arrival_rng_(world.stream_key(StreamPurpose::upload_arrivals)),
      held_(static_cast<std::size_t>(world.design.servers.max)) {
  if (spec_.mode != UploadMode::server_memory) return;
  // Progress in a server's memory dies with it, and a draining server waits for it.
  pool.on_stop([this](int s, CrashReport& report) {
    const std::int64_t lost = lose_held_by(s);
    if (lost > 0) report.notes.push_back(fmt::format("{} uploads in progress lost (they start over)", lost));
  });
  pool.add_holder([this](int s) { return static_cast<std::int64_t>(held_[static_cast<std::size_t>(s)].size()); });
}

void Uploads::start() { schedule_arrival(0); }

void Uploads::schedule_arrival(double from) {
  world_.clock.schedule(from + arrival_rng_.exponential(1.0 / spec_.arrival_rate_per_s), [this] { on_arrival(); });
}

void Uploads::on_arrival() {
  const double now = world_.now();
  const std::uint32_t u = free_.take(uploads_);
  Upload& upload = uploads_[u];
  upload = Upload{};
  upload.identity = next_identity_++;
  upload.started_at = now;
  RandomStream size_rng(world_.stream_key(StreamPurpose::upload_size, upload.identity));
  upload.size_B = std::max(1.0, std::ceil(size_rng.sample(spec_.size_B)));  // whole bytes, at least one
  upload.chunks = static_cast<std::uint64_t>(std::ceil(upload.size_B / spec_.chunk_B));
  in_progress_++;
  world_.recorder.summary().uploads_started++;
  world_.recorder.bucket(now).uploads_started++;
  next_step(u);
  schedule_arrival(now);
}

double Uploads::chunk_bytes(const Upload& upload, std::uint64_t index) const {
  return std::min(spec_.chunk_B, upload.size_B - spec_.chunk_B * static_cast<double>(index));
}

// What the upload sends next: its signed URL first (presigned), then the next chunk.
void Uploads::next_step(std::uint32_t u) {
  const Upload& upload = uploads_[u];
  if (spec_.mode != UploadMode::presigned) {
    send(u, Step::chunk);
  } else if (!upload.has_url) {
    send(u, Step::sign_url);
  } else {
    put_to_objects(u);
  }
}

void Uploads::send(std::uint32_t u, Step step) {
  Upload& upload = uploads_[u];
  ExchangeRequest request;
  request.handler = this;
  request.client = u;
  request.kind = static_cast<std::uint8_t>(step);
  request.client_host = world_.platform.uploader;
  request.timeout_s = spec_.timeout_s;
  request.cpu_s = spec_.chunk_cpu_s;
  request.route.client_ip = upload.identity;
  if (step == Step::sign_url) {
    request.request_bytes = request.response_bytes = kUrlRequestBytes;
    request.route.new_session = true;
  } else {
    const double bytes = chunk_bytes(upload, upload.next_chunk);
    request.detail = upload.next_chunk == 0 ? kFirstChunk : kLaterChunk;
    request.request_bytes = bytes;
    request.response_bytes = kChunkAnswerBytes;
    if (spec_.mode == UploadMode::resumable) request.object_bytes = bytes;
    request.route.new_session = upload.next_chunk == 0;
    if (upload.cookie_server >= 0) request.route.cookie_server = upload.cookie_server;
    world_.recorder.summary().upload_bytes += static_cast<std::int64_t>(bytes);
  }
  exchanges_.send(request);
}

// presigned: the chunk goes from the uploader to the object store, and its acknowledgement back.
void Uploads::put_to_objects(std::uint32_t u) {
  const Upload& upload = uploads_[u];
  const double bytes = chunk_bytes(upload, upload.next_chunk);
  world_.recorder.summary().upload_bytes += static_cast<std::int64_t>(bytes);
  Platform& platform = world_.platform;
  world_.network.transfer(platform.uploader, platform.objects, bytes, [this, u](bool sent) {
    if (!sent) {
      on_failure(u, chunk_bytes(uploads_[u], uploads_[u].next_chunk));
      return;
    }
    world_.network.transfer(world_.platform.objects, world_.platform.uploader, kChunkAnswerBytes, [this, u](bool acked) {
      if (acked) {
        chunk_done(u);
      } else {
        on_failure(u, chunk_bytes(uploads_[u], uploads_[u].next_chunk));
      }
    });
  });
}

// ------------------------------------------------------------------------------------ at the server

// server_memory: a chunk after the first must reach the server that holds the upload.
bool Uploads::admit(const Exchange& exchange) {
  if (spec_.mode != UploadMode::server_memory || static_cast<Step>(exchange.request.kind) != Step::chunk) return true;
  return exchange.request.detail == kFirstChunk || uploads_[exchange.request.client].holder == exchange.server;
}

bool Uploads::executed(const Exchange& exchange) {
  // A chunk its uploader gave up on changes nothing: the uploader has moved on (or left).
  if (exchange.client_done || spec_.mode != UploadMode::server_memory) return false;
  if (static_cast<Step>(exchange.request.kind) == Step::chunk && exchange.request.detail == kFirstChunk) {
    release_hold(exchange.request.client);
    hold(exchange.request.client, exchange.server);
  }
  return false;
}

void Uploads::hold(std::uint32_t u, int server) {
  auto& held = held_[static_cast<std::size_t>(server)];
  uploads_[u].holder = server;
  uploads_[u].held_at = static_cast<std::uint32_t>(held.size());
  held.push_back(u);
}

void Uploads::release_hold(std::uint32_t u) {
  Upload& upload = uploads_[u];
  if (upload.holder < 0) return;
  auto& held = held_[static_cast<std::size_t>(upload.holder)];
  const std::uint32_t last = held.back();
  held[upload.held_at] = last;
  uploads_[last].held_at = upload.held_at;
  held.pop_back();
  upload.holder = -1;
}

// The server's host went down: the progress it held is gone; each uploader finds out with its
// next chunk (refused) or the one on its way (reset).
std::int64_t Uploads::lose_held_by(int server) {
  auto& held = held_[static_cast<std::size_t>(server)];
  for (const std::uint32_t u : held) uploads_[u].holder = -1;
  const auto lost = static_cast<std::int64_t>(held.size());
  held.clear();
  return lost;
}

// ------------------------------------------------------------------------------------ the uploader's side

void Uploads::answered(const Exchange& exchange, Outcome outcome, FailureCause) {
  const std::uint32_t u = exchange.request.client;
  Upload& upload = uploads_[u];
  const Step step = static_cast<Step>(exchange.request.kind);
  if (outcome != Outcome::ok) {
    on_failure(u, step == Step::chunk ? exchange.request.request_bytes : 0);
    return;
  }
  if (step == Step::sign_url) {
    upload.has_url = true;
    next_step(u);
    return;
  }
  if (upload.next_chunk == 0) upload.cookie_server = exchange.server;  // the first chunk's answer sets it
  chunk_done(u);
}

void Uploads::chunk_done(std::uint32_t u) {
  Upload& upload = uploads_[u];
  upload.kept_B += chunk_bytes(upload, upload.next_chunk);
  if (++upload.next_chunk == upload.chunks) {
    complete(u);
  } else {
    next_step(u);
  }
}

// A step failed (or a server_memory chunk was refused): the upload starts over (server_memory)
// or sends the same step again, after retry_backoff; the failure after max_restarts ends it.
void Uploads::on_failure(std::uint32_t u, double failed_bytes) {
  Upload& upload = uploads_[u];
  waste(failed_bytes);
  if (spec_.mode == UploadMode::server_memory) {
    waste(upload.kept_B);
    upload.kept_B = 0;
    upload.next_chunk = 0;  // the progress stays on its server until chunk 0 lands again, or the server stops
  }
  if (upload.restarts >= static_cast<std::uint32_t>(spec_.max_restarts)) {
    give_up(u);
    return;
  }
  upload.restarts++;
  world_.recorder.summary().upload_restarts++;
  upload.retry = world_.clock.schedule(world_.now() + spec_.retry_backoff_s, [this, u] { next_step(u); });
}

void Uploads::waste(double bytes) {
  if (bytes <= 0) return;
  const auto wasted = static_cast<std::int64_t>(bytes);
  world_.recorder.summary().upload_bytes_wasted += wasted;
  world_.recorder.bucket(world_.now()).upload_bytes_wasted += wasted;
}

void Uploads::complete(std::uint32_t u) {
  const double now = world_.now();
  world_.recorder.summary().uploads_completed++;
  world_.recorder.bucket(now).uploads_completed++;
  times_s_.add(now - uploads_[u].started_at);
  end(u);
}

// The user gives up: every byte it sent was for nothing.
void Uploads::give_up(std::uint32_t u) {
  waste(uploads_[u].kept_B);
  world_.recorder.summary().uploads_failed++;
  world_.recorder.bucket(world_.now()).uploads_failed++;
  end(u);
}

void Uploads::end(std::uint32_t u) {
  release_hold(u);
  in_progress_--;
  free_.give_back(u);
}

void Uploads::finish(double) {
  Summary& summary = world_.recorder.summary();
  summary.uploads_in_progress = in_progress_;
  summary.upload_time_p50_s = times_s_.percentile(0.50);
  summary.upload_time_p99_s = times_s_.percentile(0.99);
}

std::unique_ptr<ClientKind> make_uploads(EngineParts& parts) {
  if (!parts.world.design.uploads.enabled) return nullptr;
  return std::make_unique<Uploads>(parts.world, parts.exchanges, parts.pool);
}

}  // namespace statesim::engine
