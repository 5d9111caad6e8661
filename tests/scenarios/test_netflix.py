"""One simulated second of the lesson's scale (bench/netflix.yaml: 100,000 servers, 10,000,000
users in steady state; scripts/bench.py --netflix runs the whole minute): it runs to the end on
this machine, sends the requests its rates say (10 million users / think time exp(30s) = 333,333
requests a second), and the crash of 1% of the servers half a second in loses the sessions those
servers held: 1,000 x 10,000,000 / 100,000 = 100,000 (sticky sessions are placed round robin at
t = 0, so each server holds 100 +- 1 of a Poisson population; the first half second adds and
ends a few)."""
import json
import math
import os
import re
import resource

from common import ROOT, Checks, read_csv, run, temp_dir

checks = Checks()
text = open(os.path.join(ROOT, "bench", "netflix.yaml")).read()
text = text.replace("duration: 1m", "duration: 1s").replace("report_interval: 10s", "report_interval: 500ms")
text = re.sub(r"at: 30s", "at: 500ms", text)
path = os.path.join(temp_dir(), "netflix-1s.yaml")
with open(path, "w") as f:
    f.write(text)
out = os.path.join(temp_dir(), "out")
result = run(["run", path, "--out", out, "--quiet", "--jobs", "1"], timeout=3000)
checks.check(result.returncode == 0, f"one simulated second of 100,000 servers and 10M users runs (exit "
                                     f"{result.returncode}) {result.stderr[-500:]}")
if result.returncode == 0:
    summary = read_csv(os.path.join(out, "summary.csv"))[0]
    events = read_csv(os.path.join(out, "events.csv"))
    requests = int(summary["requests"])
    rate = 10_000_000 / 30
    # Poisson count of requests over 1 s: sd sqrt(rate); logins and logouts add about 2 x 2,778.
    checks.check(abs(requests - rate) <= 3.29 * math.sqrt(rate) + 2 * 2778,
                 f"{requests:,} requests in the second = 10M / 30 s = {rate:,.0f}")
    crashes = [e for e in events if e["event"] == "crash"]
    lost = sum(int(e["sessions_lost"]) for e in crashes)
    held = sum(int(e["sessions_held"]) for e in crashes)
    checks.check(len(crashes) == 1000, f"1,000 servers crash ({len(crashes)})")
    checks.check(lost == held, f"the crashes lose exactly the {held:,} sessions those servers held ({lost:,})")
    # The steady-state population is Poisson(10M): 1% of it is 100,000 +- 3.29 x sqrt(10M) / 100.
    # Round robin leaves each server within 1 of the mean (+- 1,000 over 1,000 servers), and the
    # half second before the crash starts and ends about 10M x 0.5 s / 1 h / 100 = 14 sessions each.
    tolerance = 3.29 * math.sqrt(10_000_000) / 100 + 1000 + 2 * (14 + 3.29 * math.sqrt(14))
    checks.check(abs(lost - 100_000) <= tolerance,
                 f"{lost:,} sessions lost = 1% of 10 million (+- {tolerance:,.0f})")
    peak_gib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024
    checks.check(peak_gib < 8, f"peak memory {peak_gib:.2f} GiB < 8 GiB")
checks.finish()
