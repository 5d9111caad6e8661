"""The CSV contract as the charts read it: the one place plot.py (and realtime_charts.py through
it) takes column names, the fields a chart shows by default and how a field is titled.

Only the columns a chart draws are required: a field added to summary.csv (a new utilisation,
a new count) needs no change here; the compare chart and the sweep charts pick it up from the
file's header, titled from its name and unit suffix.
"""

IDENTITY_COLUMNS = ["design", "replication", "seed"]
# Columns that are bookkeeping of the run's end, not a result to compare.
NOT_COMPARED = {"in_flight"}

# The fields a lesson is about, in the order they matter: the compare chart's first panels when
# they differ, its panels when nothing differs, and the sweep's charts.
# (column, chart title, y-axis unit)
MAIN_FIELDS = [
    ("sessions_lost", "sessions lost", "sessions"),
    ("forced_logouts", "forced logouts (401 to a logged-in user)", "forced logouts"),
    ("users_affected", "users affected", "users"),
    ("failed", "failed requests", "requests"),
    ("latency_p99_ms", "p99 latency of successful requests", "ms"),
    ("throughput_rps", "throughput (successful requests)", "requests / s"),
]
# Fields drawn right after the main ones when they differ: what a lesson is about.
FIRST_FIELDS = [field for field, _, _ in MAIN_FIELDS] + ["revoked_accepted"]
# Titles of other fields whose name alone would say less.
FIELD_TITLES = {
    "revoked_accepted": ("requests accepted with a revoked session", "requests"),
    "cpu_utilization": ("CPU utilisation of servers in service", "%"),
    "store_ops": ("store operations", "operations"),
    "failed_server_down": ("failed: server down, not yet noticed", "requests"),
    "failed_reset": ("failed: in a server when it stopped", "requests"),
    "failed_overload": ("failed: server queue full", "requests"),
    "failed_store_down": ("failed: store down", "requests"),
    "failed_timeout": ("failed: timeout", "requests"),
    "failed_no_server": ("failed: no server in rotation", "requests"),
    "forced": ("401 answers", "requests"),
}

SUMMARY_REQUIRED = IDENTITY_COLUMNS + [field for field, _, _ in MAIN_FIELDS]
SUMMARY_CI_COLUMNS = ["design", "field", "replications", "mean", "ci95_low", "ci95_high", "half_width"]
TIMESERIES_REQUIRED = [
    "design", "replication", "time_s", "active_sessions", "forced_logouts", "failed", "latency_p50_ms",
    "latency_p99_ms", "servers_up", "servers_in_rotation", "cpu_utilization",
]
EVENTS_COLUMNS = ["design", "replication", "time_s", "event", "target", "detail"]
SWEEP_REQUIRED = ["point", "design", "replication"]
SWEEP_MEANS_REQUIRED = ["point", "design", "replications"]


def is_percent(field):
    """Fractions the report shows in percent: utilisations."""
    return field.endswith("utilization")


def field_title(field):
    """(chart title, y-axis unit) of a summary field, from the tables above or its name."""
    for name, title, unit in MAIN_FIELDS:
        if name == field:
            return title, unit
    if field in FIELD_TITLES:
        return FIELD_TITLES[field]
    words = field.replace("_", " ")
    for suffix, unit in ((" ms", "ms"), (" rps", "requests / s"), (" s", "s")):
        if words.endswith(suffix):
            return words[: -len(suffix)], unit
    if is_percent(field):
        return words, "%"
    return words, "count"
