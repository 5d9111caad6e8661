// Uploaders (part 2 of the format, §3): each arrives (Poisson), sends one file of a drawn size
// in chunks, one after the other, and leaves. No login: the upload is its state.
//   server_memory  every chunk is a request through the balancer; the server that took chunk 0
//                  keeps the upload's progress in memory, and a chunk that reaches another
//                  server (refused, like a 401) or a crash or drain end of that server makes the
//                  upload start over from chunk 0.
//   resumable      every chunk carries (upload, index, total): any server takes it and writes it
//                  to the object store before answering; a failure sends that chunk again.
//   presigned      one small request to a server for a signed URL, then each chunk goes from the
//                  uploader straight to the object store (a comm and its acknowledgement).
// Every failure counts as a restart; the one after max_restarts fails the upload. Uploaders
// are data, not actors: their bytes are SimGrid communications over the uploaders' own link
// (`uploader`, FATPIPE at client_bandwidth: no uploader shares another's bandwidth).
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "engine/clients/client_kind.hpp"
#include "engine/exchanges.hpp"
#include "engine/server_pool.hpp"
#include "engine/world.hpp"
#include "model/free_slots.hpp"
#include "model/stats.hpp"

namespace statesim::engine {

class Uploads final : public ClientKind, public ExchangeHandler {
 public:
  Uploads(World& world, Exchanges& exchanges, ServerPool& pool);

  void start() override;
  void finish(double end_s) override;

  bool admit(const Exchange& exchange) override;
  bool executed(const Exchange& exchange) override;
  void answered(const Exchange& exchange, Outcome outcome, FailureCause cause) override;

 private:
  enum class Step : std::uint8_t { sign_url, chunk };  // what a request to a server is

  struct Upload {
    std::uint64_t identity = 0;  // the arrival's number: keys its size and is its IP
    double started_at = 0;
    double size_B = 0;
    std::uint64_t chunks = 0;
    std::uint64_t next_chunk = 0;  // the chunk on its way, or the next to send
    std::uint32_t restarts = 0;
    double kept_B = 0;             // bytes sent that are part of the file so far
    int holder = -1;               // server_memory: the server holding its progress
    std::uint32_t held_at = 0;     // its place in that server's list
    int cookie_server = -1;        // sticky_cookie: set by chunk 0's answer
    bool has_url = false;          // presigned: the signed URL is known
    Clock::Ticket retry;
  };

  void schedule_arrival(double from);
  void on_arrival();
  void next_step(std::uint32_t u);
  double chunk_bytes(const Upload& upload, std::uint64_t index) const;
  void send(std::uint32_t u, Step step);
  void put_to_objects(std::uint32_t u);
  void chunk_done(std::uint32_t u);
  void on_failure(std::uint32_t u, double failed_bytes);
  void waste(double bytes);
  void complete(std::uint32_t u);
  void give_up(std::uint32_t u);
  void end(std::uint32_t u);
  void hold(std::uint32_t u, int server);
  void release_hold(std::uint32_t u);
  std::int64_t lose_held_by(int server);

  World& world_;
  Exchanges& exchanges_;
  const UploadSpec& spec_;
  RandomStream arrival_rng_;
  std::uint64_t next_identity_ = 0;
  std::deque<Upload> uploads_;
  FreeSlots free_;
  std::int64_t in_progress_ = 0;
  std::vector<std::vector<std::uint32_t>> held_;  // server_memory: uploads whose progress each server holds
  LatencySamples times_s_;
};

// The uploaders of the uploads section; nothing when the design has none.
std::unique_ptr<ClientKind> make_uploads(EngineParts& parts);

}  // namespace statesim::engine
