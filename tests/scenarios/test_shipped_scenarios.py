"""Every scenario in scenarios/ runs, meets the output contract and its own expectations, and
the exact facts of session loss hold: a crash loses exactly the sessions the server held, and
designs without server-side session state (jwt) or with a durable store (database) lose none."""
import glob
import os
import re
import subprocess

from common import CONTRACT, ROOT, Checks, read_csv, run, temp_dir

checks = Checks()
scenarios = sorted(glob.glob(os.path.join(ROOT, "scenarios", "*.yaml")))
checks.check(len(scenarios) >= 5, f"{len(scenarios)} shipped scenarios")

for path in scenarios:
    name = os.path.basename(path)
    out = os.path.join(temp_dir(), "out")
    result = run(["run", path, "--out", out, "--quiet"])
    checks.check(result.returncode == 0, f"{name}: runs and meets its expectations (exit {result.returncode})"
                 + ("" if result.returncode == 0 else "\n" + result.stdout[-2000:] + result.stderr[-2000:]))
    if not os.path.isdir(out):
        continue
    contract = subprocess.run([CONTRACT, out], capture_output=True, text=True)
    checks.check(contract.returncode == 0, f"{name}: output contract: {contract.stdout.strip()}")
    summary = read_csv(os.path.join(out, "summary.csv"))
    events = read_csv(os.path.join(out, "events.csv"))
    resolved = open(os.path.join(out, "scenario.yaml")).read()
    for row in summary:
        design = row["design"]
        lost = int(row["sessions_lost"])
        crash_rows = [e for e in events if e["design"] == design and e["replication"] == row["replication"]]
        for event in crash_rows:
            # A server's crash or stop loses exactly the sessions it held (two bookkeepings).
            if event["event"] in ("crash", "stop", "deploy_restart") and event["target"].startswith("app-"):
                checks.check(int(event["sessions_lost"]) == int(event["sessions_held"]),
                             f"{name}/{design}: {event['event']} of {event['target']} lost {event['sessions_lost']} "
                             f"= the {event['sessions_held']} sessions it held")
        if sum(int(e["sessions_lost"]) for e in crash_rows) == lost:
            checks.check(True, f"{name}/{design}: events account for all {lost} lost sessions")
        store = re.search(r"- name: \"?" + re.escape(design) + r"\"?\n(?:.*\n)*?    sessions:\n      store: (\w+)", resolved)
        if store and store.group(1) in ("jwt", "database"):
            checks.check(lost == 0, f"{name}/{design}: a {store.group(1)} design loses no session ({lost})")

# The built-in lesson runs with no arguments, from any directory.
result = run([], cwd=temp_dir())
checks.check(result.returncode == 0 and "sticky-memory" in result.stdout and "stateless-jwt" in result.stdout,
             f"statesim with no arguments runs the default lesson (exit {result.returncode})")
checks.finish()
