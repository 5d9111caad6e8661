"""Saturation that the output explains: a database design whose workers all wait on queries
(CPU nearly idle) is warned about before the run, reports its workers, its store and their
waits, and the table says which resource is the bottleneck."""
import os
import re
import textwrap

from common import Checks, read_csv, run, temp_dir, unwrap_warnings

checks = Checks()

# 4 servers x 2 workers; a page holds its worker for a 50 ms query, two 250 us hops and 2 ms of
# CPU. 6,000 users logged in (10/s x 10 min) thinking 30 s offer 200 pages/s + 20 logins and
# logouts/s, about 150% of what 8 workers holding a request ~53 ms can serve. The timeout is long
# so that the queues, not timeouts, show the saturation.
SCENARIO = """\
    version: 1
    name: database-saturation
    seed: 7
    duration: 4m
    warmup: 1m
    clients:
      arrival_rate: 10/s
      start: steady_state
      session_duration: exp(10m)
      think_time: exp(30s)
      timeout: 60s
      requests:
        - {name: page, weight: 1, cpu: exp(2ms)}
    network: {internal_latency: 250us}
    servers: {count: 4, cores: 2, workers: 2}
    sessions:
      store: database
      login_cpu: 2ms
      database: {query_time: "normal(50ms, 15ms)", connections: 20}
    designs:
      - name: database
      - name: few-connections
        sessions: {database: {connections: 4}}
      - name: redis
        sessions: {store: redis}
    """
WORKERS = 8
QUERY_S = 0.050
HOP_S = 250e-6
CPU_S = 0.002
DURATION_S = 240.0

folder = temp_dir()
path = os.path.join(folder, "scenario.yaml")
with open(path, "w") as f:
    f.write(textwrap.dedent(SCENARIO))
out = os.path.join(folder, "out")
result = run(["run", path, "--out", out])
checks.check(result.returncode == 0, f"scenario runs (exit {result.returncode}) {result.stderr[-400:]}")
summary = {row["design"]: row for row in read_csv(os.path.join(out, "summary.csv"))}
series = read_csv(os.path.join(out, "timeseries.csv"))
warnings = result.stderr
table = unwrap_warnings(result.stdout)


def value(design, field):
    return float(summary[design][field])


# --- Before the run: the workers' capacity, from the means. A page holds its worker for the read,
# a login for the write, a logout for a read and a delete: ~52.5 to 105 ms, 8 / ~54.8 ms = ~146/s.
match = re.search(r"database: about (\d+) requests/s are offered to 8 workers \(4 servers x 2\), which serve at "
                  r"most about (\d+)/s", warnings)
checks.check(match is not None, f"a warning before the run names the workers' capacity: {warnings[:600]!r}")
capacity = float(match.group(2)) if match else float("nan")
page_hold_s = QUERY_S + 2 * HOP_S + CPU_S
checks.check(match is not None and WORKERS / (2 * page_hold_s) < capacity < WORKERS / page_hold_s,
             f"capacity {capacity:.0f}/s lies between 8 workers / one page's hold ({WORKERS / page_hold_s:.0f}/s) "
             f"and half that")
checks.check(match is not None and 190 <= float(match.group(1)) <= 250,
             f"offered load ~220 requests/s ({match.group(1) if match else '?'})")
checks.check("few-connections: about" in warnings and "offered to the database connections, which serve at most "
             "about 80/s" in warnings, "few-connections: the store warning says 4 connections / 50 ms = 80/s")
checks.check("redis:" not in warnings, "redis (a 100 us operation) is not warned about")

# --- After the run: the workers are the bottleneck, the CPU is idle.
for design in ("database", "few-connections"):
    checks.check(value(design, "worker_utilization") >= 0.98,
                 f"{design}: workers busy {value(design, 'worker_utilization'):.4f} >= 0.98")
checks.check(value("database", "cpu_utilization") < 0.10,
             f"database: CPU {value('database', 'cpu_utilization'):.4f} < 10% although saturated")
# Saturated workers complete requests at their capacity: over the buckets after the warmup (the
# queues are full by then), the mix shifts towards logouts (two operations) by at most ~3%.
after = [row for row in series if row["design"] == "database" and float(row["time_s"]) >= 60]
completed = sum(int(row["ok"]) + int(row["failed"]) for row in after) / (DURATION_S - 60)
checks.check(abs(completed / capacity - 1) < 0.05,
             f"database completes {completed:.1f} requests/s, the workers' capacity {capacity:.0f}/s within 5%")
# The store: Little's law, busy connections = operations/s x mean query time (normal(50ms, 15ms):
# ~37,000 draws, the mean within 0.1 ms).
busy = value("database", "store_utilization") * 20
expected_busy = value("database", "store_ops") / DURATION_S * QUERY_S
checks.check(abs(busy / expected_busy - 1) < 0.02,
             f"database: {busy:.2f} connections busy on average, store_ops/s x 50 ms = {expected_busy:.2f}")
checks.check(value("database", "store_utilization") < 0.5 and value("database", "store_wait_ms") < 1,
             "database: 20 connections for 8 workers never run out (busy "
             f"{value('database', 'store_utilization'):.3f}, wait {value('database', 'store_wait_ms')} ms)")
checks.check(value("database", "queue_wait_ms") > 5000,
             f"database: requests wait {value('database', 'queue_wait_ms'):.0f} ms for a worker (> 5 s)")
# few-connections: 4 connections, 8 workers: the 4 workers not being served wait for the store,
# minus those in their CPU phase (80/s x 2 ms): each operation waits (4 - 0.16) / 80/s = 48 ms.
checks.check(value("few-connections", "store_utilization") >= 0.98,
             f"few-connections: store busy {value('few-connections', 'store_utilization'):.4f} >= 0.98")
expected_wait_ms = (WORKERS - 4 - 80 * CPU_S) / (4 / QUERY_S) * 1e3
checks.check(abs(value("few-connections", "store_wait_ms") / expected_wait_ms - 1) < 0.1,
             f"few-connections: store wait {value('few-connections', 'store_wait_ms'):.1f} ms, "
             f"{expected_wait_ms:.1f} ms expected within 10%")
# redis: nothing saturates; the workers are busy X x H / 8 (H = 0.1 ms + 2 hops + 2 ms CPU).
redis_hold_s = 100e-6 + 2 * HOP_S + CPU_S
ok_rate = value("redis", "ok") / DURATION_S
expected_busy = ok_rate * (redis_hold_s + 0.05 * (100e-6 + 2 * HOP_S)) / WORKERS  # logouts: a read and a delete
checks.check(abs(value("redis", "worker_utilization") / expected_busy - 1) < 0.1,
             f"redis: workers busy {value('redis', 'worker_utilization'):.4f}, {expected_busy:.4f} expected")
checks.check(value("redis", "queue_wait_ms") < 5, f"redis: wait {value('redis', 'queue_wait_ms')} ms < 5 ms")

# --- The table says which resource saturated, with the wait, and why the CPU is idle.
wait_s = value("database", "queue_wait_ms") / 1e3
note = f"database: app server workers 100% busy: requests wait {wait_s:.1f} s for one (CPU only"
checks.check(note in table, f"table note {note!r}")
checks.check("a worker waits for the database during each store operation" in table, "the note says why")
store_note = (f"few-connections: database connections 100% busy: requests wait "
              f"{value('few-connections', 'store_wait_ms'):.0f} ms for one")
checks.check(store_note in table, f"table note {store_note!r}")
checks.check("redis: app server workers" not in table and "redis: database" not in table, "no note for redis")
for label in ("workers busy (%)", "wait for a worker (ms)", "store busy (%)", "wait for the store (ms)"):
    checks.check(label in table, f"table row {label!r}")
# Per bucket: the workers are saturated in every bucket of the database design.
checks.check(all(float(row["worker_utilization"]) >= 0.99 for row in after),
             "timeseries: worker_utilization >= 0.99 in every bucket after the warmup")
checks.check(all(row["store_utilization"] != "" for row in series if row["design"] == "redis"),
             "timeseries: store_utilization is filled in every bucket of a design with a store host")

checks.finish()
