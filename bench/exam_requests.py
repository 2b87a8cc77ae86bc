"""In-process cost of each exam request beside the bare view, on PostgreSQL.

    .venv/bin/python bench/exam_requests.py [--tickets 300] [--rounds 3]

Where bench/exam_load.py measures the whole machine under locust, this shows what each request of
a candidate's journey costs the application and the database alone: every request goes through
Django's WSGI handler in this process, one at a time (no HTTP, no gunicorn, no load generator), with
the same settings (bench/exam_load_settings.py: production, plain http) and the same bare view that
upserts one row (bench/exam_load_urls.py). Rounds interleave all requests so that background load
on a shared machine touches them alike; the table gives the median over every round, the
queries one request makes (counted on an extra request, not timed), and the ratio of medians to
the bare view's.

Each round: the bare view; GET /exam/; log-in of every ticket; the overview; start; the paper;
saves with the save pass the start gave and, for comparison, without it (the session path);
the clock; submit; the result. Its own database `zlaq_requests` (PostgreSQL at 127.0.0.1:5432,
user postgres), created and dropped by this run; a /tmp directory for collectstatic, removed.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.dont_write_bytecode = True
ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DB_NAME = "zlaq_requests"
PG = "postgres://postgres@127.0.0.1:5432"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=300, help="candidates per round (default 300)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the whole journey (default 3)")
    parser.add_argument("--profile", metavar="TEXT", default="",
                        help="also print cProfile's top functions for the requests whose name contains TEXT")
    args = parser.parse_args()

    from cryptography.fernet import Fernet

    workdir = Path(tempfile.mkdtemp(prefix="exam_requests_", dir="/tmp"))
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "exam_load_settings", "DATABASE_URL": f"{PG}/{DB_NAME}",
        "SECRET_KEY": secrets.token_urlsafe(64), "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "testserver", "SECURE_SSL_REDIRECT": "0", "EXAM_LOAD_STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
    })
    os.environ.pop("REDIS_URL", None)
    sys.path[:0] = [str(ROOT), str(BENCH)]
    import exam_load  # the candidates are set up as the load run sets them up

    exam_load.pg_admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    exam_load.pg_admin(f'CREATE DATABASE "{DB_NAME}"')
    exam_load.DB_NAME = DB_NAME
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from exam_load_urls import BASELINE_DDL

        call_command("migrate", verbosity=0, interactive=False)
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_DDL)
        call_command("collectstatic", verbosity=0, interactive=False)
        issued = exam_load.prepare_candidates(args.tickets + 1)[: args.tickets + 1]
        results = measure(issued, args.rounds, args.profile)
        report(args, results, len(issued) - 1)
        return 0
    finally:
        exam_load.drop_database()
        shutil.rmtree(workdir, ignore_errors=True)


class Browser:
    """One candidate's cookies, as a browser keeps them (path aside: the handler ignores it)."""

    def __init__(self, csrf: str):
        self.cookies = {"csrftoken": csrf}
        self.csrf = csrf


def measure(issued, rounds: int, profile_match: str = "") -> dict[str, dict]:
    import cProfile
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from assessment.models import Attempt

    factory = RequestFactory()
    handler = WSGIHandler()
    times: dict[str, list[float]] = {}
    profiler = cProfile.Profile() if profile_match else None
    queries: dict[str, int] = {}

    def call(name, browser, method, path, data=None, *, expect, count=False):
        cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
        if method == "post":
            request = factory.post(path, urlencode(data or {}, doseq=True), content_type="application/x-www-form-urlencoded",
                                   HTTP_COOKIE=cookie, HTTP_X_CSRFTOKEN=browser.csrf)
        else:
            request = factory.get(path, HTTP_COOKIE=cookie)
        got = {}

        def start_response(status, headers, *_exc):
            got["status"], got["headers"] = status, headers

        context = CaptureQueriesContext(connection) if count else None
        if context is not None:
            context.__enter__()
        profiling = profiler is not None and not count and profile_match in name
        if profiling:
            profiler.enable()
        began = time.perf_counter()
        body = b"".join(handler(request.environ, start_response))
        elapsed = time.perf_counter() - began
        if profiling:
            profiler.disable()
        if context is not None:
            context.__exit__(None, None, None)
            queries[name] = len(context.captured_queries)
        else:
            times.setdefault(name, []).append(elapsed)
        if not got["status"].startswith(expect):
            raise SystemExit(f"exam_requests: {name} answered {got['status']}, expected {expect}: {body[:300]!r}")
        for header, value in got["headers"]:
            if header == "Set-Cookie":
                key, _, rest = value.strip().partition("=")
                browser.cookies[key] = rest.split(";", 1)[0]
        return body

    def batch(name, browsers, method, path, data=None, *, expect):
        """Every browser once, timed; then one more request, not timed, to count its queries."""
        for browser in browsers[:-1]:
            call(name, browser, method, path, data(browser) if callable(data) else data, expect=expect)
        call(name, browsers[-1], method, path, data(browsers[-1]) if callable(data) else data, expect=expect, count=True)

    rng = random.Random(7)
    for _round in range(rounds):
        Attempt.objects.all().delete()
        browsers = [Browser(secrets.token_hex(16)) for _ in issued]
        keys = iter(range(1, 10**9))
        batch("POST /bench/baseline/ (bare view, 1 upsert)", browsers, "post", "/bench/baseline/",
              lambda b: {"key": next(keys) % 500, "answer": "A"}, expect="200")
        batch("GET /exam/ (entry)", browsers, "get", "/exam/", expect="200")
        tickets = {id(b): i for b, i in zip(browsers, issued)}
        batch("POST /exam/ (login)", browsers, "post", "/exam/",
              lambda b: {"ticket_number": tickets[id(b)].ticket.number, "access_code": tickets[id(b)].access_code}, expect="302")
        batch("GET /exam/ticket/ (overview)", browsers, "get", "/exam/ticket/", expect="200")
        batch("POST /exam/start/", browsers, "post", "/exam/start/", expect="302")
        batch("GET /exam/attempt/ (the paper, 30 questions)", browsers, "get", "/exam/attempt/", expect="200")
        for _ in range(2):
            batch("POST /exam/attempt/save/ (with the save pass)", browsers, "post", "/exam/attempt/save/",
                  lambda b: {"position": rng.randrange(30), "answer": rng.choice("AB")}, expect="200")
        passes = {id(b): b.cookies.pop("exam_save_pass") for b in browsers}
        batch("POST /exam/attempt/save/ (session path, no pass)", browsers, "post", "/exam/attempt/save/",
              lambda b: {"position": rng.randrange(30), "answer": rng.choice("AB")}, expect="200")
        for b in browsers:
            b.cookies["exam_save_pass"] = passes[id(b)]
        batch("GET /exam/attempt/status/", browsers, "get", "/exam/attempt/status/", expect="200")
        batch("POST /exam/attempt/ (submit)", browsers, "post", "/exam/attempt/",
              lambda b: {"action": "submit", "q0": "A", "q1": "B"}, expect="302")
        batch("GET /exam/result/", browsers, "get", "/exam/result/", expect="200")
    if profiler is not None:
        import io
        import pstats

        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(40)
        print(f"cProfile of the requests matching {profile_match!r} (their timings above include its overhead):")
        print(out.getvalue())
    return {name: {"samples": samples, "queries": queries.get(name)} for name, samples in times.items()}


def report(args, results: dict[str, dict], tickets: int) -> None:
    import platform

    import django

    print("# Exam requests, in process\n")
    print(f"Command: `.venv/bin/python bench/exam_requests.py --tickets {args.tickets} --rounds {args.rounds}`\n")
    print(f"{os.cpu_count()} cores, Python {platform.python_version()}, Django {django.get_version()}, PostgreSQL "
          f"{exam_load_version()}; {tickets} candidates per round, {args.rounds} rounds; one request at a time.\n")
    baseline = statistics.median(next(iter(results.values()))["samples"]) * 1000
    print("| request | requests | p50 (ms) | mean (ms) | queries | p50 vs bare view |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, result in results.items():
        samples = result["samples"]
        p50 = statistics.median(samples) * 1000
        print(f"| {name} | {len(samples):,} | {p50:.2f} | {statistics.fmean(samples) * 1000:.2f} | "
              f"{result['queries'] if result['queries'] is not None else '—'} | {p50 / baseline:.1f}× |")


def exam_load_version() -> str:
    import exam_load

    return exam_load.pg_version().split(",")[0]


if __name__ == "__main__":
    sys.exit(main())
