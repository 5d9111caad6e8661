"""Hostile input that loads: text printed to a terminal is escaped, command-line values are
checked like the file's, runs that cannot fit in memory or would take weeks are refused with
the estimate before anything runs (and flagged when they take hours), a loop that takes no
simulated time is refused at load, and a platform file edited since a resolved scenario was
written is noticed."""
import os
import resource
import shutil
import subprocess
import textwrap

from common import ROOT, STATESIM, Checks, run, temp_dir

checks = Checks()
work = temp_dir()
# AddressSanitizer reserves terabytes of address space: an address-space limit stops it at start.
SANITIZED = "ASAN_OPTIONS" in os.environ


def limited_address_space(gibibytes):
    return lambda: resource.setrlimit(resource.RLIMIT_AS, (gibibytes << 30, gibibytes << 30))


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w", encoding="utf-8") as out:
        out.write(textwrap.dedent(text))
    return path


def printable(text):
    """No ESC, no other control character but line feeds, no bidi override or isolate."""
    bad = [c for c in text if (ord(c) < 0x20 and c != "\n") or ord(c) == 0x7f or 0x80 <= ord(c) <= 0x9f
           or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069]
    return not bad


# --- text from the scenario reaches the terminal escaped
hostile = write("hostile.yaml", """\
    version: 1
    name: hostile-text
    description: "clear \\e[2J\\e[H screen, then \\u202eevil\\u202c reversed and \\u2066isolated\\u2069"
    duration: 1m
    clients: {arrival_rate: 2/s}
    """)
done = run(["run", hostile, "--quiet"])
checks.check(done.returncode == 0 and printable(done.stdout), "the table prints the description escaped")
checks.check("\\x1b[2J" in done.stdout and "\\u202eevil" in done.stdout, "... visibly (\\x1b, \\u202e)")
done = run(["run", hostile, "--quiet", "--json"])
checks.check(done.returncode == 0 and printable(done.stdout) and "\\u202e" in done.stdout,
             "the JSON summary escapes them too (still valid JSON strings)")
done = run(["check", hostile])
checks.check(done.returncode == 0 and printable(done.stdout) and "\\u202e" in done.stdout,
             "check prints the resolved scenario with the escapes YAML reads back")
resolved = write("resolved.yaml", done.stdout)
again = run(["check", resolved])
checks.check(again.returncode == 0 and again.stdout == done.stdout, "... and it loads back to the same text")

bad_key = write("bad-key.yaml", "version: 1\nname: x\nduration: 1m\nclients: {arrival_rate: 2/s, \u202ethink: 1s}\n")
done = run(["check", bad_key])
checks.check(done.returncode == 2 and printable(done.stderr) and "\\u202ethink" in done.stderr,
             f"an error that echoes a value escapes it: {done.stderr.strip()[:160]!r}")
odd_path = os.path.join(work, "name\x1b[31mred\u202e.yaml")
shutil.copy(bad_key, odd_path)
done = run(["check", odd_path])
checks.check(done.returncode == 2 and printable(done.stderr), "... and so does a file name")

overloaded = write("overloaded.yaml", """\
    version: 1
    name: overloaded
    duration: 1m
    clients: {arrival_rate: 100/s, requests: [{name: page, cpu: 1000h}]}
    servers: {speed: 0.000001}
    """)
done = run(["check", overloaded])
warning = [line for line in done.stderr.splitlines() if "offered CPU load" in line]
checks.check(done.returncode == 0 and warning and len(warning[0]) < 200 and "times the servers' capacity" in warning[0],
             f"a huge load is written as a multiple, not a 300-digit percentage: {warning[:1]}")

# --- command-line values are checked like the file's
plain = write("plain.yaml", "version: 1\nname: plain\nduration: 1m\nclients: {arrival_rate: 2/s}\n"
                            "designs:\n  - name: a\n  - name: b\n")
for arguments, expected in ((["--seed", "-1"], "--seed: expected a whole number between 0 and 18446744073709551615"),
                            (["--seed", "123456789012345678901234567890"], "(too large)"),
                            (["--seed", "0x10"], "--seed: expected a whole number"),
                            (["--design", ""], "--design: the scenario has no design \"\" (it has: a, b)")):
    done = run(["run", plain, "--quiet"] + arguments)
    checks.check(done.returncode == 2 and expected in done.stderr and not done.stdout,
                 f"run {' '.join(arguments) or repr('')}: exit {done.returncode}, {done.stderr.strip()[:120]}")
sweep_out = os.path.join(temp_dir(), "sweep")
done = run(["sweep", plain, "--vary", "servers.count=2,3", "--out", sweep_out, "--quiet", "--seed", "-1"])
checks.check(done.returncode == 2 and "--seed: expected a whole number" in done.stderr and not os.path.exists(sweep_out),
             f"sweep --seed -1: exit {done.returncode}, nothing written, {done.stderr.strip()[:120]}")
done = run(["run", plain, "--jobs", "\x1b[2J\u202e"])
checks.check(done.returncode == 2 and printable(done.stderr) and "\\x1b[2J" in done.stderr,
             f"a command-line value the parser refuses is echoed escaped: {done.stderr.strip()[:120]!r}")
done = run(["run", plain, "--quiet", "--seed", "18446744073709551615", "--design", "b", "--json"])
checks.check(done.returncode == 0 and '"seed": 18446744073709551615' in done.stdout, "the largest seed is accepted")

# --- runs that cannot fit or would take weeks: refused before anything runs, with the estimate
users = write("ten-million-users.yaml", """\
    version: 1
    name: many-users
    duration: 1h
    clients: {users: 10000000}
    servers: {count: 100}
    """)
done = run(["check", users])
# Its memory fits (users are ~200 bytes, latency samples stop growing at 4M), but not its time.
checks.check(done.returncode == 0 and "warning: this run will take about" in done.stderr and "hours" in done.stderr,
             f"10M users for an hour: checked, with a warning of hours: {done.stderr.strip()[:240]}")
for key, value in (("load_balancer", "{health_check: {interval: 1us}}"), ("autoscale", "{interval: 1us}")):
    fast = write(f"{key}-1us.yaml", f"""\
        version: 1
        name: ticking
        duration: 10000000s
        report_interval: 100s
        clients: {{arrival_rate: 1/s}}
        {key}: {value}
        servers: {{count: 2, max: 4}}
        """)
    done = run(["check", fast])
    checks.check(done.returncode == 2 and "the run would take about" in done.stderr and "more than a week" in done.stderr,
                 f"{key} every 1us for 10^7 s: {done.stderr.strip()[:200]}")
hours = write("hours.yaml", """\
    version: 1
    name: hours
    duration: 10000000s
    report_interval: 100s
    clients: {arrival_rate: 0.001/s}
    load_balancer: {health_check: {interval: 1ms}}
    """)
done = run(["check", hours])
checks.check(done.returncode == 0 and "warning: this run will take about" in done.stderr,
             f"a run of hours is flagged by check: {done.stderr.strip()[:200]}")
designs = write("designs.yaml", "version: 1\nname: d\nduration: 10s\nreplications: 10000\n"
                                "clients: {arrival_rate: 1/s}\ndesigns:\n" +
                "".join(f"  - {{name: d{i}}}\n" for i in range(3000)))
done = run(["check", designs])
checks.check(done.returncode == 2 and "30.0 million runs" in done.stderr, f"3,000 designs x 10,000 replications: "
                                                                          f"{done.stderr.strip()[:200]}")
# A hash ring of 10^8 points fits in this machine, not in a 2 GB address space.
ring = write("ring.yaml", """\
    version: 1
    name: ring
    duration: 1m
    clients: {arrival_rate: 1/s}
    load_balancer: {policy: consistent_hash, virtual_nodes: 10000}
    servers: {count: 10, max: 10000}
    """)
if not SANITIZED:
    done = subprocess.run([STATESIM, "check", ring], capture_output=True, text=True, timeout=120,
                          preexec_fn=limited_address_space(2))
    checks.check(done.returncode == 2 and "a hash ring of 100.0 million points: 2.4 GB" in done.stderr and
                 "more than this machine's 2.1 GB" in done.stderr,
                 f"a 10^8-point ring in 2 GiB: {done.stderr.strip()[:240]}")

# A platform of 30,000 hosts in one full zone needs ~7.7 GB to load: refused in 4 GiB before SimGrid tries.
hosts = "".join(f'<host id="{name}" speed="1Gf"/>\n' for name in ["client", "lb", "store"] +
                [f"app-{i}" for i in range(1, 29998)])
big = os.path.join(work, "big.xml")
with open(big, "w") as out:
    out.write('<?xml version="1.0"?>\n<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">\n'
              f'<platform version="4.1">\n<zone id="z" routing="Full">\n{hosts}</zone>\n</platform>\n')
uses_big = write("uses-big.yaml", """\
    version: 1
    name: big
    duration: 1m
    platform: {file: big.xml}
    clients: {arrival_rate: 1/s}
    """)
if not SANITIZED:
    done = subprocess.run([STATESIM, "check", uses_big], capture_output=True, text=True, timeout=120,
                          preexec_fn=limited_address_space(4))
    checks.check(done.returncode == 2 and "SimGrid would need about 7.7 GB to load this platform of 30000 hosts" in
                 done.stderr, f"a 30,000-host platform in 4 GiB: {done.stderr.strip()[:200]}")

# --- a loop that takes no simulated time is refused at load, with the key's line
loop = write("zero-time.yaml", """\
    version: 1
    name: zero-time
    duration: 10s
    network: {client_latency: 0s, internal_latency: 0s}
    clients: {users: 1, think_time: 0s, request_bytes: 0B, response_bytes: 0B, requests: [{name: page, cpu: 0s}]}
    sessions: {login_cpu: 0s}
    """)
done = run(["run", loop, "--quiet"])
checks.check(done.returncode == 2 and "zero-time.yaml:5:33: clients.think_time: the think time is always 0" in
             done.stderr, f"a zero-time loop: {done.stderr.strip()[:200]}")

# The same loop on a platform file whose links have no latency: found once SimGrid has loaded it.
flat = os.path.join(work, "flat.xml")
with open(flat, "w") as out:
    routes = "".join(f'<route src="{a}" dst="{b}"><link_ctn id="wire"/></route>\n' for a, b in
                     (("client", "lb"), ("client", "app-1"), ("lb", "app-1"), ("app-1", "store")))
    out.write('<?xml version="1.0"?>\n<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">\n'
              '<platform version="4.1">\n<zone id="z" routing="Full">\n'
              '<host id="client" speed="1Gf"/><host id="lb" speed="1Gf"/><host id="store" speed="1Gf"/>\n'
              '<host id="app-1" speed="1Gf"/>\n<link id="wire" bandwidth="1GBps" latency="0s"/>\n'
              f'{routes}</zone>\n</platform>\n')
flat_loop = write("flat-loop.yaml", """\
    version: 1
    name: flat-loop
    duration: 10s
    platform: {file: flat.xml}
    clients: {users: 1, think_time: 0s, request_bytes: 0B, response_bytes: 0B, requests: [{name: page, cpu: 0s}]}
    servers: {count: 1}
    sessions: {login_cpu: 0s}
    """)
for command in ("check", "run"):
    done = run([command, flat_loop] + (["--quiet"] if command == "run" else []), timeout=60)
    checks.check(done.returncode == 2 and f"design \"flat-loop\" on {flat}: the think time is always 0" in done.stderr,
                 f"{command}: a zero-time loop on a platform file: {done.stderr.strip()[:200]}")

# --- a platform file edited since the resolved scenario was written is noticed
platform = os.path.join(work, "room.xml")
shutil.copy(os.path.join(ROOT, "platforms", "datacenter.xml"), platform)
uses = write("uses-platform.yaml", """\
    version: 1
    name: uses-platform
    duration: 1m
    platform: {file: room.xml}
    clients: {arrival_rate: 2/s}
    """)
out = os.path.join(work, "out")
done = run(["run", uses, "--out", out, "--quiet"])
resolved = os.path.join(out, "scenario.yaml")
checks.check(done.returncode == 0 and "sha256: \"" in open(resolved).read(), "the resolved scenario records the hash")
done = run(["run", resolved, "--quiet"])
checks.check(done.returncode == 0 and "has changed" not in done.stderr, "an unchanged platform gives no warning")
with open(platform, "a") as edit:
    edit.write("<!-- edited -->\n")
done = run(["run", resolved, "--quiet"])
checks.check(done.returncode == 0 and f"{platform} has changed since this scenario was written" in done.stderr,
             f"an edited platform is noticed: {done.stderr.strip()[:200]}")
checks.finish()
