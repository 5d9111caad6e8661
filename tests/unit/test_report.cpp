// The report writers: the CSV/JSON contract (columns, quoting, precision, NaN) and the table.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "report/report.hpp"
#include "report/text_format.hpp"

using namespace statesim;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A strict RFC 4180 reader: rows of fields, "\n" line ends. Fails the test on malformed input.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  bool field_started = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
        if (i + 1 < text.size() && text[i + 1] != ',' && text[i + 1] != '\n')
          FAIL("text after a closing quote");
      } else {
        field += c;
      }
    } else if (c == '"') {
      if (field_started) FAIL("a quote inside an unquoted field");
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
      field_started = false;
    } else if (c == '\n') {
      row.push_back(field);
      rows.push_back(row);
      row.clear();
      field.clear();
      field_started = false;
    } else {
      if (c == '\r') FAIL("a bare CR");
      field += c;
      field_started = true;
    }
  }
  REQUIRE(!quoted);
  REQUIRE(row.empty());  // the file ends with a newline
  REQUIRE(field.empty());
  return rows;
}

std::size_t column_of(const std::vector<std::string>& header, const std::string& name) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  FAIL("no column " << name);
  return 0;
}

RunResult make_run(const std::string& design, int replication, std::int64_t sessions_lost) {
  RunResult run;
  Summary& s = run.summary;
  s.design = design;
  s.replication = replication;
  s.seed = 42;
  s.sessions_started = 12345;
  s.sessions_lost = sessions_lost;
  s.forced_logouts = sessions_lost;
  s.requests = 123456789;
  s.ok = 123456000;
  s.failed = 789;
  s.failed_reset = 789;
  s.latency_mean_ms = 41.23456;
  s.latency_p50_ms = 40.0;
  s.latency_p95_ms = 80.5;
  s.latency_p99_ms = 120.34;
  s.latency_max_ms = 300;
  s.throughput_rps = 137.1666666;
  s.cpu_utilization = 0.612345;
  Bucket bucket;
  bucket.time_s = 10;
  bucket.latency_p50_ms = kNaN;
  bucket.latency_p99_ms = 12.3456;
  bucket.cpu_utilization = 0.5;
  run.buckets = {bucket, bucket};
  EventRow crash;
  crash.time_s = 300;
  crash.event = EventKind::crash;
  crash.target = "app-2";
  crash.sessions_held = 1510;
  crash.sessions_lost = 1503;
  crash.forced_logouts_after = 1450;
  crash.failed_after = 120;
  crash.detail = "host down, \"hard\"";
  run.events = {crash};
  return run;
}

Scenario make_scenario(const std::vector<std::string>& design_names) {
  Scenario scenario;
  scenario.name = "sticky-vs-shared";
  scenario.description = "Three app servers; app-2 crashes at 5 minutes.";
  scenario.seed = 42;
  scenario.duration_s = 900;
  for (const std::string& name : design_names) {
    Design design;
    design.name = name;
    scenario.designs.push_back(design);
  }
  scenario.designs.front().description = "sessions live in the memory of the server that handled the login";
  return scenario;
}

// Three replications of two designs: a loses 10, 12, 14 sessions, b loses 0, 1, 2.
// The fields of part 1 (group core): what a file of runs without part 2 shows.
std::size_t core_field_count() { return summary_fields_of(group_bit(FieldGroup::core)).size(); }

std::vector<RunResult> three_replications() {
  return {make_run("a", 0, 10), make_run("a", 1, 12), make_run("a", 2, 14),
          make_run("b", 0, 0),  make_run("b", 1, 1),  make_run("b", 2, 2)};
}

}  // namespace

TEST_SUITE_BEGIN("report");

TEST_CASE("formatting helpers") {
  CHECK(format_count(0) == "0");
  CHECK(format_count(999) == "999");
  CHECK(format_count(1000) == "1,000");
  CHECK(format_count(12345) == "12,345");
  CHECK(format_count(-1234567) == "-1,234,567");
  CHECK(format_grouped(12345.678, 1) == "12,345.7");
  CHECK(format_grouped(-0.0001, 3) == "0.000");
  CHECK(format_grouped(kNaN, 1) == "-");
  CHECK(format_fixed(-0.0004, 3) == "0.000");
  CHECK(format_fixed(-0.5, 1) == "-0.5");

  CHECK(format_clock_time(0) == "0s");
  CHECK(format_clock_time(45) == "45s");
  CHECK(format_clock_time(300) == "5m00s");
  CHECK(format_clock_time(305) == "5m05s");
  CHECK(format_clock_time(3725) == "1h02m05s");
  CHECK(format_clock_time(0.25) == "0.25s");
  CHECK(format_clock_time(90.5) == "1m30.5s");
  CHECK(format_clock_time(59.9996) == "1m00s");

  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field("cr\r") == "\"cr\r\"");

  CHECK(json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(json_string("\n\t\x01") == "\"\\n\\t\\u0001\"");
  CHECK(json_string("caf\u00e9") == "\"caf\u00e9\"");

  CHECK(wrap_words("aa bb cc dd", 5) == std::vector<std::string>{"aa bb", "cc dd"});
  CHECK(wrap_words("  one  ", 80) == std::vector<std::string>{"one"});
  CHECK(display_width("1 \u00b1 2") == 5);
}

TEST_CASE("summary fields: contract order, lookup") {
  std::vector<std::string> expected = {"sessions_started",
                                       "sessions_ended",
                                       "sessions_lost",
                                       "sessions_active",
                                       "forced_logouts",
                                       "users_affected",
                                       "requests",
                                       "ok",
                                       "failed",
                                       "requests_failed_final",
                                       "forced",
                                       "failed_reset",
                                       "failed_server_down",
                                       "failed_overload",
                                       "failed_store_down",
                                       "failed_timeout",
                                       "failed_no_server",
                                       "latency_mean_ms",
                                       "latency_p50_ms",
                                       "latency_p95_ms",
                                       "latency_p99_ms",
                                       "latency_max_ms",
                                       "throughput_rps",
                                       "cpu_utilization",
                                       "store_ops",
                                       "sessions_abandoned",
                                       "page_throughput_rps",
                                       "worker_utilization",
                                       "queue_wait_ms",
                                       "store_utilization",
                                       "store_wait_ms",
                                       "token_refreshes",
                                       "revoked_accepted",
                                       "in_flight",
                                       "uploads_started",  "uploads_completed",
                                       "uploads_failed",   "uploads_in_progress",
                                       "upload_restarts",  "upload_bytes",
                                       "upload_bytes_wasted", "upload_time_p50_s",
                                       "upload_time_p99_s", "effects_requested",
                                       "effects_applied",  "duplicate_effects",
                                       "effects_lost",     "effects_failed",
                                       "effects_in_flight"};
  // Then part 2's fields, group by group.
  for (const char* name : {"connections_opened", "connections_dropped", "connect_failed", "reconnect_time_p50_s",
                           "reconnect_time_p99_s", "messages_sent", "message_deliveries", "messages_delivered",
                           "messages_missed", "messages_replayed", "deliveries_in_flight", "delivery_latency_p50_ms",
                           "delivery_latency_p99_ms", "matches_started", "matches_refused", "matches_completed",
                           "matches_lost", "matches_migrated", "matches_in_progress", "match_progress_lost_s",
                           "match_pause_s"})
    expected.emplace_back(name);
  CHECK(summary_field_names() == expected);

  Summary s;
  s.sessions_lost = 17;
  s.failures_of(FailureCause::timeout) = 5;
  s.latency_p99_ms = 12.5;
  CHECK(summary_field(s, "sessions_lost") == 17.0);
  CHECK(summary_field(s, "failed_timeout") == 5.0);
  CHECK(summary_field(s, "failed_reset") == 0.0);
  CHECK(summary_field(s, "latency_p99_ms") == 12.5);
  CHECK_FALSE(summary_field(s, "design").has_value());
  CHECK_FALSE(summary_field(s, "no_such_field").has_value());

  CHECK(std::string(failure_cause_name(FailureCause::server_down)) == "server_down");
  CHECK(std::string(failure_cause_name(FailureCause::no_server)) == "no_server");
}

TEST_CASE("summary.csv: header, numbers, NaN") {
  std::vector<RunResult> runs = {make_run("a", 0, 3)};
  runs[0].summary.latency_p95_ms = kNaN;
  std::string csv = summary_csv(runs);
  CHECK(
      csv.substr(0, csv.find('\n')) ==
      "design,replication,seed,sessions_started,sessions_ended,sessions_lost,sessions_active,forced_logouts,"
      "users_affected,requests,ok,failed,forced,failed_reset,failed_server_down,failed_overload,"
      "failed_store_down,failed_timeout,failed_no_server,latency_mean_ms,latency_p50_ms,latency_p95_ms,"
      "latency_p99_ms,latency_max_ms,throughput_rps,cpu_utilization,store_ops,sessions_abandoned,"
      "page_throughput_rps,worker_utilization,queue_wait_ms,store_utilization,store_wait_ms,token_refreshes,"
      "revoked_accepted,in_flight");
  auto rows = parse_csv(csv);
  REQUIRE(rows.size() == 2);
  const auto& header = rows[0];
  const auto& row = rows[1];
  CHECK(row[column_of(header, "seed")] == "42");
  CHECK(row[column_of(header, "requests")] == "123456789");  // large counts stay plain integers
  CHECK(row[column_of(header, "failed_reset")] == "789");
  CHECK(row[column_of(header, "latency_mean_ms")] == "41.235");
  CHECK(row[column_of(header, "latency_p95_ms")] == "");
  CHECK(row[column_of(header, "throughput_rps")] == "137.167");
  CHECK(row[column_of(header, "cpu_utilization")] == "0.6123");
}

TEST_CASE("CSV quoting round trip and field counts in every file") {
  const std::string awkward = "a,\"b\"\nsecond line";
  std::vector<RunResult> runs = {make_run(awkward, 0, 1), make_run(awkward, 1, 2), make_run("plain", 0, 0),
                                 make_run("plain", 1, 0)};
  const std::vector<std::string> files = {summary_csv(runs), timeseries_csv(runs), events_csv(runs),
                                          summary_ci_csv(runs), comparisons_csv(runs)};
  for (const std::string& csv : files) {
    REQUIRE(!csv.empty());
    CHECK(csv.back() == '\n');
    auto rows = parse_csv(csv);
    REQUIRE(rows.size() > 1);
    for (const auto& row : rows) CHECK(row.size() == rows[0].size());
    CHECK(rows[1][0] == awkward);  // every file starts with the design name
  }
  auto events = parse_csv(events_csv(runs));
  CHECK(events[0] == std::vector<std::string>{"design", "replication", "time_s", "event", "target",
                                              "sessions_held", "sessions_lost", "forced_logouts_after",
                                              "failed_after", "window_s", "detail"});
  CHECK(events[1] == std::vector<std::string>{awkward, "0", "300.000", "crash", "app-2", "1510", "1503", "1450",
                                              "120", "60.000", "host down, \"hard\""});

  auto series = parse_csv(timeseries_csv(runs));
  CHECK(series[0] == std::vector<std::string>{"design", "replication", "time_s", "active_sessions", "logins",
                                              "forced_logouts", "sessions_lost", "requests", "ok", "failed",
                                              "latency_p50_ms", "latency_p99_ms", "queue_wait_ms",
                                              "worker_utilization", "store_utilization", "servers_up",
                                              "servers_in_rotation", "cpu_utilization"});
  CHECK(series.size() == 1 + 4 * 2);
  CHECK(series[1][column_of(series[0], "time_s")] == "10.000");
  CHECK(series[1][column_of(series[0], "latency_p50_ms")] == "");  // NaN
  CHECK(series[1][column_of(series[0], "latency_p99_ms")] == "12.346");
  CHECK(series[1][column_of(series[0], "cpu_utilization")] == "0.5000");

  auto comparisons = parse_csv(comparisons_csv(runs));
  CHECK(comparisons[1][0] == awkward);
  CHECK(comparisons[1][1] == "plain");
  CHECK(comparisons.size() == 1 + reported_summary_fields(runs).size());  // one ordered pair
}

TEST_CASE("part 2's columns: absent without any run of that part, empty for a design without it") {
  std::vector<RunResult> part1 = {make_run("a", 0, 1)};
  const std::size_t core = reported_summary_fields(part1).size();
  CHECK(core == 33);  // part 1's files keep exactly their columns
  CHECK(parse_csv(summary_csv(part1))[0].size() == 3 + core);
  CHECK(parse_csv(timeseries_csv(part1))[0].size() == 2 + 16);
  CHECK(summary_json(make_scenario({"a"}), part1).find("connections_opened") == std::string::npos);

  std::vector<RunResult> runs = {make_run("chat", 0, 0), make_run("web", 0, 1)};
  runs[0].summary.groups |= group_bit(FieldGroup::realtime);
  runs[0].summary.messages_sent = 40;
  runs[0].summary.delivery_latency_p50_ms = 41.5;
  runs[0].buckets[0].connected = 900;
  auto summary = parse_csv(summary_csv(runs));
  CHECK(summary[0].size() == 3 + core + 13);  // the realtime fields, not the games ones
  CHECK(std::find(summary[0].begin(), summary[0].end(), "matches_started") == summary[0].end());
  CHECK(summary[1][column_of(summary[0], "messages_sent")] == "40");
  CHECK(summary[1][column_of(summary[0], "delivery_latency_p50_ms")] == "41.500");
  CHECK(summary[2][column_of(summary[0], "messages_sent")] == "");  // the design without the section
  auto series = parse_csv(timeseries_csv(runs));
  CHECK(series[0].back() == "messages_missed");
  CHECK(series[1][column_of(series[0], "connected")] == "900");
  CHECK(series[3][column_of(series[0], "connected")] == "");
  auto ci = parse_csv(summary_ci_csv(runs));
  CHECK(ci.size() == 1 + 2 * (core + 13));
  CHECK(parse_csv(events_csv(part1))[0].back() == "detail");  // part 1's events keep their columns
  runs[0].events[0].part2.connections_held = 900;
  runs[0].events[0].part2.connections_dropped = 899;
  auto events = parse_csv(events_csv(runs));
  CHECK(events[0].size() == 13);  // the realtime columns only
  CHECK(events[1][column_of(events[0], "connections_held")] == "900");
  CHECK(events[1][column_of(events[0], "connections_dropped")] == "899");
  CHECK(events[2][column_of(events[0], "connections_held")] == "");  // the design without it
  const std::string json = summary_json(make_scenario({"chat", "web"}), runs);
  CHECK(json.find("\"messages_sent\": 40") != std::string::npos);
  CHECK(json.find("\"messages_sent\": null") != std::string::npos);
}

TEST_CASE("part 2's columns: only when a run has that part, empty for the runs without it") {
  std::vector<RunResult> part1 = {make_run("a", 0, 1)};
  const auto plain = parse_csv(summary_csv(part1));
  CHECK(plain[0].size() == 3 + core_field_count());
  CHECK(std::find(plain[0].begin(), plain[0].end(), "uploads_started") == plain[0].end());
  CHECK(std::find(plain[0].begin(), plain[0].end(), "requests_failed_final") == plain[0].end());

  std::vector<RunResult> mixed = {make_run("a", 0, 1), make_run("b", 0, 1)};
  mixed[1].summary.groups |= group_bit(FieldGroup::uploads);
  mixed[1].summary.uploads_started = 7;
  const auto rows = parse_csv(summary_csv(mixed));
  const std::size_t column = column_of(rows[0], "uploads_started");
  CHECK(rows[0].size() == 3 + core_field_count() + 9);  // the nine fields of uploads
  CHECK(rows[1][column] == "");
  CHECK(rows[2][column] == "7");
  CHECK(std::find(rows[0].begin(), rows[0].end(), "effects_requested") == rows[0].end());
  const auto series = parse_csv(timeseries_csv(mixed));
  const std::size_t bucket_column = column_of(series[0], "uploads_started");
  CHECK(series[1][bucket_column] == "");
  CHECK(series.back()[bucket_column] == "0");
  CHECK(summary_json(Scenario{}, mixed, {}).find("\"uploads_started\": null") != std::string::npos);
  CHECK(summary_json(Scenario{}, part1, {}).find("uploads_started") == std::string::npos);
}

TEST_CASE("CSV rows: csv_line and read_csv_line agree, malformed rows are refused") {
  const std::vector<std::vector<std::string>> rows = {
      {"plain", "", "a,b", "say \"hi\"", ""}, {""}, {"uniform(1ms, 9ms)", "x"}, {"\"", ",", "\"\""}};
  for (const auto& row : rows) {
    const std::string line = csv_line(row);
    REQUIRE(line.back() == '\n');
    std::vector<std::string> fields;
    CHECK(read_csv_line(std::string_view(line).substr(0, line.size() - 1), fields));
    CHECK(fields == row);
  }
  std::vector<std::string> fields;
  CHECK_FALSE(read_csv_line("\"open", fields));        // unclosed quote
  CHECK_FALSE(read_csv_line("\"a\"b,c", fields));      // text after the closing quote
  CHECK_FALSE(read_csv_line("a\"b", fields));          // a quote inside an unquoted field
  CHECK_FALSE(read_csv_line("a\rb", fields));          // a line break outside quotes
  CHECK_FALSE(read_csv_line("\"a\nb\"", fields));      // a quoted line break: a row spans lines
}

TEST_CASE("runs keep their input order") {
  std::vector<RunResult> runs = {make_run("zeta", 0, 1), make_run("zeta", 1, 1), make_run("alpha", 0, 1),
                                 make_run("alpha", 1, 1)};
  auto rows = parse_csv(summary_csv(runs));
  REQUIRE(rows.size() == 5);
  CHECK(rows[1][0] == "zeta");
  CHECK(rows[2][1] == "1");
  CHECK(rows[3][0] == "alpha");
  auto ci = parse_csv(summary_ci_csv(runs));
  CHECK(ci[1][0] == "zeta");
  CHECK(ci.back()[0] == "alpha");
}

TEST_CASE("summary_ci.csv and comparisons.csv for three replications, by hand") {
  // a: 10, 12, 14 -> mean 12, s = 2, t(0.975, 2) = 4.302653, half width = 4.302653 * 2 / sqrt(3) = 4.968
  auto ci = parse_csv(summary_ci_csv(three_replications()));
  CHECK(ci[0] == std::vector<std::string>{"design", "field", "replications", "mean", "ci95_low", "ci95_high",
                                          "half_width"});
  CHECK(ci.size() == 1 + 2 * reported_summary_fields(three_replications()).size());
  bool found_lost = false;
  bool found_latency = false;
  for (const auto& row : ci) {
    if (row[0] == "a" && row[1] == "sessions_lost") {
      found_lost = true;
      CHECK(row == std::vector<std::string>{"a", "sessions_lost", "3", "12.000", "7.032", "16.968", "4.968"});
    }
    if (row[0] == "b" && row[1] == "latency_p99_ms") {
      found_latency = true;  // identical values: zero width
      CHECK(row ==
            std::vector<std::string>{"b", "latency_p99_ms", "3", "120.340", "120.340", "120.340", "0.000"});
    }
  }
  CHECK(found_lost);
  CHECK(found_latency);

  // a - b: 10, 11, 12 -> mean 11, s = 1, half width = 4.302653 / sqrt(3) = 2.484
  auto comparisons = parse_csv(comparisons_csv(three_replications()));
  CHECK(comparisons[0] == std::vector<std::string>{"design_a", "design_b", "field", "mean_difference",
                                                   "ci95_low", "ci95_high", "significant"});
  bool found_difference = false;
  for (const auto& row : comparisons) {
    if (row[2] == "sessions_lost") {
      found_difference = true;
      CHECK(row == std::vector<std::string>{"a", "b", "sessions_lost", "11.000", "8.516", "13.484", "1"});
    }
    if (row[2] == "latency_p99_ms") CHECK(row[6] == "0");
  }
  CHECK(found_difference);
}

TEST_CASE("summary_ci.csv: one replication and all-NaN fields give empty intervals") {
  std::vector<RunResult> runs = {make_run("a", 0, 5)};
  runs[0].summary.latency_p50_ms = kNaN;
  for (const auto& row : parse_csv(summary_ci_csv(runs))) {
    if (row[1] == "sessions_lost")
      CHECK(row == std::vector<std::string>{"a", "sessions_lost", "1", "5.000", "", "", ""});
    if (row[1] == "latency_p50_ms")
      CHECK(row == std::vector<std::string>{"a", "latency_p50_ms", "0", "", "", "", ""});
  }
}

TEST_CASE("summary JSON: escaping, null, structure") {
  const std::string name = "we\"ird\\name\n\x01\u00e9";
  std::vector<RunResult> runs = {make_run(name, 0, 7)};
  runs[0].summary.latency_p50_ms = kNaN;
  Scenario scenario = make_scenario({name});
  std::vector<ExpectationResult> expectations = {{"x.sessions_lost > 100", false, 7},
                                                 {"x.latency_p50_ms < 1", false, kNaN}};
  std::string json = summary_json(scenario, runs, expectations);

  CHECK(json.find("\"scenario\": \"sticky-vs-shared\"") != std::string::npos);
  CHECK(json.find("\"seed\": 42") != std::string::npos);
  CHECK(json.find("\"duration_s\": 900") != std::string::npos);
  CHECK(json.find("\"name\": \"we\\\"ird\\\\name\\n\\u0001\u00e9\"") != std::string::npos);
  CHECK(json.find("\"latency_p50_ms\": null") != std::string::npos);
  CHECK(json.find("\"sessions_lost\": 7,") != std::string::npos);
  CHECK(json.find("\"cpu_utilization\": 0.6123") != std::string::npos);
  CHECK(json.find("\"description\": \"sessions live in the memory") != std::string::npos);
  CHECK(json.find("\"mean\": {") != std::string::npos);
  CHECK(json.find("\"sessions_lost\": [null, null]") != std::string::npos);  // one replication: no interval
  CHECK(json.find("{\"text\": \"x.sessions_lost > 100\", \"passed\": false, \"actual\": 7}") !=
        std::string::npos);
  CHECK(json.find("\"actual\": null") != std::string::npos);
  // No raw control character may appear inside the document.
  bool only_printable = std::all_of(
      json.begin(), json.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x20 || c == '\n'; });
  CHECK(only_printable);
  CHECK(json.find("nan") == std::string::npos);
  CHECK(json.back() == '\n');
}

TEST_CASE("summary JSON: intervals with three replications") {
  std::string json = summary_json(make_scenario({"a", "b"}), three_replications(), {});
  CHECK(json.find("\"sessions_lost\": [7.032, 16.968]") != std::string::npos);
  CHECK(json.find("\"sessions_lost\": 12.000") != std::string::npos);
  CHECK(json.find("\"expectations\": []") != std::string::npos);
}

TEST_CASE("table: one replication") {
  std::vector<RunResult> runs = {make_run("sticky-memory", 0, 1503), make_run("shared-redis", 0, 0)};
  std::vector<ExpectationResult> expectations = {{"sticky-memory.sessions_lost > 100", true, 1503},
                                                 {"shared-redis.latency_p99_ms < 50", false, 120.34}};
  std::ostringstream out;
  print_table(out, make_scenario({"sticky-memory", "shared-redis"}), runs, expectations, false);
  std::string text = out.str();
  INFO(text);

  std::istringstream lines(text);
  std::string line;
  bool header_found = false;
  while (std::getline(lines, line)) {
    CHECK((line.empty() || line.back() != ' '));  // no trailing padding
    if (line.find("sticky-memory") != std::string::npos && line.find("shared-redis") != std::string::npos &&
        line.find(':') == std::string::npos) {
      header_found = true;
      CHECK(line.find("sticky-memory") < line.find("shared-redis"));
    }
  }
  CHECK(header_found);
  CHECK(text.find("statesim report: sticky-vs-shared") != std::string::npos);
  CHECK(text.find("duration 15m00s, seed 42, 1 replication") != std::string::npos);
  CHECK(text.find("1,503") != std::string::npos);
  CHECK(text.find("12,345") != std::string::npos);
  CHECK(text.find("120.3") != std::string::npos);  // p99 in ms, one decimal
  CHECK(text.find("\u00b1") == std::string::npos);
  CHECK(text.find("  reset") != std::string::npos);      // a non-zero cause gets a row
  CHECK(text.find("server down") == std::string::npos);  // a cause that is zero everywhere does not
  CHECK(text.find("  sticky-memory: sessions live in the memory of the server that handled the login") !=
        std::string::npos);
  CHECK(text.find(
            "sticky-memory  5m00s crash app-2 (host down, \"hard\"): 1,503 sessions lost; next 60s: 1,450 "
            "forced logouts, 120 failed") != std::string::npos);
  CHECK(text.find("PASS  sticky-memory.sessions_lost > 100  (actual 1503)") != std::string::npos);
  CHECK(text.find("FAIL  shared-redis.latency_p99_ms < 50  (actual 120.340)") != std::string::npos);
  CHECK(text.find("\033[") == std::string::npos);

  // The most important rows come first: what the users saw, then what the servers lost.
  CHECK(text.find("users affected") < text.find("forced logouts"));
  CHECK(text.find("forced logouts") < text.find("sessions lost"));
  CHECK(text.find("sessions lost") < text.find("failed requests"));
  CHECK(text.find("sessions lost") < text.find("latency p99"));
  CHECK(text.find("latency p99") < text.find("sessions started"));
  CHECK(text.find("throughput (req/s)") < text.find("page throughput (req/s)"));
  CHECK(text.find("workers busy (%)") != std::string::npos);
  // Rows that are 0 (or undefined) in every design are left out.
  CHECK(text.find("sessions abandoned") == std::string::npos);
  CHECK(text.find("token refreshes") == std::string::npos);
  CHECK(text.find("store busy") == std::string::npos);
}

TEST_CASE("table: abandoned sessions and refreshes get a row when a design has some") {
  std::vector<RunResult> runs = {make_run("sticky-memory", 0, 10), make_run("shared-redis", 0, 0)};
  runs[0].summary.sessions_abandoned = 3181;
  runs[1].summary.token_refreshes = 42;
  runs[1].summary.store_utilization = 0.25;
  std::ostringstream out;
  print_table(out, make_scenario({"sticky-memory", "shared-redis"}), runs, {}, false);
  const std::string text = out.str();
  INFO(text);
  CHECK(text.find("sessions abandoned") > text.find("sessions lost"));
  CHECK(text.find("sessions abandoned") < text.find("failed requests"));
  CHECK(text.find("3,181") != std::string::npos);
  CHECK(text.find("token refreshes") != std::string::npos);
  CHECK(text.find("store busy (%)") != std::string::npos);
}

TEST_CASE("table: several replications") {
  std::ostringstream out;
  print_table(out, make_scenario({"a", "b"}), three_replications(), {}, false);
  std::string text = out.str();
  INFO(text);
  CHECK(text.find("3 replications") != std::string::npos);
  const std::size_t lost_at = text.find("sessions lost");
  const std::string lost_row = text.substr(lost_at, text.find('\n', lost_at) - lost_at);
  CHECK(lost_row.find(" 12   \u00b1 5 ") != std::string::npos);  // a's sessions lost: 12 ± 4.97
  CHECK(text.find("Significant differences (95%, paired by replication):") != std::string::npos);
  CHECK(text.find("sessions_lost: a > b (by 11 \u00b1 2)") != std::string::npos);
  CHECK(text.find("latency_p99_ms:") == std::string::npos);  // identical in both designs
  CHECK(text.find("Events (replication 0 only):") != std::string::npos);

  // The larger design is named first whatever the input order.
  std::vector<RunResult> swapped = three_replications();
  std::rotate(swapped.begin(), swapped.begin() + 3, swapped.end());
  std::ostringstream out_swapped;
  print_table(out_swapped, make_scenario({"b", "a"}), swapped, {}, false);
  CHECK(out_swapped.str().find("sessions_lost: a > b (by 11 \u00b1 2)") != std::string::npos);
}

TEST_CASE("table: color only when asked") {
  std::ostringstream out;
  print_table(out, make_scenario({"a"}), {make_run("a", 0, 5)}, {{"a.sessions_lost < 1", false, 5}}, true);
  CHECK(out.str().find("\033[31m") != std::string::npos);
  CHECK(out.str().find("\033[0m") != std::string::npos);
}

TEST_SUITE_END();

// The column of the decimal point (or of a whole number's end) of the first "x ± y" of a line.
std::pair<std::size_t, std::size_t> decimal_columns(const std::string& line) {
  const std::string sign = "\u00b1";
  const std::size_t at = line.find(sign);
  const std::size_t mean_start = line.find_last_of(' ', line.find_last_not_of(' ', at - 2)) + 1;
  const std::string mean = line.substr(mean_start, line.find(' ', mean_start) - mean_start);
  const std::size_t mean_point = mean_start + std::min(mean.find('.'), mean.size());
  const std::size_t half_start = at + sign.size() + 1;
  std::size_t half_end = line.find(' ', half_start);
  if (half_end == std::string::npos) half_end = line.size();
  const std::size_t half_point = line.substr(half_start, half_end - half_start).find('.');
  return {mean_point, half_point == std::string::npos ? half_end : half_start + half_point};
}

TEST_CASE("table: means and half widths line up on their decimal points") {
  std::ostringstream out;
  print_table(out, make_scenario({"a", "b"}), three_replications(), {}, false);
  std::istringstream lines(out.str());
  std::string line;
  std::set<std::size_t> mean_points, half_points;
  std::set<std::string> decimals_seen;  // whole and fractional means both occur
  while (std::getline(lines, line)) {
    if (line.find("\u00b1") == std::string::npos || line.find(':') != std::string::npos ||
        line.rfind("mean", 0) == 0)
      continue;
    INFO(line);
    const auto [mean_point, half_point] = decimal_columns(line);
    mean_points.insert(mean_point);
    half_points.insert(half_point);
    decimals_seen.insert(line.substr(mean_point, 1) == "." ? "fraction" : "whole");
  }
  INFO(out.str());
  CHECK(decimals_seen.size() == 2);
  CHECK(mean_points.size() == 1);
  CHECK(half_points.size() == 1);
}
