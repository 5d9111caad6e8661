"""Every latency a student writes is the latency the run shows: with no CPU demand and no
payload, a request takes exactly 2 x (client_latency + internal_latency), on the built-in
platform (SimGrid's LV08 latency factor of 13.01 must not apply), and each store round trip adds
2 x internal_latency plus the operation time. Platform files give the latency they declare."""
import json
import os
import textwrap

from common import ROOT, Checks, run, temp_dir

checks = Checks()
scenario = textwrap.dedent("""\
    version: 1
    name: latency-as-written
    seed: 1
    duration: 2m
    network: {client_latency: 20ms, internal_latency: 250us, bandwidth: 1000Gbps}
    clients:
      arrival_rate: 2/s
      session_duration: exp(30s)
      think_time: exp(2s)
      request_bytes: 0B
      response_bytes: 0B
      requests: [{name: page, weight: 1, cpu: 0s}]
    load_balancer: {policy: round_robin}
    servers: {count: 2, cores: 2}
    sessions: {store: jwt, login_cpu: 0s, jwt: {verify_cpu: 0s, token_bytes: 0B}}
    designs:
      - name: jwt
      - name: redis
        sessions: {store: redis, redis: {op_time: 1ms}}
    """)
path = os.path.join(temp_dir(), "latency.yaml")
open(path, "w").write(scenario)
result = run(["run", path, "--json", "--quiet"])
checks.check(result.returncode == 0, f"latency scenario runs (exit {result.returncode}) {result.stderr[-300:]}")
designs = {d["name"]: d["runs"][0] for d in json.loads(result.stdout)["designs"]}
expected = 2 * (20 + 0.25)
for field in ("latency_p50_ms", "latency_max_ms"):
    got = designs["jwt"][field]
    checks.check(abs(got - expected) < 1e-3, f"jwt {field} {got:.6f} ms = 2 x (20 + 0.25) = {expected} ms")
# redis: every page reads the session (one round trip to the store and 1 ms there); logins and
# logouts write it, but their CPU is 0 too, so every request costs exactly one store operation.
expected_store = expected + 2 * 0.25 + 1.0
got = designs["redis"]["latency_p50_ms"]
checks.check(abs(got - expected_store) < 1e-3, f"redis p50 {got:.6f} ms = {expected_store} ms (one store round trip)")

remote = os.path.join(ROOT, "platforms", "remote-clients.xml")
platform_scenario = scenario.replace("network: {client_latency: 20ms, internal_latency: 250us, bandwidth: 1000Gbps}",
                                     f"platform: {{file: {remote}}}")
path = os.path.join(temp_dir(), "latency-platform.yaml")
open(path, "w").write(platform_scenario)
result = run(["run", path, "--json", "--quiet", "--design", "jwt"])
checks.check(result.returncode == 0, f"platform-file scenario runs (exit {result.returncode}) {result.stderr[-300:]}")
if result.returncode == 0:
    got = json.loads(result.stdout)["designs"][0]["runs"][0]["latency_p50_ms"]
    checks.check(abs(got - 2 * (80 + 0.25)) < 1e-3, f"remote-clients.xml p50 {got:.6f} ms = 2 x (80 + 0.25) ms")
checks.finish()
