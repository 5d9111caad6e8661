"""The built-in platform's routes are SimGrid's: its star zone (statesim's, which reads each
host's own link from a table instead of building a set of links per route) must route every
transfer exactly as SimGrid's own Full routing does over the same hosts and links. The same
scenario on the built-in platform and on a platform file that spells out the star's routes
(client->lb over the client link, lb->app-N over app-N's link, client->app-N over both,
app-N->store over the store link) gives byte-identical outputs, with every transfer a SimGrid
communication and with the client link crossed as a wake-up."""
import filecmp
import os
import textwrap

from common import Checks, run, temp_dir

SERVERS = 3
checks = Checks()
work = temp_dir()

hosts = ['<host id="client" speed="1Gf"/>', '<host id="lb" speed="1Gf"/>', '<host id="store" speed="1Gf" core="1"/>']
links = ['<link id="client-link" bandwidth="125MBps" latency="20ms" sharing_policy="FATPIPE"/>',
         '<link id="store-link" bandwidth="125MBps" latency="250us"/>']
routes = ['<route src="client" dst="lb"><link_ctn id="client-link"/></route>']
for i in range(1, SERVERS + 1):
    hosts.append(f'<host id="app-{i}" speed="1Gf" core="2"/>')
    links.append(f'<link id="app-{i}-link" bandwidth="125MBps" latency="250us"/>')
    routes += [f'<route src="client" dst="app-{i}"><link_ctn id="client-link"/><link_ctn id="app-{i}-link"/></route>',
               f'<route src="lb" dst="app-{i}"><link_ctn id="app-{i}-link"/></route>',
               f'<route src="app-{i}" dst="store"><link_ctn id="store-link"/></route>']
with open(os.path.join(work, "star.xml"), "w") as f:
    f.write('<?xml version="1.0"?>\n<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">\n'
            '<platform version="4.1">\n<zone id="star" routing="Full">\n' + "\n".join(hosts + links + routes) +
            "\n</zone>\n</platform>\n")

# Payloads large enough for flows to share the servers' and the store's links; a redis read per
# request; about half of the servers' cores busy.
scenario = textwrap.dedent(f"""\
    version: 1
    name: star-routes
    seed: 3
    duration: 3m
    network: {{client_latency: 20ms, internal_latency: 250us, bandwidth: 1Gbps, unshared_links: MODE}}
    clients:
      arrival_rate: 10/s
      session_duration: exp(60s)
      think_time: exp(1s)
      request_bytes: 20KB
      response_bytes: 200KB
      requests:
        - {{name: page, weight: 1, cpu: exp(5ms)}}
    load_balancer: {{policy: least_connections}}
    servers: {{count: {SERVERS}, cores: 2, workers: 8}}
    sessions: {{store: redis}}
    """)
for mode in ("simulated", "timed"):
    outputs = {}
    for platform, extra in (("built-in", ""), ("file", "platform: {file: star.xml}\n")):
        path = os.path.join(work, f"{platform}-{mode}.yaml")
        with open(path, "w") as f:
            f.write(scenario.replace("MODE", mode) + extra)
        outputs[platform] = os.path.join(work, f"out-{platform}-{mode}")
        result = run(["run", path, "--out", outputs[platform], "--quiet"])
        checks.check(result.returncode == 0, f"{mode}, {platform} platform: runs (exit {result.returncode}) "
                                             f"{result.stderr[-300:]}")
    for name in ("summary.csv", "timeseries.csv", "events.csv", "servers.csv"):
        same = all(os.path.exists(os.path.join(o, name)) for o in outputs.values()) and filecmp.cmp(
            os.path.join(outputs["built-in"], name), os.path.join(outputs["file"], name), shallow=False)
        checks.check(same, f"{mode}: {name} of the built-in star is the Full-routed platform file's, byte for byte")
checks.finish()
