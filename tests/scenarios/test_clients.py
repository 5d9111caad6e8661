"""Client behaviour: timeouts under overload, retries, the queue limit, on_forced_logout, NAT
address pools. Each check compares designs of one scenario run with common random numbers."""
import json
import os
import textwrap

from common import Checks, run, temp_dir

checks = Checks()


def run_designs(text):
    path = os.path.join(temp_dir(), "scenario.yaml")
    open(path, "w").write(textwrap.dedent(text))
    result = run(["run", path, "--json", "--quiet"])
    checks.check(result.returncode == 0, f"scenario runs (exit {result.returncode}) {result.stderr[-300:]}")
    return {d["name"]: d["runs"][0] for d in json.loads(result.stdout)["designs"]}


# One overloaded server: 600 users thinking 2 s would need 3 cores' worth of 10 ms requests
# on 1 core; the closed loop settles near 6 s per request, well past the 2 s timeout.
runs = run_designs("""\
    version: 1
    name: overload
    duration: 3m
    clients:
      users: 600
      ramp_up: 10s
      session_duration: exp(1h)
      think_time: exp(2s)
      timeout: 2s
      requests: [{name: page, weight: 1, cpu: exp(10ms)}]
    servers: {count: 1, cores: 1, queue_limit: 100000}
    sessions: {store: jwt}
    designs:
      - name: unbounded-queue
      - name: queue-limit-20
        servers: {queue_limit: 20}
      - name: with-retries
        clients: {retries: 2, retry_backoff: 100ms}
    """)
unbounded, limited, retried = runs["unbounded-queue"], runs["queue-limit-20"], runs["with-retries"]
checks.check(unbounded["failed_timeout"] > 1000, f"overloaded server: requests time out ({unbounded['failed_timeout']})")
checks.check(unbounded["latency_max_ms"] <= 2000 + 1e-6,
             f"no successful request took longer than the timeout ({unbounded['latency_max_ms']:.1f} ms)")
checks.check(limited["failed_overload"] > 1000 and limited["latency_p99_ms"] < unbounded["latency_p99_ms"],
             f"queue_limit refuses at once ({limited['failed_overload']} overload) and keeps latency down "
             f"(p99 {limited['latency_p99_ms']:.0f} vs {unbounded['latency_p99_ms']:.0f} ms)")
checks.check(retried["requests"] > unbounded["requests"] and retried["failed"] > unbounded["failed"],
             f"retries send more requests ({retried['requests']} vs {unbounded['requests']})")
for name, r in runs.items():
    checks.check(r["requests"] == r["ok"] + r["failed"] + r["forced"] + r["in_flight"], f"{name}: requests add up")

# Memory sessions behind round robin: every forced logout either re-logs in or ends the visit.
runs = run_designs("""\
    version: 1
    name: forced
    duration: 5m
    clients: {arrival_rate: 2/s, session_duration: exp(2m), think_time: exp(5s)}
    load_balancer: {policy: round_robin}
    servers: {count: 4}
    sessions: {store: memory}
    designs:
      - name: relogin
      - name: leave
        clients: {on_forced_logout: leave}
    """)
relogin, leave = runs["relogin"], runs["leave"]
checks.check(relogin["forced_logouts"] > 3 * leave["forced_logouts"] > 0,
             f"on_forced_logout: relogin keeps coming back ({relogin['forced_logouts']} forced logouts), "
             f"leave ends the visit ({leave['forced_logouts']})")
checks.check(leave["forced_logouts"] <= leave["sessions_started"],
             "leave: at most one forced logout per session")

# A NAT pool of one address under ip_hash puts every user on one server.
runs = run_designs("""\
    version: 1
    name: nat
    duration: 3m
    clients: {users: 200, ramp_up: 10s, session_duration: exp(1h), think_time: exp(1s), ip_pool: 1}
    load_balancer: {policy: ip_hash}
    servers: {count: 4, cores: 1}
    sessions: {store: memory}
    designs:
      - name: one-address
      - name: one-per-user
        clients: {ip_pool: 0}
    """)
one, many = runs["one-address"], runs["one-per-user"]
checks.check(one["latency_p99_ms"] > 2 * many["latency_p99_ms"],
             f"ip_pool 1: one server does all the work, so it queues (p99 {one['latency_p99_ms']:.0f} ms "
             f"against {many['latency_p99_ms']:.0f} ms with one address per user)")
checks.finish()
