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
#include "cli/progress.hpp"
#include "default_lesson.hpp"
#include "engine/runner.hpp"
#include "model/capacity.hpp"
#include "model/expectations.hpp"
#include "model/run_checks.hpp"
#include "report/report.hpp"
#include "scenario/expectation.hpp"
#include "scenario/loader.hpp"
#include "scenario/message_text.hpp"

namespace statesim::cli {
namespace {

// With --design NAME, the `expect:` lines about that design alone are still checked; the others
// cannot be (they name a design that does not run) and are listed, not dropped silently.
void keep_expectations_of(Scenario& scenario, const std::string& design, std::ostream& err) {
  std::vector<ExpectLine> kept;
  std::vector<std::string> skipped;
  for (const ExpectLine& line : scenario.expect) {
    std::string problem;
    const std::optional<Expectation> expectation = read_expectation(line.text, {design}, problem);
    if (expectation)
      kept.push_back(line);
    else
      skipped.push_back(line.text);
  }
  scenario.expect = kept;
  if (skipped.empty()) return;
  err << fmt::format("note: --design {}: {} expect line(s) name another design and are not checked:\n",
                     terminal_text(design), skipped.size());
  for (const std::string& text : skipped) err << "  skipped: " << terminal_text(text) << "\n";
}

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
    keep_expectations_of(scenario, *options.design, std::cerr);
  }
}

void warn_if_unstable(const Scenario& scenario, std::ostream& err) {
  for (const std::string& warning : capacity_warnings(scenario))
    err << "warning: " << terminal_text(warning) << "\n";
}

}  // namespace

Scenario load(const std::string& path) {
  Scenario scenario =
      path.empty() ? load_scenario_text(kDefaultLessonYaml, "default-lesson.yaml", ".") : load_scenario_file(path);
  parse_expectations(scenario);  // the fields they name exist: refused now, not after the run
  return scenario;
}

std::vector<RunResult> simulate_all(const Scenario& scenario, int jobs, bool quiet) {
  Progress progress(!quiet);
  return simulate_all(scenario, jobs,
                      [&progress](std::size_t done, std::size_t total) { progress.update(done, total); });
}

std::vector<RunResult> simulate_all(const Scenario& scenario, int jobs, const engine::ProgressCallback& progress) {
  jobs = preflight(scenario, jobs, std::cerr);
  std::vector<engine::RunTask> tasks;
  for (int d = 0; d < static_cast<int>(scenario.designs.size()); ++d)
    for (int r = 0; r < scenario.replications; ++r) tasks.push_back(engine::RunTask{d, r});
  auto results = engine::run_tasks(scenario, tasks, jobs, progress);
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
  if (options.plot && !options.out_dir)
    throw UsageError("--plot draws the charts of the --out folder into DIR/plots: give --out DIR with it "
                     "(or draw an existing folder's with /usr/bin/python3 analysis/plot.py DIR)");
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
