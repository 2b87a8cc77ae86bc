"""Benchmark: recomputing every unit's credit class (issue 18), against a bare aggregate of the same run.

    .venv/bin/python bench/credit_recompute.py [--units N] [--events-per-unit E] [--repeat R] [--postgres]

Seeds N units (default 100,000 on PostgreSQL, 20,000 on SQLite) with about E events each (default
3: kinds and dates drawn at random over the last three years, so some fall outside their windows),
written with bulk_create outside the clock, then measures
  1. a bare `CreditEvent.objects.values("unit", "kind").annotate(Count)` over the same events
     (the baseline: the one query the recompute cannot avoid, its rows fetched),
  2. `credit_classes_recompute()` the first time (every unit gets its class: N inserts, and one
     supervision.credit_class log entry per unit, since every letter is new),
  3. `credit_classes_recompute()` again with nothing changed (no upsert, one UPDATE of computed_at, no log entries),
  4. the same after a rule change made every class move (one log entry per changed unit).
Target (issue 18): recomputing 100,000 units < 10 s on PostgreSQL.

The database is the benchmark's own (`bench/import_units.py` explains: a temporary SQLite file, or
PostgreSQL database `zlaq_bench`, dropped and created at the start, dropped at the end).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_units import choose_database, print_header, setup_django  # noqa: E402

TARGET_UNITS = 100_000
TARGET_SECONDS = 10.0
CITY_CODE = "330100"


def seed(units_n: int, events_per_unit: int) -> int:
    """N units over the city's counties and their events, outside the clock. Returns the events written."""
    from django.utils import timezone

    from supervision.models import CreditEvent, CreditEventKind, CreditSourceKind, Jurisdiction, ProductionUnit

    rng = random.Random(18)
    counties = list(Jurisdiction.objects.get(code=CITY_CODE).get_children().values_list("pk", flat=True))
    ProductionUnit.objects.bulk_create([
        ProductionUnit(uscc=f"9133{i:014d}", name=f"基准单位{i}", county_id=counties[i % len(counties)]) for i in range(units_n)
    ], batch_size=5000)
    unit_ids = list(ProductionUnit.objects.values_list("pk", flat=True))
    today = timezone.localdate()
    kinds = CreditEventKind.values
    events, source = [], 0
    for unit_id in unit_ids:
        for _n in range(rng.randint(max(0, events_per_unit - 2), events_per_unit + 2)):
            source += 1
            events.append(CreditEvent(unit_id=unit_id, kind=rng.choice(kinds), occurred_on=today - timedelta(days=rng.randint(0, 3 * 365)),
                                      source_kind=CreditSourceKind.ORDER, source_id=source, source_label=f"基准通知{source}", article="第十七条"))
    CreditEvent.objects.bulk_create(events, batch_size=5000)
    return len(events)


def timed(work, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _n in range(repeat):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def bare_aggregate() -> int:
    from django.db.models import Count

    from supervision.models import CreditEvent

    return len(list(CreditEvent.objects.values("unit", "kind").annotate(n=Count("pk")).values_list("unit", "kind", "n").order_by()))


def rules_shifted():
    """A new version where every weight is 100 times larger: every class moves off A."""
    from supervision.selectors_credit import credit_rule_set_current

    current = credit_rule_set_current()
    return [{"kind": r.kind, "weight": r.weight * 100 + 1, "window_months": r.window_months, "rationale": r.rationale} for r in current.rules.all()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, help="units (default 100,000 on PostgreSQL, 20,000 on SQLite)")
    parser.add_argument("--events-per-unit", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=1, help="timed runs of steps 1 and 3; the best is reported")
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    db = choose_database(args.postgres)
    try:
        setup_django(db)
        run(args, db.postgres)
    finally:
        db.drop()


def run(args, postgres: bool) -> None:
    from django.contrib.auth import get_user_model
    from wagtail.models import ModelLogEntry

    from supervision.models import UnitCreditClass
    from supervision.services.credit import credit_classes_recompute, credit_rule_set_change
    from supervision.services.system import system_actor

    units_n = args.units or (TARGET_UNITS if postgres else 20_000)
    print_header("credit_recompute.py")
    started = time.perf_counter()
    events_n = seed(units_n, args.events_per_unit)
    print(f"Seeded {units_n:,} units and {events_n:,} events in {time.perf_counter() - started:.0f} s.")
    print()
    approver = get_user_model().objects.create_superuser("bench-approver", password="x")
    system_actor()

    rows = []
    seconds, groups = timed(bare_aggregate, args.repeat)
    rows.append(("bare aggregate: events grouped by unit and kind (baseline)", seconds, f"{groups:,} (unit, kind) rows fetched"))
    logs_before = ModelLogEntry.objects.filter(action="supervision.credit_class").count()
    seconds, _n = timed(credit_classes_recompute, 1)
    logged = ModelLogEntry.objects.filter(action="supervision.credit_class").count() - logs_before
    rows.append(("credit_classes_recompute(), first run", seconds, f"{logged:,} class-change log entries"))
    seconds, _n = timed(credit_classes_recompute, args.repeat)
    rows.append(("credit_classes_recompute(), nothing changed", seconds, "nothing upserted: one UPDATE of computed_at, no log entries"))
    change_started = time.perf_counter()
    logs_before = ModelLogEntry.objects.filter(action="supervision.credit_class").count()
    credit_rule_set_change(actor=approver, b_from=10, c_from=60, d_from=120, rules=rules_shifted(), note="基准：权重放大")
    seconds = time.perf_counter() - change_started
    logged = ModelLogEntry.objects.filter(action="supervision.credit_class").count() - logs_before
    rows.append(("credit_rule_set_change() (a new version, then every unit recomputed)", seconds, f"{logged:,} class-change log entries"))
    assert UnitCreditClass.objects.count() == units_n

    baseline = rows[0][1]
    print("| measurement | units | seconds | units/s | vs bare aggregate | note |")
    print("|---|---:|---:|---:|---:|---|")
    for name, seconds, note in rows:
        print(f"| {name} | {units_n:,} | {seconds:.2f} | {units_n / seconds:,.0f} | {seconds / baseline:.1f}× | {note} |")
    print()
    print(f"Seconds: {'best of %d runs' % args.repeat if args.repeat > 1 else 'one run'} (steps 1 and 3), time.perf_counter.")
    first = rows[1][1]
    if postgres and units_n == TARGET_UNITS:
        verdict = "PASS" if first < TARGET_SECONDS and rows[2][1] < TARGET_SECONDS else "FAIL"
        print(f"- Target, recompute {TARGET_UNITS:,} units < {TARGET_SECONDS:.0f} s on PostgreSQL: **{verdict}** — "
              f"{first:.1f} s first run, {rows[2][1]:.1f} s unchanged")
    else:
        print(f"- Target ({TARGET_UNITS:,} units on PostgreSQL): NOT EVALUATED here — {units_n:,} units in {first:.1f} s")


if __name__ == "__main__":
    main()
