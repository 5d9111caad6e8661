"""`statesim run` options a student meets first: `--design NAME` checks the `expect:` lines about
that design and lists the ones it skips; `--plot` without `--out` is refused (it had nothing to
draw into); an expectation on a fraction field may be written in percent, as the table shows it; a deploy
without `drain` says its default.
Each run is the two-minute SMALL_SWEEP scenario (about a second)."""
import os
import re

from common import SMALL_SWEEP, Checks, run, temp_dir

checks = Checks()
folder = temp_dir()
path = os.path.join(folder, "small.yaml")
with open(path, "w") as f:
    f.write(SMALL_SWEEP + """expect:
  - "sticky.sessions_lost > 0"
  - "round-robin.forced_logouts > 0"
  - "sticky.forced_logouts < round-robin.forced_logouts"
  - "sticky.cpu_utilization < 60%"
  - "sticky.cpu_utilization > 90%"
""")

# --design sticky: the lines about sticky alone are checked, the others named as skipped.
result = run(["run", path, "--design", "sticky", "--quiet"])
out, err = result.stdout, result.stderr
checks.check(result.returncode == 1, f"--design: the failing line about the design still fails the run (exit {result.returncode})")
checks.check("PASS  sticky.sessions_lost > 0" in out, "--design: a line about the design is checked")
checks.check("FAIL  sticky.cpu_utilization > 90%" in out, "--design: every line about the design is checked")
checks.check("round-robin.forced_logouts > 0" not in out, "--design: a line about another design is not checked")
checks.check("--design sticky: 2 expect line(s) name another design and are not checked" in err,
             "--design: says how many lines it skipped")
checks.check("skipped: round-robin.forced_logouts > 0" in err and
             "skipped: sticky.forced_logouts < round-robin.forced_logouts" in err,
             "--design: names each skipped line (one naming the design and another too)")
print(err[-1500:])

# A percentage on a fraction field, shown in percent.
match = re.search(r"PASS  sticky\.cpu_utilization < 60%  \(actual ([0-9.]+)%\)", out)
checks.check(match is not None and 0 < float(match.group(1)) < 60,
             "expect: cpu_utilization < 60% holds and the actual value is shown in percent")

# --plot without --out: refused before anything runs, nothing drawn.
result = run(["run", path, "--plot", "--quiet"], cwd=folder)
checks.check(result.returncode == 2, f"--plot without --out: exit 2 (got {result.returncode})")
checks.check("--plot draws the charts of the --out folder" in result.stderr and "give --out DIR" in result.stderr,
             "--plot without --out: says to give --out")
checks.check(result.stdout == "" and not os.path.exists(os.path.join(folder, "plots")),
             "--plot without --out: nothing runs, nothing is drawn")

# A deploy without drain: the default (0s) is said, with the file position; with drain, nothing.
for drain, expect_warning in (("", True), (", drain: 0s", False)):
    deploy = os.path.join(folder, "deploy.yaml")
    with open(deploy, "w") as f:
        f.write("version: 1\nname: deploy\nduration: 5m\nevents:\n  - {at: 1m, deploy: {batch: 1%s}}\n" % drain)
    result = run(["check", deploy])
    warned = "deploy.yaml:5:22: events[0].deploy: no drain given, so drain: 0s" in result.stderr
    checks.check(result.returncode == 0 and warned == expect_warning,
                 f"deploy{drain or ' without drain'}: {'a warning says drain 0s' if expect_warning else 'no warning'}")

checks.finish()
