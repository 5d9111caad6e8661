#include "cli/preflight.hpp"

#include <fmt/format.h>

#include <thread>

#include "engine/platform_check.hpp"
#include "model/machine_memory.hpp"
#include "model/run_estimate.hpp"
#include "scenario/loader.hpp"
#include "scenario/message_text.hpp"

namespace statesim::cli {

int preflight(const Scenario& scenario, int jobs, std::ostream& err) {
  for (const std::string& warning : scenario.warnings) err << "warning: " << terminal_text(warning) << "\n";
  const double memory_bytes = machine_memory_bytes();
  const std::vector<PlatformCost> platforms = engine::check_platforms(scenario, memory_bytes);
  // The built-in platform's loops were refused at load, with the key's line.
  for (std::size_t d = 0; d < scenario.designs.size(); ++d) {
    const Design& design = scenario.designs[d];
    if (design.platform_file.empty()) continue;
    if (const auto loop = zero_time_loop(design, platforms[d]))
      throw ScenarioError(fmt::format("{}: design {} on {}: {}", scenario.source_path, quote_value(design.name),
                                      design.platform_file, loop->message));
  }
  const RunEstimate estimate = estimate_run(scenario, platforms);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const RunPlan plan = plan_run(estimate, jobs, memory_bytes, cores);
  if (!plan.refusal.empty()) throw ScenarioError(fmt::format("{}: {}", scenario.source_path, plan.refusal));
  for (const std::string& warning : plan.warnings) err << "warning: " << terminal_text(warning) << "\n";
  return plan.jobs;
}

double peak_memory_bytes(const Scenario& scenario) {
  const RunEstimate estimate = estimate_run(scenario, engine::check_platforms(scenario, machine_memory_bytes()));
  return estimate.parent_bytes + estimate.process_bytes;
}

}  // namespace statesim::cli
