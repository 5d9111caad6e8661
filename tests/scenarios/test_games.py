"""Game servers (design/stateful-workloads.md §2) against the reference value G1 of
../shared/reference/validation.md §5, with fixed seeds and tolerances from theory:

- G1: matches arrive Poisson(lambda), last a fixed D, round robin over N servers; a crash at
  t >> D hits the matches of one server, about lambda D / N (a Poisson-like count: here round
  robin makes it even less variable). With `state: memory` exactly those are lost, each having
  played uniform(0, D) of its game (mean D/2); with `snapshot` none is lost, each rolls back
  by less than the snapshot interval, uniform(0, interval) (mean interval/2), and pauses
  from the crash until the balancer's health checks notice it.
- The store down means no snapshot and no restore until it is back; the end of a drain
  restores at once; matches in progress over time follow lambda D (the M/D/inf count).
"""
import math
import os
import re

from common import Checks, read_csv, run, run_text, temp_dir

checks = Checks()
Z = 4.0  # standard deviations


def run_games(name, text):
    """The summary rows, the events and the buckets of a run."""
    out = run_text(checks, name, text)
    if out is None:
        return [], [], []
    return (read_csv(os.path.join(out, "summary.csv")), read_csv(os.path.join(out, "events.csv")),
            read_csv(os.path.join(out, "timeseries.csv")))


def of(rows, design, replication=None):
    return [r for r in rows if r["design"] == design and (replication is None or r["replication"] == str(replication))]


# ---------------------------------------------------------------------------------------------
# G1: lambda 0.25/s, D 8 min, 4 servers, a crash at 24 min (3 D); ticks kept cheap (they do not
# change the counts), six replications.
RATE, D, N, T_CRASH, INTERVAL, REPLICATIONS = 0.25, 480.0, 4, 1440.0, 5.0, 6
DETECTION = 5.0  # the crash meets a probe round (every 5 s); the second failed probe, 5 s later, marks it down
G1 = f"""\
version: 1
name: g1
seed: 23
duration: 27m
report_interval: 30s
replications: {REPLICATIONS}
games:
  arrival_rate: {RATE}/s
  players: 1
  match_duration: {D:g}s
  tick_rate: 1/s
  state: memory
  snapshot_interval: {INTERVAL:g}s
servers: {{count: {N}}}
events:
  - {{at: {T_CRASH:g}s, crash: app-2}}
designs:
  - name: memory
  - name: snapshot
    games: {{state: snapshot}}
"""
summary, events, series = run_games("g1", G1)
if summary:
    expected = RATE * D / N
    held_counts, lost_progress, lost_total = [], 0.0, 0
    rollback_total, migrated_total = 0.0, 0
    for r in range(REPLICATIONS):
        memory, snapshot = of(summary, "memory", r)[0], of(summary, "snapshot", r)[0]
        crash = of([e for e in events if e["event"] == "crash"], "memory", r)[0]
        held, lost = int(crash["matches_held"]), int(crash["matches_lost"])
        checks.check(held == lost == int(memory["matches_lost"]),
                     f"G1 #{r} memory: the crash loses the {held} matches app-2 held ({memory['matches_lost']})")
        held_counts.append(held)
        lost_progress += float(memory["match_progress_lost_s"])
        lost_total += lost
        crash = of([e for e in events if e["event"] == "crash"], "snapshot", r)[0]
        held_snapshot = int(crash["matches_held"])
        checks.check(crash["matches_lost"] == "0", f"G1 #{r} snapshot: events.csv says the crash lost no match")
        checks.check(held_snapshot == held, f"G1 #{r}: both designs held the same matches (common random numbers)")
        checks.check(int(snapshot["matches_lost"]) == 0 and int(snapshot["matches_migrated"]) == held,
                     f"G1 #{r} snapshot: none lost, all {held} restored ({snapshot['matches_migrated']})")
        restore = of([e for e in events if e["event"] == "restore"], "snapshot", r)[0]
        at_most = float(re.search(r"at most ([\d.]+)s", restore["detail"]).group(1))
        # A snapshot counts once its write has reached the store: a crash during that write
        # (well under a millisecond here) could leave the one before, an interval older.
        checks.check(at_most < INTERVAL + 0.001,
                     f"G1 #{r} snapshot: every match rolls back by less than the interval (at most {at_most:.3f}s)")
        # Paused until the balancer notices, then while the store reads the snapshots and sends
        # them over its link, all at once: each read 100 us, each snapshot 50 KB at 1 Gbps.
        pause = float(snapshot["match_pause_s"]) / held
        restore_time = held * (100e-6 + 50e3 / 125e6) + 0.001
        checks.check(DETECTION <= pause < DETECTION + restore_time,
                     f"G1 #{r} snapshot: paused from the crash until the balancer noticed it and the snapshots "
                     f"were read ({pause:.4f}s each, below {DETECTION + restore_time:.4f})")
        rollback_total += float(snapshot["match_progress_lost_s"])
        migrated_total += held
        for design in ("memory", "snapshot"):
            row = of(summary, design, r)[0]
            checks.check(int(row["matches_started"]) == int(row["matches_completed"]) + int(row["matches_lost"])
                         + int(row["matches_in_progress"]),
                         f"G1 #{r} {design}: started = completed + lost + in progress ({row['matches_started']})")
            last = of(series, design, r)[-1]
            checks.check(last["matches_in_progress"] == row["matches_in_progress"],
                         f"G1 #{r} {design}: the last bucket ends with the matches in progress at the end")
    mean_held = sum(held_counts) / REPLICATIONS
    band = Z * math.sqrt(expected / REPLICATIONS)
    checks.check(abs(mean_held - expected) <= band,
                 f"G1 matches on the crashed server: {mean_held:.2f} on average over {REPLICATIONS} runs {held_counts}, "
                 f"theory lambda D / N = {expected:g} +- {band:.1f}")
    per_match, sd = lost_progress / lost_total, D / math.sqrt(12) / math.sqrt(lost_total)
    checks.check(abs(per_match - D / 2) <= Z * sd,
                 f"G1 memory: a lost match had played {per_match:.1f}s on average ({lost_total} matches), theory D/2 = "
                 f"{D / 2:g} +- {Z * sd:.1f}")
    rollback, sd = rollback_total / migrated_total, INTERVAL / math.sqrt(12) / math.sqrt(migrated_total)
    checks.check(abs(rollback - INTERVAL / 2) <= Z * sd,
                 f"G1 snapshot: mean rollback {rollback:.3f}s ({migrated_total} matches), theory interval/2 = "
                 f"{INTERVAL / 2:g} +- {Z * sd:.3f}")
    # Matches in progress, from D (the count is stationary) to the crash: the time average of an
    # M/D/inf count has variance lambda D^2 / T (its autocovariance is lambda D (1 - tau/D)).
    window = [float(b["matches_in_progress"]) for b in series
              if b["design"] == "memory" and D <= float(b["time_s"]) < T_CRASH - 30]
    mean_level = sum(window) / len(window)
    span = T_CRASH - 30 - D
    sd = math.sqrt(RATE * D * D / span / REPLICATIONS)
    checks.check(abs(mean_level - RATE * D) <= Z * sd,
                 f"matches in progress before the crash: {mean_level:.1f} on average, theory lambda D = {RATE * D:g} "
                 f"+- {Z * sd:.1f}")

# ---------------------------------------------------------------------------------------------
# The store down: no snapshot while it is, no restore until it is back. A drain's end: at once.
STORE = """\
version: 1
name: store-and-drain
seed: 29
duration: 14m
games:
  arrival_rate: 0.2/s
  players: 2
  match_duration: 5m
  tick_rate: 2/s
  state: snapshot
  snapshot_interval: 5s
servers: {count: 3}
sessions: {store: jwt}
events:
  - {at: 8m, crash: store}
  - {at: 8m2s, crash: app-1}
  - {at: 9m, restart: store}
  - {at: 11m, deploy: {batch: 1, drain: 10s}}
designs:
  - name: snapshot
  - name: memory
    games: {state: memory}
"""
summary, events, series = run_games("store-and-drain", STORE)
if summary:
    restores = of([e for e in events if e["event"] == "restore"], "snapshot")
    first = next(e for e in restores if e["target"] == "app-1")
    checks.check(540 <= float(first["time_s"]) < 540.05,
                 f"the store down holds the restore of app-1's matches until it is back at 540s ({first['time_s']}s)")
    at_least = float(re.search(r"rolled back ([\d.]+)s on average", first["detail"]).group(1))
    checks.check(at_least >= 2.0,
                 f"no snapshot while the store is down: a rollback of 2s at least on average ({at_least:.3f}s)")
    drained = [e for e in of(events, "snapshot") if e["event"] == "deploy_restart" and int(e["matches_held"] or 0) > 0]
    for stop in drained:
        restore = next(e for e in restores if e["target"] == stop["target"] and float(e["time_s"]) >= float(stop["time_s"]))
        checks.check(float(restore["time_s"]) - float(stop["time_s"]) < 0.05,
                     f"the end of {stop['target']}'s drain restores its matches at once ({restore['time_s']}s)")
    lost_at_drains = [e for e in of(events, "memory") if e["event"] == "deploy_restart" and int(e["matches_held"] or 0) > 0]
    for stop in lost_at_drains:
        held, lost = int(stop["matches_held"]), int(stop["matches_lost"])
        checks.check(held == lost, f"memory: the end of {stop['target']}'s drain loses the {held} matches it still held")
    checks.check(len(drained) >= 2 and len(lost_at_drains) >= 2, "the deploy's drains ended with matches on the servers")
    snapshot = of(summary, "snapshot")[0]
    checks.check(int(snapshot["matches_lost"]) == 0 and int(snapshot["store_ops"]) > 0,
                 f"snapshots: no match lost, {snapshot['store_ops']} store operations")

# ---------------------------------------------------------------------------------------------
# A sweep of a games key: sweep.csv carries the games fields and sweep_means.csv their
# intervals, not the realtime ones, and the points differ as the varied key says.
folder = temp_dir()
path = os.path.join(folder, "sweep.yaml")
with open(path, "w") as f:
    f.write(STORE.split("events:")[0] + "events:\n  - {at: 7m, crash: app-1}\n")
out = os.path.join(folder, "sweep")
result = run(["sweep", path, "--vary", "games.state=memory,snapshot", "--out", out, "--quiet"])
if checks.check(result.returncode == 0, f"a sweep over games.state runs (exit {result.returncode})"):
    rows = read_csv(os.path.join(out, "sweep.csv"))
    header = list(rows[0].keys())
    means_header = list(read_csv(os.path.join(out, "sweep_means.csv"))[0].keys())
    checks.check("matches_lost" in header and "match_pause_s_ci95_high" in means_header and
                 "connections_opened" not in header + means_header,
                 "sweep.csv has the games fields and sweep_means.csv their intervals, not the realtime ones")
    lost = {r["games.state"]: int(r["matches_lost"]) for r in rows if r["replication"] == "0"}
    checks.check(lost["memory"] > 0 and lost["snapshot"] == 0, f"the points differ as the varied state says ({lost})")

checks.finish()
