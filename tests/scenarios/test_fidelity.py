#!/usr/bin/python3
"""Fidelity suite: statesim's numbers against exact queueing results and session-loss arithmetic.

Runs the scenarios of tests/scenarios/fidelity/ with fixed seeds and compares the reported
statistics with the reference values of docs/validation.md (M/M/1, M/D/1, processor sharing,
dispatch policies, M/M/1/K blocking, M/G/inf session counts; part 2: duplicate effects under
retries, idempotency keys, a lone upload's time, round robin and server-memory uploads), with
tolerances sized from the run length (about four standard deviations). Also checks, on every run, the exit status
(statesim exits 1 when Little's law or another invariant fails inside the run) and the output
contract, and that runs are reproducible byte for byte.

Environment: STATESIM = the statesim executable (required), STATESIM_ROOT = the repository
(default: two folders up), STATESIM_SHARED = the folder holding tools/check-output-contract
(optional; the invariants are also checked here). Prints one line per check and
`N passed, M failed`; exits 1 on any failure. scripts/validation-table.py imports this file
to regenerate the table of docs/validation.md from the same runs.
"""

import csv
import filecmp
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(os.environ.get("STATESIM_ROOT", Path(__file__).resolve().parents[2]))
SCENARIOS = ROOT / "tests" / "scenarios" / "fidelity"
SHARED = Path(os.environ.get("STATESIM_SHARED", ROOT.parent / "shared"))
CONTRACT = SHARED / "tools" / "check-output-contract"
PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").is_file() else sys.executable
JOBS = 2

# Reference values (docs/validation.md). Rates per second, times in ms, mu = 100/s per server.
MM1_RHO05_MEAN, MM1_RHO05_P95 = 20.0, 59.9146          # M/M/1, lambda 50: 1/(mu-lambda), ln(20)/(mu-lambda)
MD1_RHO05_MEAN, MD1_RHO05_P95 = 15.0, 30.5064          # M/D/1, lambda 50, D 10 ms: P-K and Erlang's W(t)
PS_RHO05_MEAN = 20.0                                   # M/G/1-PS: E[S]/(1-rho), any S; E[T|S=x] = x/(1-rho)
RR2_MEAN, RR2_P95 = 16.1803, 48.4720                   # E2/M/1 per server, lambda 100 over 2
JSQ2_MEAN, JSQ2_P95 = 14.2632, 42.2572                 # JSQ over 2, lambda 100 (exact CTMC)
FOUR_SERVERS = {                                       # lambda 320 over 4 (rho 0.8): mean, p95
    "random": (50.000, 149.787),                       # Poisson thinning: four M/M/1
    "round-robin": (32.674, 97.882),                   # E4/M/1
    "least-connections": (19.531, 55.990),             # JSQ, exact truncated CTMC
    "power-of-two": (23.302, 64.187),                  # JSQ(2), exact truncated CTMC
}
MM1K10_BLOCK, MM1K10_MEAN = 0.023493, 37.971        # M/M/1/10, lambda 80: p_K, mean T of admitted
SESSION_RATE, SESSION_MEAN_S, SERVERS = 10.0, 600.0, 4


def lost_on_crash(t_s):
    """Mean sessions on one of the servers at t after an empty start (M/G/inf, Exp durations)."""
    return SESSION_RATE * SESSION_MEAN_S * (1 - math.exp(-t_s / SESSION_MEAN_S)) / SERVERS


S1_MEAN, S2_MEAN = 1500.0, lost_on_crash(600.0)      # 1500 (steady state, the reference value), 948.2
S1_BAND, S2_BAND = 127.0, 101.0                      # 3.29 sqrt(m): Poisson(m), two-sided 0.1%
INPUT_RATE_TOLERANCE = 0.02                          # offered rate: > 6 sd of a Poisson count here


# Part 2 (docs/validation.md, the reference's I1, I2, U1, U2).
I1_DUPLICATES, I1_SD_PER_HOUR, I1_REFERENCE_HOURS = 0.0335, 0.0012, 10  # Monte Carlo, 10 seeds x 1 h
I1_HOURS = 6                                                              # effects-retries.yaml
# sd of the difference: our mean over I1_HOURS hours against the reference's over 10.
I1_BAND = 4 * I1_SD_PER_HOUR * math.sqrt(1 / I1_HOURS + 1 / I1_REFERENCE_HOURS)
UPLOAD_L = 0.020 + 0.00025        # upload-alone.yaml: client_latency + internal_latency
UPLOAD_B, UPLOAD_BW = 2.5e6, 125e6  # the uploader's link (20 Mbps), every other link (1 Gbps)
UPLOAD_CHUNKS = [5e6] * 4 + [2e6]   # 22 MB in chunks of 5 MB
UPLOAD_CPU, CHUNK_ANSWER, URL_BYTES, OBJECT_ACK = 0.002, 200, 1000, 1000


def upload_time(mode):
    """U1: a lone upload's time on CM02 (factors 1, no TCP window): latencies + bytes / bottleneck."""
    size, chunks = sum(UPLOAD_CHUNKS), len(UPLOAD_CHUNKS)
    if mode == "presigned":
        url = 2 * UPLOAD_L + 2 * URL_BYTES / UPLOAD_B + UPLOAD_CPU
        return size / UPLOAD_B + chunks * (2 * UPLOAD_L + CHUNK_ANSWER / UPLOAD_B) + url
    time = size / UPLOAD_B + chunks * (2 * UPLOAD_L + CHUNK_ANSWER / UPLOAD_B + UPLOAD_CPU)
    if mode == "resumable":  # each chunk written to the object store, and acknowledged
        time += size / UPLOAD_BW + chunks * (2 * 0.00025 + OBJECT_ACK / UPLOAD_BW)
    return time


def closed_rate(users, think_s, response_ms):
    """Request rate of a closed population: each user cycles think -> request -> answer."""
    return users / (think_s + response_ms / 1000.0)


@dataclass
class Check:
    case: str          # Q1 .. Q8, S1, S2, S6, D1, D2
    model: str         # what is simulated
    quantity: str      # what is compared
    theory: str        # reference value, as shown
    simulated: str     # statesim's value, as shown
    tolerance: str     # the accepted deviation, as shown
    passed: bool
    per_run: bool = False   # a check made on every run (summarised as one row in the docs table)


@dataclass
class RunOutput:
    label: str
    folder: Path
    status: int
    seconds: float
    summary: dict        # design -> row of summary.csv
    timeseries: list
    events: list
    stderr: str


def read_csv(path):
    if not path.is_file():
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return math.nan


def fmt(value, decimals):
    return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{decimals}f}"


class FidelitySuite:
    def __init__(self, statesim, work_dir, echo=True):
        self.statesim = statesim
        self.work_dir = Path(work_dir)
        self.echo = echo
        self.checks = []
        self.runs = []

    # ------------------------------------------------------------------ recording checks
    def record(self, check):
        self.checks.append(check)
        if self.echo:
            verdict = "PASS" if check.passed else "FAIL"
            print(f"{verdict}  {check.case:3} {check.model}: {check.quantity}  theory {check.theory}  "
                  f"simulated {check.simulated}  tolerance {check.tolerance}", flush=True)

    def relative(self, case, model, quantity, theory, simulated, tolerance, decimals=3):
        """|simulated - theory| <= tolerance * theory."""
        bound = tolerance * theory
        ok = not math.isnan(simulated) and abs(simulated - theory) <= bound
        self.record(Check(case, model, quantity, fmt(theory, decimals), fmt(simulated, decimals),
                          f"±{tolerance * 100:g}% (±{bound:.{decimals}f})", ok))

    def absolute(self, case, model, quantity, theory, simulated, bound, decimals=3):
        ok = not math.isnan(simulated) and abs(simulated - theory) <= bound
        self.record(Check(case, model, quantity, fmt(theory, decimals), fmt(simulated, decimals),
                          f"±{bound:g}", ok))

    def exact(self, case, model, quantity, expected, actual, per_run=False):
        self.record(Check(case, model, quantity, str(expected), str(actual), "exact", expected == actual, per_run))

    # ------------------------------------------------------------------ running statesim
    def run(self, scenario, label, seed=None, design=None, jobs=JOBS):
        """Runs a scenario into its own folder; checks exit status and output contract (Q7, S6)."""
        folder = self.work_dir / label
        shutil.rmtree(folder, ignore_errors=True)
        command = [self.statesim, "run", str(SCENARIOS / scenario), "--out", str(folder), "--json", "--quiet",
                   "--jobs", str(jobs)]
        if seed is not None:
            command += ["--seed", str(seed)]
        if design is not None:
            command += ["--design", design]
        started = time.monotonic()
        process = subprocess.run(command, capture_output=True, text=True, timeout=3600)
        seconds = time.monotonic() - started
        summary = {row["design"]: row for row in read_csv(folder / "summary.csv")}
        run = RunOutput(label, folder, process.returncode, seconds, summary, read_csv(folder / "timeseries.csv"),
                        read_csv(folder / "events.csv"), process.stderr.strip())
        self.runs.append(run)
        # Q7: Little's law is measured inside every run (area under requests-in-system against
        # the sum of sojourn times, residuals included); statesim exits 1 when it is off by
        # more than 1e-6, or when any other invariant of the output contract fails.
        status = process.returncode
        if status != 0 and run.stderr:
            status = f"{status} ({run.stderr.splitlines()[-1]})"
        self.exact("Q7", f"run {label}", "exit status (0: Little's law and the invariants hold inside the run)", 0, status,
                   per_run=True)
        self.check_invariants(run)
        return run

    def check_invariants(self, run):
        """S6 on every run: the shared contract checker, and the conservation laws recomputed here."""
        problems = []
        if not run.summary:
            problems.append("no summary.csv rows")
        for design, row in run.summary.items():
            v = {key: number(value) for key, value in row.items() if key not in ("design",)}
            if v["sessions_started"] != v["sessions_ended"] + v["sessions_lost"] + v["sessions_active"]:
                problems.append(f"{design}: sessions_started != ended + lost + active")
            if v["requests"] != v["ok"] + v["failed"] + v["forced"] + v["in_flight"]:
                problems.append(f"{design}: requests != ok + failed + forced + in_flight")
            lost_in_events = sum(int(e["sessions_lost"]) for e in run.events if e["design"] == design)
            if lost_in_events != v["sessions_lost"]:
                problems.append(f"{design}: events lose {lost_in_events} sessions, the summary {v['sessions_lost']:g}")
        if CONTRACT.is_file():
            contract = subprocess.run([PYTHON, str(CONTRACT), str(run.folder)], capture_output=True, text=True)
            if contract.returncode != 0:
                problems.append("check-output-contract: " + contract.stdout.strip().replace("\n", "; "))
        self.exact("S6", f"run {run.label}",
                   "started = ended + lost + active; requests = ok + failed + forced + in flight; "
                   "lost = sum over events" + ("; output contract" if CONTRACT.is_file() else ""),
                   "hold", "hold" if not problems else "; ".join(problems), per_run=True)

    @staticmethod
    def field(run, design, name):
        return number(run.summary.get(design, {}).get(name))

    # ------------------------------------------------------------------ the cases
    def queueing_cases(self):
        single = self.run("single-server.yaml", "single-server")
        model = "1 server, λ 50/s, FIFO, Exp 10 ms"
        self.relative("Q1", model, "offered rate /s", closed_rate(5000, 100, MM1_RHO05_MEAN),
                      self.field(single, "mm1-fifo", "throughput_rps"), INPUT_RATE_TOLERANCE)
        self.relative("Q1", model, "mean T ms (M/M/1)", MM1_RHO05_MEAN, self.field(single, "mm1-fifo", "latency_mean_ms"), 0.05)
        self.relative("Q1", model, "p95 T ms", MM1_RHO05_P95, self.field(single, "mm1-fifo", "latency_p95_ms"), 0.08)
        model = "1 server, λ 50/s, FIFO, D = 10 ms"
        self.relative("Q2", model, "mean T ms (M/D/1)", MD1_RHO05_MEAN, self.field(single, "md1-fifo", "latency_mean_ms"), 0.05)
        self.relative("Q2", model, "p95 T ms", MD1_RHO05_P95, self.field(single, "md1-fifo", "latency_p95_ms"), 0.08)
        self.relative("Q3", "1 server, λ 50/s, 1000 workers share 1 core, Exp 10 ms", "mean T ms (M/M/1-PS)",
                      PS_RHO05_MEAN, self.field(single, "mm1-ps", "latency_mean_ms"), 0.05)
        self.relative("Q3", "1 server, λ 50/s, 1000 workers share 1 core, D = 10 ms",
                      "mean T ms (M/D/1-PS: E[T|S=x] = x/(1-ρ))",
                      PS_RHO05_MEAN, self.field(single, "md1-ps", "latency_mean_ms"), 0.05)

        two = self.run("two-servers.yaml", "two-servers")
        model = "2 servers, λ 100/s, round robin, Exp 10 ms"
        self.relative("Q4", model, "mean T ms (E2/M/1)", RR2_MEAN, self.field(two, "round-robin", "latency_mean_ms"), 0.05)
        self.relative("Q4", model, "p95 T ms", RR2_P95, self.field(two, "round-robin", "latency_p95_ms"), 0.08)
        model = "2 servers, λ 100/s, least connections, Exp 10 ms"
        self.relative("Q5", model, "mean T ms (JSQ)", JSQ2_MEAN, self.field(two, "least-connections", "latency_mean_ms"), 0.05)
        self.relative("Q5", model, "p95 T ms", JSQ2_P95, self.field(two, "least-connections", "latency_p95_ms"), 0.08)

        four = self.run("four-servers.yaml", "four-servers")
        for design, (mean, p95) in FOUR_SERVERS.items():
            model = f"4 servers, λ 320/s, {design.replace('-', ' ')}, Exp 10 ms"
            self.relative("Q6", model, "mean T ms", mean, self.field(four, design, "latency_mean_ms"), 0.06)
            self.relative("Q6", model, "p95 T ms", p95, self.field(four, design, "latency_p95_ms"), 0.10)

        limit = self.run("admission-limit.yaml", "admission-limit")
        model = "M/M/1/10, λ 80/s, Exp 10 ms"
        warmup = 100.0
        measured = [row for row in limit.timeseries if number(row["time_s"]) >= warmup]
        arrivals = sum(int(row["requests"]) for row in measured)
        refused = sum(int(row["failed"]) for row in measured)
        self.absolute("Q8", model, "P(block) = refused / arrivals after warmup", MM1K10_BLOCK,
                      refused / arrivals if arrivals else math.nan, 0.003, decimals=6)
        row = limit.summary.get("fidelity-admission-limit", {})
        self.exact("Q8", model, "every failure is an admission refusal (failed = failed_overload)",
                   row.get("failed", "n/a"), row.get("failed_overload", "missing"))
        self.relative("Q8", model, "mean T ms of admitted", MM1K10_MEAN,
                      self.field(limit, "fidelity-admission-limit", "latency_mean_ms"), 0.05)
        self.relative("Q8", model, "throughput /s = λ(1 - P(block))",
                      closed_rate(8000, 100, MM1K10_MEAN) * (1 - MM1K10_BLOCK),
                      self.field(limit, "fidelity-admission-limit", "throughput_rps"), INPUT_RATE_TOLERANCE)

    def crash_checks(self, case, run, crash_s, interval_s, mean, band, model):
        """The statistic (sessions lost when app-1 crashes) and the exact bookkeeping facts."""
        self.absolute(case, model, "sessions lost when app-1 crashes", mean,
                      self.field(run, "crash-app-1", "sessions_lost"), band, decimals=1)
        lost_total = 0
        for k in range(1, SERVERS + 1):
            rows = [e for e in run.events if e["design"] == f"crash-app-{k}" and e["event"] == "crash"]
            lost = int(rows[0]["sessions_lost"]) if len(rows) == 1 else "no crash row"
            held = int(rows[0]["sessions_held"]) if len(rows) == 1 and rows[0]["sessions_held"] else "no sessions_held"
            self.exact(case, model, f"app-{k} crash: sessions lost = sessions the server held", held, lost)
            if not isinstance(held, int) or not isinstance(lost, int):
                continue
            lost_total += lost
        # Common random numbers: up to the crash every design runs the same trajectory, so the
        # four single crashes must together destroy every session active in the control then.
        # A timeseries row's active_sessions is the count when its bucket closes.
        closing = [row for row in run.timeseries if row["design"] == "control"
                   and abs(number(row["time_s"]) + interval_s - crash_s) < 1e-6]
        active = int(closing[0]["active_sessions"]) if len(closing) == 1 else "no such row"
        self.exact(case, model, f"sum of the 4 servers' losses = active sessions of the control at {crash_s:g} s",
                   active, lost_total)

    def session_cases(self):
        steady = self.run("sessions-steady.yaml", "sessions-steady")
        self.crash_checks("S1", steady, 6000.0, 1000.0, S1_MEAN, S1_BAND,
                          "Poisson 10/s, Exp 600 s sessions, ip_hash over 4, crash at 6000 s")
        empty = self.run("sessions-from-empty.yaml", "sessions-from-empty")
        self.crash_checks("S2", empty, 600.0, 100.0, S2_MEAN, S2_BAND,
                          "Poisson 10/s, Exp 600 s sessions, ip_hash over 4, crash at 600 s from empty")

        # D1: the same seed gives byte-identical output folders, however many processes run it.
        again = self.run("sessions-from-empty.yaml", "sessions-from-empty-again")
        serial = self.run("sessions-from-empty.yaml", "sessions-from-empty-serial", jobs=1)
        for other, how in ((again, "run twice, --jobs 2"), (serial, "--jobs 2 against --jobs 1")):
            self.exact("D1", "sessions-from-empty.yaml, seed 1", f"output folders byte-identical ({how})",
                       "identical", folder_difference(empty.folder, other.folder) or "identical")

        # D2: other seeds give other numbers, and the S1 statistic stays in its band.
        base = steady.summary.get("crash-app-1", {})
        for seed in (2, 3):
            other = self.run("sessions-steady.yaml", f"sessions-steady-seed-{seed}", seed=seed, design="crash-app-1")
            row = other.summary.get("crash-app-1", {})
            differs = any(row.get(k) != base.get(k) for k in row if k not in ("seed",))
            self.exact("D2", f"sessions-steady.yaml, seed {seed} against seed 1", "summary.csv differs",
                       "differs", "differs" if differs and row else "same")
            self.absolute("D2", f"sessions-steady.yaml, seed {seed}", "S1: sessions lost when app-1 crashes", S1_MEAN,
                          self.field(other, "crash-app-1", "sessions_lost"), S1_BAND, decimals=1)

    def part2_cases(self):
        retries = self.run("effects-retries.yaml", "effects-retries")
        model = "1 server, actions 30/s, Exp 10 ms, timeout 50 ms, 1 retry after 100 ms, no key"
        rows = [r for r in read_csv(retries.folder / "summary.csv")]
        requested = sum(number(r["effects_requested"]) for r in rows)
        duplicates = sum(number(r["duplicate_effects"]) for r in rows)
        self.absolute("I1", model, f"duplicates per action ({len(rows)} h)", I1_DUPLICATES,
                      duplicates / requested if requested else math.nan, round(I1_BAND, 4), decimals=4)

        keys = self.run("effects-keys.yaml", "effects-keys")
        for design, where in (("one-server-key-in-memory", "in memory, one server"),
                              ("one-server-key-in-store", "in the store (redis)")):
            self.exact("I2", f"as I1, key {where}", "duplicate effects", "0",
                       keys.summary.get(design, {}).get("duplicate_effects", "missing"))
        none = self.field(keys, "three-servers-no-key", "duplicate_effects")
        memory = self.field(keys, "three-servers-key-in-memory", "duplicate_effects")
        kept = 2 / 3
        band = 4 * math.sqrt(kept * (1 - kept) / none) if none > 0 else math.nan
        self.absolute("I2", "as I1 per server, 3 servers, round robin, key in memory",
                      f"duplicates kept / duplicates without key ({memory:.0f} / {none:.0f}): (N-1)/N",
                      kept, memory / none if none > 0 else math.nan, round(band, 3))

        alone = self.run("upload-alone.yaml", "upload-alone")
        for design, mode in (("sticky-memory", "server_memory"), ("resumable", "resumable"), ("presigned", "presigned")):
            model = f"22 MB in 5 MB chunks over 20 Mbps, {mode}, alone"
            for field in ("upload_time_p50_s", "upload_time_p99_s"):
                self.absolute("U1", model, f"{field} (CM02: latencies + bytes / bottleneck)", upload_time(mode),
                              self.field(alone, design, field), 0.0005)
        row = alone.summary.get("round-robin-memory", {})
        self.exact("U2", "server_memory, round robin over 3, uploads alone", "uploads completed (strict rotation: 0)",
                   "0", row.get("uploads_completed", "missing"))

    def run_all(self):
        self.queueing_cases()
        self.session_cases()
        self.part2_cases()
        return self.checks


def folder_difference(first, second):
    """'' when both folders hold the same files with the same bytes, else what differs."""
    if not first.is_dir() or not second.is_dir():
        return "no output folder"
    names = sorted(set(os.listdir(first)) | set(os.listdir(second)))
    if not names:
        return "both empty"
    mismatch = [n for n in names
                if not ((first / n).is_file() and (second / n).is_file() and filecmp.cmp(first / n, second / n, shallow=False))]
    return "differ: " + ", ".join(mismatch) if mismatch else ""


def main():
    statesim = os.environ.get("STATESIM", "")
    if not statesim or not Path(statesim).is_file():
        print(f"STATESIM must name the statesim executable (got {statesim!r})")
        print("0 passed, 1 failed")
        return 1
    work_dir = Path(tempfile.mkdtemp(prefix="statesim-fidelity-"))
    started = time.monotonic()
    suite = FidelitySuite(statesim, work_dir)
    suite.run_all()
    passed = sum(c.passed for c in suite.checks)
    failed = len(suite.checks) - passed
    runs = ", ".join(f"{r.label} {r.seconds:.1f}s" for r in suite.runs)
    print(f"runs: {runs}; total {time.monotonic() - started:.1f}s")
    if failed:
        print(f"output folders kept in {work_dir}")
    else:
        shutil.rmtree(work_dir, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
