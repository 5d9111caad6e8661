"""Realtime connections (design/stateful-workloads.md §1) against the reference values R1-R4 of
../shared/reference/validation.md §5, with fixed seeds and tolerances from theory (about four
standard deviations):

- R1 local delivery: with C users balanced over N servers, a direct message to a uniform other
  user finds it on its own server with probability (C/N - 1)/(C - 1); binomial tolerance.
  (Round robin gives connects alone a balanced placement when every login goes out before the
  first connect: all users log in at t = 0, so the connects take C consecutive turns.)
- R2 pub/sub without faults misses nothing, and publishes each message once to the store.
- R3 reconnect times after a crash: uniform(0, heartbeat) + the backoff's jitter law + the
  connect's round trip, its median and 99th percentile within the order statistics' spread.
- R4 the end of a drain with `jitter: none` puts every reconnect of that server in the bucket
  holding t + backoff.
- Exact bookkeeping: a crash drops exactly the connections the server held; sticky sessions
  in memory log out every user of the crashed server once; a stream replays what pub/sub
  misses; max_connections refuses the connects beyond it; the summary adds up.
"""
import math
import os

from common import Checks, read_csv, run, run_text, temp_dir

checks = Checks()
Z = 4.0  # standard deviations


def run_chat(name, text):
    """The summary rows by design, the events and the buckets of a run; deliveries add up."""
    out = run_text(checks, name, text)
    if out is None:
        return {}, [], []
    summary = {r["design"]: r for r in read_csv(os.path.join(out, "summary.csv"))}
    for design, row in summary.items():
        if row["message_deliveries"] == "":
            continue  # a design without the realtime section
        checks.check(int(row["message_deliveries"]) == int(row["messages_delivered"]) + int(row["messages_missed"])
                     + int(row["deliveries_in_flight"]),
                     f"{name}/{design}: deliveries = delivered + missed + in flight ({row['message_deliveries']})")
    return summary, read_csv(os.path.join(out, "events.csv")), read_csv(os.path.join(out, "timeseries.csv"))


def held_and_dropped(event):
    """events.csv: the connections the server held when it stopped, and those dropped one by one."""
    if event["connections_held"] == "":
        return None, None
    return int(event["connections_held"]), int(event["connections_dropped"])


# ---------------------------------------------------------------------------------------------
# R1, R2: 900 users over 3 servers, no faults.
USERS, SERVERS = 900, 3
CHAT = f"""\
version: 1
name: delivery
seed: 7
duration: 6m
realtime:
  users: {USERS}
  ramp_up: 0s
  message_rate: 8/m
  delivery: local
servers: {{count: {SERVERS}}}
sessions: {{store: jwt}}
designs:
  - name: local
  - name: local-counted    # the same placement, read at the end from a crash of every server
    events:
      - {{at: 5m59s, crash: app-1}}
      - {{at: 5m59s, crash: app-2}}
      - {{at: 5m59s, crash: app-3}}
  - name: pubsub
    realtime: {{delivery: pubsub}}
  - name: stream
    realtime: {{delivery: stream}}
"""
summary, events, series = run_chat("delivery", CHAT)
if summary:
    held = [held_and_dropped(e)[0] for e in events if e["design"] == "local-counted"]
    checks.check(held == [USERS // SERVERS] * SERVERS,
                 f"R1 round robin, every login before the first connect: balanced connections {held}")
    row = summary["local"]
    decided = int(row["message_deliveries"]) - int(row["deliveries_in_flight"])
    p = (USERS / SERVERS - 1) / (USERS - 1)
    share = int(row["messages_delivered"]) / decided
    sd = math.sqrt(p * (1 - p) / decided)
    checks.check(abs(share - p) <= Z * sd,
                 f"R1 local delivery reaches {share:.5f} of {decided} direct messages; theory (C/N-1)/(C-1) = "
                 f"{p:.5f} +- {Z * sd:.5f}")
    for design in ("pubsub", "stream"):
        row = summary[design]
        sent, ops, in_flight = int(row["messages_sent"]), int(row["store_ops"]), int(row["deliveries_in_flight"])
        checks.check(int(row["messages_missed"]) == 0 and int(row["messages_replayed"]) == 0,
                     f"R2 {design} without faults misses nothing ({row['messages_missed']} missed)")
        checks.check(sent - in_flight <= ops <= sent,
                     f"R2 {design}: one store operation per message ({ops} for {sent} sent, {in_flight} in flight)")
    checks.check(int(summary["local"]["store_ops"]) == 0, "R2 local delivery uses no store")

# ---------------------------------------------------------------------------------------------
# R3: a crash; detection uniform(0, H), then the jittered backoff, then the connect. The
# balancer notices the crash at once (a probe at the crash's instant, unhealthy after one),
# so no reconnect goes to the dead server.
H, B = 20.0, 2.0
CRASH_USERS = 8000
RTT = 2 * (0.020 + 0.00025) + 0.002 + 50e-6  # client and server links both ways, connect_cpu, token check
CRASH = f"""\
version: 1
name: reconnect
seed: 11
duration: 4m
realtime:
  users: {CRASH_USERS}
  ramp_up: 1m
  heartbeat: {H:g}s
  message_rate: 0/s
  reconnect: {{backoff: {B:g}s, max_backoff: 30s, jitter: full}}
load_balancer: {{health_check: {{interval: 1s, unhealthy_after: 1}}}}
servers: {{count: 4}}
sessions: {{store: jwt}}
events:
  - {{at: 2m, crash: app-2}}
designs:
  - name: full
  - name: equal
    realtime: {{reconnect: {{jitter: equal}}}}
  - name: none
    realtime: {{reconnect: {{jitter: none}}}}
"""


def uniform_sum_quantile(q, a, w, offset):
    """q-quantile of U(0, a) + U(0, w) + offset (a >= w), and the density there."""
    if w == 0:
        return offset + q * a, 1 / a
    if q <= w / (2 * a):  # lower triangle
        x = math.sqrt(2 * a * w * q)
        return offset + x, x / (a * w)
    if q >= 1 - w / (2 * a):  # upper triangle
        x = math.sqrt(2 * a * w * (1 - q))
        return offset + a + w - x, x / (a * w)
    return offset + q * a + w / 2, 1 / a


summary, events, series = run_chat("reconnect", CRASH)
if summary:
    jitter_law = {"full": (B, 0.0), "equal": (B / 2, B / 2), "none": (0.0, B)}  # (width, offset)
    for design, (width, offset) in jitter_law.items():
        row = summary[design]
        crash = next(e for e in events if e["design"] == design and e["event"] == "crash")
        held, dropped = held_and_dropped(crash)
        checks.check(held == dropped == int(row["connections_dropped"]) and held > 0,
                     f"{design}: the crash dropped the {held} connections app-2 held ({row['connections_dropped']})")
        checks.check(int(row["connections_opened"]) == CRASH_USERS + held,
                     f"{design}: every dropped user connected again ({row['connections_opened']} opened)")
        checks.check(int(row["failed_server_down"]) == 0, f"{design}: no reconnect reached the dead server")
        for q, field in ((0.50, "reconnect_time_p50_s"), (0.99, "reconnect_time_p99_s")):
            theory, density = uniform_sum_quantile(q, H, width, offset + RTT)
            sd = math.sqrt(q * (1 - q) / held) / density
            got = float(row[field])
            checks.check(abs(got - theory) <= Z * sd,
                         f"R3 {design} jitter: reconnect time p{round(q * 100)} {got:.3f}s, theory U(0,{H:g}) + "
                         f"jitter + round trip = {theory:.3f}s +- {Z * sd:.3f} ({held} reconnects)")

# ---------------------------------------------------------------------------------------------
# R4: the end of a drain closes the connections at once; with no jitter every client of that
# server connects again exactly one backoff later.
BACKOFF = 5.0
DRAIN = f"""\
version: 1
name: drain-end
seed: 13
duration: 4m
report_interval: 1s
realtime:
  users: 3000
  ramp_up: 1m
  message_rate: 1/m
  reconnect: {{backoff: {BACKOFF:g}s, jitter: none}}
servers: {{count: 3}}
sessions: {{store: jwt}}
events:
  - {{at: 2m, scale: {{to: 2, drain: 30s}}}}
"""
summary, events, series = run_chat("drain-end", DRAIN)
if summary:
    stop = next(e for e in events if e["event"] == "stop")
    t_stop = float(stop["time_s"])
    held, dropped = held_and_dropped(stop)
    checks.check(t_stop == 150 and held == dropped > 0, f"R4 the drain ends at {t_stop:g}s and closes {held} connections")
    connects = {round(float(r["time_s"])): int(r["connects"]) for r in series}
    connected = {round(float(r["time_s"])): int(r["connected"]) for r in series}
    target = math.floor(t_stop + BACKOFF)
    checks.check(connects[target] == held,
                 f"R4 jitter none: all {held} reconnects in the bucket at t + b = {target}s ({connects[target]})")
    checks.check(all(connects[t] == 0 for t in range(int(t_stop), target)),
                 "R4 no connect between the drain's end and t + b")
    checks.check(connected[int(t_stop)] == 3000 - held and connected[target] == 3000,
                 f"R4 connected users: {connected[int(t_stop)]} after the close, {connected[target]} at t + b")
    # Each reconnect waits the backoff, then its connect queues behind the others: at most all
    # of them on the 2 servers' 4 workers at connect_cpu (2 ms) each, plus a round trip.
    queued = held * 0.002 / 4 + 0.1
    p50, p99 = float(summary["drain-end"]["reconnect_time_p50_s"]), float(summary["drain-end"]["reconnect_time_p99_s"])
    checks.check(BACKOFF < p50 <= p99 < BACKOFF + queued,
                 f"R4 reconnect times: the backoff plus the queue of {held} simultaneous connects "
                 f"(p50 {p50:.3f}s, p99 {p99:.3f}s, within ({BACKOFF:g}, {BACKOFF + queued:.3f}))")

# ---------------------------------------------------------------------------------------------
# A crash of a WebSocket server: sessions, delivery, the balancer's blind spot.
SESSIONS = """\
version: 1
name: ws-crash
seed: 17
duration: 4m
realtime:
  users: 2000
  ramp_up: 30s
  heartbeat: 20s
  message_rate: 6/m
  audience: room
  room_size: 10
  delivery: pubsub
  reconnect: {backoff: 1s, max_backoff: 30s, jitter: full}
load_balancer: {policy: sticky_cookie}
servers: {count: 4}
sessions: {store: memory}
events:
  - {at: 2m, crash: app-3}
designs:
  - name: sticky-memory
  - name: redis
    sessions: {store: redis}
  - name: redis-stream
    sessions: {store: redis}
    realtime: {delivery: stream}
  - name: least-connections
    load_balancer: {policy: least_connections}
    sessions: {store: jwt}
  - name: round-robin
    load_balancer: {policy: round_robin}
    sessions: {store: jwt}
"""
summary, events, series = run_chat("ws-crash", SESSIONS)
if summary:
    memory = summary["sticky-memory"]
    crash = next(e for e in events if e["design"] == "sticky-memory" and e["event"] == "crash")
    held, _ = held_and_dropped(crash)
    checks.check(int(memory["sessions_lost"]) == held == int(memory["forced_logouts"]),
                 f"sticky memory: the crash loses the {held} sessions of the connected users there, and each is "
                 f"logged out once when it reconnects ({memory['forced_logouts']} forced logouts)")
    checks.check(int(summary["redis"]["forced_logouts"]) == 0, "redis sessions: a reconnect elsewhere stays logged in")
    pubsub_missed = int(summary["redis"]["messages_missed"])
    stream = summary["redis-stream"]
    checks.check(int(stream["messages_replayed"]) > 0 and int(stream["messages_missed"]) < pubsub_missed / 2,
                 f"stream replays what the disconnected users missed ({stream['messages_replayed']} replayed; missed "
                 f"{stream['messages_missed']} against {pubsub_missed} with pub/sub)")
    lc, rr = int(summary["least-connections"]["failed_server_down"]), int(summary["round-robin"]["failed_server_down"])
    checks.check(lc > 2 * rr,
                 f"least_connections sends reconnects to the crashed server, which holds no connection, until the "
                 f"health checks notice ({lc} connects to a dead server against {rr} with round robin)")

# ---------------------------------------------------------------------------------------------
# max_connections, an open population, a design without the section, reproducibility.
MIXED = """\
version: 1
name: mixed
seed: 19
duration: 3m
clients: {arrival_rate: 2/s, session_duration: exp(1m)}
servers: {count: 2}
sessions: {store: redis}
designs:
  - name: web-only
  - name: capped
    realtime: {users: 300, ramp_up: 20s, max_connections: 100, message_rate: 4/m,
               reconnect: {backoff: 1s, max_backoff: 4s}}
  - name: open
    realtime: {arrival_rate: 3/s, connection_duration: exp(40s), message_rate: 6/m, audience: room, room_size: 5,
               delivery: stream}
"""
summary, events, series = run_chat("mixed", MIXED)
if summary:
    capped = summary["capped"]
    last = max(float(r["time_s"]) for r in series)
    end = {r["design"]: r for r in series if float(r["time_s"]) == last}
    checks.check(int(end["capped"]["connected"]) == 200,
                 f"max_connections 100 on 2 servers: 200 users connected at the end ({end['capped']['connected']})")
    checks.check(int(capped["connect_failed"]) > 100 and int(capped["failed_overload"]) == int(capped["connect_failed"]),
                 f"connects beyond max_connections are refused as overload ({capped['connect_failed']})")
    checks.check(summary["web-only"]["connections_opened"] == "" and end["web-only"]["connected"] == "",
                 "a design without the realtime section has empty realtime fields and columns")
    opened = summary["open"]
    checks.check(int(opened["connections_opened"]) > 400 and int(opened["sessions_ended"]) > 400,
                 f"open population: users connect, close and log out ({opened['connections_opened']} opened, "
                 f"{opened['sessions_ended']} sessions ended)")
    folder = temp_dir()
    path = os.path.join(folder, "mixed.yaml")
    with open(path, "w") as f:
        f.write(MIXED)
    outputs = []
    for jobs in ("1", "3"):
        out = os.path.join(folder, "out" + jobs)
        run(["run", path, "--out", out, "--quiet", "--jobs", jobs])
        outputs.append([open(os.path.join(out, name)).read() for name in ("summary.csv", "timeseries.csv", "events.csv")])
    checks.check(outputs[0] == outputs[1], "the same seed gives the same bytes (--jobs 1 and 3)")

# A store crash in a design whose store host carries only pub/sub (memory sessions, no effects):
# its event row speaks of the sessions' store, not of an effects' database the design lacks.
_, events, _ = run_chat("store-crash-pubsub", """\
version: 1
name: store-crash-pubsub
duration: 2m
realtime: {users: 100, delivery: pubsub, ramp_up: 10s}
events:
  - {at: 1m, crash: store}
""")
crash = [e for e in events if e["event"] == "crash" and e["target"] == "store"]
checks.check(len(crash) == 1 and "effects" not in crash[0]["detail"],
             f"a pub/sub store's crash says nothing of effects ({crash[0]['detail'] if crash else 'no row'})")

checks.finish()
