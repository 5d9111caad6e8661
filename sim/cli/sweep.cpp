#include "cli/sweep.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <map>

#include "cli/commands.hpp"
#include "cli/interrupt.hpp"
#include "cli/output.hpp"
#include "cli/plot.hpp"
#include "cli/progress.hpp"
#include "cli/sweep_launchers.hpp"
#include "cli/sweep_merge.hpp"
#include "cli/sweep_points.hpp"
#include "cli/sweep_results.hpp"
#include "cli/sweep_vary.hpp"
#include "engine/runner.hpp"
#include "scenario/units.hpp"

namespace statesim::cli {
namespace {

const char* signal_name(int signal_number) { return signal_number == SIGINT ? "SIGINT" : "SIGTERM"; }

SweepRequest request_of(const SweepOptions& options) {
  if (options.scenario_path.empty())
    throw UsageError("sweep: a scenario FILE is needed with --out and --plan");
  if (options.vary.empty())
    throw UsageError("sweep: at least one --vary KEY=V1,V2,... is needed with --out and --plan");
  SweepRequest request;
  request.scenario_path = options.scenario_path;
  request.vary = options.vary;
  if (options.seed) {
    try {
      request.seed = parse_seed(*options.seed);
    } catch (const UnitError& error) {
      throw UsageError(std::string("--seed: ") + error.what());
    }
  }
  request.replications = options.replications;
  request.points_per_task = options.points_per_task;
  request.array_limit = options.array_limit;
  return request;
}

std::size_t runs_of(const SweepPoint& point) {
  return point.scenario.designs.size() * static_cast<std::size_t>(point.scenario.replications);
}

// What a local sweep that stopped early leaves in its folder, said exactly.
std::string left_behind(const PlanFolder& folder, int finished_here, bool earlier_results) {
  return fmt::format(
      "{} holds this sweep's plan (points/manifest.csv, points/*.yaml, slurm.sbatch, jobs.txt) and the {} "
      "point(s) this run finished; sweep.csv, sweep_means.csv, sweep.yaml and scenario.yaml {}. Run the "
      "same command again to resume.\n",
      folder.dir(), finished_here,
      earlier_results ? "were not touched: they still hold the earlier sweep's results" : "were not written");
}

// Writes the plan, runs the points not finished yet one after the other (each with `jobs`
// processes), then merges. Counts in `finished_here` the points it ran.
int run_and_merge(const PlanFolder& folder, const SweepPlan& plan, const SweepOptions& options,
                  int& finished_here) {
  const InterruptScope interrupts;
  write_plan_files(folder, plan);
  write_launchers(folder, plan, this_program());
  std::map<int, PointResult> rows;
  std::vector<const SweepPoint*> to_run;
  std::vector<int> skipped;
  std::size_t total_runs = 0;
  for (const SweepPoint& point : plan.points) {
    if (auto finished = finished_point(folder, plan.keys, point)) {
      rows.emplace(point.number, std::move(*finished));
      skipped.push_back(point.number);
    } else {
      to_run.push_back(&point);
      total_runs += runs_of(point);
    }
  }
  if (!skipped.empty())
    std::cerr << fmt::format("skipped {} of {} sweep points already done in {}: {}\n", skipped.size(),
                             plan.points.size(), folder.points(), number_ranges(skipped));
  {
    Progress progress(!options.quiet);
    std::size_t runs_before = 0;
    for (const SweepPoint* point : to_run) {
      InterruptScope::throw_if_received();
      const std::string context = fmt::format("sweep point {}/{} ({})", point->number, plan.points.size(),
                                              point_label(plan.keys, *point));
      const auto update = [&](std::size_t done, std::size_t) {
        progress.update(runs_before + done, total_runs, context);
      };
      rows.emplace(point->number, run_point(folder, plan.keys, *point, options.jobs, update));
      runs_before += runs_of(*point);
      ++finished_here;
    }
  }
  InterruptScope::throw_if_received();
  return merge_points(folder, plan, std::move(rows), std::cout, std::cerr);
}

int sweep_here(const SweepOptions& options) {
  check_output_dir(options.out_dir);
  const SweepPlan plan = make_plan(request_of(options));
  const PlanFolder folder(options.out_dir);
  check_result_files(folder);
  std::error_code error;
  const bool earlier_results = std::filesystem::exists(folder.path("sweep.csv"), error);

  // Every point is valid: from here on the folder is written.
  int finished_here = 0;
  try {
    const int status = run_and_merge(folder, plan, options, finished_here);
    if (status == 0 && options.plot) {
      const InterruptScope interrupts;
      draw_charts(options.out_dir, options.out_dir);
    }
    return status;
  } catch (const engine::Interrupted& interrupted) {
    std::cerr << fmt::format("\ninterrupted by {}: the runs in progress were stopped. ",
                             signal_name(interrupted.signal_number))
              << left_behind(folder, finished_here, earlier_results);
    return 128 + interrupted.signal_number;
  } catch (const engine::RunFailure& failure) {
    std::cerr << "error: " << failure.what() << "\n" << left_behind(folder, finished_here, earlier_results);
    return failure.input_error ? 2 : 1;
  } catch (const std::exception& failure) {
    std::cerr << "error: " << failure.what() << "\n" << left_behind(folder, finished_here, earlier_results);
    return 1;
  }
}

int write_plan(const SweepOptions& options) {
  check_output_dir(options.plan_dir);
  const SweepPlan plan = make_plan(request_of(options));
  const PlanFolder folder(options.plan_dir);
  write_plan_files(folder, plan);
  write_launchers(folder, plan, this_program());
  int done = 0;
  for (const SweepPoint& point : plan.points)
    if (finished_point(folder, plan.keys, point)) ++done;

  const int tasks =
      (static_cast<int>(plan.points.size()) + plan.layout.points_per_task - 1) / plan.layout.points_per_task;
  std::cout << fmt::format(
      "statesim sweep: plan of {}: {} point(s), {} design(s), {} replication(s) each, in {}\n",
      plan.base.name, plan.points.size(), plan.base.designs.size(), plan.base.replications, folder.dir());
  if (done > 0) std::cout << fmt::format("{} point(s) are already done there and will not run again\n", done);
  std::cout << fmt::format(
      "Slurm job array: {} task(s) of {} point(s), at most {} at once; each asks for 1 core and {} MiB "
      "(statesim's estimate of the largest point)\n"
      "run the points:\n"
      "  on Slurm:        {}\n"
      "  with parallel:   parallel < {}   (--sshloginfile FILE: over several machines)\n"
      "  here, one point: statesim sweep --run-point {} K\n"
      "then merge them:   statesim sweep --merge {}\n",
      tasks, plan.layout.points_per_task, plan.layout.array_limit, task_memory_mib(plan),
      submit_command(folder), shell_quoted(folder.path("jobs.txt")), shell_quoted(folder.dir()),
      shell_quoted(folder.dir()));
  return 0;
}

int run_one_point(const SweepOptions& options) {
  const InterruptScope interrupts;  // a stop at any moment before the point's files says so
  const PlanFolder folder(options.run_point.at(0));
  const std::string& number_text = options.run_point.at(1);
  if (number_text.empty() || number_text.size() > 6 ||
      number_text.find_first_not_of("0123456789") != std::string::npos)
    throw UsageError(
        fmt::format("--run-point {} {}: K is a point number, 1 or more", folder.dir(), number_text));
  const int number = std::stoi(number_text);
  const Manifest manifest = read_manifest(folder);
  const SweepPoint point = read_point(folder, manifest, number);
  const std::string label =
      fmt::format("point {} ({}) of {}", number, point_label(manifest.keys, point), folder.dir());
  if (finished_point(folder, manifest.keys, point)) {
    std::cout << fmt::format("{}: already done: {}\n", label, folder.point_csv(number));
    return 0;
  }
  try {
    InterruptScope::throw_if_received();
    Progress progress(!options.quiet);
    run_point(folder, manifest.keys, point, options.jobs,
              [&](std::size_t done, std::size_t total) { progress.update(done, total, label); });
  } catch (const engine::Interrupted& interrupted) {
    std::cerr << fmt::format("\ninterrupted by {}: {} was stopped; nothing was written for it\n",
                             signal_name(interrupted.signal_number), label);
    return 128 + interrupted.signal_number;
  } catch (const engine::RunFailure& failure) {
    std::cerr << fmt::format("error: {}: {}; nothing was written for it\n", label, failure.what());
    return failure.input_error ? 2 : 1;
  }
  std::cout << fmt::format("{}: done: {}\n", label, folder.point_csv(number));
  return 0;
}

int merge(const SweepOptions& options) {
  const PlanFolder folder(options.merge_dir);
  const SweepPlan plan = read_plan(folder);
  const int status = merge_points(folder, plan, {}, std::cout, std::cerr);
  if (status == 0 && options.plot) {
    const InterruptScope interrupts;
    draw_charts(options.merge_dir, options.merge_dir);
  }
  return status;
}

}  // namespace

CLI::App* add_sweep_command(CLI::App& app, SweepOptions& options, int default_jobs) {
  options.jobs = default_jobs;
  auto* sweep = app.add_subcommand(
      "sweep",
      "Run a scenario at every combination of the --vary values and collect the results in DIR/sweep.csv, "
      "here (--out) or as a plan for a cluster (--plan, --run-point, --merge)");
  sweep->add_option("FILE", options.scenario_path, "Scenario file (YAML), with --out or --plan");
  sweep
      ->add_option("--vary", options.vary,
                   "KEY=V1,V2,... or KEY=START..END:STEP: a scenario key path (servers.count, "
                   "clients.requests[0].cpu) and its values as written in a file; repeat for a grid")
      ->allow_extra_args(false);
  sweep->add_option("--replications", options.replications,
                    "Independent runs per design and point (overrides the file's)");
  sweep->add_option("--seed", options.seed, "Seed (overrides the file's): 0 .. 18446744073709551615");
  sweep->add_option("--jobs", options.jobs, "Simulations run in parallel (default: the number of cores)")
      ->check(CLI::Range(1, 1024));
  sweep->add_flag("--quiet", options.quiet, "No progress line");
  sweep->add_flag("--plot", options.plot, "Draw PNG charts into DIR/plots once sweep.csv is complete");
  auto* out =
      sweep
          ->add_option("--out", options.out_dir,
                       "Run every point here and write DIR/sweep.csv (an earlier sweep there resumes)")
          ->type_name("DIR");
  auto* plan =
      sweep
          ->add_option("--plan", options.plan_dir,
                       "Only write the plan into DIR: each point's scenario, slurm.sbatch and jobs.txt")
          ->type_name("DIR");
  auto* run_point = sweep->add_option("--run-point", options.run_point, "Run point K of the plan in DIR")
                        ->expected(2)
                        ->type_name("DIR K");
  auto* merge = sweep
                    ->add_option("--merge", options.merge_dir,
                                 "Gather the finished points of the plan in DIR into DIR/sweep.csv")
                    ->type_name("DIR");
  sweep
      ->add_option(
          "--points-per-task", options.points_per_task,
          "Points run by each task of the Slurm job array (default: 1, or more to stay within 1000 tasks)")
      ->check(CLI::Range(1, static_cast<int>(kMaxSweepPoints)));
  sweep
      ->add_option("--array-limit", options.array_limit,
                   "Tasks of the job array running at once (default: 100)")
      ->check(CLI::Range(1, kMaxArrayLimit));
  out->excludes(plan)->excludes(run_point)->excludes(merge);
  plan->excludes(run_point)->excludes(merge);
  run_point->excludes(merge);
  return sweep;
}

int sweep_command(const SweepOptions& options) {
  if (!options.out_dir.empty()) return sweep_here(options);
  if (!options.plan_dir.empty()) return write_plan(options);
  const bool other_sweep =
      !options.scenario_path.empty() || !options.vary.empty() || options.seed || options.replications;
  if (!options.run_point.empty() || !options.merge_dir.empty()) {
    if (other_sweep)
      throw UsageError(
          "sweep: --run-point and --merge take no FILE, --vary, --seed or --replications: the plan holds "
          "them");
    return options.run_point.empty() ? merge(options) : run_one_point(options);
  }
  throw UsageError(
      "sweep: say where: --out DIR (run every point here), --plan DIR (write a plan for a cluster), "
      "--run-point DIR K or --merge DIR");
}

}  // namespace statesim::cli
