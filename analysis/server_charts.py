"""The per-server chart, from servers.csv (and events.csv) of a run folder. plot.py calls
plot_servers() where it draws the per-design timelines; a folder without servers.csv, or a
design without rows in it (a pool too large for the per-server view), gets no chart.

  servers-<design>.png  (a) memory sessions held by each server at the end of each bucket
                            (realtime connections held when the design keeps no session in
                            a server's memory but has connections),
                        (b) requests the balancer sent each server per bucket,
                        (c) CPU utilisation of each server over each bucket
                        one line per server that was ever up, in server order; a heat map (one
                        row per server) when there are more than MAX_LINES of them

See analysis/README.md for how to read it.
"""

import sys

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from realtime_charts import _draw_events

DPI = 110
SERVERS_SIZE_IN = (10.0, 9.0)  # 1100 x 990 px
MAX_LINES = 12
SERVERS_REQUIRED = ["design", "replication", "time_s", "server", "up", "in_rotation", "sessions_held", "connections",
                    "requests", "cpu_utilization"]


def _plot_helpers(run):
    """plot.py, the module that read the run folder: its CSV reader, time unit and wording."""
    return sys.modules[type(run).__module__]


def _server_number(name):
    return int(str(name).rsplit("-", 1)[-1])


def read_servers(run):
    """servers.csv of the run folder, or None when it has none (a folder of an earlier version)."""
    path = run.folder / "servers.csv"
    if not path.is_file():
        return None
    helpers = _plot_helpers(run)
    frame = helpers.read_csv(path, SERVERS_REQUIRED, dtype={"design": str, "replication": str, "server": str})
    return helpers.numeric_replications(frame)


def _matrix(rows, column, servers, times):
    """servers x buckets of `column` (NaN where empty)."""
    table = rows.pivot(index="server", columns="time_s", values=column)
    return table.reindex(index=servers, columns=times).to_numpy(dtype=float)


def _panel(helpers, ax, values, servers, edges, colours, counts, heat_label):
    """One line per server, or a heat map of every server when there are many."""
    if len(servers) <= MAX_LINES:
        for row, server in enumerate(servers):
            ax.stairs(values[row], edges, baseline=None, color=colours[row], linewidth=1.4, label=server)
        top = np.nanmax(values) if np.isfinite(values).any() else 0.0
        if counts:
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_ylim(0, max(1.0, top * 1.08))
        else:
            ax.set_ylim(0, max(100.0, top * 1.05))
        ax.grid(True, axis="y", color="0.9")
        helpers.outside_legend(ax)
        return
    mesh = ax.pcolormesh(edges, np.arange(len(servers) + 1), np.ma.masked_invalid(values), cmap="viridis",
                         shading="flat", vmin=0)
    bar = ax.figure.colorbar(mesh, ax=ax, pad=0.01, fraction=0.04)
    bar.set_label(heat_label, fontsize=8)
    if counts:
        bar.locator = MaxNLocator(integer=True)
        bar.update_ticks()
    step = max(1, len(servers) // 10)
    ax.set_yticks(np.arange(0, len(servers), step) + 0.5)
    ax.set_yticklabels(servers[::step], fontsize=7)
    ax.invert_yaxis()


def plot_design(run, design, replication, rows, out_path):
    helpers = _plot_helpers(run)
    unit_name, unit_s = helpers.time_unit(run.duration_s)
    bucket = helpers.format_bucket(run.bucket_s)
    ever_up = rows.groupby("server")["up"].max()
    servers = sorted((s for s in ever_up.index if ever_up[s] > 0), key=_server_number)
    rows = rows[rows["server"].isin(servers)]
    times = sorted(rows["time_s"].unique())
    start = np.asarray(times, dtype=float) / unit_s
    edges = np.append(start, start[-1] + run.bucket_s / unit_s)
    palette = plt.get_cmap("tab10" if len(servers) <= 10 else "tab20")
    colours = [palette(i % palette.N) for i in range(len(servers))]

    sessions = _matrix(rows, "sessions_held", servers, times)
    connections = _matrix(rows, "connections", servers, times)
    held, held_what = sessions, "sessions held"
    if not np.nansum(sessions) and np.isfinite(connections).any() and np.nansum(connections):
        held, held_what = connections, "connections held"
    cpu = _matrix(rows, "cpu_utilization", servers, times) * 100

    fig, axes = plt.subplots(3, 1, figsize=SERVERS_SIZE_IN, sharex=True)
    _panel(helpers, axes[0], held, servers, edges, colours, True, held_what)
    axes[0].set_ylabel(f"{held_what}\n(end of bucket)")
    axes[0].set_title(f"(a) {held_what} by each server: a server's drop to 0 is what its stop or crash took",
                      loc="left", fontsize=10, pad=48)
    _panel(helpers, axes[1], _matrix(rows, "requests", servers, times), servers, edges, colours, True, f"requests per {bucket}")
    axes[1].set_ylabel(f"requests per {bucket}")
    axes[1].set_title(f"(b) requests the balancer sent each server per {bucket} bucket", loc="left", fontsize=10)
    _panel(helpers, axes[2], cpu, servers, edges, colours, False, "CPU (%)")
    axes[2].set_ylabel("CPU (%)")
    axes[2].set_title("(c) CPU utilisation of each server while in service (a gap: not in service)", loc="left",
                      fontsize=10)
    for ax in axes[:-1]:
        ax.tick_params(labelbottom=False)
    axes[-1].set_xlim(0, run.duration_s / unit_s)
    axes[-1].set_xlabel(f"simulated time ({unit_name})")
    shown = f"{len(servers)} servers ever up" if len(servers) > MAX_LINES else "one line per server"
    fig.suptitle(f"{run.name}: servers of design {design} (replication {replication}; {shown})", fontsize=12,
                 fontweight="bold")
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    _draw_events(list(axes), run.events_of(design, replication), unit_s)
    fig.savefig(out_path, dpi=DPI)
    plt.close(fig)
    print(f"wrote {out_path}")


def plot_servers(run, replication, outdir):
    """servers-<design>.png for every design with per-server rows; returns the paths written."""
    servers = read_servers(run)
    written = []
    if servers is None:
        return written
    for design in run.designs:
        rows = servers[(servers["design"] == design) & (servers["replication"] == replication)]
        if rows.empty or not (pd.to_numeric(rows["up"]) > 0).any():
            continue
        path = outdir / f"servers-{design}.png"
        plot_design(run, design, replication, rows, path)
        written.append(path)
    return written
