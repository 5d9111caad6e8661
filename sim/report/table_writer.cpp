// The human report printed after a run: what a student reads first.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "model/abandonment.hpp"
#include "model/capacity.hpp"
#include "report/design_runs.hpp"
#include "report/report.hpp"
#include "report/text_format.hpp"
#include "scenario/message_text.hpp"

namespace statesim {
namespace {

constexpr std::size_t kTextWidth = 100;
constexpr const char* kColumnGap = "   ";
constexpr const char* kPlusMinus = "\u00b1";
// Events listed per design under the table (all of them are in events.csv).
constexpr std::size_t kMostEventsShown = 20;

// Rows of the table, most important first: what the users saw, then what the servers lost,
// then how fast. A name the field table lacks is skipped (requests_failed_final belongs to
// part 2's effects). Failure causes follow "failed"; rows marked optional appear only when some
// run has a non-zero value there.
constexpr const char* kDamageRows[] = {"users_affected",    "requests_failed_final", "forced_logouts",
                                       "sessions_lost",     "sessions_abandoned",    "failed",
                                       "failed_reset",      "failed_server_down",    "failed_overload",
                                       "failed_store_down", "failed_timeout",        "failed_no_server"};
constexpr const char* kOtherRows[] = {
    "latency_p50_ms",      "latency_p95_ms",   "latency_p99_ms",    "throughput_rps",
    "page_throughput_rps", "sessions_started", "requests",          "ok",
    "latency_mean_ms",     "latency_max_ms",   "cpu_utilization",   "worker_utilization",
    "queue_wait_ms",       "store_ops",        "store_utilization", "store_wait_ms",
    "token_refreshes",     "revoked_accepted"};
constexpr const char* kOptionalRows[] = {"sessions_abandoned", "failed_reset",      "failed_server_down",
                                         "failed_overload",    "failed_store_down", "failed_timeout",
                                         "failed_no_server",   "store_ops",         "store_utilization",
                                         "store_wait_ms",      "token_refreshes"};
// Rows about what only some populations make, left out when no design has one: sessions (web
// visitors and realtime users log in), requests (those two and uploaders), pages (web visitors).
// A file of game servers alone shows its matches and the servers' use, not twenty empty rows.
constexpr const char* kSessionRows[] = {"users_affected",     "forced_logouts",   "sessions_lost",
                                        "sessions_abandoned", "sessions_started", "token_refreshes"};
constexpr const char* kRequestRows[] = {
    "failed",         "failed_reset",   "failed_server_down", "failed_overload", "failed_store_down",
    "failed_timeout", "failed_no_server", "latency_p50_ms",   "latency_p95_ms",  "latency_p99_ms",
    "throughput_rps", "requests",       "ok",                 "latency_mean_ms", "latency_max_ms",
    "worker_utilization", "queue_wait_ms"};
constexpr const char* kPageRows[] = {"page_throughput_rps"};
// Only a token can be accepted after its revocation: the row is there when some design's users log
// in with jwt, where its 0 is the denylist's proof.
constexpr const char* kTokenRows[] = {"revoked_accepted"};
// Damage rows are shown in red when non-zero.
constexpr const char* kAlarmingRows[] = {"users_affected", "requests_failed_final", "forced_logouts",
                                         "sessions_lost",  "sessions_abandoned",    "failed"};
// Fields whose differences between designs are listed when there are several replications.
constexpr const char* kComparedFields[] = {"sessions_lost", "forced_logouts", "failed", "latency_p99_ms"};

class Style {
 public:
  explicit Style(bool color) : color_(color) {}
  std::string bold(const std::string& text) const { return wrap("\033[1m", text); }
  std::string red(const std::string& text) const { return wrap("\033[31m", text); }
  std::string green(const std::string& text) const { return wrap("\033[32m", text); }

 private:
  std::string wrap(const char* code, const std::string& text) const {
    return color_ ? code + text + "\033[0m" : text;
  }
  bool color_;
};

const SummaryField& field_named(const char* name) { return *find_summary_field(name); }

template <std::size_t N>
bool listed(const char* const (&names)[N], const char* name) {
  return std::any_of(std::begin(names), std::end(names),
                     [name](const char* listed) { return std::string(listed) == name; });
}

bool is_percentage(const SummaryField& field) { return std::string(field.unit) == "fraction"; }

// Digits after the point for a count statistic: whole numbers unless the values are small
// and fractional (a mean of 0.4 lost sessions must not read as 0).
int count_decimals(double mean, double half_width) {
  bool whole = std::fabs(mean - std::round(mean)) < 1e-9 && !(half_width > 0);
  return (whole || std::fabs(mean) >= 10 || half_width >= 10) ? 0 : 1;
}

// "12,345", "45.2" (ms, req/s), "61.3" (utilisation in %), "-" for NaN.
std::string format_value(const SummaryField& field, double value) {
  if (field.kind == FieldKind::count) return format_grouped(value, 0);
  return format_grouped(is_percentage(field) ? value * 100 : value, 1);
}

// "1,503 ± 40" from a mean and a half width (no half width: the mean alone).
std::string format_mean(const SummaryField& field, double mean, double half_width) {
  if (std::isnan(half_width)) return format_value(field, mean);
  double scale = is_percentage(field) ? 100 : 1;
  int decimals = field.kind == FieldKind::count ? count_decimals(mean, half_width) : 1;
  return fmt::format("{} {} {}", format_grouped(mean * scale, decimals), kPlusMinus,
                     format_grouped(half_width * scale, decimals));
}

std::string pad_left(const std::string& text, std::size_t width) {
  std::size_t used = display_width(text);
  return used >= width ? text : std::string(width - used, ' ') + text;
}

std::string pad_right(const std::string& text, std::size_t width) {
  std::size_t used = display_width(text);
  return used >= width ? text : text + std::string(width - used, ' ');
}

std::vector<const SummaryField*> table_rows(const Scenario& scenario, const std::vector<RunResult>& runs) {
  bool logins = false, requests = false, pages = false, tokens = false;  // some design makes them
  for (const Design& design : scenario.designs) {
    logins |= design.has_logins();
    requests |= design.has_requests();
    pages |= design.clients.present;
    tokens |= design.has_logins() && design.sessions.store == StoreKind::jwt;
  }
  auto made = [&](const char* name) {
    return (logins || !listed(kSessionRows, name)) && (requests || !listed(kRequestRows, name)) &&
           (pages || !listed(kPageRows, name)) && (tokens || !listed(kTokenRows, name));
  };
  std::vector<const SummaryField*> rows;
  auto had_part = [&runs](const SummaryField& field) {
    return field.group == FieldGroup::core || std::any_of(runs.begin(), runs.end(), [&](const RunResult& r) {
             return r.summary.has(field.group);
           });
  };
  auto add = [&](const char* name) {
    const SummaryField* field = find_summary_field(name);
    if (field == nullptr || !had_part(*field) || !made(name)) return;
    const bool shown =
        !listed(kOptionalRows, name) || std::any_of(runs.begin(), runs.end(), [&](const RunResult& r) {
          const double value = field->value(r.summary);
          return value != 0 && !std::isnan(value);
        });
    if (shown) rows.push_back(field);
  };
  for (const char* name : kDamageRows) add(name);
  for (const char* name : kOtherRows) add(name);
  // Then, in field-table order, the fields of the parts of the format some run had (realtime,
  // games, uploads, effects): a design without them shows "-".
  for (const SummaryField& field : summary_fields()) {
    if (field.group == FieldGroup::core || std::find(rows.begin(), rows.end(), &field) != rows.end())
      continue;
    if (had_part(field)) rows.push_back(&field);
  }
  return rows;
}

void print_header(std::ostream& out, const Scenario& scenario, int replications, const Style& style) {
  out << style.bold(fmt::format("statesim report: {}", scenario.name)) << '\n';
  for (const std::string& line : wrap_words(terminal_text(scenario.description, false), kTextWidth - 2))
    out << "  " << line << '\n';
  std::string warmup =
      scenario.warmup_s > 0 ? fmt::format(", warmup {}", format_clock_time(scenario.warmup_s)) : "";
  out << fmt::format("duration {}{}, seed {}, {} replication{}\n", format_clock_time(scenario.duration_s),
                     warmup, scenario.seed, replications, replications == 1 ? "" : "s");
}

// Numbers of a column aligned on their decimal point: the whole part right-aligned, the
// fraction (point included) left-aligned; a number without a point ends where the points are.
class DecimalAlignment {
 public:
  void widen(const std::string& text) {
    const std::size_t point = point_of(text);
    whole_ = std::max(whole_, display_width(text.substr(0, point)));
    fraction_ = std::max(fraction_, display_width(text.substr(point)));
  }
  std::size_t width() const { return whole_ + fraction_; }
  std::string aligned(const std::string& text) const {
    const std::size_t point = point_of(text);
    return pad_left(text.substr(0, point), whole_) + pad_right(text.substr(point), fraction_);
  }

 private:
  static std::size_t point_of(const std::string& text) {
    const std::size_t point = text.find('.');
    return point == std::string::npos ? text.size() : point;
  }
  std::size_t whole_ = 0;
  std::size_t fraction_ = 0;
};

// A table cell: the value, and with several replications the half width printed after "±".
struct Cell {
  std::string value;
  std::string half_width;  // empty: no interval
  bool alarming = false;   // a non-zero damage count, shown in red
};

Cell make_cell(const SummaryField& field, const FieldInterval& interval, bool with_intervals) {
  Cell cell;
  bool has_interval = with_intervals && !std::isnan(interval.half_width);
  std::string text = has_interval ? format_mean(field, interval.mean, interval.half_width)
                                  : format_value(field, interval.mean);
  std::size_t sign = text.find(kPlusMinus);
  cell.value = sign == std::string::npos ? text : text.substr(0, sign - 1);
  if (sign != std::string::npos) cell.half_width = text.substr(sign + std::string(kPlusMinus).size() + 1);
  return cell;
}

std::string right_trimmed(std::string line) {
  line.erase(line.find_last_not_of(' ') + 1);
  return line;
}

void print_summary_table(std::ostream& out, const Scenario& scenario, const std::vector<RunResult>& runs,
                         const std::vector<DesignRuns>& designs, bool with_intervals, const Style& style) {
  std::vector<const SummaryField*> rows = table_rows(scenario, runs);
  std::vector<std::vector<Cell>> cells(rows.size());  // cells[row][design]
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const bool damage = listed(kAlarmingRows, rows[r]->name);
    for (const DesignRuns& design : designs) {
      FieldInterval interval = field_interval(design, *rows[r]);
      Cell cell = make_cell(*rows[r], interval, with_intervals);
      cell.alarming = damage && interval.mean > 0;
      cells[r].push_back(cell);
    }
  }
  // Per design: the value and the half width each aligned on its decimal point, so that the
  // "±" signs and the digits of equal weight line up down the column.
  const std::string separator = fmt::format(" {} ", kPlusMinus);
  std::size_t label_width = 0;
  for (const SummaryField* row : rows) label_width = std::max(label_width, display_width(row->label));
  std::vector<DecimalAlignment> values(designs.size());
  std::vector<DecimalAlignment> halves(designs.size());
  std::vector<std::size_t> column_widths(designs.size(), 0);
  for (std::size_t d = 0; d < designs.size(); ++d) {
    for (const auto& row_cells : cells) {
      values[d].widen(row_cells[d].value);
      halves[d].widen(row_cells[d].half_width);
    }
    const std::size_t half_width = halves[d].width() > 0 ? display_width(separator) + halves[d].width() : 0;
    column_widths[d] = std::max(values[d].width() + half_width, display_width(designs[d].name));
  }

  if (with_intervals) out << fmt::format("mean {} 95% confidence half width\n", kPlusMinus);
  std::string header = std::string(label_width, ' ');
  std::size_t table_width = label_width;
  for (std::size_t d = 0; d < designs.size(); ++d) {
    header += kColumnGap + pad_left(designs[d].name, column_widths[d]);
    table_width += std::string(kColumnGap).size() + column_widths[d];
  }
  out << style.bold(header) << '\n' << std::string(table_width, '-') << '\n';
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line = pad_right(rows[r]->label, label_width);
    for (std::size_t d = 0; d < designs.size(); ++d) {
      const Cell& cell = cells[r][d];
      std::string text = values[d].aligned(cell.value);
      if (halves[d].width() > 0) {
        text += cell.half_width.empty() ? std::string(display_width(separator) + halves[d].width(), ' ')
                                        : separator + halves[d].aligned(cell.half_width);
      }
      text = pad_left(text, column_widths[d]);
      line += kColumnGap + (cell.alarming ? style.red(text) : text);
    }
    out << right_trimmed(line) << '\n';
  }
}

void print_descriptions(std::ostream& out, const Scenario& scenario, const std::vector<DesignRuns>& designs) {
  bool any = false;
  for (const DesignRuns& design : designs) {
    for (const Design& spec : scenario.designs) {
      if (spec.name != design.name || spec.description.empty()) continue;
      if (!any) out << '\n';
      any = true;
      out << fmt::format("  {}: {}\n", design.name, terminal_text(spec.description, false));
    }
  }
}

// "by 1,497 ± 40" / "by 12.3 ± 1.1 ms" (no interval: "by 1,497").
std::string format_difference(const SummaryField& field, double difference, double half_width) {
  std::string text = "by " + format_mean(field, difference, half_width);
  if (field.kind == FieldKind::real && field.unit[0] != '\0' && !is_percentage(field))
    text += fmt::format(" {}", field.unit);
  return text;
}

void print_significant_differences(std::ostream& out, const std::vector<DesignRuns>& designs) {
  out << "\nSignificant differences (95%, paired by replication):\n";
  bool any = false;
  for (const char* name : kComparedFields) {
    const SummaryField& field = field_named(name);
    for (std::size_t a = 0; a < designs.size(); ++a) {
      for (std::size_t b = a + 1; b < designs.size(); ++b) {
        PairedComparison comparison = compare_field(designs[a], designs[b], field);
        if (!comparison.significant) continue;
        bool a_larger = comparison.mean_difference > 0;
        out << fmt::format(
            "  {}: {} > {} ({})\n", field.name, designs[a_larger ? a : b].name,
            designs[a_larger ? b : a].name,
            format_difference(field, std::fabs(comparison.mean_difference), comparison.half_width));
        any = true;
      }
    }
  }
  if (!any) out << "  none\n";
}

const RunResult* first_replication(const DesignRuns& design) {
  for (const RunResult* run : design.runs) {
    if (run->summary.replication == 0) return run;
  }
  return design.runs.empty() ? nullptr : design.runs.front();
}

// ": 12 sessions lost; next 60s: 30 forced logouts, 4 failed", with why a shorter window ends;
// each figure only where the design has the population it counts (none for game servers alone).
std::string consequences_text(const Design* design, const EventRow& event, double duration_s) {
  const bool logins = design == nullptr || design->has_logins();
  const bool requests = design == nullptr || design->has_requests();
  std::string text;
  if (logins) text = fmt::format(": {} sessions lost", format_count(event.sessions_lost));
  if (!event.has_window() || !requests) return text;
  std::string why;
  if (event.window_s < kEventWindow_s)
    why = event.time_s + event.window_s >= duration_s ? " (the run ends)" : " (until the next event)";
  std::vector<std::string> after;
  if (logins) after.push_back(fmt::format("{} forced logouts", format_count(event.forced_logouts_after)));
  after.push_back(fmt::format("{} failed", format_count(event.failed_after)));
  return fmt::format("{}{}next {:g}s{}: {}", text, text.empty() ? ": " : "; ",
                     std::round(event.window_s * 10) / 10, why, fmt::join(after, ", "));
}

const Design* design_spec(const Scenario& scenario, const std::string& name) {
  const auto spec = std::find_if(scenario.designs.begin(), scenario.designs.end(),
                                 [&name](const Design& d) { return d.name == name; });
  return spec == scenario.designs.end() ? nullptr : &*spec;
}

void print_events(std::ostream& out, const Scenario& scenario, const std::vector<DesignRuns>& designs,
                  int replications) {
  const double duration_s = scenario.duration_s;
  std::size_t name_width = 0;
  std::size_t time_width = 0;
  for (const DesignRuns& design : designs) {
    const RunResult* run = first_replication(design);
    if (run == nullptr || run->events.empty()) continue;
    name_width = std::max(name_width, display_width(design.name));
    for (const EventRow& event : run->events)
      time_width = std::max(time_width, format_clock_time(event.time_s).size());
  }
  if (name_width == 0) return;
  out << (replications > 1 ? "\nEvents (replication 0 only):\n" : "\nEvents:\n");
  for (const DesignRuns& design : designs) {
    const RunResult* run = first_replication(design);
    if (run == nullptr) continue;
    const Design* spec = design_spec(scenario, design.name);
    std::size_t shown = 0;
    for (const EventRow& event : run->events) {
      if (shown++ == kMostEventsShown) {  // a thousand crashes would bury the table
        const std::size_t more = run->events.size() - kMostEventsShown;
        std::int64_t lost = 0;
        for (std::size_t i = kMostEventsShown; i < run->events.size(); ++i) lost += run->events[i].sessions_lost;
        out << fmt::format("  {}  ... and {} more event{} ({} sessions lost); events.csv has every one\n",
                           pad_right(design.name, name_width), format_count(static_cast<std::int64_t>(more)),
                           more == 1 ? "" : "s", format_count(lost));
        break;
      }
      std::string what(kEventKindNames.name(event.event));
      if (!event.target.empty()) what += " " + event.target;
      if (!event.detail.empty()) what += " (" + terminal_text(event.detail, false) + ")";
      out << fmt::format("  {}  {} {}{}\n", pad_right(design.name, name_width),
                         pad_left(format_clock_time(event.time_s), time_width), what,
                         consequences_text(spec, event, duration_s));
    }
  }
}

// What the run says about a design, from its means over the replications: the resources it
// saturated, and why its users abandoned sessions.
std::vector<std::string> notes_of(const Scenario& scenario, const DesignRuns& design) {
  const Design* spec = design_spec(scenario, design.name);
  if (spec == nullptr) return {};
  auto mean = [&design](const char* name) { return field_interval(design, field_named(name)).mean; };
  Utilization used;
  used.cpu = mean("cpu_utilization");
  used.workers = mean("worker_utilization");
  used.queue_wait_ms = mean("queue_wait_ms");
  used.store = mean("store_utilization");
  used.store_wait_ms = mean("store_wait_ms");
  std::vector<std::string> notes = saturation_notes(*spec, used);
  std::string abandoned = abandonment_note(*spec, mean("sessions_abandoned"));
  if (!abandoned.empty()) notes.push_back(std::move(abandoned));
  return notes;
}

void print_warnings(std::ostream& out, const Scenario& scenario, const std::vector<DesignRuns>& designs) {
  bool any = false;
  for (const DesignRuns& design : designs) {
    std::set<std::string> seen;
    std::vector<std::string> lines = notes_of(scenario, design);
    for (const RunResult* run : design.runs)
      lines.insert(lines.end(), run->warnings.begin(), run->warnings.end());
    for (const std::string& warning : lines) {
      if (!seen.insert(warning).second) continue;
      if (!any) out << "\nWarnings:\n";
      any = true;
      // Wrapped to the table's text width; a note's next lines are indented under its design.
      const std::vector<std::string> wrapped =
          wrap_words(fmt::format("{}: {}", design.name, terminal_text(warning, false)), kTextWidth - 4);
      for (std::size_t i = 0; i < wrapped.size(); ++i) out << (i == 0 ? "  " : "    ") << wrapped[i] << '\n';
    }
  }
}

// The compared value as the expectation saw it: "1503", "45.213", "6.8%" (written as a
// percentage), "none".
std::string format_actual(double value, bool percent) {
  if (std::isnan(value)) return "none";
  if (percent) return format_fixed(value * 100, 1) + "%";
  if (std::isfinite(value) && value == std::round(value) && std::fabs(value) < 1e15)
    return fmt::format("{:.0f}", value);
  return format_fixed(value, 3);
}

void print_expectations(std::ostream& out, const std::vector<ExpectationResult>& expectations,
                        const Style& style) {
  if (expectations.empty()) return;
  out << "\nExpectations:\n";
  for (const ExpectationResult& e : expectations) {
    std::string verdict = e.passed ? style.green("PASS") : style.red(style.bold("FAIL"));
    out << fmt::format("  {}  {}  (actual {})\n", verdict, terminal_text(e.text, false),
                       format_actual(e.actual, e.percent));
  }
}

}  // namespace

void print_table(std::ostream& out, const Scenario& scenario, const std::vector<RunResult>& runs,
                 const std::vector<ExpectationResult>& expectations, bool color) {
  Style style(color);
  std::vector<DesignRuns> designs = group_by_design(runs);
  int replications = replication_count(designs);
  print_header(out, scenario, replications, style);
  if (designs.empty()) {
    out << "\nno runs\n";
  } else {
    out << '\n';
    print_summary_table(out, scenario, runs, designs, replications > 1, style);
    print_descriptions(out, scenario, designs);
    if (replications > 1 && designs.size() > 1) print_significant_differences(out, designs);
    print_events(out, scenario, designs, replications);
    print_warnings(out, scenario, designs);
  }
  print_expectations(out, expectations, style);
}

}  // namespace statesim
