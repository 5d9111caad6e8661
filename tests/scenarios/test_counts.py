"""Counts that must not mislead: what a time-series bucket holds at an event on its boundary,
and the windows of consequences that events.csv gives each event."""
import math
import os
import textwrap

from common import Checks, read_csv, run, temp_dir

checks = Checks()


def run_out(text, *extra):
    folder = temp_dir()
    path = os.path.join(folder, "scenario.yaml")
    with open(path, "w") as f:
        f.write(textwrap.dedent(text))
    out = os.path.join(folder, "out")
    result = run(["run", path, "--out", out, "--quiet", *extra])
    checks.check(result.returncode == 0, f"scenario runs (exit {result.returncode}) {result.stderr[-400:]}")
    return out, result


# --- A bucket [50 s, 60 s) ends before a crash at 60 s: its end-of-bucket values are those just
# before the crash, and the crash's losses count in the bucket that starts at 60 s.
out, _ = run_out("""\
    version: 1
    name: boundary
    seed: 3
    duration: 2m
    report_interval: 10s
    clients: {arrival_rate: 5/s, session_duration: exp(10m), think_time: exp(5s)}
    load_balancer: {policy: sticky_cookie}
    servers: {count: 3}
    events:
      - {at: 60s, crash: app-2}
    """)
series = {float(row["time_s"]): row for row in read_csv(os.path.join(out, "timeseries.csv"))}
crash = [e for e in read_csv(os.path.join(out, "events.csv")) if e["event"] == "crash"][0]
before, at = series[50.0], series[60.0]
checks.check(int(before["servers_up"]) == 3 and int(before["servers_in_rotation"]) == 3,
             f"bucket 50 s (ends at the crash): 3 servers up and in rotation "
             f"({before['servers_up']}, {before['servers_in_rotation']})")
checks.check(int(at["servers_up"]) == 2, f"bucket 60 s: 2 servers up ({at['servers_up']})")
checks.check(int(before["sessions_lost"]) == 0 and int(at["sessions_lost"]) == int(crash["sessions_lost"]) > 0,
             f"the crash's {crash['sessions_lost']} lost sessions count in bucket 60 s, none in bucket 50 s")
# About 50 logins per bucket against 5 visits ending: the population still grows up to the crash.
checks.check(int(before["active_sessions"]) > int(series[40.0]["active_sessions"]),
             f"bucket 50 s ends before the crash's drop ({series[40.0]['active_sessions']} -> "
             f"{before['active_sessions']} active; app-2 held {crash['sessions_held']})")

# --- Event windows do not overlap: a consequence counts in the window of the most recent event
# only, so the rows never add up to more than the run had. A rolling deploy's restarts come
# every ~45 s, well inside each other's 60 s. A window the end of the run cuts says so.
out, _ = run_out("""\
    version: 1
    name: windows
    seed: 4
    duration: 6m
    clients: {arrival_rate: 5/s, session_duration: exp(10m), think_time: exp(5s)}
    load_balancer: {policy: sticky_cookie, health_check: {interval: 5s, unhealthy_after: 2, healthy_after: 2}}
    servers: {count: 3, startup_time: 10s}
    events:
      - {at: 2m, deploy: {batch: 1, drain: 10s}}
      - {at: 5m40s, crash: app-1}
    """)
summary = read_csv(os.path.join(out, "summary.csv"))[0]
events = read_csv(os.path.join(out, "events.csv"))
windowed = [e for e in events if e["window_s"] != ""]
for column, field in (("forced_logouts_after", "forced_logouts"), ("failed_after", "failed")):
    total = sum(int(e[column]) for e in windowed)
    checks.check(total <= int(summary[field]),
                 f"events' {column} add up to at most the run's {field} ({total} <= {summary[field]})")
restarts = [e for e in events if e["event"] == "deploy_restart"]
checks.check(len(restarts) == 3, f"three servers restarted ({len(restarts)})")
times = [float(e["time_s"]) for e in windowed]
for e, after in zip(windowed, times[1:] + [360.0]):
    expected = min(60.0, after - float(e["time_s"]))
    checks.check(abs(float(e["window_s"]) - expected) < 1e-9,
                 f"{e['event']} {e['target']} at {e['time_s']} s counts over {e['window_s']} s "
                 f"(up to the next event or the run's end: {expected:g} s)")
last = [e for e in events if e["event"] == "crash"][0]
checks.check(float(last["window_s"]) == 20.0, f"the crash 20 s before the end has a 20 s window ({last['window_s']})")

# --- Abandoned, not lost: ip_hash over memory sessions, scaled out from 3 to 6 servers at 2 min.
# No server goes down, so no session is lost; but a user whose hash(IP) mod 6 differs from its mod 3
# (half of them) reaches a server that does not know its session: it gives the session up (a
# forced logout) and logs in again. Lower bound: half of the ~3,000 logged-in users (5/s x 10 min)
# who send one more request before their visit ends, m / (m + Z) = 600 / 605; sd of a binomial.
out, result = run_out("""\
    version: 1
    name: abandoned
    seed: 5
    duration: 4m
    clients: {arrival_rate: 5/s, start: steady_state, session_duration: exp(10m), think_time: exp(5s)}
    load_balancer: {policy: ip_hash}
    servers: {count: 3, max: 6, startup_time: 10s}
    events:
      - {at: 2m, scale: {to: 6}}
    designs:
      - name: ip-hash
      - name: sticky
        load_balancer: {policy: sticky_cookie}
    """)
rows = {row["design"]: row for row in read_csv(os.path.join(out, "summary.csv"))}
ip_hash, sticky = rows["ip-hash"], rows["sticky"]
moved = 0.5 * 3000 * 600 / 605
lowest = moved - 4 * math.sqrt(3000 * 0.25)
checks.check(int(ip_hash["sessions_lost"]) == 0, f"ip_hash scale-out loses no session ({ip_hash['sessions_lost']})")
checks.check(int(ip_hash["users_affected"]) >= lowest,
             f"ip_hash scale-out: {ip_hash['users_affected']} users gave up a session, at least {lowest:.0f}")
checks.check(int(ip_hash["sessions_abandoned"]) == int(ip_hash["forced_logouts"]) >= int(ip_hash["users_affected"]),
             f"each of the {ip_hash['forced_logouts']} forced logouts is an abandoned session "
             f"({ip_hash['sessions_abandoned']})")
checks.check(int(ip_hash["sessions_abandoned"]) <= int(ip_hash["sessions_ended"]),
             "abandoned sessions are part of sessions_ended")
checks.check(int(sticky["sessions_abandoned"]) == 0 and int(sticky["forced_logouts"]) == 0,
             "a sticky cookie keeps every session on its server through the scale-out")
table = run(["run", os.path.join(os.path.dirname(out), "scenario.yaml")]).stdout
checks.check("sessions abandoned" in table, "the table shows the sessions abandoned")

checks.finish()
