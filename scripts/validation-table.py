#!/usr/bin/python3
"""Regenerates the results table of docs/validation.md from real runs.

usage: scripts/validation-table.py [--statesim PATH] [--check]

Runs the fidelity suite (tests/scenarios/test_fidelity.py: the same scenarios, seeds and
tolerances as the test) and rewrites the part of docs/validation.md between the markers
`<!-- fidelity-table:begin -->` and `<!-- fidelity-table:end -->`. The executable is taken from
--statesim, else $STATESIM, else build/statesim. With --check the document is not written;
the exit status says whether it is up to date. Exits 1 when a check of the suite fails (the
table is still written, with the failures marked).
"""

import argparse
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "docs" / "validation.md"
SUITE_FILE = ROOT / "tests" / "scenarios" / "test_fidelity.py"
BEGIN, END = "<!-- fidelity-table:begin -->", "<!-- fidelity-table:end -->"


def load_suite():
    os.environ.setdefault("STATESIM_ROOT", str(ROOT))
    spec = importlib.util.spec_from_file_location("test_fidelity", SUITE_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(checks, runs, seconds, version):
    """Markdown: one row per check; checks made on every run become one row each."""
    lines = [
        "| case | model | quantity | theory | simulated | tolerance | pass |",
        "|---|---|---|---|---|---|---|",
    ]
    merged = set()
    # The checks made on every run go last, one row each.
    for check in [c for c in checks if not c.per_run] + [c for c in checks if c.per_run]:
        if check.per_run:
            key = (check.case, check.quantity)
            if key in merged:
                continue
            merged.add(key)
            group = [c for c in checks if c.per_run and (c.case, c.quantity) == key]
            failing = [c for c in group if not c.passed]
            simulated = (f"as expected in all {len(group)} runs" if not failing else
                         "; ".join(f"{c.model}: {c.simulated}" for c in failing))
            row = [check.case, f"every run ({len(group)})", check.quantity, check.theory, simulated,
                   check.tolerance, "FAIL" if failing else "PASS"]
        else:
            row = [check.case, check.model, check.quantity, check.theory, check.simulated, check.tolerance,
                   "PASS" if check.passed else "**FAIL**"]
        lines.append("| " + " | ".join(cell(c) for c in row) + " |")
    passed = sum(c.passed for c in checks)
    timing = ", ".join(f"{r.label} {r.seconds:.0f} s" for r in runs)
    lines += [
        "",
        f"{passed} of {len(checks)} checks passed. Produced by `{version}` with "
        f"`scripts/validation-table.py` on {platform.machine()}, {len(runs)} runs with --jobs 2, "
        f"{seconds:.0f} s wall time in all ({timing}).",
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statesim", default=os.environ.get("STATESIM", str(ROOT / "build" / "statesim")))
    parser.add_argument("--check", action="store_true", help="only report whether the document is up to date")
    options = parser.parse_args()
    statesim = str(Path(options.statesim).resolve())
    if not Path(statesim).is_file():
        sys.exit(f"no statesim executable at {statesim} (build it, or pass --statesim PATH)")
    text = DOCUMENT.read_text()
    if BEGIN not in text or END not in text or text.index(BEGIN) > text.index(END):
        sys.exit(f"{DOCUMENT} lacks the markers {BEGIN} ... {END}")

    version = subprocess.run([statesim, "--version"], capture_output=True, text=True).stdout.strip() or "statesim"
    suite_module = load_suite()
    work_dir = Path(tempfile.mkdtemp(prefix="statesim-validation-"))
    started = time.monotonic()
    suite = suite_module.FidelitySuite(statesim, work_dir, echo=True)
    checks = suite.run_all()
    seconds = time.monotonic() - started
    shutil.rmtree(work_dir, ignore_errors=True)

    before, rest = text.split(BEGIN, 1)
    after = rest.split(END, 1)[1]
    updated = before + BEGIN + "\n" + table(checks, suite.runs, seconds, version) + "\n" + END + after
    failed = sum(not c.passed for c in checks)
    if options.check:
        # Timings change from run to run: compare the rows only.
        def rows(document):
            return [line for line in document.split(BEGIN, 1)[1].split(END, 1)[0].splitlines() if line.startswith("|")]
        same = rows(updated) == rows(text)
        print("docs/validation.md is up to date" if same else "docs/validation.md is out of date")
        return 0 if same and not failed else 1
    DOCUMENT.write_text(updated)
    print(f"wrote {DOCUMENT.relative_to(ROOT)}: {len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
