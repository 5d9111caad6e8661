"""JWT refresh tokens: a short access token renewed by a refresh request logs nobody out, costs
the number of refreshes the arithmetic predicts, and a revocation takes effect at the user's
next refresh."""
import math
import os
import textwrap

from common import Checks, read_csv, run, temp_dir

checks = Checks()


def run_out(text):
    folder = temp_dir()
    path = os.path.join(folder, "scenario.yaml")
    with open(path, "w") as f:
        f.write(textwrap.dedent(text))
    out = os.path.join(folder, "out")
    result = run(["run", path, "--out", out, "--quiet"])
    checks.check(result.returncode == 0, f"scenario runs (exit {result.returncode}) {result.stderr[-400:]}")
    summary = {row["design"]: row for row in read_csv(os.path.join(out, "summary.csv"))}
    return out, summary


# --- Refreshes per visit. A client refreshes before a page it would send with less than `timeout`
# of validity left: a = expiry - timeout after each renewal, then the next page comes after an
# Exp(Z) think (memoryless), so renewals are a + Exp(Z) apart. A visit of length D ~ exp(m) makes
# refresh k iff S_k = k a + Gamma(k, Z) < D: P = E[exp(-S_k / m)] = r^k, r = exp(-a/m) / (1 + Z/m),
# so E[refreshes] = r / (1 - r) (2.54 here) and Var = r / (1 - r)^2. Arrivals stop at 20 min so that
# every visit ends within the run (e^(-20/3) of them do not).
EXPIRY_S, TIMEOUT_S, THINK_S, SESSION_S = 60.0, 10.0, 10.0, 180.0
out, summary = run_out("""\
    version: 1
    name: refresh-tokens
    seed: 11
    duration: 40m
    clients:
      arrival_rate: 4/s
      session_duration: exp(3m)
      think_time: exp(10s)
      timeout: 10s
    servers: {count: 3, cores: 2}
    sessions:
      store: jwt
      jwt: {expiry: 1m}
    events:
      - {at: 20m, traffic: {arrival_rate: 0/s}}
    designs:
      - name: jwt
      - name: jwt-refresh
        sessions: {jwt: {refresh: {expiry: 7d, store: redis}}}
      - name: jwt-refresh-db
        sessions: {jwt: {refresh: {expiry: 7d, store: database}}}
    """)
r = math.exp(-(EXPIRY_S - TIMEOUT_S) / SESSION_S) / (1 + THINK_S / SESSION_S)
per_visit, per_visit_var = r / (1 - r), r / (1 - r) ** 2
jwt = summary["jwt"]
checks.check(int(jwt["forced_logouts"]) > 5000 and jwt["token_refreshes"] == "0",
             f"without refresh tokens, expiry 1m logs users out ({jwt['forced_logouts']} forced logouts)")
checks.check(jwt["store_utilization"] == "" and jwt["store_wait_ms"] == "",
             "without a store host, store_utilization and store_wait_ms are empty")
for name in ("jwt-refresh", "jwt-refresh-db"):
    row = summary[name]
    visits = int(row["sessions_started"])
    refreshes = int(row["token_refreshes"])
    tolerance = 4 * math.sqrt(per_visit_var / visits)
    checks.check(int(row["forced_logouts"]) == 0 and int(row["users_affected"]) == 0 and int(row["failed"]) == 0,
                 f"{name}: nobody is logged out ({row['forced_logouts']} forced logouts, {row['failed']} failed)")
    checks.check(abs(refreshes / visits - per_visit) < tolerance,
                 f"{name}: {refreshes} refreshes / {visits} visits = {refreshes / visits:.3f}, "
                 f"r/(1-r) = {per_visit:.3f} within {tolerance:.3f} (4 sd)")
    # Store operations: a write at login, a delete at logout, a read per refresh.
    checks.check(int(row["store_ops"]) == 2 * visits + refreshes - int(row["sessions_active"]),
                 f"{name}: store_ops {row['store_ops']} = 2 x {visits} visits + {refreshes} refreshes "
                 f"- {row['sessions_active']} still logged in")
    # Every visit's pages are the same whether or not tokens are refreshed.
    checks.check(float(row["page_throughput_rps"]) < float(row["throughput_rps"]),
                 f"{name}: page throughput {row['page_throughput_rps']} leaves out logins, logouts and refreshes "
                 f"({row['throughput_rps']})")
page_ratio = float(summary["jwt-refresh"]["page_throughput_rps"]) / float(summary["jwt"]["page_throughput_rps"])
checks.check(page_ratio > 1.05,
             f"forced logouts cost the jwt design pages (a re-login replaces a page): ratio {page_ratio:.3f}")

# --- Revocation at the next refresh. 20% of the users are revoked at 5 min: their access tokens stay
# valid (revoked_accepted) until the next refresh, which is refused (a forced logout). Every
# access token renews within a = 50 s of issue, plus the think before the next page: after
# a + 8 Z = 130 s, fewer than e^-8 of the revoked users are still to be logged out.
out, summary = run_out("""\
    version: 1
    name: refresh-revocation
    seed: 12
    duration: 10m
    report_interval: 10s
    clients:
      arrival_rate: 4/s
      start: steady_state
      session_duration: exp(10m)
      think_time: exp(10s)
      timeout: 10s
    servers: {count: 3, cores: 2}
    sessions:
      store: jwt
      jwt: {expiry: 1m, refresh: {expiry: 7d, store: redis}}
    events:
      - {at: 5m, revoke: 20%}
    designs:
      - name: refresh
      - name: refresh-then-crash
        events:
          - {at: 5m, revoke: 20%}
          - {at: 7m, crash: store}
          - {at: 7m10s, restart: store}
    """)
row = summary["refresh"]
series = [s for s in read_csv(os.path.join(out, "timeseries.csv")) if s["design"] == "refresh"]
forced = int(row["forced_logouts"])
checks.check(int(row["revoked_accepted"]) > 0, f"revoked access tokens are accepted until they expire "
             f"({row['revoked_accepted']} requests)")
checks.check(forced > 0 and all(int(s["forced_logouts"]) == 0 for s in series if float(s["time_s"]) < 300),
             f"forced logouts ({forced}) begin with the revocation")
late = sum(int(s["forced_logouts"]) for s in series if float(s["time_s"]) >= 300 + 130)
checks.check(late <= 1, f"every revoked user is logged out within a + 8Z = 130 s ({late} later)")
# About 20% of the ~2,400 logged-in users (4/s x 10 min), less those whose visit ends before their
# next refresh, which comes about a/2 + Z = 35 s after the revocation (the token's age is spread
# over [0, a + Z]): e^(-35/600). sd: binomial 20% of Poisson(2400) = sqrt(0.2 x 2400); 5% more for
# the approximate law of the time to the next refresh.
logged_in = 4 * 600
expected = 0.2 * logged_in * math.exp(-35 / 600)
tolerance = 4 * math.sqrt(0.2 * logged_in) + 0.05 * expected
checks.check(abs(forced - expected) < tolerance,
             f"{forced} forced logouts ~ 20% of {logged_in} logged in who refresh again ({expected:.0f} +- "
             f"{tolerance:.0f})")
checks.check(int(row["sessions_abandoned"]) == 0, "a revocation abandons no session (it ends them)")
# A redis crash without persistence forgets the refresh tokens: users are logged out at their
# next refresh (abandoned sessions), and refreshes during the 10 s outage fail (store_down).
crash = summary["refresh-then-crash"]
checks.check(int(crash["sessions_abandoned"]) > 1000,
             f"a store crash abandons the sessions whose refresh token it lost ({crash['sessions_abandoned']})")
checks.check(int(crash["failed_store_down"]) > 0, f"refreshes fail while the store is down "
             f"({crash['failed_store_down']})")
checks.check(int(crash["sessions_abandoned"]) <= int(crash["forced_logouts"]),
             "every abandoned session was a forced logout")

checks.finish()
