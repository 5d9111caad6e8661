// Runs many (design, replication) pairs, each in a child process of its own (SimGrid allows
// one engine per process), at most `jobs` at a time, and collects their results in order.
#pragma once

#include <functional>
#include <stdexcept>
#include <vector>

#include "model/metrics.hpp"
#include "scenario/config.hpp"

namespace statesim::engine {

struct RunTask {
  int design = 0;       // index into Scenario::designs
  int replication = 0;
};

// A run that could not be carried out. `input_error` is true when the cause is in the
// scenario (a platform file without the hosts statesim needs), false for internal failures.
class RunFailure : public std::runtime_error {
 public:
  RunFailure(const std::string& message, bool input_error) : std::runtime_error(message), input_error(input_error) {}
  bool input_error;
};

// The user interrupted the runs (SIGINT or SIGTERM): the children were stopped and nothing
// was written by them. `signal_number` gives the conventional exit status 128 + signal.
class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(int signal_number)
      : std::runtime_error("interrupted"), signal_number(signal_number) {}
  int signal_number;
};

// Called after each finished run, and about twice a second meanwhile, with (runs done, runs in all).
using ProgressCallback = std::function<void(std::size_t, std::size_t)>;

// Results in the order of `tasks`, whatever `jobs` is.
std::vector<RunResult> run_tasks(const Scenario& scenario, const std::vector<RunTask>& tasks, int jobs,
                                 const ProgressCallback& progress);

// The byte encoding a child sends its parent (exposed for tests).
std::string encode_result(const RunResult& result);
RunResult decode_result(const std::string& bytes);

}  // namespace statesim::engine
