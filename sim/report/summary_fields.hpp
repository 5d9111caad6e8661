// How the report writes the numeric fields of model/summary_fields.hpp.
//
// Number format (every writer):
//   - count fields: a plain integer ("12345");
//   - real fields: fixed point with `decimals` digits: latencies (ms) and throughput (req/s) 3,
//     cpu_utilization (a fraction) 4;
//   - means, confidence bounds and differences of count fields: 3 digits;
//   - NaN or infinity (e.g. latency of a run without successful requests): an empty CSV field,
//     `null` in JSON, "-" in the table.
#pragma once

#include <string>
#include <vector>

#include "model/summary_fields.hpp"

namespace statesim {

// The fields the output files of `runs` carry: part 1's always, a part-2 group's (realtime,
// games, ...) when some run had that section. A design without it shows the field empty; a
// scenario with none of part 2 writes exactly the columns part 1 always had.
std::vector<const SummaryField*> reported_summary_fields(const std::vector<RunResult>& runs);
std::vector<const BucketField*> reported_bucket_fields(const std::vector<RunResult>& runs);

// A field's value as written to CSV/JSON for one run: count or fixed point, "" for non-finite.
std::string format_field_value(const SummaryField& field, double value);

// A statistic of a field (mean, confidence bound, difference) as written to CSV/JSON.
std::string format_field_statistic(const SummaryField& field, double value);

}  // namespace statesim
