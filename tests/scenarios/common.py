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


def temp_dir():
    return tempfile.mkdtemp(prefix="statesim-test-")
