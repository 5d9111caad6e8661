"""A scenario whose users loop without simulated time passing (zero latency, zero bytes, zero CPU,
zero think time, every request answered by the server that holds the session) is stopped with a
clear message and exit status 2, within seconds and a bounded memory, instead of running forever."""
import os
import resource
import time

from common import Checks, run, temp_dir

SCENARIO = """version: 1
name: zero-time
duration: 10s
network: {client_latency: 0s, internal_latency: 0s}
load_balancer: {policy: sticky_cookie}
clients:
  users: 1
  think_time: 0s
  request_bytes: 0B
  response_bytes: 0B
  session_duration: 1h
  requests:
    - {name: page, weight: 1, cpu: 0s}
sessions: {login_cpu: 0s}
"""

checks = Checks()
path = os.path.join(temp_dir(), "zero-time.yaml")
with open(path, "w") as f:
    f.write(SCENARIO)
out = os.path.join(temp_dir(), "out")
start = time.monotonic()
result = run(["run", path, "--out", out, "--quiet"], timeout=300)
elapsed = time.monotonic() - start
if result.returncode == 0:
    checks.check(True, "the scenario is refused before it runs (or completes)")
else:
    checks.check(result.returncode == 2, f"exit status 2 (got {result.returncode}): {result.stderr.strip()[:300]}")
    checks.check("without simulated time passing" in result.stderr or "zero" in result.stderr,
                 "the message says the scenario loops in zero time")
    checks.check(path in result.stderr, "the message names the scenario file")
    checks.check(not os.path.exists(out), "no output folder is written")
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
checks.check(peak_kib < 512 * 1024, f"peak memory of the run {peak_kib // 1024} MiB < 512 MiB")
print(f"stopped after {elapsed:.1f} s")
checks.finish()
