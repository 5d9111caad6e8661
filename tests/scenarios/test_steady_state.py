"""clients.start: steady_state starts the population in the equilibrium of its workload:
 - open (arrival rate L, visits D): the sessions in progress are Poisson(L E[D]) at t = 0 and
   stay so: the active sessions at the end of the first bucket and at the end of the run both
   lie within 3.29 sd of L E[D] (validation reference 2.1/2.3), where an empty start shows
   almost none in the first bucket;
 - closed (N users, visits D, pauses R): Binomial(N, E[D] / (E[D] + E[R])), the same way;
 - a crash of one of N sticky servers one minute in loses about L E[D] / N sessions (S1 without
   the long warm-up) and exactly the sessions that server held;
 - sessions in progress at t = 0 count as started (conservation holds) but not as logins of the
   first bucket."""
import math
import os
import textwrap

from common import Checks, read_csv, run, temp_dir

checks = Checks()
Z = 3.29


def run_scenario(text, name):
    path = os.path.join(temp_dir(), f"{name}.yaml")
    with open(path, "w") as f:
        f.write(text)
    out = os.path.join(temp_dir(), "out")
    result = run(["run", path, "--out", out, "--quiet"])
    if not checks.check(result.returncode == 0, f"{name}: runs (exit {result.returncode})"):
        print(result.stderr[-1500:])
        return None, None, None
    return (read_csv(os.path.join(out, "summary.csv")), read_csv(os.path.join(out, "timeseries.csv")),
            read_csv(os.path.join(out, "events.csv")))


OPEN = textwrap.dedent("""\
    version: 1
    name: steady-open
    seed: 3
    duration: 10m
    clients:
      arrival_rate: 10/s
      START
      session_duration: exp(10m)
      think_time: exp(30s)
    load_balancer: {policy: sticky_cookie}
    servers: {count: 4}
    sessions: {store: memory}
    events:
      - {at: 1m, crash: app-2}
    """)
mean = 10 * 600.0
summary, series, events = run_scenario(OPEN.replace("START", "start: steady_state"), "steady-open")
if summary:
    first, last = int(series[0]["active_sessions"]), int(summary[0]["sessions_active"])
    band = Z * math.sqrt(mean)
    checks.check(abs(first - mean) <= band, f"open: active at 10 s {first} = L E[D] {mean:.0f} +- {band:.0f}")
    checks.check(abs(last - mean) <= band, f"open: active at the end {last} = {mean:.0f} +- {band:.0f}")
    checks.check(int(series[0]["logins"]) < 0.05 * mean,
                 f"open: the first bucket's logins ({series[0]['logins']}) are new logins only")
    crash = next(e for e in events if e["event"] == "crash")
    lost, held = int(crash["sessions_lost"]), int(crash["sessions_held"])
    expected = mean / 4
    checks.check(lost == held, f"open: the crash loses exactly the {held} sessions the server held ({lost})")
    checks.check(abs(lost - expected) <= Z * math.sqrt(expected),
                 f"open: crash at 1 min loses {lost} = L E[D] / N {expected:.0f} +- {Z * math.sqrt(expected):.0f}")
    s = summary[0]
    checks.check(int(s["sessions_started"]) == int(s["sessions_ended"]) + int(s["sessions_lost"]) +
                 int(s["sessions_active"]), "open: sessions started = ended + lost + active")
summary, series, _ = run_scenario(OPEN.replace("START", "start: empty"), "empty-open")
if summary:
    checks.check(int(series[0]["active_sessions"]) < 0.05 * mean,
                 f"open, empty start: only {series[0]['active_sessions']} active after 10 s")

CLOSED = textwrap.dedent("""\
    version: 1
    name: steady-closed
    seed: 4
    duration: 5m
    clients:
      users: 2000
      start: steady_state
      session_duration: uniform(5m, 15m)
      relogin_after: exp(5m)
      think_time: 20s
    servers: {count: 4}
    sessions: {store: redis}
    """)
summary, series, _ = run_scenario(CLOSED, "steady-closed")
if summary:
    p = 600.0 / (600.0 + 300.0)
    mean, sd = 2000 * p, math.sqrt(2000 * p * (1 - p))
    first, last = int(series[0]["active_sessions"]), int(summary[0]["sessions_active"])
    checks.check(abs(first - mean) <= Z * sd, f"closed: active at 10 s {first} = N p {mean:.0f} +- {Z * sd:.0f}")
    checks.check(abs(last - mean) <= Z * sd, f"closed: active at the end {last} = {mean:.0f} +- {Z * sd:.0f}")
checks.finish()
