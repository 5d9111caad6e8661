#!/usr/bin/python3
"""Runs every bad scenario file of this folder through `statesim run` and checks the refusal.

Usage: run_bad_inputs.py STATESIM_BINARY

Each *.yaml file here holds one mistake; its first line reads `# expect: <text>` and <text>
must appear in the error message. For every file the binary must exit with status 2, print
the expected text and a `<file>:<line>:<col>:` position (line and column >= 1) on stderr, and
create no output directory. A missing file and a directory are checked as well: their
message names the file and says it cannot be read.

Each platforms/*.xml file is a hostile SimGrid platform file; a comment in its first lines
reads `<!-- expect: <text> -->` (or `<!-- expect: (no line) <text> -->` when no element of
the file is at fault). A scenario that uses it (two servers, redis sessions) must be refused
by `statesim run` and by `statesim check` with status 2, the text, and `<xml file>:<line>:`.
Files that are not files (a symbolic-link loop, a FIFO, a directory) are checked as scenarios
and as platforms: refused at once, never waited on.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT_S = 60


def run(binary, command, scenario, workdir):
    out_dir = os.path.join(workdir, "out")
    arguments = [binary, command, scenario] + (["--out", out_dir] if command == "run" else [])
    try:
        completed = subprocess.run(arguments, capture_output=True, text=True, errors="replace", timeout=TIMEOUT_S,
                                   stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, "", out_dir
    return completed.returncode, completed.stderr, out_dir


def check(binary, scenario, expected, needs_position, command="run", position_of=None):
    """Returns a list of problems (empty when the refusal is right). `position_of` names the
    file whose `<file>:<line>:` must appear (an XML file: no column)."""
    with tempfile.TemporaryDirectory() as workdir:
        status, stderr, out_dir = run(binary, command, scenario, workdir)
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
        if position_of:
            match = re.search(re.escape(position_of) + r":(\d+): ", stderr)
            if not match or int(match.group(1)) < 1:
                problems.append(f"stderr lacks a position {position_of}:<line>:")
        if os.path.exists(out_dir):
            problems.append("the output directory was created")
        if problems:
            problems.append("stderr was: " + stderr.strip().replace("\n", " | ")[:400])
        return problems


PLATFORM_SCENARIO = """version: 1
name: platform-check
duration: 1m
platform: {{file: {platform}}}
clients: {{arrival_rate: 2/s}}
servers: {{count: 2}}
sessions: {{store: redis}}
"""


def platform_expectation(path):
    """(text, has_line) from the `<!-- expect: ... -->` comment of a platform file, or None."""
    with open(path, "rb") as platform:
        head = platform.read(2000).decode("utf-8", errors="replace")
    match = re.search(r"<!-- expect: (\(no line\) )?(.*?) -->", head)
    if not match:
        return None
    return match.group(2), match.group(1) is None


def check_platform(binary, platform, expected, has_line, scratch):
    """Both commands refuse a scenario that uses `platform`."""
    scenario = os.path.join(scratch, "uses-" + os.path.basename(platform) + ".yaml")
    with open(scenario, "w", encoding="utf-8") as out:
        out.write(PLATFORM_SCENARIO.format(platform=json.dumps(platform)))
    problems = []
    for command in ("run", "check"):
        found = check(binary, scenario, expected, needs_position=False, command=command,
                      position_of=platform if has_line else None)
        problems += [f"{command}: {problem}" for problem in found]
    return problems


def not_a_file(scratch, kind, name):
    """Creates, in `scratch`, something that is not a regular file; returns its path."""
    path = os.path.join(scratch, name)
    if kind == "symlink loop":
        os.symlink(path, path)
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        os.mkdir(path)
    return path


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

    platforms = os.path.join(HERE, "platforms")
    with tempfile.TemporaryDirectory() as scratch:
        for name in sorted(os.listdir(platforms)):
            if not name.endswith(".xml"):
                continue
            path = os.path.join(platforms, name)
            expectation = platform_expectation(path)
            if expectation is None:
                report("platforms/" + name, ["no '<!-- expect: <text> -->' comment in the first lines"])
                continue
            report("platforms/" + name, check_platform(binary, path, expectation[0], expectation[1], scratch))

    with tempfile.TemporaryDirectory() as scratch:
        missing = os.path.join(scratch, "no-such-scenario.yaml")
        report("(missing file)", check(binary, missing, f"{missing}: cannot read:", needs_position=False))
        directory = os.path.join(scratch, "a-directory.yaml")
        os.mkdir(directory)
        report("(directory)", check(binary, directory, f"{directory}: cannot read: it is a directory",
                                    needs_position=False))
        reasons = {"symlink loop": "Too many levels of symbolic links", "fifo": "it is a named pipe (FIFO), not a file",
                   "directory": "it is a directory"}
        for kind, reason in reasons.items():
            scenario = not_a_file(scratch, kind, kind.replace(" ", "-") + ".yaml")
            for command in ("run", "check"):
                report(f"(scenario: {kind}, {command})",
                       check(binary, scenario, f"{scenario}: cannot read: {reason}", needs_position=False,
                             command=command))
            platform = not_a_file(scratch, kind, kind.replace(" ", "-") + ".xml")
            user = os.path.join(scratch, "uses-" + kind.replace(" ", "-") + ".yaml")
            with open(user, "w", encoding="utf-8") as out:
                out.write(PLATFORM_SCENARIO.format(platform=json.dumps(platform)))
            report(f"(platform: {kind})",
                   check(binary, user, f"platform.file: cannot read the platform file {platform}: {reason}",
                         needs_position=True))

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
