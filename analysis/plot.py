#!/usr/bin/python3
"""Charts of a statesim output folder, drawn from its CSV contract only.

Usage: plot.py DIR [--outdir PNGDIR] [--replication N]

A run folder (`statesim run FILE --out DIR`, holds summary.csv) gives
  timeline-<design>.png  four stacked panels over time, events as dashed lines
  timeline-all.png       forced logouts + failed requests of every design on one axis
  servers-<design>.png   per server: sessions held, requests, CPU (from servers.csv)
  compare.png            one bar per design for the fields that differ between the designs
                         (or the scenario's report.fields), 95% CI whiskers
A sweep folder (`statesim sweep ... --out DIR`, holds sweep.csv) gives
  sweep-<field>.png      a main field against the first varied parameter (sweep_means.csv
                         gives the means and intervals)

Run with Debian's interpreter (/usr/bin/python3): it has matplotlib and pandas.
See analysis/README.md for how to read each chart.
"""

import argparse
import math
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from matplotlib.transforms import ScaledTranslation  # noqa: E402
sys.path.insert(0, str(Path(__file__).resolve().parent))  # the chart modules beside this file
from realtime_charts import plot_part2 as draw_realtime_charts  # noqa: E402  (connections, matches)
from server_charts import plot_servers as draw_server_charts  # noqa: E402  (servers-<design>.png)
from upload_charts import draw_part2_charts as draw_upload_charts  # noqa: E402  (uploads.png, effects.png)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from contract import (EVENTS_COLUMNS, FIRST_FIELDS, IDENTITY_COLUMNS, MAIN_FIELDS, NOT_COMPARED,  # noqa: E402
                      SUMMARY_CI_COLUMNS, SUMMARY_REQUIRED, SWEEP_MEANS_REQUIRED, SWEEP_REQUIRED,
                      TIMESERIES_REQUIRED, field_title, is_percent)

try:
    import yaml  # noqa: E402  (python3-yaml: the resolved scenario's designs)
except ImportError:  # pragma: no cover - Debian's python3-yaml is in the setup list
    yaml = None

DPI = 110
FIGURE_WIDTH_IN = 10.0
# Figure sizes are fixed (no bbox_inches="tight") so every PNG has a predictable pixel size.
TIMELINE_SIZE_IN = (FIGURE_WIDTH_IN, 11.0)
TIMELINE_ALL_SIZE_IN = (FIGURE_WIDTH_IN, 6.0)
COMPARE_SIZE_IN = (FIGURE_WIDTH_IN, 7.5)
SWEEP_SIZE_IN = (FIGURE_WIDTH_IN, 6.0)

TIMELINE_AUTOSCALE_SIZE_IN = (FIGURE_WIDTH_IN, 13.5)
# A timeline of fewer panels (no sessions, no requests) is shorter by this much per panel.
TIMELINE_PANEL_IN = TIMELINE_AUTOSCALE_SIZE_IN[1] - TIMELINE_SIZE_IN[1]
COMPARE_WIDTH_IN = FIGURE_WIDTH_IN
COMPARE_COLUMNS = 3
COMPARE_MAX_PANELS = 9
# A field "differs" between designs when its largest and smallest design means are more than
# this fraction of the larger apart (0 against anything else always differs).
DIFFERENCE_FRACTION = 0.05
IN_ROTATION_COLOUR = "#1a9641"


def compare_size_in(rows):
    """4.5 in high for one row of panels, 7.5 for two, 10.5 for three."""
    return (COMPARE_WIDTH_IN, 1.5 + 3.0 * rows)


# Two-sided 95% Student t quantiles (0.975) for n-1 = 1..30 degrees of freedom; 1.96 beyond.
T_QUANTILE_975 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
    9: 2.262, 10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120,
    17: 2.110, 18: 2.101, 19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064,
    25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042,
}

EVENT_LINE_COLOUR = "0.3"
EVENT_LABEL_LEVELS_MAX = 8
DURATION_UNIT_S = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


class PlotError(Exception):
    """A folder or file that cannot be plotted; the message says why."""


# ---------------------------------------------------------------- statistics and helpers

def t_quantile_975(degrees_of_freedom):
    if degrees_of_freedom < 1:
        return math.nan
    return T_QUANTILE_975.get(degrees_of_freedom, 1.96)


def mean_ci95(values):
    """(mean, ci95_low, ci95_high, n) of the finite values; bounds are NaN when n < 2."""
    finite = [float(v) for v in values if v is not None and np.isfinite(v)]
    n = len(finite)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    mean = sum(finite) / n
    if n < 2:
        return mean, math.nan, math.nan, n
    variance = sum((v - mean) ** 2 for v in finite) / (n - 1)
    half_width = t_quantile_975(n - 1) * math.sqrt(variance / n)
    return mean, mean - half_width, mean + half_width, n


def parse_duration_s(text):
    """'10s', '1m30s', '250ms' -> seconds; a bare number is taken as seconds; None if unreadable."""
    text = text.strip().strip("\"'")
    try:
        return float(text)
    except ValueError:
        pass
    if not re.fullmatch(r"(?:\s*[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?\s*(?:us|ms|s|m|h))+\s*", text):
        return None
    parts = re.findall(r"([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(us|ms|s|m|h)", text)
    return sum(float(number) * DURATION_UNIT_S[unit] for number, unit in parts)


def file_order(values):
    """The distinct values in order of first appearance (the scenario's design order)."""
    return list(dict.fromkeys(values))


def resolved_scenario(folder):
    """The folder's scenario.yaml as data, or {} when it is absent or unreadable."""
    path = Path(folder) / "scenario.yaml"
    if yaml is None or not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8", errors="replace"))
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def report_fields(scenario):
    """report.fields of a resolved scenario: the fields the compare chart must show ([] = choose)."""
    report = scenario.get("report")
    fields = report.get("fields") if isinstance(report, dict) else None
    return [str(field) for field in fields] if isinstance(fields, list) else []


def autoscale_targets(scenario):
    """design -> the autoscaler's CPU target (a fraction), for the designs that have one."""
    targets = {}
    for design in scenario.get("designs") or []:
        if not isinstance(design, dict):
            continue
        autoscale = design.get("autoscale")
        if isinstance(autoscale, dict) and "target" in autoscale:
            try:
                target = str(autoscale["target"]).strip()
                targets[str(design.get("name"))] = (float(target[:-1]) / 100 if target.endswith("%")
                                                    else float(target))
            except ValueError:
                continue
    return targets


def design_populations(scenario):
    """design -> (logs in, sends requests), from the sections of the scenario and its designs:
    web visitors (`clients`, also by default when there is no part-2 population) and realtime
    users log in, they and uploaders send requests; game servers alone do neither. A design the
    scenario does not describe is taken to do both."""
    populations = {}
    for design in scenario.get("designs") or []:
        if isinstance(design, dict):
            sections = set(scenario) | set(design)
            web = "clients" in sections or not sections & {"realtime", "games", "uploads"}
            logins = web or "realtime" in sections
            populations[str(design.get("name"))] = (logins, logins or "uploads" in sections)
    return populations


def scenario_value(folder, key):
    """A top-level scalar of the folder's scenario.yaml (no YAML library: a line `key: value`)."""
    path = Path(folder) / "scenario.yaml"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8", errors="replace")
    match = re.search(rf"^{re.escape(key)}:[ \t]*(.*?)[ \t]*(?:#.*)?$", text, re.MULTILINE)
    if not match or not match.group(1):
        return None
    return match.group(1).strip().strip("\"'")


def time_unit(duration_s):
    """('min', 60) for runs longer than 10 minutes, else ('s', 1)."""
    return ("min", 60.0) if duration_s > 600 else ("s", 1.0)


def stagger_levels(intervals, max_levels=EVENT_LABEL_LEVELS_MAX):
    """Row of each label so that labels on one row do not overlap.

    intervals: (start, end) of each label along x, in any unit, in drawing order.
    Greedy: the lowest row whose last label ends before this one starts; when all
    `max_levels` rows are taken, the row that frees up first (overlap is then unavoidable).
    """
    row_ends = []
    levels = []
    for start, end in intervals:
        level = next((row for row, row_end in enumerate(row_ends) if row_end <= start), None)
        if level is None:
            if len(row_ends) < max_levels:
                level = len(row_ends)
                row_ends.append(end)
            else:
                level = min(range(len(row_ends)), key=lambda row: row_ends[row])
                row_ends[level] = max(row_ends[level], end)
        else:
            row_ends[level] = end
        levels.append(level)
    return levels


def design_colours(designs):
    """One fixed colour per design, assigned in file order (same in every chart)."""
    ordered = list(dict.fromkeys(designs))
    palette = plt.get_cmap("tab10" if len(ordered) <= 10 else "tab20")
    return {design: palette(index % palette.N) for index, design in enumerate(ordered)}


def format_value(value):
    if value is None or not np.isfinite(value):
        return "n/a"
    if float(value).is_integer() and abs(value) < 1e9:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def read_csv(path, required_columns, dtype=None):
    try:
        frame = pd.read_csv(path, dtype=dtype, keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError:
        raise PlotError(f"{path}: empty file") from None
    missing = [column for column in required_columns if column not in frame.columns]
    if missing:
        raise PlotError(f"{path}: missing column(s) {', '.join(missing)}")
    return frame


def numeric_replications(frame):
    """Rows whose replication is a number (drops aggregate rows such as 'mean')."""
    replication = pd.to_numeric(frame["replication"], errors="coerce")
    kept = frame[replication.notna()].copy()
    kept["replication"] = replication[replication.notna()].astype(int)
    return kept


def count_axis(ax, values):
    """A y axis of counts from 0: whole-number ticks, and 0..1 when every count is 0 (matplotlib
    would otherwise spread fractional ticks over a tiny range)."""
    values = np.asarray(values, dtype=float)
    top = np.nanmax(values) if np.isfinite(values).any() else 0.0
    if top <= 0:
        ax.set_ylim(0, 1)
    else:
        ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def save(fig, path):
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    print(f"wrote {path}")


def outside_legend(ax, **kwargs):
    """A legend to the right of the axes, so it never covers data."""
    return ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0,
                     fontsize=8, frameon=False, **kwargs)


# ---------------------------------------------------------------- event labels

def event_label(row):
    target = row.get("target")
    label = str(row["event"])
    if isinstance(target, str) and target.strip():
        label += f" {target.strip()}"
    return label


def draw_event_strip(fig, grid, strip_ax, panels, events):
    """Dashed lines for events across `panels`, labelled once in `strip_ax` above them.

    events: list of (x, label, colour). Labels are staggered into rows so that none overlap;
    the strip's height follows the number of rows. Call after the axes limits are final.
    """
    for ax in panels:
        for x, _, colour in events:
            ax.axvline(x, color=colour, linestyle="--", linewidth=0.9, alpha=0.8, zorder=1)
    strip_ax.set_yticks([])
    strip_ax.tick_params(axis="x", which="both", bottom=False, labelbottom=False)
    for spine in strip_ax.spines.values():
        spine.set_visible(False)
    if not events:
        strip_ax.text(0.0, 0.5, "no events", transform=strip_ax.transAxes, color="0.5",
                      fontsize=8, va="center")
        return

    fig.tight_layout()
    renderer = fig.canvas.get_renderer()
    x_low, x_high = strip_ax.get_xlim()
    axes_width_px = strip_ax.bbox.width
    nudge = ScaledTranslation(3 / 72, 0, fig.dpi_scale_trans)
    texts, intervals = [], []
    for x, label, colour in sorted(events, key=lambda event: event[0]):
        # The white box hides the connector lines of higher labels that pass behind this one.
        text = strip_ax.text(x, 0.0, label, fontsize=8, color=colour, va="bottom", ha="left",
                             clip_on=False, transform=strip_ax.transData + nudge, zorder=3,
                             bbox=dict(facecolor="white", edgecolor="none", pad=1.0))
        text.set_in_layout(False)
        width = (text.get_window_extent(renderer).width + 10) / axes_width_px
        start = (x - x_low) / (x_high - x_low)
        if start + width > 1.0:  # near the right edge: write the label to the left of its line
            text.set_horizontalalignment("right")
            text.set_transform(strip_ax.transData - nudge)
            intervals.append((start - width, start))
        else:
            intervals.append((start, start + width))
        texts.append((text, x, colour))
    levels = stagger_levels(intervals)
    rows = max(levels) + 1
    for (text, x, colour), level in zip(texts, levels):
        text.set_y(level + 0.15)
        strip_ax.vlines(x, 0, level + 0.15, colors=colour, linestyles="--", linewidth=0.9, alpha=0.8,
                        zorder=1)
    strip_ax.set_ylim(0, rows)
    # Give the strip about 0.22 inch per row of labels, whatever the panels' height.
    ratios = list(grid.get_height_ratios())
    panel_height_in = panels[0].get_position().height * fig.get_figheight()
    inches_per_ratio = panel_height_in / ratios[1]
    ratios[0] = (0.22 * rows + 0.05) / inches_per_ratio
    grid.set_height_ratios(ratios)


# ---------------------------------------------------------------- run folder

class RunFolder:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.summary = numeric_replications(
            read_csv(self.folder / "summary.csv", SUMMARY_REQUIRED, dtype={"design": str, "replication": str}))
        if self.summary.empty:
            raise PlotError(f"{self.folder / 'summary.csv'}: no rows")
        self.designs = file_order(self.summary["design"])
        self.colours = design_colours(self.designs)
        scenario = resolved_scenario(self.folder)
        self.report_fields = report_fields(scenario)
        self.autoscale_targets = autoscale_targets(scenario)
        self.populations = design_populations(scenario)
        self.name = scenario_value(self.folder, "name") or self.folder.name
        ci_path = self.folder / "summary_ci.csv"
        self.summary_ci = (read_csv(ci_path, SUMMARY_CI_COLUMNS, dtype={"design": str, "field": str})
                           if ci_path.is_file() else None)
        ts_path = self.folder / "timeseries.csv"
        self.timeseries = (numeric_replications(read_csv(ts_path, TIMESERIES_REQUIRED,
                                                         dtype={"design": str, "replication": str}))
                           if ts_path.is_file() else None)
        events_path = self.folder / "events.csv"
        if events_path.is_file():
            self.events = numeric_replications(read_csv(
                events_path, EVENTS_COLUMNS,
                dtype={"design": str, "replication": str, "event": str, "target": str, "detail": str}))
        else:
            self.events = pd.DataFrame(columns=EVENTS_COLUMNS)
        self.bucket_s = self._bucket_width()
        self.duration_s = self._duration()
        warmup = scenario_value(self.folder, "warmup")
        self.warmup_s = (parse_duration_s(warmup) if warmup else None) or 0.0

    def logs_in(self, design):
        return self.populations.get(design, (True, True))[0]

    def sends_requests(self, design):
        return self.populations.get(design, (True, True))[1]

    def _bucket_width(self):
        configured = scenario_value(self.folder, "report_interval")
        width = parse_duration_s(configured) if configured else None
        if width and width > 0:
            return width
        if self.timeseries is not None and not self.timeseries.empty:
            steps = (self.timeseries.sort_values("time_s")
                     .groupby(["design", "replication"])["time_s"].diff().dropna())
            steps = steps[steps > 0]
            if not steps.empty:
                return float(steps.median())
        return 1.0

    def _duration(self):
        configured = scenario_value(self.folder, "duration")
        duration = parse_duration_s(configured) if configured else None
        if duration and duration > 0:
            return duration
        if self.timeseries is not None and not self.timeseries.empty:
            return float(self.timeseries["time_s"].max()) + self.bucket_s
        return 1.0

    def pick_replication(self, requested):
        available = sorted(self.timeseries["replication"].unique())
        if requested is None:
            return 0 if 0 in available else available[0]
        if requested not in available:
            raise PlotError(f"replication {requested} is not in timeseries.csv "
                            f"(available: {', '.join(map(str, available))})")
        return requested

    def events_of(self, design, replication):
        chosen = self.events[(self.events["design"] == design) & (self.events["replication"] == replication)]
        return chosen.sort_values("time_s", kind="stable")


def plot_timeline(run, design, replication, out_path):
    ts = run.timeseries
    ts = ts[(ts["design"] == design) & (ts["replication"] == replication)].sort_values("time_s")
    unit_name, unit_s = time_unit(run.duration_s)
    start = ts["time_s"].to_numpy(dtype=float) / unit_s
    edges = np.append(start, start[-1] + run.bucket_s / unit_s) if len(start) else np.array([0.0])
    end = edges[1:]
    middle = (start + end) / 2
    bucket_text = format_bucket(run.bucket_s)

    target = run.autoscale_targets.get(design)
    with_cpu = target is not None
    # Panels about sessions and requests only where the design has a population that makes them
    # (game servers alone: the servers panel; their matches have a chart of their own).
    kinds = (["sessions"] if run.logs_in(design) else []) + \
        (["disruptions", "latency"] if run.sends_requests(design) else []) + ["servers"] + \
        (["cpu"] if with_cpu else [])
    height_in = TIMELINE_SIZE_IN[1] + TIMELINE_PANEL_IN * (len(kinds) - 4)
    fig = plt.figure(figsize=(TIMELINE_SIZE_IN[0], height_in))
    grid = fig.add_gridspec(len(kinds) + 1, 1, height_ratios=[0.2] + [1] * len(kinds))
    strip = fig.add_subplot(grid[0])
    panels = [fig.add_subplot(grid[i + 1], sharex=strip) for i in range(len(kinds))]
    axes = dict(zip(kinds, panels))
    letters = dict(zip(kinds, "abcde"))
    colour = run.colours[design]
    if "sessions" in axes:
        draw_sessions_panel(axes["sessions"], ts, end, colour, letters["sessions"])
    if "disruptions" in axes:
        draw_disruptions_panel(axes["disruptions"], ts, edges, bucket_text, letters["disruptions"],
                               "sessions" in axes)
        draw_latency_panel(axes["latency"], ts, middle, letters["latency"])
    if run.warmup_s > 0:
        for ax in panels:
            ax.axvspan(0, run.warmup_s / unit_s, color="0.85", alpha=0.5, linewidth=0, zorder=0)
        if "latency" in axes:
            axes["latency"].text(0.005, 0.96, "grey: warmup (not in latency statistics)",
                                 transform=axes["latency"].transAxes, ha="left", va="top", fontsize=8, color="0.4")
    draw_servers_panel(axes["servers"], ts, edges, letters["servers"])
    if with_cpu:
        draw_cpu_against_target(axes["cpu"], ts, edges, target, letters["cpu"])
    panels[-1].set_xlabel(f"simulated time ({unit_name})")

    for ax in panels:
        ax.grid(True, axis="y", color="0.9")
        ax.set_xlim(0, run.duration_s / unit_s)
    for ax in panels[:-1]:
        ax.tick_params(labelbottom=False)

    events = [(row["time_s"] / unit_s, event_label(row), EVENT_LINE_COLOUR)
              for _, row in run.events_of(design, replication).iterrows()]
    events += [(x, label, IN_ROTATION_COLOUR) for x, label in rotation_entries(ts, unit_s)]
    seed = run.summary[(run.summary["design"] == design) & (run.summary["replication"] == replication)]["seed"]
    seed_text = f", seed {seed.iloc[0]}" if len(seed) else ""
    fig.suptitle(f"{run.name}: design {design} (replication {replication}{seed_text})",
                 fontsize=13, fontweight="bold")
    draw_event_strip(fig, grid, strip, panels, events)
    fig.tight_layout()
    save(fig, out_path)


def draw_sessions_panel(sessions_ax, ts, end, colour, letter):
    sessions_ax.plot(end, ts["active_sessions"], color=colour, linewidth=1.6, label="active sessions")
    sessions_ax.fill_between(end, ts["active_sessions"], color=colour, alpha=0.15, linewidth=0)
    sessions_ax.set_ylabel("active sessions\n(end of bucket)")
    count_axis(sessions_ax, ts["active_sessions"])
    sessions_ax.set_title(f"({letter}) users logged in", loc="left", fontsize=10)


def draw_disruptions_panel(disruption_ax, ts, edges, bucket_text, letter, logins):
    """Failed requests, and forced logouts for a design whose users log in."""
    disruption_ax.stairs(ts["failed"].to_numpy(dtype=float), edges, baseline=0, fill=True,
                         color="#ff7f0e", alpha=0.35, label="failed requests")
    disruption_ax.stairs(ts["failed"].to_numpy(dtype=float), edges, baseline=None,
                         color="#d95f02", linewidth=1.0)
    counts = [ts["failed"].to_numpy(dtype=float)]
    if logins:
        disruption_ax.stairs(ts["forced_logouts"].to_numpy(dtype=float), edges, baseline=None,
                             color="#6a3d9a", linewidth=1.8, label="forced logouts")
        counts.append(ts["forced_logouts"].to_numpy(dtype=float))
    disruption_ax.set_ylabel(f"count per {bucket_text}")
    count_axis(disruption_ax, np.concatenate(counts))
    disruption_ax.set_title(f"({letter}) disruptions per {bucket_text} bucket", loc="left", fontsize=10)
    outside_legend(disruption_ax)


def draw_latency_panel(latency_ax, ts, middle, letter):
    p50 = ts["latency_p50_ms"].to_numpy(dtype=float)
    p99 = ts["latency_p99_ms"].to_numpy(dtype=float)
    latency_ax.plot(middle, p99, color="#e7298a", linewidth=1.3, marker=".", markersize=3, label="p99")
    latency_ax.plot(middle, p50, color="#1b9e77", linewidth=1.3, marker=".", markersize=3, label="p50")
    positive = np.concatenate([p50[np.isfinite(p50) & (p50 > 0)], p99[np.isfinite(p99) & (p99 > 0)]])
    log_scale = positive.size > 0 and positive.max() / positive.min() > 30
    if log_scale:
        latency_ax.set_yscale("log")
    latency_ax.set_ylabel("latency (ms, log scale)" if log_scale else "latency (ms)")
    gaps = "; gaps: no successful request in the bucket" if np.isnan(p50).any() else ""
    latency_ax.set_title(f"({letter}) latency of successful requests completed in each bucket{gaps}",
                         loc="left", fontsize=10)
    outside_legend(latency_ax)


def draw_servers_panel(servers_ax, ts, edges, letter):
    servers_ax.stairs(ts["servers_up"].to_numpy(dtype=float), edges, baseline=None,
                      color="0.55", linewidth=4, alpha=0.6, label="servers up")
    servers_ax.stairs(ts["servers_in_rotation"].to_numpy(dtype=float), edges, baseline=None,
                      color="#1f78b4", linewidth=1.6, label="in rotation\n(receive new sessions)")
    top = max(ts["servers_up"].max(), ts["servers_in_rotation"].max(), 1)
    servers_ax.set_ylim(-0.3, top + 0.7)
    servers_ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    servers_ax.set_ylabel("servers")
    servers_ax.set_title(f"({letter}) app servers (value at the end of each bucket)", loc="left", fontsize=10)
    outside_legend(servers_ax)


def rotation_entries(ts, unit_s):
    """(x, label) at the start of each bucket at whose end more servers are in rotation than
    at the end of the one before: a server back from a restart or deploy, or a new one, has
    passed its health checks within that bucket."""
    in_rotation = ts["servers_in_rotation"].to_numpy(dtype=float)
    start = ts["time_s"].to_numpy(dtype=float) / unit_s
    entries = []
    for index in range(1, len(in_rotation)):
        gained = in_rotation[index] - in_rotation[index - 1]
        if np.isfinite(gained) and gained > 0:
            entries.append((start[index], f"+{int(gained)} in rotation"))
    return entries


def draw_cpu_against_target(ax, ts, edges, target, letter="e"):
    """(e) CPU utilisation per bucket against the autoscaler's target: above it the autoscaler
    adds servers (after its interval and cooldown), well below it removes some."""
    cpu = ts["cpu_utilization"].to_numpy(dtype=float) * 100
    ax.stairs(cpu, edges, baseline=None, color="#d95f02", linewidth=1.6, label="CPU of servers\nin service")
    ax.axhline(target * 100, color="0.2", linestyle=":", linewidth=1.4, label=f"autoscaler target\n{target * 100:g}%")
    top = np.nanmax(cpu) if np.isfinite(cpu).any() else 0.0
    ax.set_ylim(0, max(top, target * 100) * 1.15 + 1)
    ax.set_ylabel("CPU (%)")
    ax.set_title(f"({letter}) CPU utilisation per bucket against the autoscaler's target", loc="left", fontsize=10)
    outside_legend(ax)


def format_bucket(bucket_s):
    if bucket_s >= 60 and (bucket_s / 60).is_integer():
        return f"{bucket_s / 60:g} min"
    if bucket_s >= 1:
        return f"{bucket_s:g} s"
    return f"{bucket_s * 1000:g} ms"


def plot_timeline_all(run, replication, out_path):
    ts = run.timeseries[run.timeseries["replication"] == replication]
    unit_name, unit_s = time_unit(run.duration_s)
    bucket_text = format_bucket(run.bucket_s)

    fig = plt.figure(figsize=TIMELINE_ALL_SIZE_IN)
    grid = fig.add_gridspec(2, 1, height_ratios=[0.2, 1])
    strip = fig.add_subplot(grid[0])
    ax = fig.add_subplot(grid[1], sharex=strip)
    # Lines drawn first are wider, so a design hidden under another still shows at the edges.
    widths = np.linspace(3.2, 1.3, len(run.designs)) if len(run.designs) > 1 else [1.8]
    for design, width in zip(run.designs, widths):
        rows = ts[ts["design"] == design].sort_values("time_s")
        if rows.empty:
            continue
        start = rows["time_s"].to_numpy(dtype=float) / unit_s
        edges = np.append(start, start[-1] + run.bucket_s / unit_s)
        disrupted = (rows["forced_logouts"] + rows["failed"]).to_numpy(dtype=float)
        ax.stairs(disrupted, edges, baseline=None, color=run.colours[design], linewidth=width, label=design)
    ax.set_xlim(0, run.duration_s / unit_s)
    count_axis(ax, (ts["forced_logouts"] + ts["failed"]).to_numpy(dtype=float))
    ax.grid(True, axis="y", color="0.9")
    ax.set_xlabel(f"simulated time ({unit_name})")
    ax.set_ylabel(f"forced logouts + failed requests\nper {bucket_text}")
    outside_legend(ax, title="design")

    # An event every design saw is drawn once in grey; one only some designs saw (an
    # autoscaler decision) in the colour of each design that saw it.
    chosen = run.events[run.events["replication"] == replication]
    events = []
    for (time_s, event, target), group in chosen.groupby(["time_s", "event", "target"], dropna=False, sort=True):
        label = event_label({"event": event, "target": target})
        seen_by = sorted(group["design"].unique())
        if len(seen_by) == len(run.designs):
            events.append((time_s / unit_s, label, EVENT_LINE_COLOUR))
        else:
            events.extend((time_s / unit_s, f"{label} ({design})", run.colours[design]) for design in seen_by)
    fig.suptitle(f"{run.name}: disruptions per {bucket_text} of every design (replication {replication})",
                 fontsize=13, fontweight="bold")
    draw_event_strip(fig, grid, strip, [ax], events)
    fig.tight_layout()
    save(fig, out_path)


def compare_statistics(run, field):
    """design -> (mean, ci95_low, ci95_high, replications) of `field`: summary_ci.csv's interval
    when the design has several replications, else computed from summary.csv."""
    statistics = {}
    for design in run.designs:
        values = pd.to_numeric(run.summary[run.summary["design"] == design][field], errors="coerce")
        statistics[design] = mean_ci95(values.to_numpy(dtype=float))
        if run.summary_ci is None:
            continue
        row = run.summary_ci[(run.summary_ci["design"] == design) & (run.summary_ci["field"] == field)]
        if not row.empty and row.iloc[0]["replications"] > 1:
            row = row.iloc[0]
            statistics[design] = (float(row["mean"]), float(row["ci95_low"]),
                                  float(row["ci95_high"]), int(row["replications"]))
    return statistics


def is_count_field(frame, field):
    """Whether every value of the column is a whole number (counts get whole-number ticks)."""
    values = pd.to_numeric(frame[field], errors="coerce").to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    return not is_percent(field) and bool(np.all(np.equal(np.mod(values, 1), 0)))


def differs(statistics):
    """Whether the design means of a field differ by more than DIFFERENCE_FRACTION."""
    means = [value[0] for value in statistics.values() if np.isfinite(value[0])]
    if len(means) < 2:
        return False
    high, low = max(means), min(means)
    return high - low > DIFFERENCE_FRACTION * max(abs(high), abs(low))


def compare_fields(run):
    """(fields, note): the scenario's report.fields; else the summary fields whose design means
    differ (the main fields first, then the rest in the file's order, at most
    COMPARE_MAX_PANELS); else, when nothing differs, the main fields."""
    columns = [column for column in run.summary.columns
               if column not in IDENTITY_COLUMNS and column not in NOT_COMPARED]
    if run.report_fields:
        missing = [field for field in run.report_fields if field not in columns]
        if missing:
            print(f"note: report.fields names {', '.join(missing)}, not in summary.csv: not drawn", file=sys.stderr)
        return [field for field in run.report_fields if field in columns], "the fields the scenario's report names"
    main = [field for field, _, _ in MAIN_FIELDS]
    ordered = ([field for field in FIRST_FIELDS if field in columns] +
               [field for field in columns if field not in FIRST_FIELDS])
    if len(run.designs) < 2:
        return [field for field in main if field in columns], "the main fields (one design)"
    different = [field for field in ordered if differs(compare_statistics(run, field))]
    if not different:
        return [field for field in main if field in columns], f"the main fields (no field differs by more than {DIFFERENCE_FRACTION:.0%})"
    note = "the fields that differ between the designs"
    if len(different) > COMPARE_MAX_PANELS:
        note += f" ({len(different) - COMPARE_MAX_PANELS} more in summary.csv)"
    return different[:COMPARE_MAX_PANELS], note


def plot_compare(run, out_path):
    fields, chosen = compare_fields(run)
    if not fields:
        raise PlotError(f"{run.folder / 'summary.csv'}: none of the fields to compare is in the file")
    columns = min(COMPARE_COLUMNS, len(fields))
    rows = math.ceil(len(fields) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=compare_size_in(rows), squeeze=False)
    replications = run.summary.groupby("design")["replication"].nunique()
    positions = np.arange(len(run.designs))
    for ax in axes.flat[len(fields):]:
        ax.set_visible(False)
    for ax, field in zip(axes.flat, fields):
        title, unit = field_title(field)
        scale = 100.0 if is_percent(field) else 1.0
        statistics = compare_statistics(run, field)
        means = np.array([statistics[design][0] for design in run.designs]) * scale
        # Every compared field is >= 0: a t interval reaching below zero is clipped there.
        lows = np.fmax(np.array([statistics[design][1] for design in run.designs]) * scale, 0.0)
        highs = np.array([statistics[design][2] for design in run.designs]) * scale
        heights = np.where(np.isfinite(means), means, 0.0)
        ax.bar(positions, heights, color=[run.colours[design] for design in run.designs],
               edgecolor="0.2", linewidth=0.6, width=0.7)
        has_ci = np.isfinite(lows) & np.isfinite(highs)
        if has_ci.any():
            ax.errorbar(positions[has_ci], heights[has_ci],
                        yerr=[heights[has_ci] - lows[has_ci], highs[has_ci] - heights[has_ci]],
                        fmt="none", ecolor="black", elinewidth=1.2, capsize=4)
        tops = np.where(has_ci, np.fmax(highs, heights), heights)
        top = np.nanmax(tops) if np.isfinite(tops).any() else 0.0
        top = top if top > 0 else 1.0
        for position, height, mean in zip(positions, heights, means):
            ax.text(position, height + top * 0.015, format_value(mean), ha="center", va="bottom",
                    fontsize=8, zorder=4, bbox=dict(facecolor="white", edgecolor="none", alpha=0.85, pad=0.8))
        ax.set_ylim(0.0, top * 1.12)
        if is_count_field(run.summary, field):
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(title, fontsize=10)
        ax.set_ylabel(unit)
        ax.set_xticks(positions)
        ax.set_xticklabels(run.designs, rotation=25, ha="right", fontsize=8)
        half_span = max(len(run.designs), 2.5) / 2  # keeps a lone bar from filling the panel
        ax.set_xlim((len(run.designs) - 1) / 2 - half_span, (len(run.designs) - 1) / 2 + half_span)
        ax.grid(True, axis="y", color="0.9")
        ax.set_axisbelow(True)
    counts = sorted(set(replications.tolist()))
    if counts == [1]:
        note = "one replication per design (no confidence interval)"
    else:
        count_text = "/".join(str(count) for count in counts)
        note = f"mean of {count_text} replications per design, whiskers = 95% confidence interval"
    fig.suptitle(f"{run.name}: designs compared on {chosen}\n{note}", fontsize=12, fontweight="bold")
    fig.tight_layout()
    save(fig, out_path)


def plot_run(folder, outdir, requested_replication):
    run = RunFolder(folder)
    written = []
    if run.timeseries is not None and not run.timeseries.empty:
        replication = run.pick_replication(requested_replication)
        for design in run.designs:
            if ((run.timeseries["design"] == design) & (run.timeseries["replication"] == replication)).any():
                path = outdir / f"timeline-{design}.png"
                plot_timeline(run, design, replication, path)
                written.append(path)
        if any(run.sends_requests(design) for design in run.designs):  # else nothing to draw
            path = outdir / "timeline-all.png"
            plot_timeline_all(run, replication, path)
            written.append(path)
        written += draw_server_charts(run, replication, outdir)
        written += draw_realtime_charts(run, replication, outdir)
        written += draw_upload_charts(run, replication, outdir)
    else:
        print(f"note: no timeseries.csv in {folder}: no timelines", file=sys.stderr)
    path = outdir / "compare.png"
    plot_compare(run, path)
    written.append(path)
    return written


# ---------------------------------------------------------------- sweep folder

class SweepFolder:
    def __init__(self, folder):
        self.folder = Path(folder)
        path = self.folder / "sweep.csv"
        frame = read_csv(path, SWEEP_REQUIRED, dtype={"design": str, "replication": str})
        columns = list(frame.columns)
        if columns.index("design") < columns.index("point"):
            raise PlotError(f"{path}: expected the varied keys between 'point' and 'design'")
        self.keys = columns[columns.index("point") + 1:columns.index("design")]
        if not self.keys:
            raise PlotError(f"{path}: no varied parameter column between 'point' and 'design'")
        for key in self.keys:
            frame[key] = frame[key].astype(str)
        frame["point"] = pd.to_numeric(frame["point"], errors="coerce")
        self.frame = frame
        self.path = path
        # The means and intervals: sweep_means.csv; a folder of an earlier version kept them in
        # sweep.csv as rows whose replication is `mean`.
        means_path = self.folder / "sweep_means.csv"
        if means_path.is_file():
            means = read_csv(means_path, SWEEP_MEANS_REQUIRED, dtype={"design": str, "replications": str})
            for key in self.keys:
                if key not in means.columns:
                    raise PlotError(f"{means_path}: missing column {key}")
                means[key] = means[key].astype(str)
            self.means = means
        else:
            self.means = frame[frame["replication"].str.strip() == "mean"]
        self.designs = file_order(frame["design"])
        self.colours = design_colours(self.designs)
        self.name = scenario_value(self.folder, "name") or self.folder.name

    def key_values(self, key):
        """(values, axis): the values of a varied key, sorted by their number when every one
        reads as a number, a duration, a rate or a percentage (axis: its SweepAxis), else in
        point order (axis None: categories)."""
        ordered = self.frame.sort_values("point", kind="stable")[key].drop_duplicates().tolist()
        axis = SweepAxis.of(ordered)
        if axis is None:
            return ordered, None
        return sorted(ordered, key=axis.number), axis

    def statistics(self, field):
        """One row per (keys..., design): mean, ci95_low, ci95_high of `field`."""
        per_replication = self.frame[self.frame["replication"].str.strip() != "mean"]
        mean_rows = self.means
        low_column, high_column = f"{field}_ci95_low", f"{field}_ci95_high"
        rows = []
        for group_key, group in self.frame.groupby(self.keys + ["design"], sort=False):
            group_key = group_key if isinstance(group_key, tuple) else (group_key,)
            selector = np.ones(len(per_replication), dtype=bool)
            mean_selector = np.ones(len(mean_rows), dtype=bool)
            for column, value in zip(self.keys + ["design"], group_key):
                selector &= (per_replication[column] == value).to_numpy()
                mean_selector &= (mean_rows[column] == value).to_numpy()
            values = pd.to_numeric(per_replication[selector][field], errors="coerce").to_numpy(dtype=float)
            mean, low, high, n = mean_ci95(values)
            given = mean_rows[mean_selector]
            if not given.empty and field in given.columns:
                mean = float(pd.to_numeric(given.iloc[0][field], errors="coerce"))
                if low_column in given.columns and high_column in given.columns:
                    low = float(pd.to_numeric(given.iloc[0][low_column], errors="coerce"))
                    high = float(pd.to_numeric(given.iloc[0][high_column], errors="coerce"))
            rows.append(dict(zip(self.keys + ["design"], group_key), mean=mean, low=low, high=high, n=n))
        return pd.DataFrame(rows)


class SweepAxis:
    """A numeric x axis for a varied key: plain numbers, durations (drawn in ms, s, min or h),
    rates (per second) or percentages."""

    RATE = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*/\s*(s|m|h)\s*")
    PERCENT = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*%\s*")

    def __init__(self, to_number, unit, scale=1.0):
        self.to_number, self.unit, self.scale = to_number, unit, scale

    def number(self, text):
        """The value in the axis unit."""
        return self.to_number(text) / self.scale

    @classmethod
    def of(cls, values):
        def every(parse):
            try:
                numbers = [parse(value) for value in values]
            except (TypeError, ValueError):
                return None
            return numbers if all(number is not None and math.isfinite(number) for number in numbers) else None

        if every(float) is not None:
            return cls(float, "")
        seconds = every(lambda text: parse_duration_s(text) if re.search(r"[a-z]", text) else None)
        if seconds is not None:
            largest = max(seconds)
            unit, scale = (("h", 3600.0) if largest >= 7200 else ("min", 60.0) if largest >= 120
                           else ("s", 1.0) if largest >= 1 else ("ms", 1e-3))
            return cls(parse_duration_s, unit, scale)
        if every(cls._rate) is not None:
            return cls(cls._rate, "per s")
        if every(cls._percent) is not None:
            return cls(cls._percent, "%")
        return None

    @classmethod
    def _rate(cls, text):
        match = cls.RATE.fullmatch(text)
        return float(match.group(1)) / DURATION_UNIT_S[match.group(2)] if match else None

    @classmethod
    def _percent(cls, text):
        match = cls.PERCENT.fullmatch(text)
        return float(match.group(1)) if match else None


def readable_key(key):
    """`load_balancer.health_check.interval` -> `load balancer: health check: interval`."""
    return ": ".join(part.replace("_", " ") for part in key.split("."))


LINE_STYLES = ["-", "--", ":", "-."]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]


def sweep_line_label(design, other_keys, other_values, single_design):
    """A sweep line's legend entry. The legend's title names its parts: with a single design the
    design's name, and with one other varied key that key, would only lengthen every entry."""
    values = [str(value) if len(other_keys) == 1 else f"{key}={value}"
              for key, value in zip(other_keys, other_values)]
    return ", ".join(([] if single_design else [design]) + values) or design


def plot_sweep_field(sweep, field, title, unit, out_path):
    x_key = sweep.keys[0]
    other_keys = sweep.keys[1:]
    x_values, axis = sweep.key_values(x_key)
    numeric_x = axis is not None
    position_of = {value: (axis.number(value) if numeric_x else index) for index, value in enumerate(x_values)}
    if field not in sweep.frame.columns:
        raise PlotError(f"{sweep.path}: missing column {field}")
    statistics = sweep.statistics(field)

    line_keys = []
    for design in sweep.designs:
        subset = statistics[statistics["design"] == design]
        if other_keys:
            for other in subset[other_keys].drop_duplicates().itertuples(index=False):
                line_keys.append((design, tuple(other)))
        else:
            line_keys.append((design, ()))
    other_combinations = sorted({other for _, other in line_keys}, key=str)
    style_of = {other: index for index, other in enumerate(other_combinations)}
    # Categorical x: shift lines sideways a little so their whiskers do not hide each other.
    dodge_step = 0.0 if numeric_x else min(0.08, 0.6 / max(len(line_keys), 1))

    single_design = len(sweep.designs) == 1 and bool(other_keys)
    fig, ax = plt.subplots(figsize=SWEEP_SIZE_IN)
    for line_index, (design, other) in enumerate(line_keys):
        selector = statistics["design"] == design
        for key, value in zip(other_keys, other):
            selector &= statistics[key] == value
        rows = statistics[selector].copy()
        rows["x"] = rows[x_key].map(position_of)
        rows = rows.dropna(subset=["x"]).sort_values("x")
        x = rows["x"].to_numpy(dtype=float) + (line_index - (len(line_keys) - 1) / 2) * dodge_step
        mean = rows["mean"].to_numpy(dtype=float)
        low = rows["low"].to_numpy(dtype=float)
        high = rows["high"].to_numpy(dtype=float)
        style = style_of[other]
        label = sweep_line_label(design, other_keys, other, single_design)
        colour = sweep.colours[design]
        ax.plot(x, mean, color=colour, linestyle=LINE_STYLES[style % len(LINE_STYLES)],
                marker=MARKERS[style % len(MARKERS)], markersize=5, linewidth=1.6, label=label)
        has_ci = np.isfinite(low) & np.isfinite(high)
        if has_ci.any():
            ax.errorbar(x[has_ci], mean[has_ci], yerr=[mean[has_ci] - low[has_ci], high[has_ci] - mean[has_ci]],
                        fmt="none", ecolor=colour, elinewidth=1.0, capsize=3, alpha=0.9)
            if numeric_x and has_ci.sum() > 1:
                ax.fill_between(x[has_ci], low[has_ci], high[has_ci], color=colour, alpha=0.12, linewidth=0)
    if not numeric_x:
        ax.set_xticks(range(len(x_values)))
        ax.set_xticklabels(x_values)
        ax.set_xlim(-0.5, len(x_values) - 0.5)
    elif all(float(position_of[value]).is_integer() for value in x_values):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if is_count_field(sweep.frame[sweep.frame["replication"].str.strip() != "mean"], field):
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    x_label = readable_key(x_key)
    ax.set_xlabel(f"{x_label} ({axis.unit})" if numeric_x and axis.unit else x_label)
    ax.set_ylabel(unit)
    ax.set_ylim(bottom=min(0.0, np.nanmin(statistics["low"]) if statistics["low"].notna().any() else 0.0))
    ax.grid(True, color="0.9")
    ax.set_axisbelow(True)
    outside_legend(ax, title=", ".join(([] if single_design else ["design"]) + [readable_key(k) for k in other_keys]))
    has_any_ci = statistics["low"].notna().any()
    note = "mean over replications; bars = 95% confidence interval" if has_any_ci else "one replication per point"
    fig.suptitle(f"{sweep.name}: {title} against {readable_key(x_key)}", fontsize=13, fontweight="bold")
    ax.set_title(note, fontsize=9, color="0.3")
    fig.tight_layout()
    save(fig, out_path)


def plot_sweep(folder, outdir):
    sweep = SweepFolder(folder)
    written = []
    for field, title, unit in MAIN_FIELDS:
        path = outdir / f"sweep-{field}.png"
        plot_sweep_field(sweep, field, title, unit, path)
        written.append(path)
    return written


# ---------------------------------------------------------------- command line

def main(argv=None):
    parser = argparse.ArgumentParser(description="Draw the charts of a statesim run or sweep folder.")
    parser.add_argument("folder", metavar="DIR", help="folder written by `statesim run` or `statesim sweep`")
    parser.add_argument("--outdir", metavar="PNGDIR", help="where to write the PNG files (default DIR/plots)")
    parser.add_argument("--replication", metavar="N", type=int,
                        help="replication drawn in the timelines (default 0)")
    args = parser.parse_args(argv)

    folder = Path(args.folder)
    outdir = Path(args.outdir) if args.outdir else folder / "plots"
    try:
        is_sweep = (folder / "sweep.csv").is_file()
        is_run = (folder / "summary.csv").is_file()
        if not (is_sweep or is_run):
            raise PlotError(f"{folder}: neither summary.csv (run folder) nor sweep.csv (sweep folder) found")
        outdir.mkdir(parents=True, exist_ok=True)
        written = []
        if is_run:
            written += plot_run(folder, outdir, args.replication)
        if is_sweep:
            written += plot_sweep(folder, outdir)
    except PlotError as error:
        print(f"plot.py: {error}", file=sys.stderr)
        return 2
    print(f"{len(written)} chart(s) in {outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
