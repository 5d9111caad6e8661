"""Links that no flow shares (FATPIPE: each user's own client link) are crossed as timed wake-ups
(network.unshared_links: timed, the default) instead of as part of a SimGrid communication
(simulated). The two must give the same times, as SimGrid's CM02 model computes them:
 - a lone user, small (1 KB) and large (20 MB) messages: every request takes exactly
   2 x (client_latency + internal_latency) + bytes / bandwidth both ways + its CPU, in both modes;
 - many users sending 5 MB each to two servers, whose links they share (max-min): every count
   is equal and every latency statistic agrees to 1e-9 relative between the modes;
 - a platform file whose client link is slower than the servers' links (remote-clients.xml: the
   unshared link caps the rate) gives the same numbers in both modes too (timed mode falls back
   to SimGrid communications there)."""
import json
import os
import textwrap

from common import ROOT, Checks, run, temp_dir

checks = Checks()


def run_both(text, name):
    """Runs the scenario in both modes; returns {mode: first run's summary} or None."""
    results = {}
    for mode in ("timed", "simulated"):
        path = os.path.join(temp_dir(), f"{name}-{mode}.yaml")
        with open(path, "w") as f:
            f.write(text.replace("UNSHARED", mode))
        result = run(["run", path, "--json", "--quiet"])
        if not checks.check(result.returncode == 0, f"{name} ({mode}) runs (exit {result.returncode})"):
            print(result.stderr[-1000:])
            return None
        results[mode] = json.loads(result.stdout)["designs"][0]["runs"][0]
    return results


LONE = textwrap.dedent("""\
    version: 1
    name: lone-user
    duration: 5m
    network: {client_latency: 20ms, internal_latency: 250us, bandwidth: 1Gbps, unshared_links: UNSHARED}
    clients:
      users: 1
      session_duration: 1h
      think_time: 1s
      request_bytes: REQUEST
      response_bytes: RESPONSE
      requests: [{name: page, weight: 1, cpu: 10ms}]
    servers: {count: 2, cores: 1}
    sessions: {store: jwt, login_cpu: 10ms, jwt: {verify_cpu: 0s, token_bytes: 0B}}
    """)
for request, response, request_bytes, response_bytes in (("1KB", "10KB", 1e3, 1e4), ("20MB", "20MB", 2e7, 2e7)):
    text = LONE.replace("REQUEST", request).replace("RESPONSE", response)
    both = run_both(text, f"lone-{request}")
    if both is None:
        continue
    expected_ms = (2 * (0.020 + 0.00025) + (request_bytes + response_bytes) / 125e6 + 0.010) * 1e3
    for mode, summary in both.items():
        for field in ("latency_p50_ms", "latency_max_ms", "latency_mean_ms"):
            checks.check(abs(summary[field] - expected_ms) < 1e-6 * expected_ms,
                         f"lone user, {request} ({mode}): {field} {summary[field]:.6f} ms = {expected_ms:.6f} ms")

SHARED = textwrap.dedent("""\
    version: 1
    name: shared-links
    duration: 3m
    network: {client_latency: 20ms, internal_latency: 250us, bandwidth: 1Gbps, unshared_links: UNSHARED}
    clients:
      users: 60
      ramp_up: 10s
      session_duration: exp(1m)
      relogin_after: exp(5s)
      think_time: exp(1s)
      request_bytes: 5MB
      response_bytes: 2MB
      requests: [{name: page, weight: 1, cpu: exp(5ms)}]
    servers: {count: 2, cores: 2}
    sessions: {store: redis}
    """)
both = run_both(SHARED, "shared-links")
if both is not None:
    timed, simulated = both["timed"], both["simulated"]
    for field in ("requests", "ok", "failed", "sessions_started", "store_ops"):
        checks.check(timed[field] == simulated[field], f"contended links: {field} {timed[field]} = {simulated[field]}")
    for field in ("latency_mean_ms", "latency_p50_ms", "latency_p99_ms", "latency_max_ms"):
        checks.check(abs(timed[field] - simulated[field]) <= 1e-9 * simulated[field],
                     f"contended links: {field} {timed[field]:.9f} = {simulated[field]:.9f} (1e-9 relative)")
    # Contention shows: a page takes longer than the uncontended 2 x 20.25 ms + 7 MB / 125 MB/s.
    checks.check(timed["latency_p99_ms"] > (2 * 20.25 + 7e6 / 125e6 * 1e3) * 1.05,
                 f"the links are shared: p99 {timed['latency_p99_ms']:.1f} ms above the uncontended time")

remote = os.path.join(ROOT, "platforms", "remote-clients.xml")
REMOTE = SHARED.replace("network: {client_latency: 20ms, internal_latency: 250us, bandwidth: 1Gbps, "
                        "unshared_links: UNSHARED}",
                        f"platform: {{file: {remote}}}\nnetwork: {{unshared_links: UNSHARED}}")
both = run_both(REMOTE, "remote-clients")
if both is not None:
    for field in ("requests", "latency_mean_ms", "latency_p99_ms"):
        checks.check(both["timed"][field] == both["simulated"][field],
                     f"remote-clients.xml: {field} {both['timed'][field]} = {both['simulated'][field]}")
checks.finish()
