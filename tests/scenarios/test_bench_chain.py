"""bench/sgref_scale_chain.cpp, the bare SimGrid program that scripts/bench.py measures statesim's
scale-200k against, builds and runs the activities it says, checked against theory at a load too
light to queue: 10,000 users for 200 simulated seconds, their first request spread uniformly over
20 s, then think time exp(20 s).

- Answered requests: a user starting at U ~ U(0, 20 s) sends 1 + Poisson((200 - U) / 20.045)
  requests (a think time and a 45 ms answer each): mean 10,000 x (1 + 190 / 20.045) = 104,786,
  less the 26 in flight at the end; variance 10,000 x (9.48 + (20^2 / 12) / 20^2) = 95,633,
  sd 309. Bound: 4 sd around 104,760.
- Mean latency: 2 x 20 ms of client link + 4 x 250 us of internal links + 3 x 1,000 B and
  10,000 B at 1 Gbps (24 + 80 us) + 100 us of store operation + exp(4 ms) of CPU = 45.204 ms.
  At about 580 requests a second the store is 5.8% busy (M/D/1 wait 0.058 x 100 us /
  (2 x 0.942) = 3 us) and least connections always finds a server with nothing in flight (about
  26 requests are in flight, against 64 servers): the only spread is the CPU's, sd 4 ms / sqrt(n),
  0.012 ms. Bound: 4 sd, half the shortest activity of the chain (the store operation's 100 us),
  whose absence the check sees.
"""
import json
import math
import os
import subprocess

from common import ROOT, Checks, temp_dir

checks = Checks()
binary = os.path.join(temp_dir(), "sgref_scale_chain")
flags = subprocess.run(["pkg-config", "--cflags", "--libs", "simgrid"], capture_output=True, text=True,
                       check=True).stdout.split()
build = subprocess.run(["g++", "-O2", "-std=c++17", "-Wall", "-Wextra", "-Werror",
                        os.path.join(ROOT, "bench", "sgref_scale_chain.cpp"), "-o", binary] + flags,
                       capture_output=True, text=True)
checks.check(build.returncode == 0, f"bench/sgref_scale_chain.cpp builds without warnings: {build.stderr[-2000:]}")
if build.returncode == 0:
    result = subprocess.run([binary, "200", "10000", "--log=root.thres:critical"], capture_output=True, text=True,
                            timeout=600)
    if checks.check(result.returncode == 0, f"it runs (exit {result.returncode}) {result.stderr[-500:]}"):
        report = json.loads(result.stdout.strip().splitlines()[-1])
        expected_requests = 104760
        checks.check(abs(report["ok"] - expected_requests) <= 4 * 309,
                     f"{report['ok']:,} requests answered = {expected_requests:,} +- 1,236")
        expected_ms = 2 * 20 + 4 * 0.25 + (3 * 1000 + 10000) / 125e6 * 1e3 + 0.1 + 0.003 + 4
        tolerance_ms = 4 * 4 / math.sqrt(report["ok"])
        checks.check(abs(report["mean_ms"] - expected_ms) <= tolerance_ms,
                     f"mean latency {report['mean_ms']:.3f} ms = {expected_ms:.3f} +- {tolerance_ms:.3f}")
checks.finish()
