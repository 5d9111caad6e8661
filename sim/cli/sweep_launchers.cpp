#include "cli/sweep_launchers.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string_view>

#include "cli/output.hpp"
#include "cli/preflight.hpp"

namespace statesim::cli {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kMemoryMargin = 1.25;          // for what the estimate leaves out
constexpr long long kMemoryStepMiB = 64;        // --mem is rounded up to a multiple of this
constexpr long long kMaxMemoryMiB = 1LL << 30;  // a petabyte: no node has it, Slurm says so

bool plain_shell_word(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      std::string_view("_./:=@%+,-").find(c) != std::string_view::npos;
    if (!safe) return false;
  }
  return true;
}

// "0-3,5,7-9"
std::string id_ranges(const std::vector<int>& ids) {
  std::string text;
  for (std::size_t i = 0; i < ids.size();) {
    std::size_t j = i;
    while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
    if (!text.empty()) text += ',';
    text += j == i ? std::to_string(ids[i]) : fmt::format("{}-{}", ids[i], ids[j]);
    i = j + 1;
  }
  return text;
}

int task_count(const SweepPlan& plan) {
  const int points = static_cast<int>(plan.points.size());
  return (points + plan.layout.points_per_task - 1) / plan.layout.points_per_task;
}

std::string slurm_script(const SweepPlan& plan, long long memory_mib, const std::string& statesim) {
  const TaskLayout& layout = plan.layout;
  const int tasks = task_count(plan);
  std::string script = "#!/bin/bash\n";
  script += fmt::format(
      "# statesim sweep of {}: {} point(s), {} per task of a Slurm job array; each task runs\n"
      "# `statesim sweep --run-point` for its points, which skips a point already done.\n"
      "# Submit it from this folder (the tasks find the plan in their working folder):\n"
      "#   sbatch slurm.sbatch\n"
      "# then `statesim sweep --merge .` gathers the points into sweep.csv, or names the missing\n"
      "# ones and prints the command that resubmits only them. Each task asks for one core and\n"
      "# statesim's memory estimate of the largest point. STATESIM=/path/to/statesim sbatch ...\n"
      "# runs another copy of the program.\n",
      plan.base.name, plan.points.size(), layout.points_per_task);
  script += fmt::format("#SBATCH --job-name=statesim-{}\n", plan.base.name);
  script += fmt::format("#SBATCH --array=0-{}%{}\n", tasks - 1, layout.array_limit);
  script += "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n";
  script += fmt::format("#SBATCH --mem={}M\n", memory_mib);
  script +=
      "#SBATCH --output=logs/task-%a.out\n#SBATCH --error=logs/task-%a.err\n#SBATCH --open-mode=append\n";
  script += "set -u\n";
  script += "statesim=${STATESIM:-" + shell_quoted(statesim) + "}\n";
  script += fmt::format("points_per_task={}\npoint_count={}\n", layout.points_per_task, plan.points.size());
  script +=
      ": \"${SLURM_ARRAY_TASK_ID:?submit slurm.sbatch as the job array its #SBATCH --array line makes}\"\n"
      "if [ ! -f points/manifest.csv ]; then\n"
      "  echo \"statesim sweep: $PWD holds no sweep plan: submit slurm.sbatch from its own folder\" >&2\n"
      "  exit 2\n"
      "fi\n"
      "first=$(( SLURM_ARRAY_TASK_ID * points_per_task + 1 ))\n"
      "last=$(( first + points_per_task - 1 ))\n"
      "if [ \"$last\" -gt \"$point_count\" ]; then last=$point_count; fi\n"
      "status=0\n"
      "for (( point = first; point <= last; point++ )); do\n"
      "  echo \"$(date -u '+%Y-%m-%dT%H:%M:%SZ') $(hostname): job "
      "${SLURM_ARRAY_JOB_ID:-?}_${SLURM_ARRAY_TASK_ID}, "
      "point $point\"\n"
      "  \"$statesim\" sweep --run-point . \"$point\" --jobs 1 --quiet || status=$?\n"
      "done\n"
      "exit \"$status\"\n";
  return script;
}

std::string jobs_list(const PlanFolder& folder, const SweepPlan& plan, const std::string& statesim) {
  const std::string dir = std::filesystem::absolute(folder.dir()).lexically_normal().string();
  std::string jobs;
  for (const SweepPoint& point : plan.points)
    jobs += fmt::format("{} sweep --run-point {} {} --jobs 1 --quiet\n", shell_quoted(statesim),
                        shell_quoted(dir), point.number);
  return jobs;
}

}  // namespace

long long task_memory_mib(const SweepPlan& plan) {
  double bytes = 0;
  for (const SweepPoint& point : plan.points)
    bytes = std::max(bytes, peak_memory_bytes(point.scenario));
  const double mib = std::ceil(bytes * kMemoryMargin / kMiB / kMemoryStepMiB) * kMemoryStepMiB;
  return std::isfinite(mib) && mib < static_cast<double>(kMaxMemoryMiB) ? static_cast<long long>(mib)
                                                                        : kMaxMemoryMiB;
}

void write_launchers(const PlanFolder& folder, const SweepPlan& plan, const std::string& statesim) {
  std::filesystem::create_directories(folder.path("logs"));
  write_file_atomically(folder.path("slurm.sbatch"), slurm_script(plan, task_memory_mib(plan), statesim));
  write_file_atomically(folder.path("jobs.txt"), jobs_list(folder, plan, statesim));
}

std::string array_spec(const std::vector<int>& points, const TaskLayout& layout) {
  std::vector<int> tasks;
  for (const int point : points) tasks.push_back((point - 1) / layout.points_per_task);
  std::sort(tasks.begin(), tasks.end());
  tasks.erase(std::unique(tasks.begin(), tasks.end()), tasks.end());
  return fmt::format("{}%{}", id_ranges(tasks), layout.array_limit);
}

std::string submit_command(const PlanFolder& folder, const std::string& array) {
  return fmt::format("cd {} && sbatch {}slurm.sbatch", shell_quoted(folder.dir()),
                     array.empty() ? "" : "--array=" + array + " ");
}

std::string shell_quoted(const std::string& text) {
  if (plain_shell_word(text)) return text;
  const bool control = std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
  if (!control) {
    std::string quoted = "'";
    for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
  }
  std::string quoted = "$'";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\'' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      quoted += fmt::format("\\x{:02x}", byte);
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string this_program() {
  std::error_code error;
  const auto path = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::string("statesim") : path.string();
}

}  // namespace statesim::cli
