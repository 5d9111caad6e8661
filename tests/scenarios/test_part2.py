"""Uploads, effects and retries (part 2 of the format, §3 and §4): the exact facts. Resumable
uploads waste at most one chunk per failure; presigned uploads put no byte on an app server's
link; idempotency keys in the store leave no duplicate; state in server memory loses exactly the
effects applied on the crashed server; per-kind request bytes cross the network; a scenario with
uploads and no clients section runs, and its resolved scenario loads back to the same text. The
statistical cases (I1, I2, U1, U2) are in the fidelity suite (docs/validation.md)."""
import json
import os
import textwrap

from common import ROOT, Checks, read_csv, run, temp_dir

checks = Checks()


def write(text, name="scenario.yaml", folder=None):
    path = os.path.join(folder or temp_dir(), name)
    with open(path, "w") as f:
        f.write(textwrap.dedent(text))
    return path


def run_out(text, *extra):
    path = write(text)
    out = os.path.join(temp_dir(), "out")
    result = run(["run", path, "--out", out, "--quiet", *extra])
    checks.check(result.returncode == 0, f"scenario runs (exit {result.returncode}) {result.stderr[-400:]}")
    summary = {row["design"]: row for row in read_csv(os.path.join(out, "summary.csv"))}
    return summary, read_csv(os.path.join(out, "timeseries.csv")), read_csv(os.path.join(out, "events.csv"))


# ------------------------------------------------------------------------------------ uploads
# Three uploads a second over four servers, a crash and a rolling deploy: resumable uploads
# send again only the chunk a failure hit.
summary, _, events = run_out("""\
    version: 1
    name: resumable-waste
    seed: 4
    duration: 6m
    servers: {count: 4}
    uploads:
      arrival_rate: 3/s
      size: lognormal(20MB, 10MB)
      chunk: 5MB
      mode: resumable
      max_restarts: 1000
    events:
      - {at: 2m, crash: app-2}
      - {at: 3m, restart: app-2}
      - {at: 4m, deploy: {batch: 1, drain: 0s}}
    designs:
      - name: resumable
      - name: sticky-memory
        load_balancer: {policy: sticky_cookie}
        uploads: {mode: server_memory}
    """)
row = summary["resumable"]
restarts, wasted = int(row["upload_restarts"]), int(row["upload_bytes_wasted"])
checks.check(restarts > 10, f"resumable: the crash and the deploy make uploads send chunks again ({restarts})")
checks.check(int(row["uploads_failed"]) == 0, "resumable: no upload fails (max_restarts 1000)")
checks.check(wasted <= restarts * 5_000_000,
             f"resumable: at most one chunk wasted per failure ({wasted} <= {restarts} x 5 MB)")
sticky = summary["sticky-memory"]
checks.check(int(sticky["upload_bytes_wasted"]) > wasted,
             f"server_memory: a restart wastes the progress, more than resumable ({sticky['upload_bytes_wasted']} > {wasted})")
for design, values in summary.items():
    started, completed, failed, progress = (int(values[k]) for k in (
        "uploads_started", "uploads_completed", "uploads_failed", "uploads_in_progress"))
    checks.check(started == completed + failed + progress,
                 f"{design}: uploads started {started} = completed + failed + in progress")
    checks.check(int(values["upload_bytes_wasted"]) <= int(values["upload_bytes"]), f"{design}: wasted <= sent")
crash_rows = [e for e in events if e["design"] == "sticky-memory" and e["event"] == "crash"]
checks.check(len(crash_rows) == 1 and "uploads in progress lost" in crash_rows[0]["detail"],
             f"server_memory: the crash row says how many uploads it lost ({crash_rows[0]['detail'] if crash_rows else ''})")

# Presigned uploads on a platform whose app servers' links carry 10 kbps: the URL requests cross
# them, the chunks do not. Each upload takes exactly the time of its path without them:
#   S/B + K (2L + 200/B) for the chunks and their acknowledgements (uploader -> objects),
#   plus 2L + 2 x 1000 B / 1250 B/s + chunk_cpu for the URL (through an app server's link).
folder = temp_dir()
servers = ["app-1", "app-2"]
hosts = "".join(f'<host id="{s}" speed="1Gf" core="2"/>' for s in servers)
links = "".join(f'<link id="{s}-link" bandwidth="10kbps" latency="250us"/>' for s in servers)
routes = "".join(
    f'<route src="client" dst="{s}"><link_ctn id="client-link"/><link_ctn id="{s}-link"/></route>'
    f'<route src="lb" dst="{s}"><link_ctn id="{s}-link"/></route>'
    f'<route src="{s}" dst="store"><link_ctn id="store-link"/></route>'
    f'<route src="uploader" dst="{s}"><link_ctn id="uploader-link"/><link_ctn id="{s}-link"/></route>'
    f'<route src="{s}" dst="objects"><link_ctn id="objects-link"/></route>' for s in servers)
write(f"""\
    <?xml version="1.0"?>
    <!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
    <platform version="4.1">
      <zone id="slow-app-links" routing="Full">
        <host id="client" speed="1Gf"/><host id="lb" speed="1Gf"/><host id="store" speed="1Gf"/>
        <host id="uploader" speed="1Gf"/><host id="objects" speed="1Gf"/>{hosts}
        <link id="client-link" bandwidth="1Gbps" latency="20ms" sharing_policy="FATPIPE"/>
        <link id="uploader-link" bandwidth="20Mbps" latency="20ms" sharing_policy="FATPIPE"/>
        <link id="store-link" bandwidth="1Gbps" latency="250us"/>
        <link id="objects-link" bandwidth="1Gbps" latency="250us"/>{links}
        <route src="client" dst="lb"><link_ctn id="client-link"/></route>
        <route src="uploader" dst="lb"><link_ctn id="uploader-link"/></route>
        <route src="uploader" dst="objects"><link_ctn id="uploader-link"/><link_ctn id="objects-link"/></route>
        {routes}
      </zone>
    </platform>
    """, "slow-app-links.xml", folder)
path = write("""\
    version: 1
    name: presigned-bypass
    seed: 2
    duration: 10m
    platform: {file: slow-app-links.xml}
    servers: {count: 2}
    uploads: {arrival_rate: 0.02/s, size: 10MB, chunk: 5MB, mode: presigned, chunk_cpu: 2ms}
    """, "presigned.yaml", folder)
out = os.path.join(temp_dir(), "out")
result = run(["run", path, "--out", out, "--quiet"])
checks.check(result.returncode == 0, f"presigned on slow app links runs (exit {result.returncode}) {result.stderr[-300:]}")
row = read_csv(os.path.join(out, "summary.csv"))[0] if result.returncode == 0 else {}
L, B = 0.02025, 2.5e6
expected = 10e6 / B + 2 * (2 * L + 200 / B) + 2 * L + 2 * 1000 / 1250 + 0.002
for field in ("upload_time_p50_s", "upload_time_p99_s"):
    value = float(row.get(field) or "nan")
    checks.check(abs(value - expected) <= 0.0005,
                 f"presigned: {field} {value} = {expected:.4f}: no chunk byte crossed an app server's 10 kbps link")
checks.check(int(row.get("uploads_completed", 0)) > 5, f"presigned: uploads complete ({row.get('uploads_completed')})")

# A platform file for uploads must define the uploaders' host (and the object store for
# resumable and presigned uploads): refused before anything runs.
path = write(f"""\
    version: 1
    name: no-uploader-host
    duration: 1m
    platform: {{file: {os.path.join(ROOT, "platforms", "remote-clients.xml")}}}
    uploads: {{arrival_rate: 1/s, mode: presigned}}
    """)
result = run(["check", path])
checks.check(result.returncode == 2 and 'no host named "uploader"' in result.stderr and "uploader and objects" in result.stderr,
             f"a platform file without the uploader host is refused (exit {result.returncode}) {result.stderr[-300:]}")

# A scenario with uploads and no clients section: no web visitor, and `check` writes no clients
# section; the resolved scenario loads back to the same text.
path = write("""\
    version: 1
    name: uploads-only
    duration: 2m
    uploads: {arrival_rate: 1/s, size: "uniform(1MB, 9MB)", chunk: 2MB, mode: resumable}
    """)
first = run(["check", path])
checks.check(first.returncode == 0 and "clients:" not in first.stdout and "uploads:" in first.stdout,
             f"check: uploads without clients (exit {first.returncode}) {first.stderr[-200:]}")
resolved = write(first.stdout, "resolved.yaml")
second = run(["check", resolved])
checks.check(second.returncode == 0 and second.stdout == first.stdout, "the resolved scenario resolves to the same text")
result = run(["run", path, "--json", "--quiet"])
design = json.loads(result.stdout)["designs"][0]["runs"][0] if result.returncode == 0 else {}
checks.check(design.get("sessions_started") == 0 and design.get("uploads_completed", 0) > 50,
             f"uploads only: no session, uploads complete ({design.get('uploads_completed')})")
checks.check("effects_requested" not in design and "requests_failed_final" not in design,
             "uploads only: the JSON has no fields of effects or retries")

# ------------------------------------------------------------------------------------ effects
# One server with likes in its memory: a crash at 3 minutes loses exactly what it applied before.
summary, series, events = run_out("""\
    version: 1
    name: counter-one-server
    seed: 8
    duration: 5m
    report_interval: 30s
    clients:
      arrival_rate: 3/s
      session_duration: exp(1m)
      think_time: exp(3s)
      retries: 2
      timeout: 1s
      requests:
        - {name: page, weight: 1, cpu: exp(5ms)}
        - {name: like, weight: 1, cpu: exp(5ms), effect: true}
    servers: {count: 1, startup_time: 0s}
    sessions: {store: jwt}
    effects: {state: memory}
    events:
      - {at: 3m, crash: app-1}
      - {at: 4m, restart: app-1}
    designs:
      - name: one-server
      - name: keys-in-store
        sessions: {store: redis}
        effects: {idempotency: store, state: database}
    """)
before = [r for r in series if r["design"] == "one-server" and float(r["time_s"]) < 180]
applied_before = sum(int(r["effects_applied"]) + int(r["duplicate_effects"]) for r in before)
lost = int(summary["one-server"]["effects_lost"])
checks.check(applied_before > 100 and lost == applied_before,
             f"state: memory: the crash loses exactly the {applied_before} effects the server applied ({lost})")
crash = [e for e in events if e["design"] == "one-server" and e["event"] == "crash"]
checks.check(len(crash) == 1 and f"{lost} effects in its memory lost" in crash[0]["detail"],
             f"the crash row says so ({crash[0]['detail'] if crash else ''})")
checks.check(int(summary["keys-in-store"]["effects_lost"]) == 0, "state: database loses nothing")
for design, values in summary.items():
    v = {k: int(values[k]) for k in ("effects_requested", "effects_applied", "effects_failed", "effects_in_flight",
                                      "requests_failed_final", "failed")}
    checks.check(v["effects_requested"] == v["effects_applied"] + v["effects_failed"] + v["effects_in_flight"],
                 f"{design}: effects requested = applied + failed + in flight ({v})")
    checks.check(v["requests_failed_final"] <= v["failed"], f"{design}: final failures <= failed attempts")

# Three servers behind round robin, one worker each, timeouts under load and a crash of app-2:
# keys in redis leave no duplicate, without keys the retries of timed-out payments apply twice.
summary, _, _ = run_out("""\
    version: 1
    name: keys-in-store
    seed: 3
    duration: 5m
    network: {client_latency: 1ms, internal_latency: 0s}
    clients:
      users: 9000
      start: steady_state
      session_duration: 100h
      relogin_after: 1s
      think_time: exp(100s)
      timeout: 52ms
      retries: 2
      retry_backoff: 100ms
      requests: [{name: pay, cpu: exp(10ms), effect: true}]
    load_balancer: {policy: round_robin}
    servers: {count: 3, cores: 1, workers: 1}
    sessions: {store: redis, ttl: 200h, redis: {op_time: 50us}}
    events:
      - {at: 2m, crash: app-2}
      - {at: 3m, restart: app-2}
    designs:
      - name: no-key
        effects: {state: memory, idempotency: none}
      - name: key-in-store
        effects: {state: memory, idempotency: store}
      - name: key-in-database
        effects: {state: database, idempotency: store}
        sessions: {database: {query_time: 200us}}
    """)
checks.check(int(summary["no-key"]["duplicate_effects"]) > 50,
             f"no key: duplicates ({summary['no-key']['duplicate_effects']})")
for design in ("key-in-store", "key-in-database"):
    checks.check(int(summary[design]["duplicate_effects"]) == 0 and int(summary[design]["effects_applied"]) > 20000,
                 f"{design}: no duplicate without a store crash ({summary[design]['duplicate_effects']})")
checks.check(int(summary["no-key"]["requests_failed_final"]) < int(summary["no-key"]["failed"]),
             "retries hide failures from users: requests_failed_final < failed")

# ------------------------------------------------------------------------------------ request bytes
# One user, a kind whose request carries 12.5 MB over 1 Gbps and no latency: 100 ms on the wire.
result = run(["run", write("""\
    version: 1
    name: kind-bytes
    duration: 1m
    network: {client_latency: 0s, internal_latency: 0s, bandwidth: 1Gbps}
    clients:
      users: 1
      session_duration: 1h
      think_time: 1s
      response_bytes: 0B
      requests:
        - {name: upload-form, cpu: 0s, request_bytes: 12.5MB}
    sessions: {store: jwt, login_cpu: 0s, jwt: {verify_cpu: 0s, token_bytes: 0B}}
    """), "--json", "--quiet"])
design = json.loads(result.stdout)["designs"][0]["runs"][0] if result.returncode == 0 else {}
checks.check(design.get("latency_max_ms") == 100.0,
             f"request_bytes of a kind: 12.5 MB at 1 Gbps = 100 ms (max {design.get('latency_max_ms')})")
checks.finish()
