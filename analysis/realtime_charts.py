"""Charts of part 2 of the format (realtime connections, game matches), from timeseries.csv and
events.csv of a run folder. plot.py calls plot_part2() where it draws the per-design timelines;
a design without the section has empty columns and gets no chart.

  connections-<design>.png  (a) users connected at the end of each bucket,
                            (b) connect requests and missed message deliveries per bucket
  matches-<design>.png      matches in progress at the end of each bucket

See analysis/README.md for how to read them.
"""

import sys

import numpy as np
import matplotlib.pyplot as plt

DPI = 110
CONNECTIONS_SIZE_IN = (10.0, 7.5)  # 1100 x 825 px
MATCHES_SIZE_IN = (10.0, 5.0)      # 1100 x 550 px
EVENT_COLOUR = "0.3"
LABEL_ROWS = 4


def _runs_with(run, design, replication, column):
    """The design's buckets of that replication, or None when the column is empty for them."""
    ts = run.timeseries
    if column not in ts.columns:
        return None
    ts = ts[(ts["design"] == design) & (ts["replication"] == replication)].sort_values("time_s")
    values = ts[column].to_numpy(dtype=float)
    if len(values) == 0 or np.isnan(values).all():
        return None
    return ts


def _plot_helpers(run):
    """plot.py, the module that read the run folder: its time unit and bucket wording."""
    return sys.modules[type(run).__module__]


def _time_axis(run, ts):
    """Bucket edges and ends in the chart's time unit (plot.py's), and the unit's name."""
    unit_name, unit_s = _plot_helpers(run).time_unit(run.duration_s)
    start = ts["time_s"].to_numpy(dtype=float) / unit_s
    edges = np.append(start, start[-1] + run.bucket_s / unit_s)
    return edges, edges[1:], unit_name, unit_s


def _draw_events(axes, events, unit_s):
    """Each event as a dashed line through every panel, labelled above the first one; labels
    take turns over a few rows so that neighbours do not overlap."""
    for row, (_, event) in enumerate(events.iterrows()):
        x = float(event["time_s"]) / unit_s
        for ax in axes:
            ax.axvline(x, color=EVENT_COLOUR, linestyle="--", linewidth=0.9, alpha=0.8, zorder=1)
        target = event["target"] if isinstance(event["target"], str) else ""
        axes[0].annotate(f"{event['event']} {target}".strip(), xy=(x, 1.0), xycoords=("data", "axes fraction"),
                         xytext=(2, 2 + 10 * (row % LABEL_ROWS)), textcoords="offset points", fontsize=7,
                         color=EVENT_COLOUR, annotation_clip=False)


def _finish(fig, run, design, replication, axes, events, unit_name, unit_s, title, out_path):
    for ax in axes:
        ax.grid(True, axis="y", color="0.9")
        ax.set_xlim(0, run.duration_s / unit_s)
        ax.set_ylim(bottom=0)
        _plot_helpers(run).outside_legend(ax)
    for ax in axes[:-1]:
        ax.tick_params(labelbottom=False)
    axes[-1].set_xlabel(f"simulated time ({unit_name})")
    fig.suptitle(f"{run.name}: {title} of design {design} (replication {replication})", fontsize=12,
                 fontweight="bold")
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    _draw_events(axes, events, unit_s)
    fig.savefig(out_path, dpi=DPI)
    plt.close(fig)
    print(f"wrote {out_path}")


def plot_connections(run, design, replication, ts, out_path):
    edges, end, unit_name, unit_s = _time_axis(run, ts)
    bucket = _plot_helpers(run).format_bucket(run.bucket_s)
    colour = run.colours[design]
    fig, (connected_ax, churn_ax) = plt.subplots(2, 1, figsize=CONNECTIONS_SIZE_IN, sharex=True)
    connected = ts["connected"].to_numpy(dtype=float)
    connected_ax.plot(end, connected, color=colour, linewidth=1.6, label="connected users")
    connected_ax.fill_between(end, connected, color=colour, alpha=0.15, linewidth=0)
    _plot_helpers(run).count_axis(connected_ax, connected)
    connected_ax.set_ylabel("connected users\n(end of bucket)")
    connected_ax.set_title("(a) users connected: a cliff is a server's connections dropping", loc="left",
                           fontsize=10, pad=48)
    churn_ax.stairs(ts["connects"].to_numpy(dtype=float), edges, baseline=0, fill=True, color="#1f78b4",
                    alpha=0.35, label="connect requests")
    churn_ax.stairs(ts["connects"].to_numpy(dtype=float), edges, baseline=None, color="#1f78b4", linewidth=1.0)
    churn_ax.stairs(ts["messages_missed"].to_numpy(dtype=float), edges, baseline=None, color="#d95f02",
                    linewidth=1.6, label="missed message\ndeliveries")
    _plot_helpers(run).count_axis(churn_ax, np.concatenate([ts["connects"].to_numpy(dtype=float),
                                                            ts["messages_missed"].to_numpy(dtype=float)]))
    churn_ax.set_ylabel(f"count per {bucket}")
    churn_ax.set_title(f"(b) connects (first connections and reconnects) and missed deliveries per {bucket} "
                       "bucket", loc="left", fontsize=10)
    _finish(fig, run, design, replication, [connected_ax, churn_ax], run.events_of(design, replication), unit_name,
            unit_s, "realtime connections", out_path)


def plot_matches(run, design, replication, ts, out_path):
    edges, end, unit_name, unit_s = _time_axis(run, ts)
    colour = run.colours[design]
    fig, ax = plt.subplots(1, 1, figsize=MATCHES_SIZE_IN)
    ax.stairs(ts["matches_in_progress"].to_numpy(dtype=float), edges, baseline=None, color=colour, linewidth=1.6,
              label="matches in progress")
    _plot_helpers(run).count_axis(ax, ts["matches_in_progress"].to_numpy(dtype=float))
    ax.set_ylabel("matches in progress\n(end of bucket)")
    ax.set_title("matches started and not over (paused ones included)", loc="left", fontsize=10, pad=48)
    _finish(fig, run, design, replication, [ax], run.events_of(design, replication), unit_name, unit_s,
            "game matches", out_path)


def plot_part2(run, replication, outdir):
    """Every part-2 chart of a run folder's replication; returns the paths written."""
    written = []
    if run.timeseries is None:
        return written
    for design in run.designs:
        ts = _runs_with(run, design, replication, "connected")
        if ts is not None:
            path = outdir / f"connections-{design}.png"
            plot_connections(run, design, replication, ts, path)
            written.append(path)
        ts = _runs_with(run, design, replication, "matches_in_progress")
        if ts is not None:
            path = outdir / f"matches-{design}.png"
            plot_matches(run, design, replication, ts, path)
            written.append(path)
    return written
