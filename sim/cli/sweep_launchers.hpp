// The launchers of a sweep plan: DIR/slurm.sbatch, a Slurm job array whose task T runs points
// T*C+1 .. T*C+C of the plan (C points per task), and DIR/jobs.txt, one `statesim sweep
// --run-point` command per point for GNU parallel or xargs -P. Both only start --run-point, which
// skips a finished point, so submitting twice or resubmitting everything is harmless.
#pragma once

#include <string>
#include <vector>

#include "cli/sweep_plan.hpp"

namespace statesim::cli {

// Writes DIR/slurm.sbatch and DIR/jobs.txt and creates DIR/logs. `statesim` is the path of the
// program the tasks run (the script lets the STATESIM variable override it).
void write_launchers(const PlanFolder& folder, const SweepPlan& plan, const std::string& statesim);

// The memory a task asks Slurm for, in MiB: statesim's estimate for the largest point, run one
// process at a time, with a quarter more for what the estimate leaves out.
long long task_memory_mib(const SweepPlan& plan);

// The array tasks that run the given points, as Slurm writes them: "2,5-7%100".
std::string array_spec(const std::vector<int>& points, const TaskLayout& layout);

// The command that submits the plan's array, or only `array` when it is not empty, typed from
// the folder the plan was made in.
std::string submit_command(const PlanFolder& folder, const std::string& array = "");

// `text` as one word for a POSIX shell; control characters as bash's $'\xNN'.
std::string shell_quoted(const std::string& text);

// The absolute path of this program (for the launchers), or "statesim" when it cannot be found.
std::string this_program();

}  // namespace statesim::cli
