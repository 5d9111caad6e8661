// statesim: parse the command line, run the command, map failures to exit statuses
// (0 success, 2 bad input: scenario or arguments, 1 anything else).
#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "cli/commands.hpp"
#include "cli/sweep.hpp"
#include "engine/runner.hpp"
#include "scenario/loader.hpp"
#include "scenario/message_text.hpp"
#include "scenario/units.hpp"

int main(int argc, char** argv) {
  using namespace statesim;
  CLI::App app{"statesim: what a crash, a deploy or a scale-down does to where your sessions live.\n"
               "With no command, runs the built-in lesson (a server crash against three designs)."};
  app.set_version_flag("--version", "statesim 0.1.0");
  app.require_subcommand(0, 1);

  cli::RunOptions options;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.jobs = cores;
  std::string scenario_path;
  std::optional<std::string> seed_text;  // checked like the file's seed, not by CLI11 (which wraps -1)

  auto* run = app.add_subcommand("run", "Run every design of a scenario and compare them");
  run->add_option("FILE", scenario_path, "Scenario file (YAML)")->required();
  run->add_option("--seed", seed_text, "Seed (overrides the file's): 0 .. 18446744073709551615");
  run->add_option("--replications", options.replications, "Independent runs per design (overrides the file's)");
  run->add_option("--out", options.out_dir, "Write summary.csv, timeseries.csv, events.csv, ... and scenario.yaml here");
  run->add_flag("--json", options.json, "Print the summary as JSON instead of the table");
  run->add_option("--design", options.design, "Run only this design");
  run->add_option("--jobs", options.jobs, "Simulations run in parallel (default: the number of cores)")
      ->check(CLI::Range(1, 1024));
  run->add_flag("--quiet", options.quiet, "No progress line");
  run->add_flag("--plot", options.plot, "Draw PNG charts into OUT/plots (needs /usr/bin/python3 with matplotlib)");

  auto* check = app.add_subcommand("check", "Validate a scenario and print it fully resolved; nothing is simulated");
  check->add_option("FILE", scenario_path, "Scenario file (YAML)")->required();

  cli::SweepOptions sweep_options;
  auto* sweep = cli::add_sweep_command(app, sweep_options, cores);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // CLI11 echoes the arguments it could not take: escaped like every other message.
    std::ostringstream out, err;
    const int status = app.exit(error, out, err);
    std::cout << terminal_text(out.str()) << std::flush;
    std::cerr << terminal_text(err.str());
    return status == 0 ? 0 : 2;
  }

  // A file-size limit (ulimit -f) makes a write fail with EFBIG instead of killing statesim, so
  // that a half-written output set is removed; simulation processes write no file.
  std::signal(SIGXFSZ, SIG_IGN);
  // Every message may echo the input: what a terminal would act on is escaped.
  auto print_error = [](const char* message) { std::cerr << "error: " << terminal_text(message) << "\n"; };
  try {
    if (seed_text) {
      try {
        options.seed = parse_seed(*seed_text);
      } catch (const UnitError& error) {
        throw cli::UsageError(std::string("--seed: ") + error.what());
      }
    }
    if (*check) return cli::check_command(scenario_path);
    if (*run) return cli::run_command(scenario_path, options);
    if (*sweep) return cli::sweep_command(sweep_options);
    cli::RunOptions lesson;
    lesson.jobs = cores;
    return cli::run_command("", lesson);
  } catch (const ScenarioError& error) {
    print_error(error.what());
    return 2;
  } catch (const cli::UsageError& error) {
    print_error(error.what());
    return 2;
  } catch (const engine::Interrupted& interrupted) {
    std::cerr << "\ninterrupted by " << (interrupted.signal_number == SIGINT ? "SIGINT" : "SIGTERM")
              << ": the runs in progress were stopped and no output file of this command was written"
                 " (a sweep keeps the points it had finished; run it again to resume)\n";
    return 128 + interrupted.signal_number;
  } catch (const engine::RunFailure& failure) {
    print_error(failure.what());
    return failure.input_error ? 2 : 1;
  } catch (const std::exception& error) {
    print_error(error.what());
    return 1;
  }
}
