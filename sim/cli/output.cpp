#include "cli/output.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "cli/commands.hpp"
#include "report/report.hpp"
#include "scenario/loader.hpp"

namespace statesim::cli {

void check_output_dir(const std::string& dir) {
  std::error_code error;
  const auto status = std::filesystem::status(dir, error);
  if (std::filesystem::exists(status) && !std::filesystem::is_directory(status))
    throw UsageError("--out: " + dir + " exists and is not a folder");
}

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string temporary = path + ".tmp" + std::to_string(::getpid());
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  if (file == nullptr) throw std::runtime_error("cannot write " + temporary + ": " + std::strerror(errno));
  const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
  const bool flushed = std::fflush(file) == 0 && ::fsync(::fileno(file)) == 0;
  const bool closed = std::fclose(file) == 0;
  if (!written || !flushed || !closed) {
    std::remove(temporary.c_str());
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  }
}

void write_outputs(const std::string& dir, const Scenario& scenario, const std::vector<RunResult>& runs) {
  std::filesystem::create_directories(dir);
  write_file_atomically(dir + "/scenario.yaml", resolved_yaml(scenario));
  write_file_atomically(dir + "/summary.csv", summary_csv(runs));
  write_file_atomically(dir + "/summary_ci.csv", summary_ci_csv(runs));
  write_file_atomically(dir + "/comparisons.csv", comparisons_csv(runs));
  write_file_atomically(dir + "/timeseries.csv", timeseries_csv(runs));
  write_file_atomically(dir + "/events.csv", events_csv(runs));
}

}  // namespace statesim::cli
