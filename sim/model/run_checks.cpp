#include "model/run_checks.hpp"

#include <fmt/format.h>

namespace statesim {

std::vector<std::string> invariant_violations(const RunResult& run) {
  std::vector<std::string> problems;
  const Summary& s = run.summary;
  const std::string who = fmt::format("{} #{}", s.design, s.replication);
  if (s.sessions_started != s.sessions_ended + s.sessions_lost + s.sessions_active)
    problems.push_back(fmt::format("{}: sessions_started {} != ended {} + lost {} + active {}", who, s.sessions_started,
                                   s.sessions_ended, s.sessions_lost, s.sessions_active));
  if (s.requests != s.ok + s.failed + s.forced + s.in_flight)
    problems.push_back(fmt::format("{}: requests {} != ok {} + failed {} + forced {} + in flight {}", who, s.requests,
                                   s.ok, s.failed, s.forced, s.in_flight));
  std::int64_t by_cause = 0;
  for (const auto& entry : kFailureCauseNames.entries) by_cause += s.failures_of(entry.second);
  if (by_cause != s.failed)
    problems.push_back(fmt::format("{}: failures by cause sum to {}, failed is {}", who, by_cause, s.failed));
  std::int64_t lost_in_events = 0;
  for (const auto& event : run.events) lost_in_events += event.sessions_lost;
  if (lost_in_events > s.sessions_lost)
    problems.push_back(fmt::format("{}: events lose {} sessions, the summary {}", who, lost_in_events, s.sessions_lost));
  if (s.has(FieldGroup::realtime)) {
    if (s.message_deliveries != s.messages_delivered + s.messages_missed + s.deliveries_in_flight)
      problems.push_back(fmt::format("{}: message deliveries {} != delivered {} + missed {} + in flight {}", who,
                                     s.message_deliveries, s.messages_delivered, s.messages_missed,
                                     s.deliveries_in_flight));
    if (s.messages_replayed > s.messages_delivered)
      problems.push_back(fmt::format("{}: {} messages replayed, more than the {} delivered", who, s.messages_replayed,
                                     s.messages_delivered));
    if (s.connections_dropped > s.connections_opened)
      problems.push_back(fmt::format("{}: {} connections dropped, more than the {} opened", who,
                                     s.connections_dropped, s.connections_opened));
  }
  if (s.has(FieldGroup::games) &&
      s.matches_started != s.matches_completed + s.matches_lost + s.matches_in_progress)
    problems.push_back(fmt::format("{}: matches started {} != completed {} + lost {} + in progress {}", who,
                                   s.matches_started, s.matches_completed, s.matches_lost, s.matches_in_progress));
  // Part 2: each upload and each user action is in exactly one state at the end.
  if (s.has(FieldGroup::uploads)) {
    if (s.uploads_started != s.uploads_completed + s.uploads_failed + s.uploads_in_progress)
      problems.push_back(fmt::format("{}: uploads_started {} != completed {} + failed {} + in progress {}", who,
                                     s.uploads_started, s.uploads_completed, s.uploads_failed, s.uploads_in_progress));
    if (s.upload_bytes_wasted > s.upload_bytes)
      problems.push_back(fmt::format("{}: upload_bytes_wasted {} > upload_bytes {}", who, s.upload_bytes_wasted,
                                     s.upload_bytes));
  }
  if (s.has(FieldGroup::effects) && s.effects_requested != s.effects_applied + s.effects_failed + s.effects_in_flight)
    problems.push_back(fmt::format("{}: effects_requested {} != applied {} + failed {} + in flight {}", who,
                                   s.effects_requested, s.effects_applied, s.effects_failed, s.effects_in_flight));
  if (s.has(FieldGroup::retries) && s.requests_failed_final > s.failed)
    problems.push_back(fmt::format("{}: requests_failed_final {} > failed {}", who, s.requests_failed_final, s.failed));
  if (!(s.littles_law_error <= 1e-6))
    problems.push_back(fmt::format("{}: Little's law off by a relative {:.3g}", who, s.littles_law_error));
  return problems;
}

}  // namespace statesim
