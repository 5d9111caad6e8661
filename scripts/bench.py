#!/usr/bin/python3
"""The speed and memory benchmark: statesim against the hand-written SimPy model of the same
workload (and the bare SimGrid programs of ../shared/bench), measured in the same run.

usage: /usr/bin/python3 scripts/bench.py [--statesim build/statesim] [--shared ../shared] [--skip-scale]

Prints simulated requests per wall-clock second of each program and statesim's ratio to the
SimPy model, then runs the 200,000-user scale check and prints its peak memory (the largest
simulation process, from getrusage of the waited-for children)."""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--statesim", default=os.path.join(here, "..", "build", "statesim"))
parser.add_argument("--shared", default=os.path.join(here, "..", "..", "shared"))
parser.add_argument("--skip-scale", action="store_true")
args = parser.parse_args()
bench = os.path.join(args.shared, "bench")


def statesim_rate(scenario):
    start = time.perf_counter()
    out = subprocess.run([args.statesim, "run", scenario, "--json", "--jobs", "1", "--quiet"],
                         capture_output=True, text=True, check=True).stdout
    wall = time.perf_counter() - start
    requests = json.loads(out)["designs"][0]["runs"][0]["requests"]
    return requests, wall


def sgref(name):
    binary = os.path.join(tempfile.gettempdir(), f"statesim-{name}")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "simgrid"], capture_output=True, text=True,
                           check=True).stdout.split()
    subprocess.run(["g++", "-O2", "-std=c++17", os.path.join(bench, f"{name}.cpp"), "-o", binary] + flags, check=True)
    out = subprocess.run([binary, "600", "--log=root.thres:critical"], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out.strip().splitlines()[-1])["req_per_wall_s"]


print("speed: simulated requests per wall-clock second, perf-ref workload (about 1.6 million requests)")
requests, wall = statesim_rate(os.path.join(bench, "perf-ref.yaml"))
statesim = requests / wall
simpy_out = subprocess.run(["/usr/bin/python3", os.path.join(bench, "simpy_ref.py")], capture_output=True, text=True,
                           check=True).stdout
simpy = json.loads(simpy_out.strip().splitlines()[-1])["req_per_wall_s"]
print(f"  statesim          {statesim:>10,.0f} req/s  ({requests:,} requests in {wall:.2f} s)")
print(f"  SimPy model       {simpy:>10,.0f} req/s")
for name in ("sgref_bare", "sgref_chain"):
    try:
        print(f"  SimGrid {name[6:]:<9} {sgref(name):>10,.0f} req/s")
    except (subprocess.CalledProcessError, FileNotFoundError) as error:
        print(f"  SimGrid {name[6:]:<9} not measured ({error})")
ratio = statesim / simpy
print(f"  ratio statesim / SimPy: {ratio:.2f} (required >= 1.0)")

if not args.skip_scale:
    print("scale: 200,000 concurrent users (scale-200k.yaml)")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    requests, wall = statesim_rate(os.path.join(bench, "scale-200k.yaml"))
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"  {requests:,} requests in {wall:.1f} s ({requests / wall:,.0f} req/s); "
          f"peak memory {peak_kib / 1024:.0f} MiB (limit 2048 MiB){'' if peak_kib >= before else ''}")
    sys.exit(0 if ratio >= 1.0 and peak_kib < 2048 * 1024 else 1)
sys.exit(0 if ratio >= 1.0 else 1)
