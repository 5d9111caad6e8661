"""Counts that must not mislead: what a time-series bucket holds at an event on its boundary,
and the windows of consequences that events.csv gives each event."""
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

checks.finish()
