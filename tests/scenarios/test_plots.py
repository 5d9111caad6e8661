#!/usr/bin/python3
"""Checks analysis/plot.py on synthetic run and sweep folders and, when the binary is built,
on a real `statesim run` output.

Environment (set by ctest): STATESIM = path of the statesim executable, STATESIM_ROOT = the
repository. Without STATESIM the real-run part is skipped; the synthetic part always runs.
Each chart must exist, have the documented pixel size, not be blank and show every design's
colour. Prints `N passed, M failed` and exits non-zero on any failure.
"""

import csv
import importlib.util
import math
import os
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(os.environ.get("STATESIM_ROOT", Path(__file__).resolve().parents[2]))
PLOT_SCRIPT = REPO / "analysis" / "plot.py"
PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").is_file() else sys.executable

# Pixel sizes documented in analysis/README.md (figure inches x 110 dpi).
TIMELINE_PX = (1100, 1210)
TIMELINE_ALL_PX = (1100, 660)
TIMELINE_AUTOSCALE_PX = (1100, 1485)  # a design with an autoscaler: (e) CPU against its target
COMPARE_PX = [(1100, 495), (1100, 825), (1100, 1155)]  # one, two or three rows of panels
PART2_PX = (1100, 726)  # uploads.png, effects.png
SWEEP_PX = (1100, 660)
MAIN_FIELDS = ["sessions_lost", "forced_logouts", "users_affected", "failed", "latency_p99_ms", "throughput_rps"]
TAB10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
         "#bcbd22", "#17becf"]

SUMMARY_COLUMNS = [
    "design", "replication", "seed", "sessions_started", "sessions_ended", "sessions_lost",
    "sessions_active", "forced_logouts", "users_affected", "requests", "ok", "failed", "forced",
    "failed_reset", "failed_server_down", "failed_overload", "failed_store_down",
    "failed_timeout", "failed_no_server", "latency_mean_ms", "latency_p50_ms", "latency_p95_ms",
    "latency_p99_ms", "latency_max_ms", "throughput_rps", "cpu_utilization", "store_ops",
    "revoked_accepted", "in_flight",
]
NUMERIC_FIELDS = SUMMARY_COLUMNS[3:]
TIMESERIES_COLUMNS = [
    "design", "replication", "time_s", "active_sessions", "logins", "forced_logouts",
    "sessions_lost", "requests", "ok", "failed", "latency_p50_ms", "latency_p99_ms",
    "servers_up", "servers_in_rotation", "cpu_utilization",
]
EVENTS_COLUMNS = ["design", "replication", "time_s", "event", "target", "sessions_lost",
                  "forced_logouts_after", "failed_after", "detail"]  # sessions_held: optional


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


# ---------------------------------------------------------------- CSV writing

def csv_field(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    text = str(value)
    return f'"{text}"' if "," in text or '"' in text else text


def write_csv(path, columns, rows):
    lines = [",".join(columns)]
    lines += [",".join(csv_field(row.get(column)) for column in columns) for row in rows]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- synthetic run folder

RUN_DESIGNS = ["sticky-memory", "shared-redis", "stateless-jwt"]  # deliberately unsorted
RUN_EVENTS = [  # (time_s, event, target, detail)
    (300, "crash", "app-2", ""),
    (420, "restart", "app-2", ""),
    (540, "crash", "store", ""),
    (550, "restart", "store", "after 10s"),
    (600, "deploy", "all", "batch 1, drain 30s"),
    (720, "scale_in", "3→2", "drain 0s"),
    (780, "revoke", "10%", ""),
    (880, "traffic", "arrival_rate=30/s", ""),
]


def synthetic_run(folder, replications=2):
    rng = np.random.default_rng(7)
    folder.mkdir(parents=True)
    (folder / "scenario.yaml").write_text(
        "version: 1\nname: synthetic-crash\nduration: 15m\nwarmup: 30s\nreport_interval: 10s\n"
        "report:\n  fields: []\n"
        "designs:\n  - name: sticky-memory\n  - name: shared-redis\n    autoscale:\n      target: 60%\n"
        "  - name: stateless-jwt\n", encoding="utf-8")
    summary, series, events = [], [], []
    for design_index, design in enumerate(RUN_DESIGNS):
        for replication in range(replications):
            base = [3000, 1200, 400][design_index]
            row = {column: int(base * rng.uniform(0.8, 1.2)) for column in NUMERIC_FIELDS}
            row.update(design=design, replication=replication, seed=1000 + replication,
                       sessions_lost=[1800, 40, 0][design_index] + replication * 10 * (design_index < 2),
                       latency_p99_ms=[35.0, 42.5, 31.2][design_index] + replication,
                       throughput_rps=190.0 + design_index + replication * 0.5,
                       latency_mean_ms=12.0, cpu_utilization=0.41)
            if design == "stateless-jwt":
                row["store_ops"] = 0
            summary.append(row)
            active = 0
            for bucket in range(90):
                time_s = bucket * 10
                active = min(6000, active + 200) if time_s < 300 else active
                crash = time_s == 300
                if crash and design == "sticky-memory":
                    active -= 2000
                store_down = design == "shared-redis" and 540 <= time_s < 550
                latency_gap = store_down or (design == "stateless-jwt" and time_s == 610)
                servers_up = 3
                if 300 <= time_s < 420:
                    servers_up = 2
                if time_s >= 720:
                    servers_up = 2
                series.append({
                    "design": design, "replication": replication, "time_s": time_s,
                    "active_sessions": active, "logins": int(rng.integers(90, 110)),
                    "forced_logouts": (2000 if crash and design == "sticky-memory" else int(rng.integers(0, 3))),
                    "sessions_lost": 2000 if crash and design == "sticky-memory" else 0,
                    "requests": 2000, "ok": 1990,
                    "failed": (150 if crash else 0) + (900 if store_down else 0) + int(rng.integers(0, 4)),
                    "latency_p50_ms": math.nan if latency_gap else 5.0 + rng.random(),
                    "latency_p99_ms": math.nan if latency_gap else (40.0 + 10 * rng.random()
                                                                     + (9000 if crash else 0)),
                    "servers_up": servers_up,
                    "servers_in_rotation": servers_up - (1 if 300 <= time_s < 320 else 0),
                    "cpu_utilization": 0.4,
                })
            design_events = list(RUN_EVENTS)
            if design == "shared-redis":  # an autoscaler decision only this design took
                design_events.append((610, "scale_out", "app-4", "cpu 75% > 60%"))
            for time_s, event, target, detail in sorted(design_events):
                events.append({"design": design, "replication": replication, "time_s": float(time_s),
                               "event": event, "target": target, "sessions_lost": 0,
                               "forced_logouts_after": 0, "failed_after": 0, "detail": detail})
    write_csv(folder / "summary.csv", SUMMARY_COLUMNS, summary)
    write_csv(folder / "timeseries.csv", TIMESERIES_COLUMNS, series)
    write_csv(folder / "events.csv", EVENTS_COLUMNS, events)
    ci_rows = []
    for design in RUN_DESIGNS:
        for field in NUMERIC_FIELDS:
            values = [row[field] for row in summary if row["design"] == design]
            mean = float(np.mean(values))
            half = 12.706 * float(np.std(values, ddof=1)) / math.sqrt(len(values)) if len(values) > 1 else math.nan
            ci_rows.append({"design": design, "field": field, "replications": len(values), "mean": mean,
                            "ci95_low": mean - half, "ci95_high": mean + half, "half_width": half})
    write_csv(folder / "summary_ci.csv", ["design", "field", "replications", "mean", "ci95_low",
                                          "ci95_high", "half_width"], ci_rows)
    return list(RUN_DESIGNS)


# ---------------------------------------------------------------- synthetic sweep folders

def synthetic_sweep(folder, keys, designs, replications, with_mean_rows, with_ci_columns, means_file=False):
    """keys: list of (key path, values). Writes sweep.csv with the documented columns; the mean
    rows go to sweep_means.csv with `means_file`, else (as earlier versions wrote them) into
    sweep.csv with `mean` as their replication."""
    rng = np.random.default_rng(11)
    folder.mkdir(parents=True)
    (folder / "scenario.yaml").write_text("version: 1\nname: synthetic-sweep\nduration: 5m\n", encoding="utf-8")
    key_names = [name for name, _ in keys]
    points = [[]]
    for _, values in keys:
        points = [previous + [value] for previous in points for value in values]
    columns = ["point"] + key_names + ["design", "replication"] + NUMERIC_FIELDS
    if with_ci_columns:
        for field in NUMERIC_FIELDS:
            columns += [f"{field}_ci95_low", f"{field}_ci95_high"]
    rows, means = [], []
    for point_index, point in enumerate(points):
        for design_index, design in enumerate(designs):
            replicated = []
            for replication in range(replications):
                row = {"point": point_index, "design": design, "replication": replication}
                row.update(zip(key_names, point))
                for field in NUMERIC_FIELDS:
                    row[field] = float(100 * (design_index + 1) + 30 * point_index + rng.normal(0, 8))
                if point_index == 0 and design_index == 0:
                    row["latency_p99_ms"] = math.nan  # no successful request: empty field
                replicated.append(row)
            rows += replicated
            if with_mean_rows:
                mean_row = {"point": point_index, "design": design, "replication": "mean"}
                mean_row.update(zip(key_names, point))
                for field in NUMERIC_FIELDS:
                    values = [row[field] for row in replicated if not math.isnan(row[field])]
                    mean_row[field] = float(np.mean(values)) if values else math.nan
                    if with_ci_columns and len(values) > 1:
                        half = 2.0 * float(np.std(values, ddof=1))
                        mean_row[f"{field}_ci95_low"] = mean_row[field] - half
                        mean_row[f"{field}_ci95_high"] = mean_row[field] + half
                if means_file:
                    mean_row["replications"] = replications
                    means.append(mean_row)
                else:
                    rows.append(mean_row)
    write_csv(folder / "sweep.csv", columns, rows)
    if means_file:
        write_csv(folder / "sweep_means.csv", [("replications" if column == "replication" else column)
                                               for column in columns], means)
    return list(designs)


# ---------------------------------------------------------------- PNG checks

def png_size(path):
    header = Path(path).read_bytes()[:24]
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", header[16:24])


def colour_pixels(image, hex_colour, tolerance=0.06):
    target = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    distance = np.abs(image[:, :, :3] - target).max(axis=2)
    return int((distance <= tolerance).sum())


def check_png(results, path, expected_size, design_colours=()):
    from matplotlib import image as mpimg

    if not results.check(path.is_file(), f"{path.name} exists", str(path)):
        return
    size = png_size(path)
    expected_size = expected_size if isinstance(expected_size, list) else [expected_size]
    sizes = " or ".join(f"{width}x{height}" for width, height in expected_size)
    results.check(size in expected_size, f"{path.name} is {sizes} px", f"got {size}")
    image = mpimg.imread(str(path))
    not_white = (image[:, :, :3] < 0.95).any(axis=2).mean()
    results.check(float(image[:, :, :3].std()) > 0.01 and not_white > 0.01,
                  f"{path.name} is not blank", f"non-white fraction {not_white:.4f}")
    for design, colour in design_colours:
        count = colour_pixels(image, colour)
        results.check(count >= 30, f"{path.name} shows design {design} in {colour}", f"{count} pixels")


def run_plot(folder, *extra):
    return subprocess.run([PYTHON, str(PLOT_SCRIPT), str(folder), *extra],
                          capture_output=True, text=True, timeout=600)


def expected_colours(designs):
    """Colours follow the designs' order in the file."""
    return [(design, TAB10[index]) for index, design in enumerate(designs)]


def check_run_charts(results, outdir, designs, all_designs_in_timelines=True, autoscaled=()):
    for index, design in enumerate(designs):
        check_png(results, outdir / f"timeline-{design}.png",
                  TIMELINE_AUTOSCALE_PX if design in autoscaled else TIMELINE_PX, [(design, TAB10[index])])
    check_png(results, outdir / "timeline-all.png", TIMELINE_ALL_PX,
              expected_colours(designs) if all_designs_in_timelines else ())
    check_png(results, outdir / "compare.png", COMPARE_PX, expected_colours(designs))


# ---------------------------------------------------------------- the checks

def check_helpers(results):
    spec = importlib.util.spec_from_file_location("statesim_plot", PLOT_SCRIPT)
    plot = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plot)

    # Textbook 0.975 quantiles of Student's t.
    results.check(plot.t_quantile_975(1) == 12.706, "t(0.975, 1) = 12.706")
    results.check(plot.t_quantile_975(4) == 2.776, "t(0.975, 4) = 2.776")
    results.check(plot.t_quantile_975(30) == 2.042, "t(0.975, 30) = 2.042")
    results.check(plot.t_quantile_975(200) == 1.96, "t beyond 30 dof is 1.96")
    # 1..5: mean 3, sample sd sqrt(2.5), half width 2.776 * sqrt(2.5 / 5) = 1.96292.
    mean, low, high, n = plot.mean_ci95([1, 2, 3, 4, 5, float("nan")])
    results.check(n == 5 and mean == 3.0, "mean_ci95 ignores NaN", f"n={n} mean={mean}")
    results.check(abs((high - mean) - 1.96292) < 1e-4 and abs((mean - low) - 1.96292) < 1e-4,
                  "mean_ci95 half width for 1..5", f"{low} .. {high}")
    _, low, high, n = plot.mean_ci95([42.0])
    results.check(n == 1 and math.isnan(low) and math.isnan(high), "one value has no CI")

    results.check(plot.parse_duration_s("10s") == 10.0, "parse 10s")
    results.check(plot.parse_duration_s("1m30s") == 90.0, "parse 1m30s")
    results.check(abs(plot.parse_duration_s("250ms") - 0.25) < 1e-12, "parse 250ms")
    results.check(plot.parse_duration_s("2h") == 7200.0, "parse 2h")
    results.check(plot.parse_duration_s("ten") is None, "reject 'ten'")
    results.check(plot.time_unit(900) == ("min", 60.0), "15 min run is drawn in minutes")
    results.check(plot.time_unit(600) == ("s", 1.0), "10 min run is drawn in seconds")

    # Overlapping labels go to different rows; a label after both ends reuses row 0.
    levels = plot.stagger_levels([(0.0, 0.2), (0.1, 0.3), (0.15, 0.25), (0.35, 0.5)])
    results.check(levels == [0, 1, 2, 0], "stagger_levels separates overlapping labels", str(levels))
    levels = plot.stagger_levels([(0.0, 0.5)] * 5, max_levels=3)
    results.check(max(levels) == 2 and len(levels) == 5, "stagger_levels respects max_levels", str(levels))

    colours = plot.design_colours(["b", "a", "c"])
    results.check(colours["b"] == plot.design_colours(["b"])["b"] and colours["a"] != colours["b"],
                  "design colours follow the file's order")
    results.check(plot.file_order(["b", "a", "b", "c", "a"]) == ["b", "a", "c"], "designs in file order")
    label = plot.sweep_line_label
    results.check(label("sticky", ["servers.count"], (4,), False) == "sticky, 4"
                  and label("sticky", ["servers.count"], (4,), True) == "4"
                  and label("sticky", ["a", "b"], (1, "2s"), True) == "a=1, b=2s"
                  and label("sticky", [], (), False) == "sticky",
                  "sweep legend entries leave out what the legend's title already names")
    populations = plot.design_populations({
        "clients": {"arrival_rate": "1/s"},
        "designs": [{"name": "web"}, {"name": "games", "games": {}}]})
    results.check(populations == {"web": (True, True), "games": (True, True)},
                  "a top-level clients section gives every design web visitors", str(populations))
    populations = plot.design_populations({"designs": [
        {"name": "default"}, {"name": "games", "games": {}}, {"name": "uploads", "uploads": {}},
        {"name": "chat", "realtime": {}}, {"name": "both", "games": {}, "clients": {}}]})
    results.check(populations == {"default": (True, True), "games": (False, False), "uploads": (False, True),
                                  "chat": (True, True), "both": (True, True)},
                  "timeline panels follow the designs' populations", str(populations))
    check_chart_helpers(results, plot)


def check_chart_helpers(results, plot):
    """The choices behind the charts: which fields the compare chart shows, integer ticks,
    a sweep's numeric axis, servers entering the rotation, the autoscaler's target."""
    class Run:  # what compare_fields reads of a run folder
        pass

    def run_of(columns, report=()):
        run = Run()
        run.summary = pd.DataFrame(columns)
        run.designs = plot.file_order(run.summary["design"])
        run.summary_ci = None
        run.report_fields = list(report)
        return run

    base = {"design": ["jwt", "redis"], "replication": [0, 0], "seed": [1, 1], "in_flight": [3, 9],
            "sessions_lost": [0, 0], "forced_logouts": [0, 0], "users_affected": [10, 10], "failed": [5, 5],
            "latency_p99_ms": [100.0, 101.0], "throughput_rps": [50.0, 50.0], "revoked_accepted": [480, 0]}
    fields, _ = plot.compare_fields(run_of(base))
    results.check(fields == ["revoked_accepted"],
                  "compare shows the field that differs (revoked_accepted), not a fixed six", str(fields))
    same = dict(base, revoked_accepted=[0, 0])
    fields, _ = plot.compare_fields(run_of(same))
    results.check(fields == [field for field, _, _ in plot.MAIN_FIELDS],
                  "compare falls back to the main fields when nothing differs", str(fields))
    fields, _ = plot.compare_fields(run_of(base, ["failed", "revoked_accepted", "absent_field"]))
    results.check(fields == ["failed", "revoked_accepted"], "compare shows the scenario's report.fields in order",
                  str(fields))
    frame = pd.DataFrame({"sessions_lost": [0, 0], "latency_p99_ms": [1.5, 2.0], "cpu_utilization": [0.0, 1.0]})
    results.check(plot.is_count_field(frame, "sessions_lost") and not plot.is_count_field(frame, "latency_p99_ms")
                  and not plot.is_count_field(frame, "cpu_utilization"),
                  "whole-number fields (all zero included) get integer ticks, utilisations do not")

    fig, ax = plot.plt.subplots()
    ax.plot([0, 1, 2], [0, 0, 0])
    plot.count_axis(ax, [0, 0, 0])
    fig.canvas.draw()
    ticks = [tick for tick in ax.get_yticks() if ax.get_ylim()[0] <= tick <= ax.get_ylim()[1]]
    results.check(ax.get_ylim() == (0.0, 1.0) and all(float(tick).is_integer() for tick in ticks),
                  "an all-zero count panel has whole-number ticks from 0 to 1", str(ticks))
    plot.plt.close(fig)

    axis = plot.SweepAxis.of(["10s", "1m", "30s"])
    results.check(axis is not None and axis.unit == "s" and [axis.number(v) for v in ["10s", "1m"]] == [10.0, 60.0],
                  "a sweep of durations gets a numeric axis in seconds")
    axis = plot.SweepAxis.of(["5m", "30m", "1h"])
    results.check(axis is not None and axis.unit == "min" and axis.number("1h") == 60.0,
                  "long durations are drawn in minutes")
    axis = plot.SweepAxis.of(["10/s", "600/m"])
    results.check(axis is not None and axis.number("600/m") == 10.0, "rates are drawn per second")
    results.check(plot.SweepAxis.of(["memory", "redis"]) is None, "names stay categories")
    results.check(plot.readable_key("load_balancer.health_check.interval") == "load balancer: health check: interval",
                  "a key path becomes a readable label")

    ts = pd.DataFrame({"time_s": [0, 10, 20, 30, 40], "servers_in_rotation": [3, 2, 2, 3, 4]})
    results.check(plot.rotation_entries(ts, 1.0) == [(30.0, "+1 in rotation"), (40.0, "+1 in rotation")],
                  "servers entering the rotation are found per bucket", str(plot.rotation_entries(ts, 1.0)))
    targets = plot.autoscale_targets({"designs": [{"name": "a", "autoscale": {"target": "60%"}}, {"name": "b"},
                                                  {"name": "c", "autoscale": {"target": 0.75}}]})
    results.check(targets == {"a": 0.6, "c": 0.75}, "the autoscaler's target per design", str(targets))


def check_synthetic(results, work):
    run_folder = work / "run"
    designs = synthetic_run(run_folder)
    done = run_plot(run_folder)
    results.check(done.returncode == 0, "plot.py on a synthetic run folder", done.stderr.strip())
    check_run_charts(results, run_folder / "plots", designs, autoscaled=["shared-redis"])

    other = work / "run-rep1"
    done = run_plot(run_folder, "--outdir", str(other), "--replication", "1")
    results.check(done.returncode == 0, "plot.py --replication 1 --outdir", done.stderr.strip())
    results.check((other / "timeline-shared-redis.png").is_file(), "--outdir receives the charts")

    done = run_plot(run_folder, "--outdir", str(work / "unused"), "--replication", "7")
    results.check(done.returncode == 2 and "replication 7" in done.stderr,
                  "an absent replication is an error", f"rc={done.returncode} {done.stderr.strip()}")
    empty = work / "empty"
    empty.mkdir()
    done = run_plot(empty)
    results.check(done.returncode == 2 and "summary.csv" in done.stderr,
                  "a folder without CSV files is an error", f"rc={done.returncode} {done.stderr.strip()}")

    # Two varied keys, mean rows carrying CI columns.
    sweep_a = work / "sweep-two-keys"
    designs = synthetic_sweep(sweep_a, [("servers.count", ["2", "3", "4"]), ("sessions.store", ["memory", "redis"])],
                              ["sticky", "round-robin"], replications=3, with_mean_rows=True, with_ci_columns=True)
    done = run_plot(sweep_a)
    results.check(done.returncode == 0, "plot.py on a two-key sweep", done.stderr.strip())
    for field in MAIN_FIELDS:
        check_png(results, sweep_a / "plots" / f"sweep-{field}.png", SWEEP_PX, expected_colours(designs))

    # One categorical key, mean rows without CI columns: the plotter computes the CI.
    sweep_b = work / "sweep-categorical"
    designs = synthetic_sweep(sweep_b, [("clients.arrival_rate", ["10/s", "20/s", "40/s"])],
                              ["sticky-memory", "shared-redis", "stateless-jwt"], replications=4,
                              with_mean_rows=True, with_ci_columns=False)
    done = run_plot(sweep_b)
    results.check(done.returncode == 0, "plot.py on a categorical sweep without CI columns", done.stderr.strip())
    for field in MAIN_FIELDS:
        check_png(results, sweep_b / "plots" / f"sweep-{field}.png", SWEEP_PX, expected_colours(designs))

    # Durations, with sweep_means.csv: a numeric axis.
    sweep_d = work / "sweep-durations"
    designs = synthetic_sweep(sweep_d, [("load_balancer.health_check.interval", ["1s", "5s", "30s"])],
                              ["sticky", "round-robin"], replications=3, with_mean_rows=True, with_ci_columns=True,
                              means_file=True)
    done = run_plot(sweep_d)
    results.check(done.returncode == 0, "plot.py on a sweep of durations with sweep_means.csv", done.stderr.strip())
    for field in MAIN_FIELDS:
        check_png(results, sweep_d / "plots" / f"sweep-{field}.png", SWEEP_PX, expected_colours(designs))

    # One replication, no mean rows.
    sweep_c = work / "sweep-single"
    designs = synthetic_sweep(sweep_c, [("servers.count", ["1", "2", "4", "8"])], ["only"], replications=1,
                              with_mean_rows=False, with_ci_columns=False)
    done = run_plot(sweep_c)
    results.check(done.returncode == 0, "plot.py on a one-replication sweep", done.stderr.strip())
    for field in MAIN_FIELDS:
        check_png(results, sweep_c / "plots" / f"sweep-{field}.png", SWEEP_PX, expected_colours(designs))


def check_real_run(results, work):
    statesim = os.environ.get("STATESIM", "")
    if not (statesim and os.path.isfile(statesim) and os.access(statesim, os.X_OK)):
        print("note: STATESIM is not an executable: real-run check skipped")
        return
    scenario = REPO / "scenarios" / "crash-sticky-memory.yaml"
    if not scenario.is_file():
        shipped = sorted((REPO / "scenarios").glob("*.yaml"))
        if not results.check(bool(shipped), "a scenario is shipped in scenarios/"):
            return
        scenario = shipped[0]
    out = work / "real"
    done = subprocess.run([statesim, "run", str(scenario), "--out", str(out), "--seed", "1"],
                          capture_output=True, text=True, timeout=1500)
    if not results.check(done.returncode == 0, f"statesim run {scenario.name}", done.stderr.strip()[-2000:]):
        return
    done = run_plot(out)
    results.check(done.returncode == 0, f"plot.py on the output of {scenario.name}", done.stderr.strip())
    header = (out / "summary.csv").read_text(encoding="utf-8").splitlines()
    design_column = header[0].split(",").index("design")
    designs = list(dict.fromkeys(line.split(",")[design_column].strip('"') for line in header[1:] if line.strip()))
    results.check(bool(designs), "summary.csv lists at least one design")
    # In a real run a design may have no disruption at all (a flat line at 0 hidden by others).
    check_run_charts(results, out / "plots", designs, all_designs_in_timelines=False)


def check_part2_charts(results, work):
    """uploads.png and effects.png for the runs that have those parts, and only for them."""
    statesim = os.environ.get("STATESIM", "")
    if not (statesim and os.path.isfile(statesim) and os.access(statesim, os.X_OK)):
        return
    for scenario, chart, absent in (("uploads.yaml", "uploads.png", "effects.png"),
                                    ("counter-crash.yaml", "effects.png", "uploads.png")):
        out = work / f"part2-{chart}"
        done = subprocess.run([statesim, "run", str(REPO / "scenarios" / scenario), "--out", str(out), "--quiet"],
                              capture_output=True, text=True, timeout=600)
        if not results.check(done.returncode == 0, f"statesim run {scenario}", done.stderr.strip()[-1000:]):
            continue
        done = run_plot(out)
        results.check(done.returncode == 0, f"plot.py on the output of {scenario}", done.stderr.strip())
        designs = sorted({row["design"] for row in csv.DictReader(open(out / "summary.csv", newline=""))})
        check_png(results, out / "plots" / chart, PART2_PX, expected_colours(designs))
        results.check(not (out / "plots" / absent).exists(), f"{scenario}: no {absent} (the run has no such part)")


def main():
    results = Results()
    keep = os.environ.get("STATESIM_KEEP_PLOTS")  # a folder to keep the charts in, to look at them
    with tempfile.TemporaryDirectory(prefix="statesim-plots-") as temporary:
        work = Path(keep) if keep else Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        check_helpers(results)
        check_synthetic(results, work)
        check_real_run(results, work)
        check_part2_charts(results, work)
    print(f"{results.passed} passed, {results.failed} failed")
    return 0 if results.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
