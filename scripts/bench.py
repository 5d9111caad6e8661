#!/usr/bin/python3
"""The speed and memory benchmark: statesim against the hand-written SimPy model of the same
workload and the two bare SimGrid programs of ../shared/bench, measured in the same run and
reported as ratios (the machine is shared and noisy: only ratios taken side by side mean
anything).

usage: /usr/bin/python3 scripts/bench.py [--rounds 5] [--statesim build/statesim]
                                          [--baseline OTHER_STATESIM] [--skip-scale] [--netflix]
                                          [--policies]

- perf-ref (../shared/bench/perf-ref.yaml, about 1.6 million requests): `--rounds` interleaved
  rounds of statesim, the SimPy model and the SimGrid chain program (and the actor-based one once);
  the median of each, in simulated requests per wall-clock second, and statesim's ratios to SimPy
  (target >= 2.0) and to the chain program (target >= 0.85). `--baseline` adds another statesim
  binary to every round (an earlier build: before/after a change).
- scale: ../shared/bench/scale-200k.yaml and bench/scale-1m.yaml, each run after a perf-ref run of
  statesim in the same round, as a ratio of their request rate to perf-ref's (targets 0.5 and
  0.3), with the peak memory of the simulation process; and scale-200k for 5 and 10 simulated
  minutes, whose peak memory must not grow with the run's length. In the same rounds,
  bench/sgref_scale_chain.cpp (scale-200k as a bare SimGrid chain, the activities statesim
  starts and nothing else) against sgref_chain, both linked with jemalloc as statesim is: the
  ratio a simulator that leaves those activities to SimGrid can reach at best, and statesim's
  scale-200k rate as a share of its chain's.
- --netflix: bench/netflix.yaml, 100,000 servers and 10,000,000 users for one simulated minute
  (targets: under 30 minutes and 8 GiB on a 2-core machine): its wall time, peak memory and rate.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--statesim", default=os.path.join(root, "build", "statesim"))
parser.add_argument("--baseline", help="another statesim binary, measured in the same rounds")
parser.add_argument("--shared", default=os.path.join(root, "..", "shared"))
parser.add_argument("--rounds", type=int, default=5)
parser.add_argument("--skip-scale", action="store_true")
parser.add_argument("--netflix", action="store_true", help="also run the 100,000-server, 10M-user benchmark")
parser.add_argument("--policies", action="store_true", help="also time every balancer policy with 100,000 servers")
args = parser.parse_args()
bench = os.path.join(args.shared, "bench")


def statesim_run(binary, scenario, extra=()):
    """(requests sent, wall seconds, peak KiB of this run's processes).

    wait4 reports the run's own peak resident memory, its simulation children's included (a
    process's rusage covers the children it waited for), whatever ran before it."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen([binary, "run", scenario, "--json", "--jobs", "1", "--quiet", *extra],
                                   stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        if process.returncode != 0:
            err.seek(0)
            sys.exit(f"statesim run {scenario} exited {process.returncode}: {err.read().decode()[-2000:]}")
        out.seek(0)
        report = json.loads(out.read())
    requests = sum(run["requests"] for design in report["designs"] for run in design["runs"])
    return requests, wall, usage.ru_maxrss


def sgref_binary(name, folder=None, jemalloc=False):
    """Builds ../shared/bench/NAME.cpp (or FOLDER/NAME.cpp), with jemalloc if asked (as statesim is)."""
    binary = os.path.join(tempfile.gettempdir(), f"statesim-bench-{name}{'-jemalloc' if jemalloc else ''}")
    packages = ["simgrid"] + (["jemalloc"] if jemalloc else [])
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", *packages], capture_output=True, text=True,
                           check=True).stdout.split()
    subprocess.run(["g++", "-O2", "-std=c++17", os.path.join(folder or bench, f"{name}.cpp"), "-o", binary] + flags,
                   check=True)
    return binary


def sgref_rate(binary):
    out = subprocess.run([binary, "600", "--log=root.thres:critical"], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out.strip().splitlines()[-1])["req_per_wall_s"]


def simpy_rate():
    out = subprocess.run(["/usr/bin/python3", os.path.join(bench, "simpy_ref.py")], capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])["req_per_wall_s"]


def median(values):
    return statistics.median(values) if values else float("nan")


perf_ref = os.path.join(bench, "perf-ref.yaml")
chain = sgref_binary("sgref_chain")
rates = {"statesim": [], "SimPy model": [], "SimGrid chain": []}
if args.baseline:
    rates["baseline"] = []
print(f"perf-ref: {args.rounds} interleaved rounds (simulated requests per wall-clock second)", flush=True)
for round_number in range(1, args.rounds + 1):
    requests, wall, _ = statesim_run(args.statesim, perf_ref)
    rates["statesim"].append(requests / wall)
    if args.baseline:
        requests, wall, _ = statesim_run(args.baseline, perf_ref)
        rates["baseline"].append(requests / wall)
    rates["SimPy model"].append(simpy_rate())
    rates["SimGrid chain"].append(sgref_rate(chain))
    print("  round {}: {}".format(round_number, ", ".join(f"{name} {values[-1]:,.0f}" for name, values in rates.items())),
          flush=True)
try:
    bare = sgref_rate(sgref_binary("sgref_bare"))
except (subprocess.CalledProcessError, FileNotFoundError) as error:
    bare = None
    print(f"  SimGrid bare (actors): not measured ({error})")
medians = {name: median(values) for name, values in rates.items()}
for name, value in medians.items():
    print(f"  median {name:<14} {value:>10,.0f} req/s")
if bare:
    print(f"  SimGrid bare (actors, once) {bare:>10,.0f} req/s")
to_simpy = medians["statesim"] / medians["SimPy model"]
to_chain = medians["statesim"] / medians["SimGrid chain"]
print(f"  statesim / SimPy model:   {to_simpy:.2f} (target >= 2.0)")
print(f"  statesim / SimGrid chain: {to_chain:.2f} (target >= 0.85)")
if args.baseline:
    print(f"  statesim / baseline:      {medians['statesim'] / medians['baseline']:.2f}")
ok = to_simpy >= 2.0 and to_chain >= 0.85

if not args.skip_scale:
    print("scale: request rate against perf-ref's in the same round, and the peak memory", flush=True)
    # Both chains with the allocator statesim links: the fastest either runs here.
    scale_chain = sgref_binary("sgref_scale_chain", os.path.join(root, "bench"), jemalloc=True)
    chain_jemalloc = sgref_binary("sgref_chain", jemalloc=True)
    for name, scenario, target in (("scale-200k", os.path.join(bench, "scale-200k.yaml"), 0.5),
                                   ("scale-1m", os.path.join(root, "bench", "scale-1m.yaml"), 0.3)):
        ratios, ceilings, of_ceiling = [], [], []
        for _ in range(max(1, args.rounds // 2)):
            ref_requests, ref_wall, _ = statesim_run(args.statesim, perf_ref)
            requests, wall, peak = statesim_run(args.statesim, scenario)
            ratios.append((requests / wall) / (ref_requests / ref_wall))
            if name == "scale-200k":
                # The same two workloads as bare SimGrid chains, in the same round: the most a
                # simulator that leaves the same activities to SimGrid can reach.
                scale_chain_rate = sgref_rate(scale_chain)
                ceilings.append(scale_chain_rate / sgref_rate(chain_jemalloc))
                of_ceiling.append((requests / wall) / scale_chain_rate)
        ratio = median(ratios)
        memory = f"peak memory {peak / 1024:,.0f} MiB"
        print(f"  {name}: {requests:,} requests, {requests / wall:,.0f} req/s, {ratio:.2f} x perf-ref "
              f"(target >= {target}); {memory}", flush=True)
        if ceilings:
            print(f"    the same ratio for the bare SimGrid chains (bench/sgref_scale_chain.cpp against "
                  f"sgref_chain, both with jemalloc): {median(ceilings):.2f}; statesim runs scale-200k at "
                  f"{median(of_ceiling):.2f} x its chain's rate", flush=True)
        ok = ok and ratio >= target
    peaks = {}
    for minutes in (5, 10):
        text = open(os.path.join(bench, "scale-200k.yaml")).read().replace("duration: 10m", f"duration: {minutes}m")
        path = os.path.join(tempfile.gettempdir(), f"statesim-bench-scale-{minutes}m.yaml")
        with open(path, "w") as f:
            f.write(text)
        peaks[minutes] = statesim_run(args.statesim, path)[2] / 1024
    print(f"  scale-200k peak memory: {peaks[5]:,.0f} MiB over 5 simulated minutes, {peaks[10]:,.0f} MiB over 10 "
          f"(memory follows users and servers, not the run's length)", flush=True)

if args.netflix:
    print("netflix: 100,000 servers, 10,000,000 users, one simulated minute (bench/netflix.yaml)", flush=True)
    requests, wall, peak_kib = statesim_run(args.statesim, os.path.join(root, "bench", "netflix.yaml"))
    peak_gib = peak_kib / 1024 / 1024
    print(f"  {requests:,} requests in {wall / 60:.1f} minutes "
          f"({requests / wall:,.0f} req/s); peak memory {peak_gib:.2f} GiB "
          f"(targets: 30 minutes, 8 GiB)", flush=True)
    ok = ok and wall < 1800 and peak_gib < 8
if args.policies:
    print("policies: 100,000 servers, 1,000,000 users, one simulated second (bench/netflix.yaml, no crash)",
          flush=True)
    text = open(os.path.join(root, "bench", "netflix.yaml")).read()
    text = text[:text.index("events:")].replace("duration: 1m", "duration: 1s")
    text = text.replace("report_interval: 10s", "report_interval: 500ms").replace("arrival_rate: 2778/s",
                                                                                  "arrival_rate: 278/s")
    builds = [("statesim", args.statesim)] + ([("baseline", args.baseline)] if args.baseline else [])
    for build, binary in builds:
        rates_by_policy = {}
        for policy in ("sticky_cookie", "round_robin", "least_connections", "random", "power_of_two", "ip_hash",
                       "consistent_hash"):
            path = os.path.join(tempfile.gettempdir(), f"statesim-bench-policy-{policy}.yaml")
            with open(path, "w") as f:
                f.write(text.replace("policy: sticky_cookie", f"policy: {policy}"))
            requests, wall, _ = statesim_run(binary, path)
            rates_by_policy[policy] = requests / wall
            print(f"  {build} {policy:<17} {requests:>7,} requests in {wall:6.1f} s, "
                  f"{rates_by_policy[policy] / rates_by_policy['sticky_cookie']:.2f} x sticky_cookie's rate",
                  flush=True)
sys.exit(0 if ok else 1)
