"""`run --out DIR` writes one complete set or nothing: a refused folder is refused before any
simulation, and a run that fails (a file-size limit), is interrupted (SIGINT after the table,
during --plot) or races another run into the same folder leaves the previous complete set,
never a mix or a temporary file. --plot starts the plotter without a shell."""
import filecmp
import os
import resource
import signal
import subprocess
import textwrap
import time

from common import STATESIM, Checks, read_csv, run, temp_dir

SET = {"scenario.yaml", "summary.csv", "summary_ci.csv", "comparisons.csv", "timeseries.csv", "servers.csv",
       "events.csv"}
SCENARIO = textwrap.dedent("""\
    version: 1
    name: out-folder
    duration: 2m
    report_interval: 1s
    clients: {arrival_rate: 5/s, session_duration: exp(1m), think_time: exp(2s)}
    servers: {count: 2}
    """)

checks = Checks()
work = temp_dir()
scenario = os.path.join(work, "s.yaml")
with open(scenario, "w") as out:
    out.write(SCENARIO)


def snapshot(folder):
    """{name: bytes} of a folder's files (plots/ included)."""
    files = {}
    for base, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(base, name)
            with open(path, "rb") as f:
                files[os.path.relpath(path, folder)] = f.read()
    return files


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def leftovers(parent):
    """Hidden staging folders or temporary files left beside or inside the set."""
    return [name for name in os.listdir(parent) if ".statesim-" in name or ".tmp" in name]


def previous_set(name, seed="1"):
    folder = os.path.join(work, name)
    done = run(["run", scenario, "--out", folder, "--seed", seed, "--quiet"])
    checks.check(done.returncode == 0 and set(os.listdir(folder)) == SET, f"{name}: a first complete set is written")
    return folder


# --- refused before anything is simulated, with exit status 2
dangling = os.path.join(work, "dangling")
os.symlink(os.path.join(work, "nowhere"), dangling)
a_file = os.path.join(work, "a-file")
open(a_file, "w").write("keep me\n")
foreign = os.path.join(work, "foreign")
os.mkdir(foreign)
open(os.path.join(foreign, "notes.txt"), "w").write("keep me\n")
for out_dir, expected in (("", "--out: expected a folder, got an empty text"),
                          ("/proc/self/x", "--out: cannot create a folder in /proc/self"),
                          (dangling, f"--out: {dangling} is a symbolic link to {work}/nowhere, which does not exist"),
                          (a_file, f"--out: {a_file} exists and is not a folder"),
                          (foreign, "holds notes.txt, which statesim did not write")):
    started = time.monotonic()
    done = run(["run", scenario, "--out", out_dir, "--quiet"])
    elapsed = time.monotonic() - started
    checks.check(done.returncode == 2 and expected in done.stderr and "statesim report" not in done.stdout,
                 f"--out {out_dir}: refused before simulating, exit {done.returncode} in {elapsed:.1f}s: "
                 f"{done.stderr.strip()[:160]}")
checks.check(open(a_file).read() == "keep me\n" and os.listdir(foreign) == ["notes.txt"], "nothing in the way was touched")

# A folder named events.csv inside an earlier set: refused at once, the set left as it was.
blocked = previous_set("blocked")
os.remove(os.path.join(blocked, "events.csv"))
os.mkdir(os.path.join(blocked, "events.csv"))
before = snapshot(blocked)
done = run(["run", scenario, "--out", blocked, "--quiet"])
checks.check(done.returncode == 2 and f"{blocked}/events.csv is not a file" in done.stderr,
             f"a folder named events.csv in the way: exit {done.returncode}, {done.stderr.strip()[:160]}")
checks.check(snapshot(blocked) == before and os.path.isdir(os.path.join(blocked, "events.csv")), "... left as it was")

# --- a file-size limit stops the writing: the previous set stays whole, nothing is left beside it
limited = previous_set("limited")
before = snapshot(limited)


def limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (4000, 4000))  # timeseries.csv is larger


done = subprocess.run([STATESIM, "run", scenario, "--out", limited, "--seed", "2", "--quiet"], capture_output=True,
                      text=True, preexec_fn=limit_file_size, timeout=600)
checks.check(done.returncode == 1 and "File too large" in done.stderr,
             f"a file-size limit: exit {done.returncode}, {done.stderr.strip()[:200]}")
checks.check(snapshot(limited) == before, "... the previous set is intact (byte for byte)")
checks.check(not leftovers(work) and not leftovers(limited), f"... and nothing is left behind ({leftovers(work)})")

# --- SIGINT after the table (during --plot): exit 130, the previous set stays, no traceback
interrupted = previous_set("interrupted")
before = snapshot(interrupted)
process = subprocess.Popen([STATESIM, "run", scenario, "--out", interrupted, "--seed", "3", "--quiet", "--plot"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
first_line = process.stdout.readline()  # the table is printed before the set is written
time.sleep(0.3)
process.send_signal(signal.SIGINT)
stdout, stderr = process.communicate(timeout=60)
checks.check(first_line.startswith("statesim report"), f"the table came first: {first_line.strip()!r}")
checks.check(process.returncode == 130 and "interrupted by SIGINT" in stderr,
             f"SIGINT after the table: exit {process.returncode}, {stderr.strip()[:160]}")
checks.check("Traceback" not in stderr and "KeyboardInterrupt" not in stderr, "... no Python traceback")
checks.check(snapshot(interrupted) == before and not leftovers(work), "... the previous set is intact, nothing left")
plotters = subprocess.run(["pgrep", "-f", "analysis/plot.py .*" + os.path.basename(interrupted)], capture_output=True,
                          text=True).stdout.split()
checks.check(not plotters, f"... and the plotter was stopped ({plotters})")

# --- two runs into the same folder at once: one complete set, from one run
raced = os.path.join(work, "raced")
runs = [subprocess.Popen([STATESIM, "run", scenario, "--out", raced, "--seed", seed, "--quiet", "--jobs", "1"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for seed in ("11", "12")]
statuses = [process.wait(timeout=600) for process in runs]
checks.check(statuses == [0, 0], f"two runs into one folder both succeed ({statuses})")
seeds = {row["seed"] for row in read_csv(os.path.join(raced, "summary.csv"))}
written = open(os.path.join(raced, "scenario.yaml")).read()
checks.check(set(os.listdir(raced)) == SET and len(seeds) == 1 and f"seed: {seeds.pop()}\n" in written,
             "... the folder holds one complete set, all from the same run")
checks.check(not leftovers(work), "... and nothing is left beside it")
mode = os.stat(raced).st_mode & 0o777
checks.check(mode == 0o777 & ~current_umask(), f"... with the permissions of any new folder ({oct(mode)})")

# --- a later run replaces the whole set: charts of an earlier run do not survive it
replaced = previous_set("replaced")
os.mkdir(os.path.join(replaced, "plots"))
open(os.path.join(replaced, "plots", "compare.png"), "wb").write(b"old chart")
done = run(["run", scenario, "--out", replaced, "--seed", "4", "--quiet"])
checks.check(done.returncode == 0 and set(os.listdir(replaced)) == SET, "a new set replaces the old one whole")

# A staging folder of a run that was killed is removed by the next run into the same folder.
dead = subprocess.Popen(["true"])
dead.wait()
abandoned = os.path.join(work, f".replaced.statesim-{dead.pid}-abcdef")
os.mkdir(abandoned)
open(os.path.join(abandoned, "summary.csv"), "w").write("half\n")
done = run(["run", scenario, "--out", replaced, "--quiet"])
checks.check(done.returncode == 0 and not os.path.exists(abandoned), "a killed run's staging folder is cleaned up")

# --- --plot: the folder name reaches the plotter as one argument, never through a shell
strange = os.path.join(work, "out'$(touch PWNED)'\"`touch PWNED2`")
done = run(["run", scenario, "--out", strange, "--quiet", "--plot"], cwd=work)
checks.check(done.returncode == 0, f"--plot into a folder named with quotes and $(...): exit {done.returncode} "
                                   f"{done.stderr.strip()[-200:]}")
checks.check(not os.path.exists(os.path.join(work, "PWNED")) and not os.path.exists(os.path.join(work, "PWNED2")),
             "... no command in the name was run")
charts = os.listdir(os.path.join(strange, "plots")) if os.path.isdir(os.path.join(strange, "plots")) else []
checks.check("compare.png" in charts, f"... and the charts are in the folder ({sorted(charts)})")
checks.finish()
