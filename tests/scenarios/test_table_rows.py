"""The printed table shows the rows a design's populations make: a file of game servers alone
has no sessions and no requests, so neither their rows nor their figures in the event lines
appear; uploaders send requests but never log in; web visitors show every row. Rows no design can
make are left out too: `store operations` when no design touched a store, `revoked but accepted`
when no design uses jwt (where its 0 is the denylist's proof)."""
import re
import textwrap

from common import Checks, run_into_out

checks = Checks()

GAMES = """\
    version: 1
    name: games-only
    seed: 3
    duration: 6m
    servers: {count: 3}
    games: {arrival_rate: 0.2/s, players: 2, match_duration: 2m, tick_rate: 1/s}
    events:
      - {at: 3m, crash: app-2}
    """
UPLOADS = """\
    version: 1
    name: uploads-only
    seed: 3
    duration: 3m
    servers: {count: 3}
    uploads: {arrival_rate: 0.5/s, size: 10MB, chunk: 5MB}
    events:
      - {at: 1m, crash: app-2}
    """
WEB = """\
    version: 1
    name: web
    seed: 3
    duration: 3m
    clients: {arrival_rate: 2/s}
    servers: {count: 3}
    events:
      - {at: 1m, crash: app-2}
    """


def table(name, text):
    result, _ = run_into_out(name, textwrap.dedent(text))
    checks.check(result.returncode == 0, f"{name}: runs (exit {result.returncode}) {result.stderr[-300:]}")
    rows = [line.split("  ")[0].strip() for line in result.stdout.split("\n---")[1].split("\n\n")[0].splitlines()[1:]]
    events = [line for line in result.stdout.splitlines() if " crash app-2 " in line]
    return rows, events


rows, events = table("games-only", GAMES)
checks.check("matches lost" in rows and "cpu utilisation (%)" in rows, f"games-only: the matches' rows ({rows})")
checks.check(not {"users affected", "forced logouts", "sessions lost", "requests", "latency p50 (ms)",
                  "page throughput (req/s)", "workers busy (%)"} & set(rows),
             "games-only: no row about sessions, requests or pages")
checks.check(len(events) == 1 and "held" in events[0] and "matches" in events[0] and "session" not in events[0]
             and "failed" not in events[0], f"games-only: the crash line speaks of matches alone: {events}")

rows, events = table("uploads-only", UPLOADS)
checks.check({"requests", "latency p50 (ms)", "uploads started"} <= set(rows), f"uploads-only: request rows ({rows})")
checks.check(not {"users affected", "forced logouts", "sessions lost", "page throughput (req/s)"} & set(rows),
             "uploads-only: no row about sessions or pages")
checks.check(len(events) == 1 and "requests in it failed" in events[0] and "session" not in events[0]
             and "forced logouts" not in events[0] and re.search(r": next 60s: \d+ failed$", events[0]) is not None
             if events else False, f"uploads-only: the crash line counts failed requests, no sessions: {events}")

rows, events = table("web", WEB)
checks.check({"users affected", "forced logouts", "sessions lost", "requests", "page throughput (req/s)"} <= set(rows),
             "web visitors: every part-1 row")
checks.check(not {"store operations", "revoked but accepted"} & set(rows),
             f"memory sessions: no store or token rows ({rows})")
checks.check(len(events) == 1 and re.search(r"\(held \d+ sessions; \d+ requests in it failed\): \d+ sessions lost; "
                                            r"next 60s: \d+ forced logouts, \d+ failed$", events[0]) is not None,
             f"web visitors: the crash line as ever: {events}")
STORES = WEB.replace("name: web", "name: stores").rstrip(" ") + """\
    designs:
      - name: shared-redis
        sessions: {store: redis}
      - name: stateless-jwt
        sessions: {store: jwt}
    """
rows, _ = table("stores", STORES)
checks.check({"store operations", "revoked but accepted"} <= set(rows),
             f"redis beside jwt: the store's operations and the tokens accepted after revocation ({rows})")
REDIS = WEB.replace("name: web", "name: redis").rstrip(" ") + "    sessions: {store: redis}\n"
rows, _ = table("redis", REDIS)
checks.check("store operations" in rows and "revoked but accepted" not in rows,
             f"redis alone: store operations, no token row ({rows})")
checks.finish()
