#include "cli/commands.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "cli/interrupt.hpp"
#include "cli/output.hpp"
#include "cli/plot.hpp"
#include "cli/preflight.hpp"
#include "default_lesson.hpp"
#include "engine/runner.hpp"
#include "report/report.hpp"
#include "scenario/loader.hpp"
#include "scenario/message_text.hpp"

namespace statesim::cli {
namespace {

// Applies the command-line overrides to the loaded scenario; throws UsageError on a bad one.
void apply_overrides(Scenario& scenario, const RunOptions& options) {
  if (options.seed) scenario.seed = *options.seed;
  if (options.replications) {
    if (*options.replications < 1 || *options.replications > 10000)
      throw UsageError(fmt::format("--replications: expected a whole number in 1..10000, got {}", *options.replications));
    scenario.replications = *options.replications;
  }
  if (options.design) {
    std::vector<Design> kept;
    std::string names;
    for (const Design& design : scenario.designs) {
      if (design.name == *options.design) kept.push_back(design);
      names += (names.empty() ? "" : ", ") + design.name;
    }
    if (kept.empty())
      throw UsageError(fmt::format("--design: the scenario has no design {} (it has: {})", quote_value(*options.design),
                                   names));
    scenario.designs = kept;
    scenario.expect.clear();  // expectations name other designs too
  }
}

// A rough offered-load check: a design whose servers cannot keep up has queues that grow
// without bound, which makes every latency figure depend on the run length.
void warn_if_unstable(const Scenario& scenario, std::ostream& err) {
  for (const Design& design : scenario.designs) {
    const ClientSpec& clients = design.clients;
    double weights = 0, cpu = 0;
    for (const auto& kind : clients.requests) {
      weights += kind.weight;
      cpu += kind.weight * kind.cpu_s.mean();
    }
    cpu /= weights;
    const double think = std::max(clients.think_time_s.mean(), 1e-9);
    const double session = clients.session_duration_s.mean();
    double logged_in_users;
    if (clients.workload == Workload::open) {
      logged_in_users = clients.arrival_rate_per_s * session;
    } else {
      const double relogin = clients.relogin_after_s.mean();
      logged_in_users = static_cast<double>(clients.users) * session / std::max(session + relogin, 1e-9);
    }
    const double offered_cpu_s = logged_in_users / think * cpu;
    const double capacity = design.servers.count * std::min(design.servers.cores, design.servers.workers) * design.servers.speed;
    const double load = offered_cpu_s / capacity;
    if (load >= 1.0)
      err << fmt::format(
          "warning: {}: the offered CPU load is about {} the servers' capacity: queues grow without "
          "bound and latencies depend on the run length\n",
          design.name, load < 10 ? fmt::format("{:.0f}% of", load * 100) : fmt::format("{:.3g} times", load));
  }
}

// The end-of-run checks that must hold in every run; a violation is a bug in statesim.
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
  for (auto count : s.failed_by_cause) by_cause += count;
  if (by_cause != s.failed)
    problems.push_back(fmt::format("{}: failures by cause sum to {}, failed is {}", who, by_cause, s.failed));
  std::int64_t lost_in_events = 0;
  for (const auto& event : run.events) lost_in_events += event.sessions_lost;
  if (lost_in_events > s.sessions_lost)
    problems.push_back(fmt::format("{}: events lose {} sessions, the summary {}", who, lost_in_events, s.sessions_lost));
  if (!(s.littles_law_error <= 1e-6))
    problems.push_back(fmt::format("{}: Little's law off by a relative {:.3g}", who, s.littles_law_error));
  return problems;
}

std::vector<ExpectationResult> check_expectations(const Scenario& scenario, const std::vector<RunResult>& runs) {
  std::vector<ExpectationResult> results;
  // The mean of a field over a design's replications (NaN when it has no value).
  auto mean_of = [&runs](const std::string& design, const std::string& field) {
    double sum = 0;
    int n = 0;
    for (const RunResult& run : runs) {
      if (run.summary.design != design) continue;
      const std::optional<double> value = summary_field(run.summary, field);
      if (value && !std::isnan(*value)) {
        sum += *value;
        ++n;
      }
    }
    return n > 0 ? sum / n : NAN;
  };
  for (const Expectation& expectation : parse_expectations(scenario)) {
    ExpectationResult result;
    result.text = expectation.text;
    result.actual = mean_of(expectation.design, expectation.field);
    result.passed = expectation.other_design.empty()
                        ? expectation.holds(result.actual)
                        : expectation.holds(result.actual, mean_of(expectation.other_design, expectation.other_field));
    results.push_back(result);
  }
  return results;
}

// A progress line on a terminal, for runs that take more than a second.
class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled && ::isatty(STDERR_FILENO)) {}
  ~Progress() {
    if (shown_) std::cerr << "\r\033[K" << std::flush;
  }
  void update(std::size_t done, std::size_t total) {
    if (!enabled_) return;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (elapsed < 1.0) return;
    const std::string left =
        done > 0 ? fmt::format("about {:.0f}s left", elapsed * static_cast<double>(total - done) / static_cast<double>(done))
                 : "estimating the time left";
    std::cerr << fmt::format("\r\033[Kruns {}/{}  elapsed {:.0f}s  {}", done, total, elapsed, left) << std::flush;
    shown_ = true;
  }

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

Scenario load(const std::string& path) {
  if (path.empty()) return load_scenario_text(kDefaultLessonYaml, "default-lesson.yaml", ".");
  return load_scenario_file(path);
}

std::vector<RunResult> simulate_all(const Scenario& scenario, int jobs, bool quiet) {
  jobs = preflight(scenario, jobs, std::cerr);
  std::vector<engine::RunTask> tasks;
  for (int d = 0; d < static_cast<int>(scenario.designs.size()); ++d)
    for (int r = 0; r < scenario.replications; ++r) tasks.push_back(engine::RunTask{d, r});
  Progress progress(!quiet);
  auto results = engine::run_tasks(scenario, tasks, jobs,
                                   [&progress](std::size_t done, std::size_t total) { progress.update(done, total); });
  std::vector<std::string> problems;
  for (const RunResult& run : results)
    for (const std::string& problem : invariant_violations(run)) problems.push_back(problem);
  if (!problems.empty()) {
    std::string message = "internal error: an invariant of the output contract does not hold (a bug in statesim):";
    for (const auto& problem : problems) message += "\n  " + problem;
    throw engine::RunFailure(message, false);
  }
  return results;
}

int run_command(const std::string& path, const RunOptions& options) {
  Scenario scenario = load(path);
  apply_overrides(scenario, options);
  std::optional<RunOutputFolder> out;
  if (options.out_dir) out.emplace(*options.out_dir);
  warn_if_unstable(scenario, std::cerr);
  const std::vector<RunResult> runs = simulate_all(scenario, options.jobs, options.quiet);
  const std::vector<ExpectationResult> expectations = check_expectations(scenario, runs);
  // From here an interrupt leaves the previous output set (or nothing) and exits 128 + signal.
  InterruptScope interrupts;
  if (options.json) {
    std::cout << summary_json(scenario, runs, expectations);
  } else {
    print_table(std::cout, scenario, runs, expectations, ::isatty(STDOUT_FILENO) != 0);
  }
  std::cout << std::flush;
  if (out) {
    out->write(scenario, runs);
    InterruptScope::throw_if_received();
    if (options.plot) draw_charts(out->staging(), out->path());
    InterruptScope::throw_if_received();
    out->commit();
  }
  for (const auto& expectation : expectations)
    if (!expectation.passed) return 1;
  return 0;
}

int check_command(const std::string& path) {
  const Scenario scenario = load(path);
  preflight(scenario, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())), std::cerr);
  std::cout << resolved_yaml(scenario);
  warn_if_unstable(scenario, std::cerr);
  return 0;
}

}  // namespace statesim::cli
