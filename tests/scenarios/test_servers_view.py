#!/usr/bin/env python3
"""The per-server view (servers.csv), the stop event and autoscale.scale_in_pick, end to end.

- servers.csv adds up to timeseries.csv exactly, bucket by bucket: sessions held = active
  sessions (memory sessions), requests routed = requests sent (none answered by the balancer
  itself), connections held = users connected; the output contract still holds;
- nat-ip-hash: 3,000 users behind 3 addresses reach at most 3 of the 6 servers under ip_hash
  (the other three get no request at all), each busy one at about 90% of its CPU; the sticky
  cookie spreads them evenly;
- a stop of app-2 with a 1-minute drain: out of rotation from the stop, down from the drain's
  end, the others then hold every session; each user it held is logged out once;
- a stop without a drain: one row, every session lost, and a warning;
- scale_in_pick: newest drains the highest-numbered of the servers started together,
  fewest_sessions the one holding the fewest sessions (app-1, after its crash and restart);
- the same scenario gives the same servers.csv byte for byte; a pool too large for the limit
  writes the header alone and says so.
"""
import collections
import os
import struct
import subprocess

from common import CONTRACT, ROOT, Checks, read_csv, run, temp_dir, unwrap_warnings

checks = Checks()

STOP = """\
version: 1
name: stop-app-2
seed: 3
duration: 6m
report_interval: 10s
clients: {arrival_rate: 5/s, session_duration: exp(10m), think_time: exp(5s)}
load_balancer: {policy: sticky_cookie}
servers: {count: 3, startup_time: 10s}
sessions: {store: memory}
events:
  - {at: 2m, stop: {server: app-2%s}}
"""

PICK = """\
version: 1
name: scale-in-pick
seed: 5
duration: 5m
report_interval: 10s
clients: {arrival_rate: 2/s, session_duration: exp(20m), think_time: exp(4s), start: steady_state}
load_balancer: {policy: sticky_cookie}
servers: {count: 3, max: 3, cores: 2, startup_time: 10s}
sessions: {store: memory}
autoscale: {target: 60%, min: 2, max: 3, interval: 30s, cooldown: 0s, scale_in_drain: 30s}
events:
  - {at: 1m, crash: app-1}
  - {at: 1m10s, restart: app-1}
  - {at: 3m, traffic: {think_time: exp(20s)}}
designs:
  - name: newest
  - name: fewest
    autoscale: {scale_in_pick: fewest_sessions}
"""


def run_out(scenario_path, *extra):
    out = os.path.join(temp_dir(), "out")
    result = run(["run", scenario_path, "--out", out, "--quiet"] + list(extra))
    return out, result


def write_scenario(text):
    path = os.path.join(temp_dir(), "scenario.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def by_bucket(rows):
    """(design, replication, time_s) -> the rows of that bucket."""
    buckets = collections.defaultdict(list)
    for row in rows:
        buckets[(row["design"], row["replication"], row["time_s"])].append(row)
    return buckets


def check_sums(out, what):
    """servers.csv against timeseries.csv, bucket by bucket."""
    servers = by_bucket(read_csv(os.path.join(out, "servers.csv")))
    series = read_csv(os.path.join(out, "timeseries.csv"))
    summary = read_csv(os.path.join(out, "summary.csv"))
    checks.check(all(int(s["failed_no_server"]) == 0 and int(s["failed_server_down"]) == 0 for s in summary),
                 f"{what}: every request reached a server (so the routed requests must add up)")
    held_ok = routed_ok = rows_ok = True
    for bucket in series:
        rows = servers[(bucket["design"], bucket["replication"], bucket["time_s"])]
        rows_ok &= len(rows) > 0
        held_ok &= sum(int(r["sessions_held"]) for r in rows) == int(bucket["active_sessions"])
        routed_ok &= sum(int(r["requests"]) for r in rows) == int(bucket["requests"])
    checks.check(rows_ok, f"{what}: servers.csv has rows for every bucket of timeseries.csv")
    checks.check(held_ok, f"{what}: sessions held by the servers = active sessions, in every bucket")
    checks.check(routed_ok, f"{what}: requests routed to the servers = requests sent, in every bucket")
    contract = subprocess.run([CONTRACT, out], capture_output=True, text=True)
    checks.check(contract.returncode == 0, f"{what}: the output contract holds ({contract.stdout.strip()[:80]})")


def mean_cpu(rows, design, server, from_s):
    values = [float(r["cpu_utilization"]) for r in rows if r["design"] == design and r["server"] == server
              and float(r["time_s"]) >= from_s and r["cpu_utilization"] != ""]
    return sum(values) / len(values) if values else 0.0


# ---------------------------------------------------------------- nat-ip-hash: one server far busier
nat, result = run_out(os.path.join(ROOT, "scenarios", "nat-ip-hash.yaml"))
checks.check(result.returncode == 0, f"nat-ip-hash runs (exit {result.returncode})")
check_sums(nat, "nat-ip-hash")
rows = read_csv(os.path.join(nat, "servers.csv"))
names = [f"app-{i}" for i in range(1, 7)]
checks.check({r["server"] for r in rows} == set(names), "nat-ip-hash: one row per server of servers.max (6)")
# After the 2-minute warmup. 3,000 users in a visit 5m / (5m + 30s) of the time, a request every
# 4 s of 8 ms CPU: 5.45 cores busy, 1.82 per address, on a server of 2 cores: ~91% (less the
# time users wait for their answers, a closed population).
cpu = {name: mean_cpu(rows, "ip-hash", name, 120) for name in names}
idle = [name for name in names if all(int(r["requests"]) == 0 for r in rows
                                      if r["design"] == "ip-hash" and r["server"] == name)]
busy = [name for name in names if name not in idle]
checks.check(len(idle) >= 3, f"ip-hash behind 3 addresses: at least 3 servers never get a request ({idle})")
checks.check(all(cpu[name] > 0.8 for name in busy),
             f"ip-hash: each busy server near 90% CPU ({', '.join(f'{n} {cpu[n]:.0%}' for n in busy)})")
sticky = [mean_cpu(rows, "sticky-cookie", name, 120) for name in names]
# Evenly spread: 5.45 cores over 12, ~45% each; logins round robin, ~450 users per server, so
# the spread between servers is a few percent (1/sqrt(450) ~ 5% relative).
checks.check(min(sticky) > 0.35 and max(sticky) < 0.55 and max(sticky) / min(sticky) < 1.25,
             f"sticky-cookie: every server about 45% ({min(sticky):.0%} .. {max(sticky):.0%})")

# ---------------------------------------------------------------- byte-reproducible
again, _ = run_out(os.path.join(ROOT, "scenarios", "nat-ip-hash.yaml"), "--jobs", "1")
with open(os.path.join(nat, "servers.csv"), "rb") as a, open(os.path.join(again, "servers.csv"), "rb") as b:
    checks.check(a.read() == b.read(), "the same scenario and seed give the same servers.csv, byte for byte")

# ---------------------------------------------------------------- realtime: connections per server
realtime, result = run_out(os.path.join(ROOT, "scenarios", "realtime-chat-delivery.yaml"))
connected_ok = True
servers = by_bucket(read_csv(os.path.join(realtime, "servers.csv")))
for bucket in read_csv(os.path.join(realtime, "timeseries.csv")):
    held = servers[(bucket["design"], bucket["replication"], bucket["time_s"])]
    connected_ok &= sum(int(r["connections"]) for r in held) == int(bucket["connected"])
checks.check(result.returncode == 0 and connected_ok,
             "realtime: connections held by the servers = users connected, in every bucket (a crash included)")
checks.check(all(r["connections"] == "" for r in read_csv(os.path.join(nat, "servers.csv"))),
             "without realtime the connections column is empty")

# ---------------------------------------------------------------- stop: {server: app-2, drain: 1m}
stop, result = run_out(write_scenario(STOP % ", drain: 1m"))
checks.check(result.returncode == 0, f"a stop with a drain runs (exit {result.returncode})")
check_sums(stop, "stop app-2")
rows = read_csv(os.path.join(stop, "servers.csv"))
app2 = {float(r["time_s"]): r for r in rows if r["server"] == "app-2"}
checks.check(all(app2[t]["in_rotation"] == "1" and app2[t]["up"] == "1" for t in app2 if t < 120),
             "app-2 up and in rotation before its stop")
checks.check(all(app2[t]["in_rotation"] == "0" for t in app2 if t >= 120), "app-2 out of rotation from the stop on")
draining = [app2[t] for t in sorted(app2) if 120 <= t < 180]
checks.check(all(r["up"] == "1" for r in draining) and
             all(int(a["sessions_held"]) >= int(b["sessions_held"]) > 0 for a, b in zip(draining, draining[1:])),
             "while it drains app-2 is up and its sessions only go (no new ones)")
checks.check(all(r["up"] == "0" and r["sessions_held"] == "0" and r["requests"] == "0" and r["cpu_utilization"] == ""
                 for t, r in app2.items() if t >= 180), "app-2 down, empty and without requests after the drain")
others = by_bucket(r for r in rows if r["server"] != "app-2")
series = {float(b["time_s"]): b for b in read_csv(os.path.join(stop, "timeseries.csv"))}
checks.check(all(sum(int(r["sessions_held"]) for r in others[("stop-app-2", "0", f"{t:.3f}")]) ==
                 int(series[t]["active_sessions"]) > 0 for t in series if t >= 180),
             "after the drain app-1 and app-3 hold every session")
events = read_csv(os.path.join(stop, "events.csv"))
stops = [e for e in events if e["event"] == "stop"]
checks.check(len(stops) == 2 and stops[0]["time_s"] == "120.000" and stops[1]["time_s"] == "180.000"
             and all(e["target"] == "app-2" for e in stops), "two stop rows: the stop at 2m, the drain's end at 3m")
if len(stops) == 2:
    begun, ended = stops
    checks.check(begun["sessions_lost"] == "0" and int(begun["sessions_held"]) > 0 and "draining for 60s" in begun["detail"],
                 f"the stop's row: held {begun['sessions_held']}, none lost ({begun['detail']})")
    lost = int(ended["sessions_lost"])
    # Each lost session's user is logged out at its next request, unless the visit ends first:
    # probability think / (think + visit) = 5s / 605s; 0.95 leaves > 5 binomial sd.
    checks.check(lost == int(ended["sessions_held"]) > 0 and lost * 0.95 <= int(ended["forced_logouts_after"]) <= lost,
                 f"the drain's end loses what app-2 held ({lost}) and logs those users out "
                 f"({ended['forced_logouts_after']} forced logouts)")
with open(os.path.join(stop, "scenario.yaml")) as f:
    checks.check("stop:\n          server: app-2\n          drain: 1m" in f.read(), "the resolved scenario writes the stop back")

# ---------------------------------------------------------------- stop without a drain: at once, warned
undrained, result = run_out(write_scenario(STOP % ""))
stops = [e for e in read_csv(os.path.join(undrained, "events.csv")) if e["event"] == "stop"]
checks.check("no drain given, so drain: 0s (app-2 stops at once" in result.stderr, "a stop without a drain is warned of")
checks.check(len(stops) == 1 and stops[0]["time_s"] == "120.000"
             and stops[0]["sessions_lost"] == stops[0]["sessions_held"] != "0",
             f"a stop without a drain: one row at 2m, every session it held lost ({stops})")

# ---------------------------------------------------------------- a stop of the server a deploy drains
DEPLOY = STOP.replace("  - {at: 2m, stop: {server: app-2%s}}\n",
                      "  - {at: 1m, deploy: {batch: 1, drain: 30s}}\n  - {at: 1m10s, stop: {server: app-1, drain: 10s}}\n")
deploying, result = run_out(write_scenario(DEPLOY))
rows = read_csv(os.path.join(deploying, "events.csv"))
restarted = [e["target"] for e in rows if e["event"] == "deploy_restart"]
checks.check(result.returncode == 0 and restarted == ["app-2", "app-3"] and any(e["event"] == "deploy_done" for e in rows),
             f"a stop of the server a deploy drains: the deploy goes on with the others and completes ({restarted})")

# ---------------------------------------------------------------- scale_in_pick
pick, result = run_out(write_scenario(PICK))
checks.check(result.returncode == 0, f"the scale-in pick scenario runs (exit {result.returncode})")
scale_ins = {e["design"]: e for e in read_csv(os.path.join(pick, "events.csv")) if e["event"] == "scale_in"}
checks.check("draining app-3 for" in scale_ins.get("newest", {}).get("detail", ""),
             "newest: the scale-in drains app-3 (started with app-1 and app-2, the highest number)")
fewest = scale_ins.get("fewest", {})
checks.check("draining app-1 (the fewest sessions) for" in fewest.get("detail", ""),
             f"fewest_sessions: the scale-in drains app-1 ({fewest.get('detail', '')})")
if fewest:
    # The state just before the decision: the bucket that ends at its instant.
    before = f"{float(fewest['time_s']) - 10:.3f}"
    held = {r["server"]: int(r["sessions_held"]) for r in read_csv(os.path.join(pick, "servers.csv"))
            if r["design"] == "fewest" and r["time_s"] == before}
    checks.check(held and min(held, key=held.get) == "app-1",
                 f"servers.csv: app-1 holds the fewest sessions when the autoscaler decides ({held})")
with open(os.path.join(pick, "scenario.yaml")) as f:
    resolved = f.read()
checks.check("scale_in_pick: newest" in resolved and "scale_in_pick: fewest_sessions" in resolved,
             "the resolved scenario writes scale_in_pick back (newest, the default, included)")

# ---------------------------------------------------------------- too many rows: none, and said
LARGE = """\
version: 1
name: large-pool
duration: 1000s
report_interval: 10s
clients: {arrival_rate: 1/s}
servers: {count: 2, max: 2001}
"""
large, result = run_out(write_scenario(LARGE))
with open(os.path.join(large, "servers.csv")) as f:
    lines = f.read().splitlines()
checks.check(result.returncode == 0 and len(lines) == 1 and lines[0].startswith("design,replication,time_s,server"),
             "2,001 servers x 100 buckets (above 200,000 rows): servers.csv holds the header alone")
checks.check("servers.csv has no rows for it" in unwrap_warnings(result.stdout) + result.stderr, "and a warning says so")

# ---------------------------------------------------------------- the chart: servers-<design>.png
SERVERS_PX = (1100, 990)


def png_size(path):
    with open(path, "rb") as f:
        header = f.read(24)
    return struct.unpack(">II", header[16:24]) if header[:8] == b"\x89PNG\r\n\x1a\n" else None


def plot(out):
    return subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "analysis", "plot.py"), out],
                          capture_output=True, text=True, timeout=600)


def check_chart(path, what):
    from matplotlib import image as mpimg

    if not checks.check(os.path.isfile(path), f"{what}: {os.path.basename(path)} drawn"):
        return
    checks.check(png_size(path) == SERVERS_PX, f"{what}: {os.path.basename(path)} is 1100x990 px ({png_size(path)})")
    image = mpimg.imread(path)[:, :, :3]
    checks.check(float(image.std()) > 0.01 and (image < 0.95).any(axis=2).mean() > 0.01, f"{what}: not blank")


done = plot(nat)
checks.check(done.returncode == 0, f"plot.py on nat-ip-hash ({done.stderr.strip()[-300:]})")
for design in ("ip-hash", "sticky-cookie"):
    check_chart(os.path.join(nat, "plots", f"servers-{design}.png"), f"nat-ip-hash {design}, a line per server")
MANY = """\
version: 1
name: many-servers
seed: 2
duration: 2m
clients: {arrival_rate: 10/s, session_duration: exp(5m), think_time: exp(5s)}
servers: {count: 20, max: 30}
events:
  - {at: 1m, stop: {server: app-12, drain: 0s}}
"""
many, _ = run_out(write_scenario(MANY))
done = plot(many)
checks.check(done.returncode == 0, f"plot.py on 20 servers ({done.stderr.strip()[-300:]})")
check_chart(os.path.join(many, "plots", "servers-many-servers.png"), "20 servers, a heat map")
done = plot(large)
checks.check(done.returncode == 0 and not os.path.exists(os.path.join(large, "plots", "servers-large-pool.png")),
             "no per-server chart for a design without per-server rows")

checks.finish()
