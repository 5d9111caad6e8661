// Output folders. `run --out DIR` writes its whole set (summary.csv, summary_ci.csv,
// comparisons.csv, timeseries.csv, events.csv, scenario.yaml and, with --plot, plots/) into a
// new folder beside DIR and swaps it in place of DIR at the end: a run that fails or is
// interrupted leaves the previous complete set or nothing, never a mix. A sweep writes its
// files one by one, each to a temporary name and then renamed.
#pragma once

#include <string>
#include <vector>

#include "model/metrics.hpp"
#include "scenario/config.hpp"

namespace statesim::cli {

class RunOutputFolder {
 public:
  // Checks, before anything is simulated, that DIR can take the set: DIR is new or holds a
  // previous set (nothing else), is not a dangling symbolic link or a file, and a folder can be
  // created beside it. Throws UsageError (exit status 2). Creates nothing.
  explicit RunOutputFolder(const std::string& dir);
  ~RunOutputFolder();  // removes a set that was begun but not swapped in
  RunOutputFolder(const RunOutputFolder&) = delete;
  RunOutputFolder& operator=(const RunOutputFolder&) = delete;

  // Creates the new folder beside DIR and writes every file of the set into it.
  void write(const Scenario& scenario, const std::vector<RunResult>& runs);
  // The new folder, while it is being written (the plotter draws into it).
  const std::string& staging() const { return staging_; }
  // Swaps the new folder in place of DIR; the previous set is removed.
  void commit();
  const std::string& path() const { return target_; }

 private:
  std::string target_;  // absolute, symbolic links resolved
  std::string parent_;
  std::string name_;
  std::string staging_;
  bool committed_ = false;
};

// Throws UsageError when `dir` exists and is not a directory (the sweep's folder check).
void check_output_dir(const std::string& dir);

// Writes `content` to `path` atomically (temporary file in the same folder, then rename).
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace statesim::cli
