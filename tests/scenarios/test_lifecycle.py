"""Lifecycle events against their exact facts and against session-loss arithmetic
(../shared/reference/validation.md §2): deploys, scale-in with and without drain (S3), store
crashes (S4 and the snapshot loss), revocation, hash remapping when the pool grows, and the
autoscaler's bounds, cooldown and start-up."""
import math
import os
import re

from common import ROOT, Checks, read_csv, run, temp_dir

checks = Checks()
Z = 3.29  # two-sided 0.1%: a fixed-seed test has no real chance of breaking when a seed changes


def run_scenario(name, *extra):
    out = os.path.join(temp_dir(), "out")
    result = run(["run", os.path.join(ROOT, "scenarios", name), "--out", out, "--quiet", *extra])
    checks.check(result.returncode == 0, f"{name}: exit {result.returncode} {result.stderr[-500:]}")
    summary = {row["design"]: row for row in read_csv(os.path.join(out, "summary.csv"))}
    events = read_csv(os.path.join(out, "events.csv"))
    series = read_csv(os.path.join(out, "timeseries.csv"))
    return summary, events, series


def events_of(events, design):
    return [e for e in events if e["design"] == design]


def lost(summary, design):
    return int(summary[design]["sessions_lost"])


# Every event row carries the sessions it destroyed: together they are all the lost sessions.
def check_event_sum(name, summary, events):
    for design, row in summary.items():
        total = sum(int(e["sessions_lost"]) for e in events_of(events, design))
        checks.check(total == int(row["sessions_lost"]),
                     f"{name}/{design}: events.csv rows sum to sessions_lost ({total} = {row['sessions_lost']})")


def check_stops_lose_what_they_held(name, events):
    for e in events:
        if e["event"] in ("crash", "stop", "deploy_restart") and e["target"].startswith("app-"):
            checks.check(int(e["sessions_lost"]) == int(e["sessions_held"]),
                         f"{name}/{e['design']}: {e['event']} {e['target']} at {e['time_s']}s lost exactly the "
                         f"{e['sessions_held']} sessions it held")


# --- rolling deploy: sticky memory loses (almost) everything, stateless designs nothing
summary, events, _ = run_scenario("rolling-deploy.yaml")
check_event_sum("rolling-deploy", summary, events)
check_stops_lose_what_they_held("rolling-deploy", events)
for design in ("shared-redis", "stateless-jwt"):
    checks.check(lost(summary, design) == 0 and int(summary[design]["forced_logouts"]) == 0,
                 f"rolling-deploy/{design}: no session lost, nobody logged out across the deploy")
    restarts = [e for e in events_of(events, design) if e["event"] == "deploy_restart"]
    checks.check(len(restarts) == 4, f"rolling-deploy/{design}: all 4 servers restarted ({len(restarts)})")
checks.check(any(e["event"] == "deploy_done" for e in events_of(events, "sticky-memory")),
             "rolling-deploy/sticky-memory: the deploy completes")

# --- scale-in with drain (S3): lost ~ Binomial(K, e^(-T/D)), K = sessions held when the drain starts
summary, events, _ = run_scenario("scale-in-drain.yaml")
check_event_sum("scale-in-drain", summary, events)
check_stops_lose_what_they_held("scale-in-drain", events)
D = 600.0
for design, drain in (("no-drain", 0.0), ("drain-5m", 300.0), ("drain-30m", 1800.0)):
    rows = events_of(events, design)
    start = next(e for e in rows if e["event"] == "scale_in")
    K = int(start["sessions_held"])
    p = math.exp(-drain / D)
    got = lost(summary, design)
    if drain == 0:
        checks.check(got == K, f"scale-in-drain/{design}: no drain loses exactly the K={K} sessions held ({got})")
    else:
        band = Z * math.sqrt(K * p * (1 - p))
        checks.check(abs(got - K * p) <= band,
                     f"S3 scale-in-drain/{design}: lost {got}, theory K e^(-T/D) = {K * p:.1f} +- {band:.1f} (K={K})")

# --- redis crash (S4) and the snapshot loss at a known phase
summary, events, _ = run_scenario("redis-crash-persistence.yaml")
check_event_sum("redis-crash-persistence", summary, events)
rate, D, t_crash = 10.0, 600.0, 3750.0
m = rate * D * (1 - math.exp(-t_crash / D))
got = lost(summary, "no-persistence")
checks.check(abs(got - m) <= Z * math.sqrt(m), f"S4 redis crash, no persistence: lost {got}, theory {m:.1f} +- {Z * math.sqrt(m):.0f}")
phase = t_crash % 300.0  # created since the last snapshot and still alive: Lambda D (1 - e^(-phase/D))
m = rate * D * (1 - math.exp(-phase / D))
got = lost(summary, "snapshot-5m")
checks.check(abs(got - m) <= Z * math.sqrt(m),
             f"redis crash, snapshot every 5m, {phase:.0f}s after one: lost {got}, theory {m:.1f} +- {Z * math.sqrt(m):.0f}")
m = rate * D * (1 - math.exp(-1.0 / D))
for design in ("aof", "replica"):
    got = lost(summary, design)
    checks.check(abs(got - m) <= Z * math.sqrt(m) + 1,
                 f"redis crash, {design}: lost {got}, theory {m:.1f} (the last second of writes)")
replica_down = int(summary["replica"]["failed_store_down"])
plain_down = int(summary["no-persistence"]["failed_store_down"])
checks.check(0 < replica_down < plain_down / 2,
             f"a replica's 10s failover fails fewer requests than a 30s outage ({replica_down} < {plain_down}/2)")

# --- database: durable, unavailable while down
summary, events, _ = run_scenario("database-sessions.yaml")
checks.check(lost(summary, "database-sessions") == 0, "database crash loses no session")
checks.check(int(summary["database-sessions"]["failed_store_down"]) > 0, "database crash fails requests (store_down)")

# --- revocation: JWT tokens stay valid, the denylist and redis refuse them
summary, events, _ = run_scenario("jwt-revocation.yaml")
revoked = int(re.search(r"(\d+) of", events_of(events, "jwt")[0]["detail"]).group(1))
checks.check(int(summary["jwt"]["revoked_accepted"]) > revoked,
             f"jwt: revoked tokens keep being accepted ({summary['jwt']['revoked_accepted']} requests)")
for design in ("redis-logout", "jwt-denylist"):
    forced = int(summary[design]["forced_logouts"])
    checks.check(int(summary[design]["revoked_accepted"]) == 0 and 0.8 * revoked <= forced <= revoked,
                 f"{design}: no revoked session accepted; {forced} of {revoked} revoked users forced out")

# --- hash remapping when the pool grows from 4 to 5: ip_hash moves ~4/5 of users, a ring ~1/5
summary, events, series = run_scenario("hash-scale-out.yaml")
active = {r["design"]: int(r["active_sessions"]) for r in series if abs(float(r["time_s"]) - 1190.0) < 1e-6}
for design, share in (("ip-hash", 4 / 5), ("consistent-hash", 1 / 5)):
    moved = int(next(e for e in events_of(events, design) if e["event"] == "scale_out")["forced_logouts_after"])
    users = active[design]
    checks.check(abs(moved / users - share) < 0.1,
                 f"{design}: {moved} of {users} logged-in users forced out within 60s of the scale-out "
                 f"({moved / users:.2f}, theory about {share:.2f} of those who send a request)")

# --- the autoscaler: within min/max, cooldown respected, new servers serve only after start-up
summary, events, series = run_scenario("autoscale-peak.yaml")
decisions = [e for e in events if e["event"] in ("scale_out", "scale_in")]
checks.check(any(e["event"] == "scale_out" for e in decisions) and any(e["event"] == "scale_in" for e in decisions),
             f"autoscale: servers follow the load ({len(decisions)} decisions, out and in)")
for e in decisions:
    after = int(re.search(r"-> (\d+) servers", e["detail"]).group(1))
    checks.check(2 <= after <= 12, f"autoscale at {e['time_s']}s: {after} servers within [2, 12]")
times = [float(e["time_s"]) for e in decisions]
checks.check(all(b - a >= 120 - 1e-9 for a, b in zip(times, times[1:])), f"autoscale: decisions 2 minutes apart or more {times}")
rotation = [(float(r["time_s"]), int(r["servers_in_rotation"])) for r in series]
for e in (e for e in decisions if e["event"] == "scale_out"):
    t = float(e["time_s"])
    before = max(n for (b, n) in rotation if b + 10 <= t + 1e-9)  # bucket that ended at or before t
    early = [n for (b, n) in rotation if t < b + 10 < t + 20]      # buckets ending within the start-up
    checks.check(all(n <= before for n in early),
                 f"autoscale at {t:.0f}s: no new server in rotation before its 20s start-up ({early} vs {before})")
busiest = max(rotation, key=lambda x: x[1])[0]
checks.check(600 < busiest < 1800, f"autoscale: the most servers are in rotation during the peak (at {busiest:.0f}s)")
checks.finish()
