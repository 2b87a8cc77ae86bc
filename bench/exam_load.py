"""Load run of the exam (locust, headless) against gunicorn + PostgreSQL on this machine.

    .venv/bin/python bench/exam_load.py [--candidates 2000] [--duration 150] [--workers 6] [--worker-class sync]
                                        [--concurrency 64] [--window 15] [--help for the rest]

Scenario: N candidates log in and start within the same 60 seconds (locust spawns N/60 a second,
each runs GET /exam/, POST /exam/, GET /exam/ticket/, POST /exam/start/, GET /exam/attempt/ at
once), then each saves an answer every 15 s and submits `--duration` − 70 s after its own start
(then GET /exam/result/); the scenario ends when every candidate has submitted.
Then the capacity run, closed loop at a fixed concurrency (`--concurrency`, 64 by default):
a bare Django view that upserts one row (the baseline, bench/exam_load_urls.py), POST /exam/start/
(each on a logged-in ticket not yet started) and POST /exam/attempt/save/, `--window` seconds
each, interleaved in `--rounds` rounds; all three posted the same way (form body, cookies,
X-CSRFToken header).

One client address: gunicorn trusts 127.0.0.1 as its TLS proxy (TRUSTED_PROXIES=127.0.0.1) and
every locust request, scenario and capacity run alike (the baseline too), carries
`X-Forwarded-For: 203.0.113.7`, the exam room's NAT: the app sees all candidates as one address,
so its per-address throttle applies to the whole room. Before the scenario (not timed), three wrong
access codes are sent the same way for one spare ticket; the run then checks in its database that
the LoginThrottle row of 203.0.113.7 counts exactly 3 failures and that there is no row for
127.0.0.1 (the header was honoured), and again after the scenario (no failure was counted during
it: no candidate was throttled, no scenario ticket has a failed login or a lock).

Targets (issue): 2,000 candidates with zero errors and p95 under 300 ms on 2 cores (application,
database and load generator together); start ≥ 50 % and save ≥ 80 % of the baseline's requests/s.
Last full run (2026-12-02, defaults, all 2,000 from one address through the trusted-proxy header,
on a machine shared with other test suites that took 0.9–1.2 of its 2 cores): 2,000 submitted with
0 failed requests (met); p95 4.6–5.7 s per endpoint (missed: 280–353 ms in the first 30 s, then
queues on all endpoints alike); start 565 vs 927 req/s = 61 % (met); save 709 req/s = 77 % (missed).
The README has the tables and what was checked.

Everything runs on 127.0.0.1 and stops by itself: its own database `zlaq_load` (PostgreSQL at
127.0.0.1:5432, user postgres; dropped at the start and at the end; no other database is touched),
gunicorn on a free port with bench/exam_load_settings.py (production settings; only the http-only
relaxations listed there), collectstatic and every temporary file in a /tmp directory removed at
the end. Candidates are set up through the real services (register import, plan, draw, session,
tickets), as tests/factories.py does.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import platform
import secrets
import shlex
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.dont_write_bytecode = True  # the helpers are imported from bench/: leave no __pycache__ there
ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
DB_NAME = "zlaq_load"
PG = "postgres://postgres@127.0.0.1:5432"
COUNTY = "330110"  # 杭州市余杭区
RAMP_SECONDS = 60
SAVE_EVERY = 15
LOCUSTFILE = BENCH / "exam_load_locustfile.py"
TARGET_CANDIDATES = 2000
TARGET_P95_MS = 300.0
TARGET_START_RATIO = 0.50
TARGET_SAVE_RATIO = 0.80
PROXY_ADDRESS = "127.0.0.1"  # gunicorn's TRUSTED_PROXIES: the load generator plays the TLS proxy
CLIENT_ADDRESS = "203.0.113.7"  # X-Forwarded-For of every request: the exam room's NAT (documentation range)
PROOF_TRIES = 3  # wrong codes sent for the spare ticket before the scenario

SCENARIO_ORDER = [
    "GET /exam/ (entry)", "POST /exam/ (login)", "GET /exam/ticket/", "POST /exam/start/", "GET /exam/attempt/",
    "POST /exam/attempt/save/", "POST /exam/attempt/ (submit)", "GET /exam/result/",
]
BASELINE_NAME = "POST /bench/baseline/ (bare view, 1 upsert)"


T0 = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - T0:6.1f} s] {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ database


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def pg_version() -> str:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", connect_timeout=5) as conn:
        return conn.execute("SHOW server_version").fetchone()[0] + ", max_connections " + conn.execute("SHOW max_connections").fetchone()[0]


def drop_database() -> None:
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # noqa: BLE001 - Django may not be set up yet
        pass
    pg_admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


# ------------------------------------------------------------------------------ the candidates


def prepare_candidates(tickets_needed: int):
    """Divisions, staff, the starter bank, units and people through the register import, a plan of
    100 %, approved, frozen, drawn, a session open now, tickets. Returns the issued tickets."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from assessment.models import SamplingPlan
    from assessment.services import sampling
    from assessment.services.sessions import session_create, tickets_issue
    from supervision.demo import DIVISIONS_FILE
    from supervision.fake_register import person_rows, rows_to_csv, unit_rows
    from supervision.imports.personnel import PERSON_COLUMNS
    from supervision.imports.units import UNIT_COLUMNS
    from supervision.models import Jurisdiction, StaffRole
    from supervision.services.jurisdictions import jurisdictions_load
    from supervision.services.register import register_import_file
    from supervision.services.staff import staff_create

    jurisdictions_load(path=DIVISIONS_FILE)
    county = Jurisdiction.objects.get(code=COUNTY)
    password = secrets.token_urlsafe(16) + "-Zl9"
    operator = staff_create(actor=None, username="load-operator", password=password, full_name="压测经办人",
                            jurisdiction=county, role=StaffRole.OPERATOR).user
    approver = staff_create(actor=None, username="load-approver", password=password, full_name="压测审核人",
                            jurisdiction=county, role=StaffRole.APPROVER).user
    call_command("import_questions", str(ROOT / "assessment" / "data" / "starter_questions.csv"), verbosity=0,
                 stdout=io.StringIO())

    unit_headers = {c.key: c.header for c in UNIT_COLUMNS}
    person_headers = {c.key: c.header for c in PERSON_COLUMNS}
    assessed = {"质量安全总监", "质量安全员"}  # the plan's roles: directors and officers
    units = math.ceil(tickets_needed / 2.0)
    while True:
        rows = unit_rows(units, [county.code], seed=7)
        for i, row in enumerate(rows):  # every unit CCC-certified, so every unit is in the population
            row[unit_headers["cccs"]] = row[unit_headers["cccs"]] or f"2023{county.pk:04d}{i:08d}"
        people = person_rows(rows, seed=8)
        eligible = sum(1 for p in people if p[person_headers["role"]] in assessed)
        if eligible >= tickets_needed:
            break
        units = math.ceil(units * tickets_needed / eligible) + 5
    log(f"  importing {len(rows)} units and {len(people)} people ({eligible} directors and officers)")
    for kind, data, headers in (("units", rows, list(unit_headers.values())), ("personnel", people, list(person_headers.values()))):
        result = register_import_file(kind=kind, data=rows_to_csv(data, headers), filename=f"{kind}.csv",
                                      jurisdiction=county, actor=None, dry_run=False)
        if not result.ok:
            raise SystemExit(f"exam_load: the {kind} import failed: {result.errors[:3]}")
    plan = SamplingPlan.objects.create(jurisdiction=county, year=2026, title="压测计划 (bench/exam_load.py)",
                                       roles=["director", "officer"], created_by=operator, sample_ratio_percent=100)
    sampling.plan_submit(actor=operator, plan=plan)
    sampling.plan_approve(actor=approver, plan=plan)
    sampling.frame_freeze(actor=operator, plan=plan)
    draw = sampling.draw_perform(actor=operator, plan=plan, seed="27182818284590452353602874713526")
    now = timezone.now()
    session = session_create(actor=operator, plan=plan, name="压测场次", mode="online", venue="",
                             starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=4))
    log(f"  issuing tickets for {draw.selections.count()} sampled units")
    issued = tickets_issue(actor=operator, session=session, selections=list(draw.selections.all()))
    if len(issued) < tickets_needed:
        raise SystemExit(f"exam_load: only {len(issued)} tickets issued, {tickets_needed} needed")
    return issued


def logged_in_sessions(ticket_ids: list[int]) -> list[tuple[int, str, str]]:
    """A session as the exam login leaves it (the ticket's pk under exam_ticket_id), made through
    the configured session engine, and a CSRF secret: (ticket pk, session key, csrf)."""
    from importlib import import_module

    from django.conf import settings
    from django.utils.crypto import get_random_string

    from assessment.views.exam import SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore
    rows = []
    for ticket_id in ticket_ids:
        session = store()
        session[SESSION_KEY] = ticket_id
        session.create()
        rows.append((ticket_id, session.session_key, get_random_string(32)))
    return rows


def address_counts(spare_number: str, scenario_ids: list[int]) -> dict:
    """What the database counted: failures per address (LoginThrottle), the spare ticket's failed
    logins, and the scenario tickets' failed logins and locks."""
    from django.db import connections
    from django.db.models import Count, Q, Sum

    from assessment.models import LoginThrottle, Ticket

    throttles = dict(LoginThrottle.objects.values_list("address", "failures"))
    spare = Ticket.objects.values_list("failed_logins", flat=True).get(number=spare_number)
    scenario = Ticket.objects.filter(pk__in=scenario_ids).aggregate(
        failed=Sum("failed_logins"), locked=Count("pk", filter=Q(locked_until__isnull=False)))
    connections.close_all()
    return {"throttles": throttles, "spare": spare, "scenario_failed": scenario["failed"] or 0,
            "scenario_locked": scenario["locked"]}


def address_problems(counts: dict) -> list[str]:
    problems = []
    if counts["throttles"].get(CLIENT_ADDRESS) != PROOF_TRIES:
        problems.append(f"LoginThrottle {CLIENT_ADDRESS}: {counts['throttles'].get(CLIENT_ADDRESS)} failures, expected {PROOF_TRIES}")
    if PROXY_ADDRESS in counts["throttles"]:
        problems.append(f"a LoginThrottle row for the proxy {PROXY_ADDRESS}: the header was not honoured")
    others = sorted(set(counts["throttles"]) - {CLIENT_ADDRESS, PROXY_ADDRESS})
    if others:
        problems.append(f"LoginThrottle rows for other addresses: {others}")
    if counts["spare"] != PROOF_TRIES:
        problems.append(f"the spare ticket counts {counts['spare']} failed logins, expected {PROOF_TRIES}")
    if counts.get("scenario_failed") or counts.get("scenario_locked"):
        problems.append(f"scenario tickets: {counts['scenario_failed']} failed logins, {counts['scenario_locked']} locked")
    return problems


def address_line(counts: dict) -> str:
    rows = ", ".join(f"{a}: {n}" for a, n in sorted(counts["throttles"].items())) or "none"
    return (f"LoginThrottle rows (address: failures) {rows}; spare ticket failed_logins {counts['spare']}; "
            f"scenario tickets: {counts['scenario_failed']} failed logins in all, {counts['scenario_locked']} locked")


def write_csv(path: Path, rows) -> None:
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(rows)


# ------------------------------------------------------------------------------ processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict, port: int, args, logfile: Path) -> subprocess.Popen:
    command = [
        str(VENV_BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(args.workers), "--worker-class", args.worker_class, "--threads", str(args.threads),
        "--timeout", "120", "--graceful-timeout", "5", "--backlog", "4096", "--log-level", "warning",
        "--chdir", str(ROOT),
    ]
    log("  " + shlex.join(command))
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=open(logfile, "ab"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"exam_load: gunicorn exited at start:\n{logfile.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/exam/", timeout=5) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"exam_load: gunicorn did not answer within 60 s:\n{logfile.read_text()[-3000:]}")


def start_redis(workdir: Path) -> tuple[subprocess.Popen, str]:
    """A private, memory-only redis-server on a free 127.0.0.1 port (never a shared one)."""
    port = free_port()
    command = [shutil.which("redis-server") or "redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
               "--appendonly", "no", "--dir", str(workdir), "--daemonize", "no", "--loglevel", "warning"]
    proc = subprocess.Popen(command, stdout=open(workdir / "redis.log", "ab"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.time() + 15
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return proc, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.2)
    stop_process(proc)
    raise SystemExit("exam_load: redis-server did not start")


def stop_process(proc: subprocess.Popen | None, timeout: float = 15) -> None:
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # its own process group (start_new_session), started here
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    except ProcessLookupError:
        pass


class CpuMeter:
    """CPU seconds used between two snapshots by gunicorn (master and workers), PostgreSQL (the
    backends of this run's database and the server's own processes), locust, and everything else
    on the machine (other people's work included: this machine may be shared)."""

    GROUPS = ("app (gunicorn)", "database (postgres)", "cache (redis)", "load generator (locust)")

    def __init__(self, pids: dict[str, int | None]):
        self.pids = pids  # group -> the pid of a process tree started by this run

    def snapshot(self) -> dict:
        import psutil

        mine: dict[int, str] = {}
        for group, pid in self.pids.items():
            if pid is None:
                continue
            try:
                parent = psutil.Process(pid)
                for p in (parent, *parent.children(recursive=True)):
                    mine[p.pid] = group
            except psutil.NoSuchProcess:
                pass
        times: dict[int, tuple[str, float]] = {}
        for p in psutil.process_iter(["name", "cmdline"]):
            try:
                group = mine.get(p.pid)
                if group is None and (p.info["name"] or "").startswith("postgres"):
                    title = " ".join(p.info["cmdline"] or [])
                    # a client backend's title is "postgres: <cluster>: <user> <database> <address> ..."
                    is_backend = "127.0.0.1(" in title or "[local]" in title
                    if not is_backend or f" {DB_NAME} " in title:
                        group = self.GROUPS[1]
                if group is not None:
                    t = p.cpu_times()
                    times[p.pid] = (group, t.user + t.system)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        total = psutil.cpu_times()
        return {"pids": times, "busy": sum(total) - total.idle - getattr(total, "iowait", 0.0), "wall": time.time()}

    @classmethod
    def cores(cls, snapshots: list[dict]) -> dict[str, float]:
        """Cores used from the first to the last snapshot; a process that ended in between counts
        with the CPU time it had when last seen (database backends come and go with CONN_MAX_AGE)."""
        first, last = snapshots[0], snapshots[-1]
        seconds = last["wall"] - first["wall"]
        if seconds <= 0:
            return {}
        seen: dict[int, tuple[str, float]] = {}
        for snap in snapshots:
            seen.update(snap["pids"])
        used = dict.fromkeys(cls.GROUPS, 0.0)
        for pid, (group, spent) in seen.items():
            before = first["pids"].get(pid)
            used[group] += spent - (before[1] if before and before[0] == group else 0.0)
        busy = (last["busy"] - first["busy"]) / seconds
        result = {k: v / seconds for k, v in used.items()}
        if not any(group == "cache (redis)" for group, _t in seen.values()):
            result.pop("cache (redis)")
        result["everything else"] = max(0.0, busy - sum(result.values()))
        result["machine busy"] = busy
        return result


def machine_load(seconds: float = 3.0) -> float:
    """Cores busy on the machine right now (before anything of this run is started)."""
    import psutil

    psutil.cpu_percent(interval=None)
    return psutil.cpu_percent(interval=seconds) / 100 * (os.cpu_count() or 1)


def run_locust(phase: str, user_class: str, env: dict, *, host: str, users: int, rate: float, run_time: int,
               workdir: Path, extra_env: dict, cpu: list | None = None) -> dict:
    out = workdir / f"{phase}.json"
    command = [
        str(VENV_BIN / "locust"), "-f", str(LOCUSTFILE), user_class, "--headless", "-u", str(users), "-r", f"{rate:g}",
        "--run-time", f"{run_time}s", "--host", host, "--stop-timeout", "5", "--only-summary", "--loglevel", "WARNING",
    ]
    log(f"  {phase}: " + shlex.join(command[1:]).replace(str(ROOT) + "/", ""))
    child_env = {**env, **extra_env, "EXAM_LOAD_OUT": str(out), "EXAM_LOAD_USERS": str(users),
                 "EXAM_LOAD_FORWARDED_FOR": CLIENT_ADDRESS}
    logfile = workdir / f"{phase}.locust.log"
    with open(logfile, "wb") as log_out:
        proc = subprocess.Popen(command, env=child_env, cwd=ROOT, stdout=log_out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        meter = CpuMeter({**cpu, "load generator (locust)": proc.pid}) if cpu is not None else None
        snapshots = [meter.snapshot()] if meter else []
        hard_deadline = time.monotonic() + run_time + 90
        while proc.poll() is None:
            if time.monotonic() > hard_deadline:
                log(f"  {phase}: locust overran its time; stopping it")
                stop_process(proc)
                break
            time.sleep(1.0)
            if meter and proc.poll() is None:
                snapshots.append(meter.snapshot())
    if not out.exists():
        raise SystemExit(f"exam_load: locust wrote no results for {phase}:\n{logfile.read_text()[-3000:]}")
    result = json.loads(out.read_text())
    text = logfile.read_text(errors="replace")
    result["locust_warnings"] = sorted({line.strip()[:200] for line in text.splitlines()
                                        if "CPU usage" in line or "Traceback" in line or "Error" in line})[:5]
    result["snapshots"] = snapshots
    if len(snapshots) > 1:
        result["cpu"] = CpuMeter.cores(snapshots)
        result["cpu_seconds"] = snapshots[-1]["wall"] - snapshots[0]["wall"]
    return result


def cpu_in_windows(snapshots: list[dict], windows: list[tuple[float, float]]) -> dict:
    """Cores used, summed over the given (begin, end) windows, from the ~1 s snapshots inside each."""
    total: dict[str, float] = {}
    seconds = 0.0
    for begin, end in windows:
        inside = [snap for snap in snapshots if begin <= snap["wall"] <= end]
        if len(inside) < 2:
            continue
        span = inside[-1]["wall"] - inside[0]["wall"]
        for k, v in CpuMeter.cores(inside).items():
            total[k] = total.get(k, 0.0) + v * span
        seconds += span
    return {"cpu": {k: v / seconds for k, v in total.items()}, "cpu_seconds": seconds} if seconds else {}


def wait_quiet(limit: int) -> str:
    """This machine may be shared: wait (a bounded time) until other processes leave it quiet."""
    waited = 0.0
    t0 = time.monotonic()
    while True:
        load = machine_load(3.0)
        waited = time.monotonic() - t0
        if load < 0.35 or waited >= limit:
            break
        log(f"  other processes keep {load:.2f} cores busy; waiting for a quiet machine ({waited:.0f}/{limit} s)")
    state = "quiet" if load < 0.35 else "NOT quiet: figures below are disturbed"
    return f"Machine load from other processes just before the measured phases: {load:.2f} cores ({state}; waited {waited:.0f} s)."


# ------------------------------------------------------------------------------ statistics


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def summarize(samples, name, *, since=None, until=None, span=None) -> dict:
    chosen = [s for s in samples if s[0] == name and (since is None or s[1] >= since) and (until is None or s[1] <= until)]
    latencies = sorted(s[2] for s in chosen)
    ends = [s[1] for s in chosen]
    if span is None:
        span = (max(ends) - min(ends)) if len(ends) > 1 else float("nan")
    return {
        "name": name, "requests": len(chosen), "rps": len(chosen) / span if span and span > 0 else float("nan"),
        "p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "p99": percentile(latencies, 99),
        "failures": sum(1 for s in chosen if not s[3]), "span": span,
    }


def peak_rate(samples, name) -> int:
    buckets: dict[int, int] = {}
    for s in samples:
        if s[0] == name:
            buckets[int(s[1])] = buckets.get(int(s[1]), 0) + 1
    return max(buckets.values(), default=0)


def fmt(value: float, digits: int = 0) -> str:
    return "—" if value != value else f"{value:,.{digits}f}"  # NaN -> dash


def table(rows: list[dict], baseline_rps: float | None) -> str:
    lines = ["| endpoint | requests | req/s | p50 (ms) | p95 (ms) | p99 (ms) | failures | ratio to baseline |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        ratio = "—" if not baseline_rps or r.get("no_ratio") else f"{r['rps'] / baseline_rps:.0%}"
        lines.append(f"| {r['name']} | {r['requests']:,} | {fmt(r['rps'], 1)} | {fmt(r['p50'])} | {fmt(r['p95'])} | "
                     f"{fmt(r['p99'])} | {r['failures']:,} | {ratio} |")
    return "\n".join(lines)


def cpu_line(result: dict) -> str:
    cpu = result.get("cpu") or {}
    if not cpu:
        return "CPU: not measured"
    parts = [f"{k} {v:.2f}" for k, v in cpu.items()]
    return f"CPU in cores (of {os.cpu_count()}) over {result['cpu_seconds']:.0f} s: " + ", ".join(parts)


# ------------------------------------------------------------------------------ main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=TARGET_CANDIDATES, help="simulated candidates (default 2000)")
    parser.add_argument("--duration", type=int, default=150,
                        help="scenario length in seconds, the 60 s of log-ins included; each candidate submits "
                             "duration-70 s after its start (default 150: 5 saves each). Under 85 s the log-ins are "
                             "spread over duration-25 s instead of 60 s (smoke runs)")
    parser.add_argument("--workers", type=int, default=6,
                        help="gunicorn workers (default 6: 2 × cores + 2, the README's production set-up on 2 cores)")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker, gthread only (default 2)")
    parser.add_argument("--worker-class", default="sync", choices=["gthread", "sync"],
                        help="gunicorn worker class (default sync, as in production: one request per process at a "
                             "time, no keep-alive; gthread keeps connections alive but its threads wait on each "
                             "other's GIL, which showed as p95 latency)")
    parser.add_argument("--concurrency", type=int, default=64, help="users of the capacity phases (default 64)")
    parser.add_argument("--window", type=float, default=15,
                        help="capacity: seconds measured for each of baseline, start and save (default 15)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="capacity: the window is cut in this many baseline/start/save rounds, interleaved (default 5)")
    parser.add_argument("--start-pool", type=int, default=4000,
                        help="tickets logged in for the capacity starts (default 4000; at least --candidates)")
    parser.add_argument("--conn-max-age", default=os.environ.get("DB_CONN_MAX_AGE", "60"),
                        help="DB_CONN_MAX_AGE for gunicorn (default: the environment's, else 60 as in base.py)")
    parser.add_argument("--cache", choices=["auto", "redis", "locmem"], default="auto",
                        help="Django's cache: a private redis-server on a free port (REDIS_URL, as in production) or "
                             "local memory per process; auto (default): redis when redis-server is installed")
    parser.add_argument("--session-engine", default="",
                        help="SESSION_ENGINE for this run (default: the project's, Django's database sessions), e.g. "
                             "django.contrib.sessions.backends.cached_db")
    parser.add_argument("--skip-scenario", action="store_true", help="only the capacity phases")
    parser.add_argument("--wait-quiet", type=int, default=60,
                        help="before the measured phases, wait up to this many seconds for other processes to leave "
                             "the machine quiet (< 0.35 cores busy); default 60, 0 to not wait")
    parser.add_argument("--timeline", type=int, default=10, help="seconds per row of the scenario's timeline (default 10)")
    parser.add_argument("--keep-tmp", action="store_true", help="keep the /tmp directory (logs, raw results)")
    args = parser.parse_args()
    if args.worker_class == "sync":
        args.threads = 1
    # Log-ins and starts are spread over 60 s; a run shorter than 85 s (a smoke run) spreads them
    # over less, so that every candidate still saves at least once before it submits.
    if args.duration < 10 + 10 + SAVE_EVERY:
        parser.error(f"--duration must be at least {10 + 10 + SAVE_EVERY}")
    args.ramp = min(RAMP_SECONDS, args.duration - 10 - SAVE_EVERY)
    exam_seconds = args.duration - args.ramp - 10
    t_begin = time.monotonic()

    command_line = shlex.join([os.path.relpath(sys.executable, ROOT) if sys.executable.startswith(str(ROOT)) else sys.executable,
                               os.path.relpath(Path(sys.argv[0]).resolve(), ROOT), *sys.argv[1:]])
    try:
        import psutil

        memory = f"{psutil.virtual_memory().total / 2**30:.0f} GiB"
    except ImportError:  # pragma: no cover
        memory = "?"
    import django
    import gunicorn
    import locust

    print(f"# Exam load run\n\nCommand: `{command_line}`\n")
    print(f"Machine: {os.cpu_count()} cores ({platform.processor() or platform.machine()}), {memory} RAM, "
          f"{platform.system()} {platform.release()}; Python {platform.python_version()}, Django {django.get_version()}, "
          f"gunicorn {gunicorn.__version__}, locust {locust.__version__}; PostgreSQL {pg_version()} at 127.0.0.1:5432 "
          f"(database `{DB_NAME}`, created and dropped by this run). Application, database and load generator share the machine.\n")
    print(f"Other load on the machine before the run: {machine_load():.2f} cores busy (of {os.cpu_count()}).\n")

    workdir = Path(tempfile.mkdtemp(prefix="exam_load_", dir="/tmp"))
    static_root = workdir / "static"
    from cryptography.fernet import Fernet

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "exam_load_settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(BENCH)]),
        "PYTHONDONTWRITEBYTECODE": "1",  # no __pycache__ left in bench/ by the helpers
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "DB_CONN_MAX_AGE": str(args.conn_max_age),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "TRUSTED_PROXIES": PROXY_ADDRESS,  # the load generator stands for the TLS proxy (see CLIENT_ADDRESS)
        "EXAM_LOAD_STATIC_ROOT": str(static_root),
    }
    env.pop("REDIS_URL", None)
    if args.session_engine:
        env["EXAM_LOAD_SESSION_ENGINE"] = args.session_engine
    use_redis = args.cache == "redis" or (args.cache == "auto" and shutil.which("redis-server"))
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    os.environ.pop("REDIS_URL", None)
    sys.path[:0] = [str(ROOT), str(BENCH)]
    gunicorn_proc = redis_proc = None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops everything and drops the database
    try:
        if use_redis:
            redis_proc, env["REDIS_URL"] = start_redis(workdir)
            os.environ["REDIS_URL"] = env["REDIS_URL"]
        log(f"database {DB_NAME}: create and migrate")
        pg_admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        pg_admin(f'CREATE DATABASE "{DB_NAME}"')
        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from exam_load_urls import BASELINE_DDL

        call_command("migrate", verbosity=0, interactive=False)
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_DDL)
        log("collectstatic (into the run's temporary directory)")
        call_command("collectstatic", verbosity=0, interactive=False)

        tickets_needed = max(args.candidates + 1, args.start_pool, args.concurrency)  # + 1: the spare ticket of the proof
        log(f"preparing {tickets_needed} tickets through the real services")
        t0 = time.monotonic()
        issued = prepare_candidates(tickets_needed)
        prepare_seconds = time.monotonic() - t0
        scenario_tickets = issued[: args.candidates]
        write_csv(workdir / "tickets.csv", [(i.ticket.number, i.access_code) for i in scenario_tickets])
        spare_number = issued[args.candidates].ticket.number  # in no scenario candidate's hands
        log(f"  {len(issued)} tickets in {prepare_seconds:.0f} s")
        from django.conf import settings
        from django.db import connections

        connections.close_all()

        quiet_note = wait_quiet(args.wait_quiet)
        port = free_port()
        host = f"http://127.0.0.1:{port}"
        log(f"gunicorn on {host}")
        gunicorn_proc = start_gunicorn(env, port, args, workdir / "gunicorn.log")
        settings_note = (
            f"gunicorn `config.wsgi` with {args.workers} {args.worker_class} worker(s)"
            + (f" × {args.threads} threads" if args.worker_class == "gthread" else "")
            + f", DJANGO_SETTINGS_MODULE=exam_load_settings (bench/exam_load_settings.py: config.settings.production plus "
            "ROOT_URLCONF with the baseline view, SECURE_SSL_REDIRECT/SESSION_COOKIE_SECURE/CSRF_COOKIE_SECURE off for plain "
            f"http, STATIC_ROOT in /tmp and Django's ManifestStaticFilesStorage), DB_CONN_MAX_AGE={args.conn_max_age}, cache: "
            + (f"Redis (a private redis-server, REDIS_URL={env['REDIS_URL']})" if redis_proc else "local memory per process (no REDIS_URL)")
            + f", sessions: {args.session_engine or 'the project default (config.sessions: the database sessions, read in one statement)'}, "
            f"TRUSTED_PROXIES={PROXY_ADDRESS} and every locust request with `X-Forwarded-For: {CLIENT_ADDRESS}` (all candidates "
            f"one client address), EXAM_LOGIN_ADDRESS_FAILURES={settings.EXAM_LOGIN_ADDRESS_FAILURES}, "
            f"EXAM_LOGIN_TICKET_FAILURES={settings.EXAM_LOGIN_TICKET_FAILURES}, "
            "LOG_LEVEL as production (INFO), gunicorn access log off."
        )

        # The proof that the header is honoured, before and outside the timed phases: wrong codes
        # for the spare ticket, posted as every other request is, counted against CLIENT_ADDRESS.
        log(f"proof: {PROOF_TRIES} wrong access codes for spare ticket {spare_number} with X-Forwarded-For {CLIENT_ADDRESS}")
        proof = run_locust("proof", "Proof", env, host=host, users=1, rate=1, run_time=60, workdir=workdir,
                           extra_env={"EXAM_LOAD_PROOF_TICKET": spare_number, "EXAM_LOAD_PROOF_TRIES": str(PROOF_TRIES)})
        addresses = {"before": address_counts(spare_number, [i.ticket.pk for i in scenario_tickets])}
        problems = address_problems(addresses["before"])
        if proof["state"]["completed"] != 1 or problems:
            raise SystemExit("exam_load: the forwarded address was not counted as expected: "
                             + "; ".join([*problems, *proof["errors"]]) + "\n" + address_line(addresses["before"]))
        log("  " + address_line(addresses["before"]))

        results = {}
        cpu = {"app (gunicorn)": gunicorn_proc.pid, "cache (redis)": redis_proc.pid if redis_proc else None}
        if not args.skip_scenario:
            log(f"scenario: {args.candidates} candidates, spawned over {args.ramp} s, {args.duration} s")
            results["scenario"] = run_locust(
                "scenario", "Candidate", env, host=host, users=args.candidates, rate=args.candidates / args.ramp,
                run_time=args.duration + 60, workdir=workdir, cpu=cpu,
                extra_env={"EXAM_LOAD_TICKETS": str(workdir / "tickets.csv"), "EXAM_LOAD_EXAM_SECONDS": str(exam_seconds),
                           "EXAM_LOAD_SAVE_EVERY": str(SAVE_EVERY)},
            )
            addresses["after"] = address_counts(spare_number, [i.ticket.pk for i in scenario_tickets])
            log("  after the scenario: " + address_line(addresses["after"]))

        # Capacity phases. The start pool must be tickets that have not started: the scenario's
        # attempts are deleted first (the benchmark's own database), and every ticket gets a
        # logged-in session made through the session engine, as the exam login leaves it.
        from assessment.models import Attempt, AttemptAnswer, AttemptStatus

        log("capacity: resetting attempts and logging in the start pool")
        Attempt.objects.all().delete()
        with connection.cursor() as cursor:  # autocommit: VACUUM cannot run in a transaction
            cursor.execute(f'VACUUM ANALYZE "{Attempt._meta.db_table}", "{AttemptAnswer._meta.db_table}"')
        pool = logged_in_sessions([i.ticket.pk for i in issued])
        write_csv(workdir / "start_pool.csv", [(key, csrf) for _pk, key, csrf in pool])
        connections.close_all()
        quiet_note_capacity = wait_quiet(min(args.wait_quiet, 30))
        c = args.concurrency
        slot = args.window / args.rounds
        log(f"capacity: {c} users, {args.rounds} rounds of baseline/start/save, {slot:g} s each; {len(pool)} tickets in the start pool")
        results["capacity"] = run_locust(
            "capacity", "Capacity", env, host=host, users=c, rate=c, run_time=int(3 * args.window + 30),
            workdir=workdir, cpu=cpu,
            extra_env={"EXAM_LOAD_ROUNDS": str(args.rounds), "EXAM_LOAD_SLOT": str(slot),
                       "EXAM_LOAD_CSRF": secrets.token_hex(16), "EXAM_LOAD_SESSIONS": str(workdir / "start_pool.csv")},
        )
        results["capacity"]["pool_size"] = len(pool)
        stop_process(gunicorn_proc)
        gunicorn_tail = [line for line in (workdir / "gunicorn.log").read_text(errors="replace").splitlines()
                         if "Traceback" in line or "ERROR" in line or "CRITICAL" in line][:5]
        print(quiet_note.replace("the measured phases", "the scenario") + "\n")
        print(quiet_note_capacity.replace("the measured phases", "the capacity run") + "\n")
        report(args, results, command_line, settings_note, exam_seconds, prepare_seconds, time.monotonic() - t_begin,
               gunicorn_tail)
        return address_report(addresses)
    finally:
        stop_process(gunicorn_proc)
        stop_process(redis_proc)
        try:
            drop_database()
            log(f"database {DB_NAME} dropped")
        except Exception as error:  # noqa: BLE001
            log(f"could not drop {DB_NAME}: {error}")
        if args.keep_tmp:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def address_report(addresses: dict) -> int:
    """The client-address check, printed after the targets; 1 (the exit status) when it failed."""
    print(f"\n## One client address ({CLIENT_ADDRESS} via X-Forwarded-For from the trusted proxy {PROXY_ADDRESS})\n")
    failed = False
    for when, label in (("before", f"after {PROOF_TRIES} wrong codes for the spare ticket, before the scenario"),
                        ("after", "after the scenario")):
        if when not in addresses:
            continue
        problems = address_problems(addresses[when])
        failed = failed or bool(problems)
        print(f"- {'PASS' if not problems else 'FAIL'}: {label}: " + address_line(addresses[when])
              + ("".join(f"; {p}" for p in problems)))
    return 1 if failed else 0


def timeline(result: dict, step: int) -> str:
    """The scenario in steps of `step` seconds: load, latency and who used the CPU."""
    samples = result["samples"]
    if not samples:
        return ""
    t0 = min(s[1] - s[2] / 1000 for s in samples)
    end = max(s[1] for s in samples)
    lines = [f"Timeline ({step} s steps; requests by their start; cores from ~1 s CPU snapshots):\n",
             "| from (s) | requests | req/s | p50 (ms) | p95 (ms) | app | database | locust | everything else |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    begin = t0
    while begin < end:
        chosen = sorted(s[2] for s in samples if begin <= s[1] - s[2] / 1000 < begin + step)
        cores = cpu_in_windows(result.get("snapshots", []), [(begin, begin + step)]).get("cpu", {})
        lines.append(f"| {begin - t0:.0f} | {len(chosen):,} | {len(chosen) / step:.0f} | {fmt(percentile(chosen, 50))} | "
                     f"{fmt(percentile(chosen, 95))} | " + " | ".join(
                         f"{cores[k]:.2f}" if k in cores else "—"
                         for k in ("app (gunicorn)", "database (postgres)", "load generator (locust)", "everything else")) + " |")
        begin += step
    return "\n".join(lines) + "\n"


def capacity_rows(cap: dict) -> tuple[list[dict], dict]:
    """Per endpoint: the requests that began inside its slots (start slots cut where the pool ran
    out); req/s over the summed slot time; CPU over the same slots."""
    state = cap["state"]
    names = {"baseline": BASELINE_NAME, "start": "POST /exam/start/", "save": "POST /exam/attempt/save/"}
    rows, cpu = [], {}
    for kind, name in names.items():
        windows = [(b, min(e, state["pool_empty"]) if kind == "start" and state.get("pool_empty") else e)
                   for k, b, e in state["slots"] if k == kind]
        windows = [(b, e) for b, e in windows if e > b]
        chosen = [s for s in cap["samples"] if s[0] == name
                  and any(b <= s[1] - s[2] / 1000 < e for b, e in windows)]
        latencies = sorted(s[2] for s in chosen)
        seconds = sum(e - b for b, e in windows)
        rows.append({"name": f"capacity: {name}", "requests": len(chosen),
                     "rps": len(chosen) / seconds if seconds else float("nan"),
                     "p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "p99": percentile(latencies, 99),
                     "failures": sum(1 for s in cap["samples"] if s[0] == name and not s[3]), "seconds": seconds})
        cpu[kind] = cpu_in_windows(cap.get("snapshots", []), windows)
    return rows, cpu


def report(args, results, command_line, settings_note, exam_seconds, prepare_seconds, elapsed, gunicorn_errors) -> None:
    c = args.concurrency
    print(f"Configuration: {settings_note}\n")
    scenario_rows = []
    if "scenario" in results:
        sc = results["scenario"]
        state = sc["state"]
        print(f"## Scenario: {args.candidates:,} candidates\n")
        print(f"Each candidate logs in and starts as soon as it is spawned ({args.candidates / args.ramp:.1f} a second "
              f"for {args.ramp} s{'' if args.ramp == RAMP_SECONDS else ': shortened from 60 s to fit --duration'}), saves an answer every {SAVE_EVERY} s and submits {exam_seconds} s after its start "
              f"({exam_seconds // SAVE_EVERY} saves each). req/s = requests over the span from the first to the last answer of "
              "that endpoint (the offered load, not capacity: see the capacity table); percentiles exact, from every request.\n")
        scenario_rows = [summarize(sc["samples"], name) for name in SCENARIO_ORDER]
        total = summarize([("all", *s[1:]) for s in sc["samples"]], "all")
        total["name"] = "**all scenario requests**"
        print(table([*scenario_rows, total], None))
        print()
        unfinished = args.candidates - state["completed"] - state["failed"]
        print(f"Candidates: {state['completed']:,} submitted, {state['failed']:,} failed, {unfinished:,} unfinished. "
              "Peak 1-s rates: " + ", ".join(f"{n} {peak_rate(sc['samples'], n)}/s" for n in ("POST /exam/start/", "POST /exam/attempt/save/"))
              + f"; all requests {peak_rate([('all', *s[1:]) for s in sc['samples']], 'all')}/s.")
        print(cpu_line(sc))
        print()
        print(timeline(sc, args.timeline))
        for e, n in sorted(sc["errors"].items(), key=lambda kv: -kv[1])[:8]:
            print(f"- error ×{n}: {e}")
        for w in sc.get("locust_warnings", []):
            print(f"- locust: {w}")
        print()

    cap = results["capacity"]
    rows, cpu = capacity_rows(cap)
    base_row, start_row, save_row = rows
    slot = args.window / args.rounds
    print(f"## Capacity at {c} concurrent users (closed loop, no think time)\n")
    print(f"{args.rounds} rounds of {slot:g} s slots (baseline, start, save), interleaved so that any change in background "
          "load touches all three alike; the requests that began in an endpoint's slots count, req/s over those slots' seconds. "
          "All three are posted the same way: form body, cookies, X-CSRFToken header, redirects not followed. "
          f"Starts: each on a logged-in ticket not yet started (pool of {cap['pool_size']:,} tickets"
          + (f", ran out after {start_row['seconds']:.1f} s of start slots" if cap["state"].get("pool_empty") else "")
          + "); saves: on the attempt the same user started, with the save pass cookie its start gave (as a browser sends it).\n")
    print(table(rows, base_row["rps"]))
    print()
    for kind, row in zip(("baseline", "start", "save"), rows):
        print(f"- {kind}: " + cpu_line(cpu[kind]))
    if cap["state"].get("no_attempt"):
        print(f"- {cap['state']['no_attempt']} save slot(s) where a user had no started attempt (concurrency below {c})")
    for e, n in sorted(cap["errors"].items(), key=lambda kv: -kv[1])[:5]:
        print(f"- error ×{n}: {e}")
    for w in cap.get("locust_warnings", []):
        print(f"- locust: {w}")
    if gunicorn_errors:
        print("- gunicorn log: " + " | ".join(gunicorn_errors))
    print()

    print("## Targets\n")
    if "scenario" in results:
        sc_fail = sum(r["failures"] for r in scenario_rows)
        state = results["scenario"]["state"]
        at_size = "" if args.candidates >= TARGET_CANDIDATES else (
            f" (ran {args.candidates:,} candidates; the target is {TARGET_CANDIDATES:,}, so not met at target size)")
        ok = sc_fail == 0 and state["completed"] == args.candidates and args.candidates >= TARGET_CANDIDATES
        print(f"- {'PASS' if ok else 'FAIL'}: {TARGET_CANDIDATES:,} candidates with zero errors — {state['completed']:,}/{args.candidates:,} "
              f"submitted, {sc_fail:,} failed requests{at_size}")
        measured = [r for r in scenario_rows if r["requests"]]
        worst = max(measured, key=lambda r: r["p95"]) if measured else {"name": "—", "p95": float("nan")}
        total = summarize([("all", *s[1:]) for s in results["scenario"]["samples"]], "all")
        ok = bool(measured) and all(r["p95"] < TARGET_P95_MS for r in measured) and args.candidates >= TARGET_CANDIDATES
        print(f"- {'PASS' if ok else 'FAIL'}: p95 under {TARGET_P95_MS:.0f} ms on {os.cpu_count()} cores, every endpoint — all requests "
              f"p95 {fmt(total['p95'])} ms; worst endpoint {worst['name']} p95 {fmt(worst['p95'])} ms{at_size}")
    for row, target, label in ((start_row, TARGET_START_RATIO, "start"), (save_row, TARGET_SAVE_RATIO, "save")):
        ratio = row["rps"] / base_row["rps"] if base_row["rps"] else float("nan")
        ok = ratio >= target and row["failures"] == 0
        print(f"- {'PASS' if ok else 'FAIL'}: {label} ≥ {target:.0%} of the bare view's req/s at {c} users — "
              f"{fmt(row['rps'], 1)} vs {fmt(base_row['rps'], 1)} req/s = {ratio:.0%}, {row['failures']} failures")
    print(f"\nSet-up (migrate excluded): {prepare_seconds:.0f} s for the tickets; whole run {elapsed:.0f} s.")


if __name__ == "__main__":
    sys.exit(main())
