"""Golden outputs: a few shipped scenarios, run with their fixed seeds, must give byte for byte
the summary.csv, timeseries.csv and events.csv kept in tests/golden/. They cover every kind of
event (crash, restart, deploy, scale, store crash and failover, revocation, traffic, the
autoscaler), so a refactoring of the engine that changes a single draw, a tie order or a count
shows here. A deliberate change of the model regenerates them:

    STATESIM=build/statesim /usr/bin/python3 tests/scenarios/test_golden.py --update

and the commit says why the numbers moved."""
import difflib
import os
import shutil
import sys

from common import ROOT, Checks, run, temp_dir

GOLDEN = os.path.join(ROOT, "tests", "golden")
FILES = ["summary.csv", "timeseries.csv", "events.csv"]
# (case name, scenario file, extra arguments)
CASES = [
    ("crash-sticky-memory", "crash-sticky-memory.yaml", []),
    ("rolling-deploy", "rolling-deploy.yaml", []),
    ("database-sessions", "database-sessions.yaml", []),
    ("hash-scale-out", "hash-scale-out.yaml", []),
    ("jwt-revocation", "jwt-revocation.yaml", []),
    ("autoscale-peak", "autoscale-peak.yaml", []),
    ("scale-in-drain", "scale-in-drain.yaml", []),
    ("redis-replica", "redis-crash-persistence.yaml", ["--design", "replica"]),
]

update = "--update" in sys.argv
checks = Checks()
for name, scenario, extra in CASES:
    out = os.path.join(temp_dir(), "out")
    result = run(["run", os.path.join(ROOT, "scenarios", scenario), "--out", out, "--quiet"] + extra)
    if not checks.check(result.returncode == 0, f"{name}: runs (exit {result.returncode})"):
        print(result.stderr[-2000:])
        continue
    for file in FILES:
        golden = os.path.join(GOLDEN, name, file)
        produced = os.path.join(out, file)
        if update:
            os.makedirs(os.path.dirname(golden), exist_ok=True)
            shutil.copyfile(produced, golden)
            checks.check(True, f"{name}/{file}: golden copy updated")
            continue
        with open(produced) as f:
            new = f.read()
        old = open(golden).read() if os.path.exists(golden) else ""
        same = checks.check(new == old, f"{name}/{file}: identical to tests/golden/{name}/{file}")
        if not same:
            diff = difflib.unified_diff(old.splitlines(), new.splitlines(), "golden", "now", lineterm="", n=0)
            print("\n".join(list(diff)[:20]))
checks.finish()
