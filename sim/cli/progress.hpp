// A progress line on stderr for commands that take more than a second: the runs done out of
// all, the time elapsed and an estimate of the time left. Only when stderr is a terminal.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace statesim::cli {

class Progress {
 public:
  explicit Progress(bool enabled);
  ~Progress();  // erases the line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // `done` of `total` runs have finished; `context`, when not empty, comes first on the line
  // ("point 3/8 (servers.count=3)").
  void update(std::size_t done, std::size_t total, const std::string& context = "");

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace statesim::cli
