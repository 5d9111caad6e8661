"""Charts of uploads and effects (part 2 of the format), drawn from timeseries.csv.

Called by plot.py for a run folder; each chart is drawn only when some design of the run has
that part (its columns are in timeseries.csv and filled):
  uploads.png   uploads in progress, and upload bytes wasted per bucket, every design
  effects.png   duplicate effects and effects lost per bucket, every design
See analysis/README.md for how to read them.
"""

import matplotlib.pyplot as plt
import pandas as pd

DPI = 110
SIZE_IN = (10.0, 6.6)
UPLOAD_COLUMNS = ["uploads_started", "uploads_completed", "uploads_failed", "upload_bytes_wasted"]
EFFECT_COLUMNS = ["effects_applied", "duplicate_effects", "effects_lost"]


def time_axis(duration_s):
    """Minutes for runs longer than ten minutes, else seconds."""
    return ("min", 60.0) if duration_s > 600 else ("s", 1.0)


def designs_with(run, replication, columns):
    """The design -> rows (sorted by time) of the designs whose rows fill `columns`."""
    ts = run.timeseries
    if ts is None or any(column not in ts.columns for column in columns):
        return {}
    chosen = {}
    for design in run.designs:
        rows = ts[(ts["design"] == design) & (ts["replication"] == replication)].sort_values("time_s")
        values = rows[columns].apply(pd.to_numeric, errors="coerce")
        if not rows.empty and values.notna().all().all():
            chosen[design] = rows.assign(**{c: values[c] for c in columns})
    return chosen


def draw_events(ax, run, designs, replication, unit_s):
    """Each design's events as thin dashed lines in its colour (the same for every design: grey)."""
    seen = {}
    for design in designs:
        for _, event in run.events_of(design, replication).iterrows():
            seen.setdefault((float(event["time_s"]), str(event["event"])), set()).add(design)
    for (time_s, _), owners in seen.items():
        colour = "0.5" if len(owners) == len(designs) else run.colours[sorted(owners)[0]]
        ax.axvline(time_s / unit_s, color=colour, linestyle="--", linewidth=0.8)


def step_panel(ax, run, rows_by_design, value, unit_s, ylabel, title):
    for design, rows in rows_by_design.items():
        start = rows["time_s"].to_numpy(dtype=float) / unit_s
        ax.step(start, value(rows), where="post", color=run.colours[design], linewidth=1.6, label=design)
    ax.set_ylim(0, max(ax.get_ylim()[1], 1))  # counts: from 0, and a visible axis when all are 0
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10, loc="left")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)


def finish(fig, ax, run, rows_by_design, replication, unit, unit_s, title, out_path):
    for axis in fig.axes:
        draw_events(axis, run, list(rows_by_design), replication, unit_s)
    ax.set_xlabel(f"simulated time ({unit})")
    fig.suptitle(f"{run.name}: {title}", fontsize=12, fontweight="bold")
    fig.tight_layout()
    fig.savefig(out_path, dpi=DPI)
    plt.close(fig)
    print(f"wrote {out_path}")


def plot_uploads(run, replication, out_path):
    """(a) uploads in progress at the end of each bucket (started minus completed minus failed,
    summed up to it); (b) bytes sent again or for nothing in each bucket, in MB."""
    rows_by_design = designs_with(run, replication, UPLOAD_COLUMNS)
    if not rows_by_design:
        return None
    unit, unit_s = time_axis(run.duration_s)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=SIZE_IN, sharex=True)
    step_panel(top, run, rows_by_design,
               lambda r: (r["uploads_started"] - r["uploads_completed"] - r["uploads_failed"]).cumsum(),
               unit_s, "uploads", "(a) uploads in progress")
    step_panel(bottom, run, rows_by_design, lambda r: r["upload_bytes_wasted"] / 1e6, unit_s,
               "MB per bucket", "(b) upload bytes wasted (sent again, or by an upload that failed)")
    finish(fig, bottom, run, rows_by_design, replication, unit, unit_s, "uploads", out_path)
    return out_path


def plot_effects(run, replication, out_path):
    """(a) applications beyond the first (double charges) in each bucket; (b) applied effects
    lost with a server's memory in each bucket."""
    rows_by_design = designs_with(run, replication, EFFECT_COLUMNS)
    if not rows_by_design:
        return None
    unit, unit_s = time_axis(run.duration_s)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=SIZE_IN, sharex=True)
    step_panel(top, run, rows_by_design, lambda r: r["duplicate_effects"], unit_s, "per bucket",
               "(a) duplicate effects (an action applied again by a retry)")
    step_panel(bottom, run, rows_by_design, lambda r: r["effects_lost"], unit_s, "per bucket",
               "(b) effects lost (applied in the memory of a server that stopped)")
    finish(fig, bottom, run, rows_by_design, replication, unit, unit_s, "effects", out_path)
    return out_path


def draw_part2_charts(run, replication, outdir):
    """The charts of part 2 that this run has; returns their paths."""
    drawn = [plot_uploads(run, replication, outdir / "uploads.png"),
             plot_effects(run, replication, outdir / "effects.png")]
    return [path for path in drawn if path is not None]
