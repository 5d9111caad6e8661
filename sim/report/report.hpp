// The report writers: summary.csv, timeseries.csv, servers.csv, events.csv, summary_ci.csv, comparisons.csv,
// the JSON report and the human table. They only format what the runs measured.
//
// Input: runs in design-major, replication-minor order; every writer keeps that order.
// CSV (RFC 4180): a header row, then rows with the header's field count; a field holding a comma,
// quote, CR or LF is quoted with inner quotes doubled; lines end with "\n", the last one too.
// Numbers: see summary_fields.hpp. In timeseries.csv and events.csv time_s has 3 decimals,
// latencies (ms) 3, cpu_utilization 4; counts are plain integers; NaN is an empty field.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "model/expectations.hpp"
#include "model/metrics.hpp"
#include "report/summary_fields.hpp"
#include "scenario/config.hpp"

namespace statesim {

// design, replication, seed, then summary_field_names(): one row per run.
std::string summary_csv(const std::vector<RunResult>& runs);

// design, replication, time_s, active_sessions, logins, forced_logouts, sessions_lost, requests,
// ok, failed, latency_p50_ms, latency_p99_ms, servers_up, servers_in_rotation, cpu_utilization:
// one row per run and bucket.
std::string timeseries_csv(const std::vector<RunResult>& runs);

// design, replication, time_s, server, up, in_rotation, sessions_held, connections (empty without
// realtime), requests, cpu_utilization (empty for a server not in service during the bucket):
// one row per run, bucket and server of servers.max, for the runs that kept them
// (has_server_rows).
std::string servers_csv(const std::vector<RunResult>& runs);

// design, replication, time_s, event, target, sessions_held (empty where the event holds none),
// sessions_lost, forced_logouts_after, failed_after, window_s (the three empty for a row that
// opens no window), detail: one row per applied event.
std::string events_csv(const std::vector<RunResult>& runs);

// design, field, replications, mean, ci95_low, ci95_high, half_width: one row per design and
// numeric field. `replications` counts the values the interval is built from (NaN left out);
// with fewer than two the bounds and half width are empty.
std::string summary_ci_csv(const std::vector<RunResult>& runs);

// design_a, design_b, field, mean_difference, ci95_low, ci95_high, significant: for every pair of
// designs (a before b in input order) and numeric field; mean_difference is the mean of a − b
// over the replications both ran, paired by replication index; significant is 1 when the 95%
// interval excludes 0, else 0. With fewer than two pairs the bounds are empty and significant 0.
std::string comparisons_csv(const std::vector<RunResult>& runs);

// {"scenario", "seed", "duration_s", "designs": [{"name", "description", "runs": [{identity and
// numeric fields}], "mean": {field: value}, "ci95": {field: [low, high]}}], "expectations":
// [{"text", "passed", "actual"}]}. NaN is null; numbers as in the CSV files.
std::string summary_json(const Scenario& scenario, const std::vector<RunResult>& runs,
                         const std::vector<ExpectationResult>& expectations = {});

// The human report: header, one table with the designs side by side (mean ± 95% half width when
// there are several replications), design descriptions, significant differences of the main
// fields, the events of replication 0, warnings, expectations. Counts carry thousands
// separators, ms and req/s one decimal, cpu utilisation is in % with one decimal, NaN is "-".
// `color` adds ANSI bold/red/green (pass isatty of the stream).
void print_table(std::ostream& out, const Scenario& scenario, const std::vector<RunResult>& runs,
                 const std::vector<ExpectationResult>& expectations, bool color);

}  // namespace statesim
