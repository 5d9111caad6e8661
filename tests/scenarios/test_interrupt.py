"""An interrupted run (Ctrl-C, SIGTERM) stops its simulations, leaves no output file, says so and
exits 128 + the signal number (130, 143)."""
import os
import signal
import subprocess
import time

from common import ROOT, STATESIM, Checks, temp_dir

checks = Checks()
for sig, status in ((signal.SIGTERM, 143), (signal.SIGINT, 130)):
    out = os.path.join(temp_dir(), "out")
    process = subprocess.Popen([STATESIM, "run", os.path.join(ROOT, "scenarios", "scale-in-drain.yaml"), "--out", out,
                                "--quiet", "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    process.send_signal(sig)
    try:
        stdout, stderr = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
    name = signal.Signals(sig).name
    checks.check(process.returncode == status, f"{name}: exit status {process.returncode} (expected {status})")
    checks.check("interrupted by " + name in stderr, f"{name}: says it was interrupted: {stderr.strip()[:120]}")
    checks.check(not os.path.exists(out), f"{name}: no output folder written")
    leftovers = subprocess.run(["pgrep", "-f", out], capture_output=True, text=True).stdout.split()
    checks.check(not leftovers, f"{name}: no simulation process left running ({leftovers})")
checks.finish()
