"""Links that no flow shares (FATPIPE: each user's own client link) are crossed as timed wake-ups
(network.unshared_links: timed; `auto`, the default, uses it when it pays) instead of as part of a SimGrid communication
(simulated). The two must give the same times, as SimGrid's CM02 model computes them:
 - a lone user, small (1 KB) and large (20 MB) messages: every request takes exactly
   2 x (client_latency + internal_latency) + bytes / bandwidth both ways + its CPU, in both modes;
 - 40 users in lockstep sending 2 MB and receiving 1 MB through one server's link, which they
   share (max-min): every count is equal and every latency statistic agrees to 1e-9 relative;
 - a platform file whose client link is slower than the servers' links (remote-clients.xml: the
   unshared link caps the rate), and one whose servers' links also carry their store traffic
   (CM02 shares a link by the inverse of each flow's route latency), give the same numbers in
   both modes too: timed mode falls back to SimGrid communications there."""
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

# 40 users in lockstep: they log in at t = 0 and send a page every 10 s, all at the same
# moments, to one server whose link they share max-min (the transfers overlap). With no queue
# (as many workers as users) and constant CPU, no order between simultaneous events changes
# any time, so the two modes must agree exactly.
SHARED = textwrap.dedent("""\
    version: 1
    name: shared-links
    duration: 1m
    network: {client_latency: 20ms, internal_latency: 250us, bandwidth: 1Gbps, unshared_links: UNSHARED}
    clients:
      users: 40
      session_duration: 1h
      think_time: 10s
      request_bytes: 2MB
      response_bytes: 1MB
      requests: [{name: page, weight: 1, cpu: 1ms}]
    servers: {count: 1, cores: 1, workers: 100}
    sessions: {store: redis, login_cpu: 1ms}
    """)
both = run_both(SHARED, "shared-links")
if both is not None:
    timed, simulated = both["timed"], both["simulated"]
    for field in ("requests", "ok", "failed", "sessions_started", "store_ops"):
        checks.check(timed[field] == simulated[field], f"contended links: {field} {timed[field]} = {simulated[field]}")
    for field in ("latency_mean_ms", "latency_p50_ms", "latency_p99_ms", "latency_max_ms"):
        checks.check(abs(timed[field] - simulated[field]) <= 1e-9 * simulated[field],
                     f"contended links: {field} {timed[field]:.9f} = {simulated[field]:.9f} (1e-9 relative)")
    # The link is shared: the last request of a round waits for the round's 40 x 3 MB to cross it.
    round_ms = 40 * 3e6 / 125e6 * 1e3
    checks.check(timed["latency_max_ms"] >= round_ms,
                 f"the server's link is shared: max {timed['latency_max_ms']:.1f} ms >= 40 x 3 MB / 1 Gbps = {round_ms:.0f} ms")

remote = os.path.join(ROOT, "platforms", "remote-clients.xml")
REMOTE = SHARED.replace("servers: {count: 1, cores: 1, workers: 100}", "servers: {count: 4, cores: 1, workers: 100}")
REMOTE = REMOTE.replace("network: {client_latency: 20ms, internal_latency: 250us, bandwidth: 1Gbps, "
                        "unshared_links: UNSHARED}",
                        f"platform: {{file: {remote}}}\nnetwork: {{unshared_links: UNSHARED}}")
both = run_both(REMOTE, "remote-clients")
if both is not None:
    for field in ("requests", "latency_mean_ms", "latency_p99_ms"):
        checks.check(both["timed"][field] == both["simulated"][field],
                     f"remote-clients.xml: {field} {both['timed'][field]} = {both['simulated'][field]}")
# A platform whose servers' links also carry their store traffic: CM02 shares such a link by the
# inverse of each flow's route latency, which a shortened route would change, so timed mode must
# fall back to SimGrid communications there and give the same numbers.
hosts = "".join(f'<host id="app-{i}" speed="1Gf"/><link id="app-{i}-link" bandwidth="125MBps" latency="250us"/>'
                for i in (1, 2))
routes = "".join(
    f'<route src="client" dst="app-{i}"><link_ctn id="client-link"/><link_ctn id="app-{i}-link"/></route>'
    f'<route src="lb" dst="app-{i}"><link_ctn id="app-{i}-link"/></route>'
    f'<route src="app-{i}" dst="store"><link_ctn id="app-{i}-link"/><link_ctn id="store-link"/></route>'
    for i in (1, 2))
xml = ('<?xml version="1.0"?>\n<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">\n'
       '<platform version="4.1"><zone id="z" routing="Full">'
       '<host id="client" speed="1Gf"/><host id="lb" speed="1Gf"/><host id="store" speed="1Gf"/>' + hosts +
       '<link id="client-link" bandwidth="125MBps" latency="20ms" sharing_policy="FATPIPE"/>'
       '<link id="store-link" bandwidth="125MBps" latency="250us"/>'
       '<route src="client" dst="lb"><link_ctn id="client-link"/></route>' + routes + '</zone></platform>\n')
mixed = os.path.join(temp_dir(), "store-on-server-links.xml")
with open(mixed, "w") as f:
    f.write(xml)
MIXED = SHARED.replace("servers: {count: 1, cores: 1, workers: 100}", "servers: {count: 2, cores: 1, workers: 100}")
MIXED = MIXED.replace("network: {client_latency: 20ms, internal_latency: 250us, bandwidth: 1Gbps, "
                      "unshared_links: UNSHARED}",
                      f"platform: {{file: {mixed}}}\nnetwork: {{unshared_links: UNSHARED}}")
both = run_both(MIXED, "store-on-server-links")
if both is not None:
    for field in ("requests", "store_ops", "latency_mean_ms", "latency_p50_ms", "latency_max_ms"):
        checks.check(both["timed"][field] == both["simulated"][field],
                     f"store traffic on the servers' links: {field} {both['timed'][field]} = {both['simulated'][field]}")
checks.finish()
