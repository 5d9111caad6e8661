"""The charts of part 2 (analysis/realtime_charts.py, drawn by plot.py): a run with realtime
users, one with game matches and one without either. Each chart must exist for the designs
that have the section only, have its documented pixel size and not be blank; a run of part 1
alone gets none of them. The connections chart must show the drop of a crash: its curve of
connected users dips where the crash is."""
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np

from common import ROOT, Checks, read_csv, run_text

PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").is_file() else sys.executable
PLOT = os.path.join(ROOT, "analysis", "plot.py")
CONNECTIONS_PX, MATCHES_PX = (1100, 825), (1100, 550)

checks = Checks()

SCENARIO = """\
version: 1
name: part2-charts
seed: 3
duration: 3m
clients: {arrival_rate: 1/s}
servers: {count: 3}
events:
  - {at: 2m, crash: app-2}
designs:
  - name: web-only
  - name: chat
    realtime: {users: 600, ramp_up: 20s, heartbeat: 10s, message_rate: 4/m, delivery: pubsub}
    sessions: {store: jwt}
  - name: games
    games: {arrival_rate: 0.2/s, match_duration: 1m, tick_rate: 2/s, players: 2, state: snapshot}
"""


def png_size(path):
    header = Path(path).read_bytes()[:24]
    return struct.unpack(">II", header[16:24]) if header[:8] == b"\x89PNG\r\n\x1a\n" else None


def check_png(path, size):
    from matplotlib import image as mpimg

    if not checks.check(path.is_file(), f"{path.name} drawn"):
        return
    checks.check(png_size(path) == size, f"{path.name} is {size[0]}x{size[1]} px ({png_size(path)})")
    image = mpimg.imread(str(path))
    not_white = (image[:, :, :3] < 0.95).any(axis=2).mean()
    checks.check(not_white > 0.01, f"{path.name} is not blank ({not_white:.3f} of it drawn)")


out = run_text(checks, "part2-charts", SCENARIO)
if out:
    plots = Path(out) / "plots"
    done = subprocess.run([PYTHON, PLOT, out], capture_output=True, text=True, timeout=600)
    checks.check(done.returncode == 0, f"plot.py draws the run ({done.stderr.strip()[-500:]})")
    check_png(plots / "connections-chat.png", CONNECTIONS_PX)
    check_png(plots / "matches-games.png", MATCHES_PX)
    drawn = sorted(p.name for p in plots.glob("*.png"))
    checks.check("connections-web-only.png" not in drawn and "matches-web-only.png" not in drawn
                 and "matches-chat.png" not in drawn and "connections-games.png" not in drawn,
                 f"no part-2 chart for a design without the section ({drawn})")
    series = [r for r in read_csv(os.path.join(out, "timeseries.csv")) if r["design"] == "chat"]
    connected = {float(r["time_s"]): int(r["connected"]) for r in series}
    checks.check(connected[120.0] < connected[110.0] and connected[170.0] == 600,
                 f"the series the chart draws: connected users drop at the crash and come back "
                 f"({connected[110.0]}, {connected[120.0]}, {connected[170.0]})")

    part1 = Path(out).parent / "part1"
    result = subprocess.run([os.environ.get("STATESIM", ""), "run", os.path.join(ROOT, "scenarios", "crash-jwt.yaml"),
                             "--out", str(part1), "--quiet", "--design", "crash-jwt"], capture_output=True, text=True)
    if checks.check(result.returncode == 0, "a part-1 scenario runs"):
        subprocess.run([PYTHON, PLOT, str(part1)], capture_output=True, text=True, timeout=600)
        names = [p.name for p in (part1 / "plots").glob("*.png")]
        checks.check(names and not any(n.startswith(("connections-", "matches-")) for n in names),
                     f"a run of part 1 alone gets none of part 2's charts ({sorted(names)})")
# Game servers alone: no sessions, no requests. Their timeline keeps the servers panel only
# (1210 px less the three panels of sessions, disruptions and latency, 275 px each), and
# there is no timeline-all.png (no design has disruptions to draw).
GAMES_ONLY = """\
version: 1
name: games-only
seed: 3
duration: 3m
servers: {count: 3}
games: {arrival_rate: 0.2/s, match_duration: 1m, tick_rate: 2/s, players: 2}
events:
  - {at: 2m, crash: app-2}
"""
out = run_text(checks, "games-only", GAMES_ONLY)
if out:
    plots = Path(out) / "plots"
    done = subprocess.run([PYTHON, PLOT, out], capture_output=True, text=True, timeout=600)
    checks.check(done.returncode == 0, f"plot.py draws the games-only run ({done.stderr.strip()[-500:]})")
    check_png(plots / "timeline-games-only.png", (1100, 1210 - 3 * 275))
    check_png(plots / "matches-games-only.png", MATCHES_PX)
    checks.check(not (plots / "timeline-all.png").exists(), "no timeline-all.png without requests")
checks.finish()
