"""`statesim sweep --plan / --run-point / --merge` without a cluster: the plan folder's files, the
launchers (the Slurm script run by hand, a task at a time), points run one by one and merged
into the same sweep.csv as a local sweep, missing and tampered points, a hostile plan folder,
and a sweep that fails or is interrupted in the folder of an earlier sweep (which keeps its
results and says exactly what was written)."""
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

from common import SMALL_SWEEP, STATESIM, Checks, run, temp_dir

VARY = ["--vary", "servers.count=2,3", "--vary", "sessions.store=memory,jwt"]
COMMON = [*VARY, "--replications", "2"]

checks = Checks()
work = Path(temp_dir())
scenario = work / "plan-sweep.yaml"
scenario.write_text(SMALL_SWEEP)


def sweep(*args, cwd=None):
    return run(["sweep", *[str(a) for a in args]], cwd=cwd, timeout=600)


def said(done, *parts):
    text = done.stdout + done.stderr
    return all(part in text for part in parts)


# A local sweep: the reference every merge must reproduce byte for byte.
local = work / "local"
done = sweep(scenario, *COMMON, "--out", local, "--quiet", "--jobs", "2")
checks.check(done.returncode == 0, f"local sweep exits 0 ({done.stderr.strip()[-300:]})")
reference = (local / "sweep.csv").read_bytes()
reference_means = (local / "sweep_means.csv").read_bytes()

# The plan: files, launchers, nothing run.
plan = work / "plan"
done = sweep(scenario, *COMMON, "--plan", plan)
checks.check(done.returncode == 0 and "sbatch slurm.sbatch" in done.stdout and "--merge" in done.stdout,
             f"--plan exits 0 and says how to run and merge ({done.stdout.strip()[-300:]})")
manifest = (plan / "points" / "manifest.csv").read_text()
checks.check(manifest == "point,servers.count,sessions.store,scenario\n1,2,memory,point-001.yaml\n"
             "2,2,jwt,point-002.yaml\n3,3,memory,point-003.yaml\n4,3,jwt,point-004.yaml\n",
             "the manifest maps each point to its values and its scenario file")
for k in range(1, 5):
    path = plan / "points" / f"point-{k:03d}.yaml"
    check = run(["check", str(path)], timeout=60)
    checks.check(check.returncode == 0 and check.stdout == path.read_text(),
                 f"point {k}: its scenario is a resolved scenario that loads back to itself")
checks.check(not (plan / "sweep.csv").exists() and not list((plan / "points").glob("point-*.csv")),
             "--plan runs nothing and writes no result")
script = (plan / "slurm.sbatch").read_text()
memory = re.search(r"^#SBATCH --mem=(\d+)M$", script, re.M)
checks.check(all(line in script.splitlines() for line in
                 ["#SBATCH --array=0-3%100", "#SBATCH --cpus-per-task=1", "#SBATCH --output=logs/task-%a.out",
                  "#SBATCH --error=logs/task-%a.err"]) and memory and int(memory.group(1)) >= 64,
             "slurm.sbatch: one task per point, one core, a memory request, a log per task")
checks.check((plan / "logs").is_dir(), "the logs folder exists before any task starts")
jobs = (plan / "jobs.txt").read_text().splitlines()
checks.check(len(jobs) == 4 and all(line.endswith(f" sweep --run-point {plan} {k} --jobs 1 --quiet")
                                     for k, line in enumerate(jobs, 1)),
             f"jobs.txt: one command per point, with absolute paths ({jobs[:1]})")

# Points run one by one; a finished point does nothing.
done = sweep("--run-point", plan, 2, "--jobs", "2")
point_csv = plan / "points" / "point-002.csv"
checks.check(done.returncode == 0 and point_csv.is_file() and (plan / "points" / "point-002.key").is_file(),
             f"--run-point runs one point and writes its files ({done.stderr.strip()[-300:]})")
stamp = point_csv.stat().st_mtime_ns
done = sweep("--run-point", plan, 2)
checks.check(done.returncode == 0 and "already done" in done.stdout and point_csv.stat().st_mtime_ns == stamp,
             "--run-point of a finished point does nothing")
for bad in ["0", "5", "x", "-1"]:
    done = sweep("--run-point", plan, bad)
    checks.check(done.returncode == 2 and done.stderr.startswith("error:"), f"--run-point {bad}: exit status 2")

# Merging with points missing: nothing written, the missing points and the commands named.
done = sweep("--merge", plan)
checks.check(done.returncode == 1 and "3 of 4 point(s)" in done.stderr and "1, 3-4 (not run)" in done.stderr
             and "sbatch --array=0,2-3%100 slurm.sbatch" in done.stderr and "parallel <" in done.stderr,
             f"--merge names the missing points and the command that runs only them ({done.stderr.strip()})")
checks.check(not (plan / "sweep.csv").exists(), "an incomplete merge writes no sweep.csv")

# The rest with GNU-parallel-like commands from jobs.txt, then the merge: the local sweep's bytes.
for line in jobs:
    subprocess.run(["sh", "-c", line], capture_output=True, timeout=600, check=False)
done = sweep("--merge", plan)
checks.check(done.returncode == 0 and "sessions lost" in done.stdout, f"--merge exits 0 ({done.stderr.strip()})")
checks.check((plan / "sweep.csv").read_bytes() == reference, "the merged sweep.csv is the local sweep's, byte for byte")
checks.check((plan / "sweep_means.csv").read_bytes() == reference_means,
             "the merged sweep_means.csv is the local sweep's, byte for byte")
checks.check((plan / "scenario.yaml").read_text() == (local / "scenario.yaml").read_text() and
             (plan / "sweep.yaml").is_file(), "the merge writes scenario.yaml and sweep.yaml with sweep.csv")
done = sweep("--merge", plan, "--plot")
checks.check(done.returncode == 0 and (plan / "sweep.csv").read_bytes() == reference, "merging again changes nothing")
if Path("/usr/bin/python3").is_file():
    chart = plan / "plots" / "sweep-sessions_lost.png"
    checks.check(chart.is_file() and chart.stat().st_size > 1000, "--merge --plot draws the sweep's charts")

# Writing the same plan again keeps every finished point.
done = sweep(scenario, *COMMON, "--plan", plan)
checks.check(done.returncode == 0 and "4 point(s) are already done" in done.stdout,
             "the same plan written again keeps its finished points")

# A lost point is run again by itself; tampered files are not merged.
def copy_of(name):
    folder = work / name
    shutil.copytree(plan, folder)
    (folder / "sweep.csv").unlink()
    return folder

lost = copy_of("lost")
(lost / "points" / "point-003.csv").unlink()
done = sweep("--merge", lost)
checks.check(done.returncode == 1 and ": 3 (not run)" in done.stderr and "--array=2%100" in done.stderr,
             f"a lost point is named and resubmitted alone ({done.stderr.strip()[:200]})")
sweep("--run-point", lost, 3)
done = sweep("--merge", lost)
checks.check(done.returncode == 0 and (lost / "sweep.csv").read_bytes() == reference,
             "running the lost point completes the same sweep.csv")

edited = copy_of("edited-csv")
csv_path = edited / "points" / "point-001.csv"
csv_path.write_text(csv_path.read_text().replace("\n1,2,memory,round-robin,0,", "\n1,2,memory,round-robin,=1+1,", 1))
done = sweep("--merge", edited)
checks.check(done.returncode == 1 and "1 (its CSV does not hold its rows)" in done.stderr,
             f"an edited point CSV is not merged ({done.stderr.strip()[:200]})")

other = copy_of("other-key")
(other / "points" / "point-004.key").write_text("version: 1\n")
done = sweep("--merge", other)
checks.check(done.returncode == 1 and "4 (its files belong to another scenario)" in done.stderr,
             "a point whose .key is another scenario is not merged")

for name, change, expected in [
    ("edited-scenario", lambda f: (f / "points" / "point-002.yaml").write_text(
        "# edited by hand\n" + (f / "points" / "point-002.yaml").read_text()),
     "point-002.yaml: not the resolved scenario the plan wrote"),
    ("bad-manifest-row", lambda f: (f / "points" / "manifest.csv").write_text(
        "point,servers.count,sessions.store,scenario\n1,2,memory,point-001.yaml\n3,2,jwt,../../etc/passwd\n"),
     "manifest.csv:3: expected point 2"),
    ("bad-manifest-file", lambda f: (f / "points" / "manifest.csv").write_text(
        "point,servers.count,sessions.store,scenario\n1,2,memory,/etc/passwd\n"),
     "manifest.csv:2: expected the scenario point-001.yaml"),
    ("escape-in-manifest", lambda f: (f / "points" / "manifest.csv").write_text(
        "point,servers.count,sessions.store,scenario\n1,2,\x1b[2J,point-001.yaml\n"),
     "manifest.csv:2: a control character"),
    ("no-manifest", lambda f: (f / "points" / "manifest.csv").unlink(), "manifest.csv: cannot read"),
    ("bad-tasks", lambda f: (f / "points" / "sweep.yaml").write_text(
        (f / "points" / "sweep.yaml").read_text().replace("points_per_task: 1", "points_per_task: -1")),
     "sweep.yaml: tasks: expected points_per_task"),
]:
    folder = copy_of(name)
    change(folder)
    done = sweep("--merge", folder)
    checks.check(done.returncode == 2 and expected in done.stderr and not (folder / "sweep.csv").exists(),
                 f"{name}: --merge exits 2 and says why ({done.stderr.strip()[:200]})")
    if name in ("edited-scenario", "bad-manifest-row"):
        done = sweep("--run-point", folder, 2)
        checks.check(done.returncode == 2, f"{name}: --run-point exits 2")

# Bad command lines: exit 2, nothing written.
for args in [[scenario, "--vary", "servers.count=0", "--plan", work / "bad-1"],
             [scenario, *VARY, "--plan", work / "bad-2", "--out", work / "bad-3"],
             [scenario, "--run-point", plan, "1"],
             ["--merge", plan, "--seed", "3"],
             [scenario, *VARY],
             ["--plan", work / "bad-4"]]:
    done = sweep(*args)
    checks.check(done.returncode == 2 and not any((work / f"bad-{n}").exists() for n in range(1, 5)),
                 f"sweep {' '.join(str(a) for a in args[1:])}: exit status 2, nothing written ({done.stderr.strip()[:120]})")

# Points grouped into tasks: the Slurm script run by hand as task 1 and task 0 of its array.
chunked = work / "chunked"
done = sweep(scenario, *COMMON, "--plan", chunked, "--points-per-task", "3", "--array-limit", "5")
checks.check(done.returncode == 0 and "#SBATCH --array=0-1%5\n" in (chunked / "slurm.sbatch").read_text(),
             "--points-per-task 3 makes 2 tasks for 4 points")
environment = dict(os.environ, SLURM_ARRAY_TASK_ID="1", SLURM_ARRAY_JOB_ID="7")
done = subprocess.run(["bash", "slurm.sbatch"], cwd=chunked, env=environment, capture_output=True, text=True,
                      timeout=600)
finished = sorted(p.name for p in (chunked / "points").glob("point-*.csv"))
checks.check(done.returncode == 0 and finished == ["point-004.csv"] and "job 7_1, point 4" in done.stdout,
             f"task 1 runs point 4 only ({finished}, {done.stderr.strip()[-200:]})")
done = subprocess.run(["bash", str(chunked / "slurm.sbatch")], cwd=work, env=environment, capture_output=True,
                      text=True, timeout=60)
checks.check(done.returncode == 2 and "holds no sweep plan" in done.stderr,
             "the script run outside its plan folder says so and exits 2")
done = subprocess.run(["bash", "slurm.sbatch"], cwd=chunked, env=dict(environment, SLURM_ARRAY_TASK_ID="0"),
                      capture_output=True, text=True, timeout=600)
done = sweep("--merge", chunked)
checks.check(done.returncode == 0 and (chunked / "sweep.csv").read_bytes() == reference,
             "task 0 runs points 1-3 and the merge gives the local sweep.csv")

# A sweep into the folder of an earlier sweep that fails, or is interrupted, leaves the earlier
# results as they were and says exactly what it wrote.
RESULTS = ["sweep.csv", "sweep_means.csv", "sweep.yaml", "scenario.yaml"]
earlier = {name: (local / name).read_bytes() for name in RESULTS}
slower = [scenario, "--vary", "duration=20m,21m,22m,23m", "--replications", "1", "--seed", "9", "--out", local]

(local / "points" / "point-002.csv").unlink()
(local / "points" / "point-002.csv").mkdir()
done = sweep(*slower, "--quiet", "--jobs", "2")
checks.check(done.returncode == 1 and "point-002.csv" in done.stderr and
             "the 1 point(s) this run finished" in done.stderr and "still hold the earlier sweep's results" in done.stderr,
             f"a sweep that cannot write a point says what it wrote ({done.stderr.strip()[-400:]})")
checks.check(all((local / name).read_bytes() == earlier[name] for name in RESULTS),
             "a failed sweep leaves the earlier sweep.csv, sweep.yaml and scenario.yaml as they were")
(local / "points" / "point-002.csv").rmdir()

process = subprocess.Popen([STATESIM, "sweep", *[str(a) for a in slower], "--quiet", "--jobs", "2"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
deadline = time.monotonic() + 120
# Point 1 was finished by the failed sweep: wait until this one finishes another, then stop it.
while time.monotonic() < deadline and not (local / "points" / "point-002.csv").is_file() and process.poll() is None:
    time.sleep(0.05)
process.send_signal(signal.SIGINT)
try:
    stdout, stderr = process.communicate(timeout=60)
except subprocess.TimeoutExpired:
    process.kill()
    stdout, stderr = process.communicate()
checks.check(process.returncode == 130 and "interrupted by SIGINT" in stderr and
             "still hold the earlier sweep's results" in stderr and "no output file" not in stderr,
             f"an interrupted sweep exits 130 and says what it wrote ({stderr.strip()[-400:]})")
checks.check(all((local / name).read_bytes() == earlier[name] for name in RESULTS),
             "an interrupted sweep leaves the earlier sweep.csv, sweep.yaml and scenario.yaml as they were")
done = sweep(*slower, "--quiet", "--jobs", "2")
checks.check(done.returncode == 0 and "skipped 2 of 4" in done.stderr and
             (local / "sweep.csv").read_bytes() != earlier["sweep.csv"],
             f"the same sweep again resumes and replaces the results ({done.stderr.strip()[-300:]})")

shutil.rmtree(work, ignore_errors=True)
checks.finish()
