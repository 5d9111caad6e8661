"""Sweeps on a real cluster: a single-node Slurm (Debian's slurm-wlm and munge) started as root
in this test's own temporary folder, and GNU parallel.

Slurm: a plan submitted twice at once with `sbatch --wait` merges into the sweep.csv of a local
sweep of the same points, byte for byte; a task killed mid-run (`scancel` of an array element)
leaves its point missing, the merge names it and prints the command that resubmits it alone,
and that command completes the same sweep.csv. GNU parallel (and xargs -P) running jobs.txt,
part of it then all of it, gives the same sweep.csv too.

The daemons (munged, slurmctld, slurmd) use their own key, socket, ports, state, spool, log and
pid files under the temporary folder, so nothing system-wide is touched; they are stopped by
PID when the test ends, even when it fails, with every process left in the folder. Not root, or
a package missing: the test says SKIPPED and exits 77 (ctest shows it as skipped), or fails when
STATESIM_REQUIRE_CLUSTER_TEST is set (CI).
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import SMALL_SWEEP, STATESIM, Checks, run

SKIP_STATUS = 77
SYSTEM_PATH = os.environ.get("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin"
TOOLS = {"munged": "munge", "slurmctld": "slurmctld (slurm-wlm)", "slurmd": "slurmd (slurm-wlm)",
         "sbatch": "slurm-client (slurm-wlm)", "squeue": "slurm-client", "scancel": "slurm-client",
         "sinfo": "slurm-client", "parallel": "parallel", "xargs": "findutils"}

QUICK = ["--vary", "servers.count=2,3", "--vary", "sessions.store=memory,jwt", "--replications", "2"]
# Point 3 simulates an hour: long enough to be killed while it runs.
SLOW = ["--vary", "duration=2m,3m,60m,4m", "--replications", "1"]
SLOW_POINT = 3

checks = Checks()


def skip(reason):
    banner = "*" * 78
    print(f"{banner}\nSKIPPED: the cluster test did not run: {reason}\n{banner}")
    if os.environ.get("STATESIM_REQUIRE_CLUSTER_TEST"):
        print("FAIL  STATESIM_REQUIRE_CLUSTER_TEST is set: this test must run here")
        sys.exit(1)
    sys.exit(SKIP_STATUS)


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise TimeoutError(f"waited {seconds} s for {what}")


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def memory_mib():
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    return 1024


class SlurmCluster:
    """munged, slurmctld and slurmd with everything under `root`."""

    def __init__(self, root):
        self.root = root
        self.daemons = []  # (name, Popen, log path)
        self.conf = root / "slurm.conf"
        self.env = dict(os.environ, SLURM_CONF=str(self.conf), PATH=SYSTEM_PATH)

    def start_daemon(self, name, command):
        log = self.root / f"{name}.log"
        with open(log, "wb") as output:
            process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       start_new_session=True, env=self.env)
        self.daemons.append((name, process, log))
        return process

    def start(self):
        for folder in ["munge", "state", "spool"]:
            (self.root / folder).mkdir(parents=True, mode=0o700)
        key = self.root / "munge" / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        munge_socket = self.root / "munge" / "socket"
        self.start_daemon("munged", [
            shutil.which("munged", path=SYSTEM_PATH), "--foreground", "--force", f"--key-file={key}",
            f"--socket={munge_socket}", f"--pid-file={self.root / 'munge' / 'munged.pid'}",
            f"--log-file={self.root / 'munge' / 'munged-file.log'}", f"--seed-file={self.root / 'munge' / 'seed'}"])
        wait_for(lambda: munge_socket.exists() or self.died(), 20, "munged's socket")
        self.fail_if_died()

        node = socket.gethostname().split(".")[0]
        controller_port, node_port = free_ports(2)
        (self.root / "plugstack.conf").write_text("")
        # Below the machine's memory, as Slurm requires, and far above what a task asks for.
        real_memory = max(512, memory_mib() * 3 // 4)
        self.conf.write_text(f"""\
ClusterName=statesimtest
SlurmctldHost={node}(127.0.0.1)
SlurmctldPort={controller_port}
SlurmdPort={node_port}
AuthType=auth/munge
AuthInfo=socket={munge_socket}
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation={self.root / 'state'}
SlurmdSpoolDir={self.root / 'spool'}
SlurmctldPidFile={self.root / 'slurmctld.pid'}
SlurmdPidFile={self.root / 'slurmd.pid'}
SlurmctldLogFile={self.root / 'slurmctld-file.log'}
SlurmdLogFile={self.root / 'slurmd-file.log'}
PlugStackConfig={self.root / 'plugstack.conf'}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/builtin
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
ReturnToService=2
MailProg=/bin/true
KillWait=5
MinJobAge=5
NodeName={node} NodeAddr=127.0.0.1 CPUs={os.cpu_count()} RealMemory={real_memory} State=UNKNOWN
PartitionName=test Nodes={node} Default=YES MaxTime=INFINITE State=UP
""")
        self.start_daemon("slurmctld", [shutil.which("slurmctld", path=SYSTEM_PATH), "-D", "-f", str(self.conf)])
        self.start_daemon("slurmd", [shutil.which("slurmd", path=SYSTEM_PATH), "-D", "-f", str(self.conf), "-N", node])
        wait_for(lambda: "idle" in self.command(["sinfo", "-h", "-o", "%T"]).stdout or self.died(), 60,
                 "the node to be idle in sinfo")
        self.fail_if_died()

    def died(self):
        return any(process.poll() is not None for _, process, _ in self.daemons)

    def fail_if_died(self):
        for name, process, _ in self.daemons:
            if process.poll() is not None:
                raise RuntimeError(f"{name} stopped (exit status {process.returncode})")

    def command(self, args, cwd=None, timeout=60):
        return subprocess.run(args, cwd=cwd, env=self.env, capture_output=True, text=True, timeout=timeout)

    def jobs(self):
        return self.command(["squeue", "-h", "-r", "-o", "%i %T"]).stdout.split("\n")

    def stop(self):
        """Cancels every job, stops the daemons by PID, then ends any process left in the folder."""
        if self.conf.exists() and not self.died():
            job_ids = {line.split()[0].split("_")[0] for line in self.jobs() if line.strip()}
            for job in job_ids:
                self.command(["scancel", job])
            try:
                wait_for(lambda: not any(line.strip() for line in self.jobs()), 30, "the cancelled jobs to end")
            except (TimeoutError, subprocess.SubprocessError) as error:
                print(f"note: {error}")
        for name, process, _ in reversed(self.daemons):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    print(f"note: {name} did not stop on SIGTERM: killed")
                    process.kill()
                    process.wait(timeout=15)
        sessions = {process.pid for _, process, _ in self.daemons}
        for pid in processes_of(self.root.parent, sessions):
            print(f"note: process {pid} was left running: killed")
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def print_logs(self):
        for log in sorted(self.root.glob("*.log")) + sorted(self.root.glob("munge/*.log")):
            lines = log.read_text(errors="replace").splitlines()
            print(f"---- {log.name} (last 40 lines)")
            print("\n".join(lines[-40:]))


def processes_of(folder, sessions):
    """Processes in one of `sessions`, or whose working folder or command line names `folder`."""
    found = []
    folder = str(folder)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            session = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[3])
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(entry / "cwd")
        except (OSError, IndexError, ValueError):
            continue
        if session in sessions or cwd.startswith(folder) or folder in command:
            found.append(int(entry.name))
    return found


def simulating(plan, point):
    """Whether `statesim sweep --run-point . POINT` runs in `plan` with a simulation process of its own."""
    parents = {}
    for entry in Path("/proc").iterdir():
        try:
            parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    for pid in parents:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            continue
        if cwd == str(plan) and b"--run-point" in command and str(point).encode() in command:
            if any(parent == pid for parent in parents.values()):
                return True
    return False


def sweep(*args, cwd=None):
    return run(["sweep", *[str(a) for a in args]], cwd=cwd, timeout=600)


def local_sweep(scenario, vary, out):
    done = sweep(scenario, *vary, "--out", out, "--jobs", "2", "--quiet")
    checks.check(done.returncode == 0, f"local sweep into {out.name} exits 0 ({done.stderr.strip()[-300:]})")
    return (out / "sweep.csv").read_bytes() if done.returncode == 0 else b"?"


def make_plan(scenario, vary, folder):
    done = sweep(scenario, *vary, "--plan", folder)
    if not checks.check(done.returncode == 0, f"--plan {folder.name} exits 0 ({done.stderr.strip()[-300:]})"):
        raise RuntimeError("no plan")


def merge(folder):
    return sweep("--merge", folder)


def slurm_tests(cluster, work, scenario):
    reference = local_sweep(scenario, QUICK, work / "local-quick")
    plan = work / "slurm-plan"
    make_plan(scenario, QUICK, plan)

    # The same plan submitted twice at once: both arrays run, each point is written once or
    # twice with the same bytes, and the merge is the local sweep.
    started = time.monotonic()
    submissions = [subprocess.Popen(["sbatch", "--wait", "slurm.sbatch"], cwd=plan, env=cluster.env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for submission in submissions:
        out, err = submission.communicate(timeout=300)
        checks.check(submission.returncode == 0, f"sbatch --wait exits 0 ({out.strip()} {err.strip()[-300:]})")
    print(f"note: two submissions of 4 points took {time.monotonic() - started:.1f} s")
    log = (plan / "logs" / "task-0.out")
    checks.check(log.is_file() and "point 1" in log.read_text(), "each task logs under logs/ (task-0.out)")
    done = merge(plan)
    checks.check(done.returncode == 0 and (plan / "sweep.csv").read_bytes() == reference,
                 f"Slurm, plan submitted twice: sweep.csv is the local sweep's, byte for byte ({done.stderr.strip()})")

    # A task killed while it runs: its point is missing, and resubmitting it alone completes the sweep.
    reference = local_sweep(scenario, SLOW, work / "local-slow")
    plan = work / "slurm-lost"
    make_plan(scenario, SLOW, plan)
    submitted = cluster.command(["sbatch", "--parsable", "slurm.sbatch"], cwd=plan)
    if not checks.check(submitted.returncode == 0, f"sbatch exits 0 ({submitted.stderr.strip()})"):
        return
    job = submitted.stdout.strip().split(";")[0]
    task = SLOW_POINT - 1
    log = plan / "logs" / f"task-{task}.out"
    wait_for(lambda: simulating(plan, SLOW_POINT), 120, f"task {task} to simulate point {SLOW_POINT}")
    killed = cluster.command(["scancel", f"{job}_{task}"])
    checks.check(killed.returncode == 0, f"scancel {job}_{task} exits 0 ({killed.stderr.strip()})")
    wait_for(lambda: not any(line.startswith(job) for line in cluster.jobs()), 120, "the array to end")
    points = plan / "points"
    checks.check(not (points / f"point-{SLOW_POINT:03d}.csv").exists() and not list(points.glob("*.tmp*")),
                 "the killed task left no result and no temporary file")
    errors = (plan / "logs" / f"task-{task}.err").read_text(errors="replace")
    checks.check("interrupted by SIGTERM" in errors and "nothing was written" in errors,
                 f"the killed task says it was stopped and wrote nothing ({errors.strip()[-200:]})")
    done = merge(plan)
    command = re.search(r"sbatch --array=(\S+) slurm\.sbatch", done.stderr)
    checks.check(done.returncode == 1 and f": {SLOW_POINT} (not run)" in done.stderr and command
                 and command.group(1) == f"{task}%100",
                 f"the merge names the killed point and the command that resubmits it alone ({done.stderr.strip()})")
    if not command:
        return
    resubmitted = cluster.command(["sbatch", "--wait", f"--array={command.group(1)}", "slurm.sbatch"], cwd=plan,
                                  timeout=300)
    checks.check(resubmitted.returncode == 0, f"the resubmission exits 0 ({resubmitted.stderr.strip()})")
    done = merge(plan)
    checks.check(done.returncode == 0 and (plan / "sweep.csv").read_bytes() == reference,
                 f"Slurm, a task killed and resubmitted: sweep.csv is the local sweep's ({done.stderr.strip()})")


def parallel_tests(work, scenario):
    reference = (work / "local-quick" / "sweep.csv").read_bytes()
    plan = work / "parallel-plan"
    make_plan(scenario, QUICK, plan)
    jobs = (plan / "jobs.txt").read_text().splitlines()
    # Half of the points with xargs -P, as if the other machines had been lost.
    first_half = subprocess.run(["xargs", "-d", "\n", "-P", "2", "-I", "CMD", "sh", "-c", "CMD"],
                                input="\n".join(jobs[:2]) + "\n", capture_output=True, text=True, timeout=300)
    checks.check(first_half.returncode == 0, f"xargs -P runs two lines of jobs.txt ({first_half.stderr.strip()})")
    done = merge(plan)
    checks.check(done.returncode == 1 and "3-4 (not run)" in done.stderr and "parallel <" in done.stderr,
                 f"the merge names the points not run yet ({done.stderr.strip()[:200]})")
    with open(plan / "jobs.txt") as commands:
        everything = subprocess.run(["parallel", "--will-cite", "--jobs", "2"], stdin=commands, capture_output=True,
                                    text=True, timeout=300, env=dict(os.environ, PATH=SYSTEM_PATH))
    checks.check(everything.returncode == 0 and everything.stdout.count("already done") == 2,
                 f"GNU parallel runs jobs.txt, skipping the points done ({everything.stdout.strip()[-300:]})")
    done = merge(plan)
    checks.check(done.returncode == 0 and (plan / "sweep.csv").read_bytes() == reference,
                 f"GNU parallel: sweep.csv is the local sweep's, byte for byte ({done.stderr.strip()})")


def main():
    if os.geteuid() != 0:
        skip("a single-node Slurm cluster is started as root; run the tests as root")
    missing = sorted({package for tool, package in TOOLS.items() if not shutil.which(tool, path=SYSTEM_PATH)})
    if missing:
        skip(f"missing packages: {', '.join(missing)} (bash scripts/setup.sh installs them)")
    if not (STATESIM and os.access(STATESIM, os.X_OK)):
        checks.check(False, f"STATESIM names the statesim executable ({STATESIM!r})")
        checks.finish()

    work = Path(tempfile.mkdtemp(prefix="statesim-cluster-"))
    work.chmod(0o755)
    scenario = work / "cluster-sweep.yaml"
    scenario.write_text(SMALL_SWEEP)
    cluster = SlurmCluster(work / "slurm")
    started = time.monotonic()
    try:
        cluster.start()
        print(f"note: Slurm started in {time.monotonic() - started:.1f} s")
        slurm_tests(cluster, work, scenario)
        parallel_tests(work, scenario)
    except Exception as error:  # a daemon that does not start, a wait that times out: say so, with the logs
        checks.check(False, f"{type(error).__name__}: {error}")
    finally:
        if checks.failed:
            cluster.print_logs()
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"note: the cluster test took {time.monotonic() - started:.1f} s")
    checks.finish()


if __name__ == "__main__":
    main()
