#!/usr/bin/python3
"""Checks `statesim sweep` on a small, fast scenario (two simulated minutes, a crash of app-2).

Environment (set by ctest): STATESIM = path of the statesim executable, STATESIM_ROOT = the
repository (for analysis/plot.py). Checks that sweep.csv (one row per replication) and
sweep_means.csv (one row per point and design) have the documented columns and rows,
that the varied values reach the runs, that the output does not depend on --jobs, that a
second run resumes from the point files, that bad --vary options exit with status 2 before
writing anything, that ranges expand, and that the plotting tool reads the folder. Prints
`N passed, M failed` and exits non-zero on any failure.
"""

import csv
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from common import SMALL_SWEEP as SCENARIO

STATESIM = os.environ.get("STATESIM", "")
REPO = Path(os.environ.get("STATESIM_ROOT", Path(__file__).resolve().parents[2]))
PLOT_SCRIPT = REPO / "analysis" / "plot.py"
PYTHON = "/usr/bin/python3"

DESIGNS = ["round-robin", "sticky"]
REPLICATIONS = 2
VARY = ["--vary", "servers.count=2,3", "--vary", "sessions.store=memory,jwt"]
# Point number -> (servers.count, sessions.store): the first --vary is the outermost.
POINTS = {1: ("2", "memory"), 2: ("2", "jwt"), 3: ("3", "memory"), 4: ("3", "jwt")}

SUMMARY_FIELDS = [
    "sessions_started", "sessions_ended", "sessions_lost", "sessions_active", "forced_logouts",
    "users_affected", "requests", "ok", "failed", "requests_failed_final", "forced", "failed_reset",
    "failed_server_down",
    "failed_overload", "failed_store_down", "failed_timeout", "failed_no_server", "latency_mean_ms",
    "latency_p50_ms", "latency_p95_ms", "latency_p99_ms", "latency_max_ms", "throughput_rps",
    "cpu_utilization", "store_ops", "sessions_abandoned", "page_throughput_rps", "worker_utilization",
    "queue_wait_ms", "store_utilization", "store_wait_ms", "token_refreshes", "revoked_accepted", "in_flight",
]


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, condition, what, detail=""):
        if condition:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL: {what}" + (f" ({detail})" if detail else ""))
        return condition


def sweep(scenario, out, *extra):
    command = [STATESIM, "sweep", str(scenario), *extra, "--out", str(out)]
    return subprocess.run(command, capture_output=True, text=True, timeout=900)


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, [dict(zip(header, row)) for row in reader]


def expected_header(keys):
    return ["point", *keys, "design", "replication", *SUMMARY_FIELDS]


def expected_means_header(keys):
    header = ["point", *keys, "design", "replications", *SUMMARY_FIELDS]
    for field in SUMMARY_FIELDS:
        header += [f"{field}_ci95_low", f"{field}_ci95_high"]
    return header


def check_grid(results, scenario, work):
    """The 2 x 2 grid: columns, rows, values, --jobs independence, resuming."""
    out_one, out_two = work / "jobs1", work / "jobs2"
    common = [*VARY, "--replications", str(REPLICATIONS), "--quiet"]
    first = sweep(scenario, out_one, *common, "--jobs", "1")
    if not results.check(first.returncode == 0, "sweep --jobs 1 exits 0", first.stderr.strip()[-2000:]):
        return
    second = sweep(scenario, out_two, *common, "--jobs", "2")
    if not results.check(second.returncode == 0, "sweep --jobs 2 exits 0", second.stderr.strip()[-2000:]):
        return
    text = (out_one / "sweep.csv").read_bytes()
    results.check(text == (out_two / "sweep.csv").read_bytes(), "sweep.csv is byte-identical for --jobs 1 and 2")
    results.check(text.endswith(b"\n") and b"\r" not in text, "sweep.csv lines end with a single \\n")
    results.check((out_one / "sweep_means.csv").read_bytes() == (out_two / "sweep_means.csv").read_bytes(),
                  "sweep_means.csv is byte-identical for --jobs 1 and 2")

    header, rows = read_rows(out_one / "sweep.csv")
    results.check(header == expected_header(["servers.count", "sessions.store"]), "sweep.csv header",
                  ",".join(header[:6]))
    expected_rows = len(POINTS) * len(DESIGNS) * REPLICATIONS
    results.check(len(rows) == expected_rows, f"sweep.csv has {expected_rows} rows", f"got {len(rows)}")
    results.check(all(row["replication"].isdigit() for row in rows), "sweep.csv holds replication rows only")
    means_header, mean_rows = read_rows(out_one / "sweep_means.csv")
    results.check(means_header == expected_means_header(["servers.count", "sessions.store"]),
                  "sweep_means.csv header", ",".join(means_header[:6]))
    results.check(len(mean_rows) == len(POINTS) * len(DESIGNS), "sweep_means.csv has one row per point and design")
    results.check(all(row["replications"] == str(REPLICATIONS) for row in mean_rows),
                  "sweep_means.csv says how many replications each mean is over")

    for point, (count, store) in POINTS.items():
        point_rows = [row for row in rows if row["point"] == str(point)]
        results.check(all(row["servers.count"] == count and row["sessions.store"] == store for row in point_rows),
                      f"point {point} rows carry servers.count={count}, sessions.store={store}")
        for design in DESIGNS:
            runs = [row for row in point_rows if row["design"] == design]
            means = [row for row in mean_rows if row["point"] == str(point) and row["design"] == design]
            results.check(sorted(row["replication"] for row in runs) == [str(r) for r in range(REPLICATIONS)],
                          f"point {point} {design}: one row per replication")
            if not results.check(len(means) == 1, f"point {point} {design}: one mean row"):
                continue
            mean = means[0]
            for field in ("sessions_lost", "failed", "latency_p99_ms"):
                values = [float(row[field]) for row in runs]
                results.check(math.isclose(float(mean[field]), sum(values) / len(values), abs_tol=1e-3),
                              f"point {point} {design}: the mean row's {field} is the mean of the replications")
                low, high = mean[f"{field}_ci95_low"], mean[f"{field}_ci95_high"]
                results.check(low != "" and high != "" and float(low) <= float(mean[field]) <= float(high),
                              f"point {point} {design}: {field} lies in its 95% interval", f"{low} .. {high}")
            lost = float(mean["sessions_lost"])
            if store == "jwt":
                results.check(all(float(row["sessions_lost"]) == 0 for row in runs) and lost == 0,
                              f"point {point} {design}: a token store loses no session", f"mean {lost}")
            else:
                results.check(lost > 0, f"point {point} {design}: the crash loses memory sessions", f"mean {lost}")

    # Each point's files: its rows and the resolved scenario it ran.
    for point, (count, store) in POINTS.items():
        point_csv = out_one / "points" / f"point-{point:03d}.csv"
        key = out_one / "points" / f"point-{point:03d}.key"
        if not results.check(point_csv.is_file() and key.is_file(), f"point {point}: .csv and .key written"):
            continue
        _, point_rows = read_rows(point_csv)
        results.check(len(point_rows) == len(DESIGNS) * (REPLICATIONS + 1) and
                      all(row["point"] == str(point) for row in point_rows), f"point {point}: its rows only")
        key_text = key.read_text(encoding="utf-8")
        results.check(f"count: {count}\n" in key_text and f"store: {store}\n" in key_text,
                      f"point {point}: the .key holds the varied values")
        check = subprocess.run([STATESIM, "check", str(key)], capture_output=True, text=True, timeout=60)
        results.check(check.returncode == 0 and check.stdout == key_text,
                      f"point {point}: the .key is a resolved scenario that loads back to itself",
                      check.stderr.strip())
    results.check((out_one / "sweep.yaml").is_file(), "sweep.yaml written")

    # The same sweep into the same folder: nothing runs again, the file is the same.
    again = sweep(scenario, out_one, *common, "--jobs", "2")
    results.check(again.returncode == 0 and "skipped 4 of 4" in again.stderr,
                  "a repeated sweep skips every point", again.stderr.strip())
    results.check((out_one / "sweep.csv").read_bytes() == text, "a repeated sweep rebuilds the same sweep.csv")
    results.check("sessions lost" in again.stdout and "round-robin" in again.stdout,
                  "a repeated sweep prints the table", again.stdout[-500:])

    # One point lost and one point from another scenario: only those two run again.
    (out_one / "points" / "point-003.csv").unlink()
    (out_one / "points" / "point-002.key").write_text("version: 1\n", encoding="utf-8")
    resumed = sweep(scenario, out_one, *common, "--jobs", "2")
    results.check(resumed.returncode == 0 and "skipped 2 of 4" in resumed.stderr and ": 1, 4" in resumed.stderr,
                  "a resumed sweep skips the finished points only", resumed.stderr.strip())
    results.check((out_one / "sweep.csv").read_bytes() == text, "a resumed sweep gives the same sweep.csv")

    # Another seed is another scenario at every point.
    reseeded = sweep(scenario, out_one, *common, "--jobs", "2", "--seed", "6")
    results.check(reseeded.returncode == 0 and "skipped" not in reseeded.stderr,
                  "a sweep with another seed runs every point again", reseeded.stderr.strip())
    results.check((out_one / "sweep.csv").read_bytes() != text, "another seed gives other results")

    check_plot(results, out_two)


def check_plot(results, folder):
    if not (Path(PYTHON).is_file() and PLOT_SCRIPT.is_file()):
        print(f"note: {PYTHON} or {PLOT_SCRIPT} missing: plot check skipped")
        return
    done = subprocess.run([PYTHON, str(PLOT_SCRIPT), str(folder)], capture_output=True, text=True, timeout=300)
    results.check(done.returncode == 0, "plot.py reads the sweep folder", done.stderr.strip()[-2000:])
    chart = folder / "plots" / "sweep-sessions_lost.png"
    results.check(chart.is_file() and chart.stat().st_size > 1000, "plot.py draws sweep-sessions_lost.png")


def check_range(results, scenario, work):
    out = work / "range"
    done = sweep(scenario, out, "--vary", "servers.count=2..4:1", "--replications", "1", "--quiet", "--jobs", "2")
    if not results.check(done.returncode == 0, "sweep over a range exits 0", done.stderr.strip()[-2000:]):
        return
    header, rows = read_rows(out / "sweep.csv")
    results.check(header == expected_header(["servers.count"]), "a one-key sweep has one key column")
    points = sorted({(int(row["point"]), row["servers.count"]) for row in rows})
    results.check(points == [(1, "2"), (2, "3"), (3, "4")], "2..4:1 expands to the points 2, 3, 4", str(points))
    results.check(len(rows) == 3 * len(DESIGNS), "one replication row per point and design")
    _, mean_rows = read_rows(out / "sweep_means.csv")
    results.check(len(mean_rows) == 3 * len(DESIGNS) and all(row["sessions_lost_ci95_low"] == "" for row in mean_rows),
                  "with one replication the mean rows have no interval")



def check_bad_input(results, scenario, work):
    cases = [
        (["--vary", "servers.cuont=2"], ["servers.cuont", "did you mean", "count"]),
        (["--vary", "servrs.count=2"], ["servrs", "did you mean", "servers"]),
        (["--vary", "servers.count=0"], ["--vary servers.count=0", "sweep point 1"]),
        (["--vary", "servers.count=two"], ["--vary servers.count=two", "two"]),
        (["--vary", "servers.count=2,0"], ["--vary servers.count=0", "sweep point 2"]),
        (["--vary", "servers.count=2", "--vary", "sessions.store=memory,memry"], ["memry", "did you mean"]),
        (["--vary", "servers.count=3..1"], ["3..1", "range"]),
        (["--vary", "servers.count"], ["KEY=V1,V2"]),
        (["--vary", "clients.requests[7].cpu=exp(1ms)"], ["clients.requests", "2 item"]),
    ]
    for number, (arguments, expected) in enumerate(cases):
        out = work / f"bad-{number}"
        done = sweep(scenario, out, *arguments, "--quiet")
        what = " ".join(arguments)
        results.check(done.returncode == 2, f"{what}: exit status 2", f"got {done.returncode}")
        results.check(not out.exists(), f"{what}: no output folder")
        message = done.stderr.strip()
        results.check(message.startswith("error:") and all(part in message for part in expected),
                      f"{what}: the message names the problem", message)


def main():
    results = Results()
    if not results.check(bool(STATESIM) and os.access(STATESIM, os.X_OK),
                         "STATESIM names the statesim executable", STATESIM):
        print(f"{results.passed} passed, {results.failed} failed")
        return 1
    with tempfile.TemporaryDirectory(prefix="statesim-sweep-") as temporary:
        work = Path(temporary)
        scenario = work / "small-sweep.yaml"
        scenario.write_text(SCENARIO, encoding="utf-8")
        check_bad_input(results, scenario, work)
        check_range(results, scenario, work)
        check_grid(results, scenario, work)
    print(f"{results.passed} passed, {results.failed} failed")
    return 0 if results.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
