#!/usr/bin/python3
"""Runs every bad scenario file of this folder through `statesim run` and checks the refusal.

Usage: run_bad_inputs.py STATESIM_BINARY

Each *.yaml file here holds one mistake; its first line reads `# expect: <text>` and <text>
must appear in the error message. For every file the binary must exit with status 2, print
the expected text and a `<file>:<line>:<col>:` position (line and column >= 1) on stderr, and
create no output directory. A missing file and a directory are checked as well: their
message names the file and says it cannot be read.
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT_S = 60


def run(binary, scenario, workdir):
    out_dir = os.path.join(workdir, "out")
    try:
        completed = subprocess.run([binary, "run", scenario, "--out", out_dir], capture_output=True,
                                   text=True, errors="replace", timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, "", out_dir
    return completed.returncode, completed.stderr, out_dir


def check(binary, scenario, expected, needs_position):
    """Returns a list of problems (empty when the refusal is right)."""
    with tempfile.TemporaryDirectory() as workdir:
        status, stderr, out_dir = run(binary, scenario, workdir)
        problems = []
        if status is None:
            return [f"no answer within {TIMEOUT_S}s"]
        if status != 2:
            problems.append(f"exit status {status}, expected 2")
        if expected not in stderr:
            problems.append(f"stderr lacks {expected!r}")
        if needs_position:
            match = re.search(re.escape(scenario) + r":(\d+):(\d+): ", stderr)
            if not match or int(match.group(1)) < 1 or int(match.group(2)) < 1:
                problems.append(f"stderr lacks a position {scenario}:<line>:<col>:")
        if os.path.exists(out_dir):
            problems.append("the output directory was created")
        if problems:
            problems.append("stderr was: " + stderr.strip().replace("\n", " | ")[:400])
        return problems


def expected_text(path):
    with open(path, "rb") as scenario:
        first_line = scenario.readline().decode("utf-8", errors="replace").rstrip("\r\n")
    prefix = "# expect: "
    if not first_line.startswith(prefix):
        return None
    return first_line[len(prefix):]


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])
    passed = failed = 0

    def report(name, problems):
        nonlocal passed, failed
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for problem in problems:
                print(f"     {problem}")
        else:
            passed += 1
            print(f"ok   {name}")

    for name in sorted(os.listdir(HERE)):
        if not name.endswith(".yaml"):
            continue
        path = os.path.join(HERE, name)
        expected = expected_text(path)
        if expected is None:
            report(name, ["the first line is not '# expect: <text>'"])
            continue
        report(name, check(binary, path, expected, needs_position=True))

    with tempfile.TemporaryDirectory() as scratch:
        missing = os.path.join(scratch, "no-such-scenario.yaml")
        report("(missing file)", check(binary, missing, f"{missing}: cannot read:", needs_position=False))
        directory = os.path.join(scratch, "a-directory.yaml")
        os.mkdir(directory)
        report("(directory)", check(binary, directory, f"{directory}: cannot read:", needs_position=False))

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
