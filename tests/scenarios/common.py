"""Helpers shared by the scenario tests: run the statesim binary, read its CSV output, count checks."""
import csv
import os
import subprocess
import sys
import tempfile

STATESIM = os.environ.get("STATESIM", "")
ROOT = os.environ.get("STATESIM_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SHARED = os.environ.get("STATESIM_SHARED", os.path.join(ROOT, "..", "shared"))
CONTRACT = os.path.join(SHARED, "tools", "check-output-contract")


class Checks:
    """Counts named checks and prints the closing 'N passed, M failed' line."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, condition, what):
        if condition:
            self.passed += 1
            print(f"PASS  {what}")
        else:
            self.failed += 1
            print(f"FAIL  {what}")
        return condition

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed or not self.passed else 0)


def run(args, cwd=None, timeout=1800):
    return subprocess.run([STATESIM] + list(args), capture_output=True, text=True, cwd=cwd, timeout=timeout)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def unwrap_warnings(text):
    """The report with each note under `Warnings:` on one line again: the table wraps a note to its
    width, its next lines indented by four spaces."""
    lines = []
    in_warnings = False
    for line in text.split("\n"):
        if line == "Warnings:":
            in_warnings = True
        elif not line.strip():
            in_warnings = False
        if in_warnings and line.startswith("    ") and lines:
            lines[-1] += " " + line.strip()
        else:
            lines.append(line)
    return "\n".join(lines)


def temp_dir():
    return tempfile.mkdtemp(prefix="statesim-test-")


# Two app servers or three, sessions in server memory or in a token; app-2 crashes at one
# minute, so the memory design loses the sessions that lived there and the jwt design none.
SMALL_SWEEP = """\
version: 1
name: small-sweep
description: Two minutes at a low rate; app-2 crashes at one minute.
seed: 5
duration: 2m
warmup: 10s
clients:
  arrival_rate: 2/s
  session_duration: exp(5m)
  think_time: exp(5s)
  requests:
    - {name: page, weight: 9, cpu: exp(5ms)}
    - {name: checkout, weight: 1, cpu: "uniform(1ms, 9ms)", writes_session: true}
servers: {count: 3, cores: 2}
sessions: {store: memory}
events:
  - {at: 1m, crash: app-2}
designs:
  - name: round-robin
  - name: sticky
    load_balancer: {policy: sticky_cookie}
"""


def run_into_out(name, text, extra=()):
    """Writes `text` as a scenario file in a new folder and runs it into an --out folder there.
    Returns the finished process and the --out folder."""
    folder = temp_dir()
    path = os.path.join(folder, name + ".yaml")
    with open(path, "w") as f:
        f.write(text)
    out = os.path.join(folder, "out")
    return run(["run", path, "--out", out, "--quiet"] + list(extra)), out


def run_text(checks, name, text, extra=()):
    """Writes `text` as a scenario file, runs it into an --out folder and checks the exit status
    (0: the invariants held inside each run) and the output contract. Returns the folder, or
    None when the run failed."""
    result, out = run_into_out(name, text, extra)
    if not checks.check(result.returncode == 0, f"{name}: runs, invariants hold (exit {result.returncode})"):
        print(result.stdout[-2000:], result.stderr[-2000:])
        return None
    contract = subprocess.run([CONTRACT, out], capture_output=True, text=True)
    checks.check(contract.returncode == 0, f"{name}: output contract: {contract.stdout.strip()}")
    return out
