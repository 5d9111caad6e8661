"""The report explains sessions_abandoned by the design that caused it: memory sessions behind a
policy that ignores them, or refresh tokens lost with their store; designs that abandon nothing
get no such line."""
import os
import re
import textwrap

from common import Checks, read_csv, run_into_out, unwrap_warnings

checks = Checks()

# Three servers; the store crashes at 1 minute without persistence, restarting at once.
SCENARIO = """\
    version: 1
    name: abandoned
    seed: 11
    duration: 3m
    clients:
      arrival_rate: 3/s
      session_duration: exp(2m)
      think_time: exp(5s)
    servers: {count: 3, cores: 2}
    sessions: {store: memory}
    events:
      - {at: 1m, crash: store}
      - {at: 1m, restart: store}
    designs:
      - name: rr-memory
      - name: sticky-memory
        load_balancer: {policy: sticky_cookie}
      - name: rr-redis
        sessions: {store: redis}
      - name: jwt-refresh
        sessions: {store: jwt, jwt: {expiry: 30s, refresh: {expiry: 1d, store: redis}}}
    """

result, out = run_into_out("abandoned", textwrap.dedent(SCENARIO))
checks.check(result.returncode == 0, f"the scenario runs (exit {result.returncode}) {result.stderr[-400:]}")
abandoned = {row["design"]: int(row["sessions_abandoned"]) for row in read_csv(os.path.join(out, "summary.csv"))}
notes = {}
for design, count, reason in re.findall(r"^  ([a-z-]+): ([\d,]+) sessions? abandoned: (.*)$", unwrap_warnings(result.stdout), re.M):
    notes[design] = (int(count.replace(",", "")), reason)

checks.check(abandoned["rr-memory"] > 100, f"round robin over memory sessions abandons many ({abandoned['rr-memory']})")
checks.check(notes.get("rr-memory", (None,))[0] == abandoned["rr-memory"],
             f"its note gives summary.csv's count: {notes.get('rr-memory')}")
checks.check("round_robin sends the user's next requests to any server (with 3 in rotation, about 2 in 3"
             in notes.get("rr-memory", (0, ""))[1], "... and says why, with the design's 3 servers")
checks.check(abandoned["sticky-memory"] == 0 and "sticky-memory" not in notes,
             "sticky_cookie with no server out of rotation abandons none and gets no note")
checks.check(abandoned["rr-redis"] == 0 and "rr-redis" not in notes,
             "a shared store abandons none (its crash loses sessions instead) and gets no note")
checks.check(abandoned["jwt-refresh"] > 0, f"refresh tokens lost in the store's crash abandon sessions ({abandoned['jwt-refresh']})")
checks.check(notes.get("jwt-refresh", (None,))[0] == abandoned["jwt-refresh"] and
             "refresh tokens were lost in a crash of the redis" in notes.get("jwt-refresh", (0, ""))[1],
             f"... and the note says so: {notes.get('jwt-refresh')}")
warnings = result.stdout.split("\nWarnings:\n")[-1].split("\n\n")[0].splitlines()
checks.check(len(warnings) > len(notes) and all(len(line) <= 100 for line in warnings),
             f"the notes are wrapped to the table's 100 columns: {[len(line) for line in warnings]}")
checks.finish()
