"""Benchmark: importing production units, against the baselines of the same run.

    .venv/bin/python bench/import_units.py [--rows N] [--xlsx-rows M] [--repeat R] [--postgres]

Generates N valid unit rows (supervision.fake_register) and measures rows/s for
  1. a bare `ProductionUnit.objects.bulk_create` of the same rows (the baseline),
  2. our import (`register_import_file`, CSV, end to end: read, validate, plan, write),
  3. a plain django-import-export `ModelResource` with defaults (on at most 10,000 rows),
  4. re-importing the same CSV (every row unchanged) through our import,
  4b. re-importing a CSV where every row's phone and name changed: every row updated, and with
      the change log (issue 14) one supervision.import_change entry per unit,
  5. an xlsx of M units through our import, end to end (target: 100,000 in under 60 s),
  6. their quality staff (N person rows over the same units): a bare `Person.objects.bulk_create`
     of pre-parsed, pre-encrypted rows, our personnel import, a re-import with every phone and
     name changed (the update path: COPY + UPDATE … FROM on PostgreSQL), and a complete-staff
     re-import leaving every tenth person out (they leave their post, one log entry each).
Targets (issue): our import >= 50 % of the bulk_create rate; xlsx of 100,000 units < 60 s.

The script never touches the developer's database. SQLite (default): a temporary file, deleted at
the end. PostgreSQL (`--postgres`, or DATABASE_URL is a postgres URL): a dedicated database
`zlaq_bench` on the same server (dropped and created at the start, dropped at the end); the
database named in DATABASE_URL is only used for its host, port and credentials, unless its name
starts with `zlaq_bench` (`zlaq_bench_NAME`, so parallel runs each drop only their own).

Timings run without tracemalloc (it slows allocation-heavy code several-fold); the traced peak of
each step comes from one extra, untimed pass. Tables are emptied outside the timed regions.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import shlex
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

BENCH_DB_NAME = "zlaq_bench"
DEFAULT_POSTGRES_URL = f"postgres://postgres@127.0.0.1:5432/{BENCH_DB_NAME}"
IMPORT_EXPORT_MAX_ROWS = 10_000
XLSX_TARGET_ROWS = 100_000
XLSX_TARGET_SECONDS = 60.0
RATIO_TARGET = 0.50
CITY_CODE = "330100"  # 杭州市: the importing jurisdiction; the rows use its counties
GIVEN_DATABASE_URL = os.environ.get("DATABASE_URL", "")  # as the user set it, for the report


# --------------------------------------------------------------------------- database set-up


@dataclass
class BenchDatabase:
    url: str
    postgres: bool
    cleanup_note: str = ""
    name: str = BENCH_DB_NAME

    def create(self) -> None:
        if self.postgres:
            self._postgres_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self._postgres_admin(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        from django.db import connections

        connections.close_all()
        if self.postgres:
            self._postgres_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        else:
            path = urlsplit(self.url).path[1:]  # sqlite:////tmp/x -> /tmp/x
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(path + suffix).unlink(missing_ok=True)

    def _postgres_admin(self, sql: str) -> None:
        import psycopg

        maintenance = urlunsplit(urlsplit(self.url)._replace(path="/postgres"))
        with psycopg.connect(maintenance, autocommit=True) as conn:
            conn.execute(sql)


def choose_database(force_postgres: bool) -> BenchDatabase:
    """Decide the benchmark's own database and point DATABASE_URL at it (before django.setup())."""
    given = os.environ.get("DATABASE_URL", "")
    if force_postgres or given.startswith(("postgres://", "postgresql://", "pgsql://")):
        base = urlsplit(given if given.startswith(("postgres", "pgsql")) else DEFAULT_POSTGRES_URL)
        given_name = base.path.lstrip("/")
        name = given_name if given_name.startswith(BENCH_DB_NAME) else BENCH_DB_NAME
        url = urlunsplit(base._replace(path=f"/{name}"))  # never a database that is not a bench's
        os.environ["DATABASE_URL"] = url
        return BenchDatabase(url=url, postgres=True, name=name)
    if given:
        if not given.startswith("sqlite:///"):
            sys.exit(f"bench: unsupported DATABASE_URL {given!r} (use a postgres URL or a new sqlite file)")
        if Path(urlsplit(given).path[1:]).exists():
            sys.exit(f"bench: {given} exists; the benchmark deletes its database afterwards, so give a new file")
        return BenchDatabase(url=given, postgres=False)
    url = f"sqlite:///{tempfile.gettempdir()}/zlaq-bench-{os.getpid()}.sqlite3"
    os.environ["DATABASE_URL"] = url
    return BenchDatabase(url=url, postgres=False)


def setup_django(db: BenchDatabase) -> None:
    import django

    os.environ["DEBUG"] = "0"  # DEBUG=1 logs every query's SQL: not what production runs
    db.create()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    from supervision.demo import DIVISIONS_FILE
    from supervision.services.jurisdictions import jurisdictions_load

    jurisdictions_load(path=DIVISIONS_FILE)


def database_description() -> str:
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        return f"PostgreSQL {version}, database `{connection.settings_dict['NAME']}`"
    return f"{connection.vendor} {connection.Database.sqlite_version}, file `{connection.settings_dict['NAME']}`"


def empty_register() -> None:
    """Delete units, their qualifications, people and category links. Never inside a timed region."""
    from django.db import connection, transaction
    from supervision.models import Person, ProductionUnit, Qualification

    tables = [
        ProductionUnit.categories.through._meta.db_table,
        Qualification._meta.db_table,
        Person._meta.db_table,
        ProductionUnit._meta.db_table,
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE TABLE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
        else:
            for table in tables:
                cursor.execute(f'DELETE FROM "{table}"')
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # each run starts with an empty WAL
    gc.collect()


# --------------------------------------------------------------------------- the data


@dataclass
class BenchData:
    jurisdiction: object  # the city importing
    county_ids: dict[str, int]
    rows: list[dict]  # the N rows, keyed by the template headers
    csv: bytes
    xlsx_rows: int = 0
    xlsx: bytes = b""
    changed_csv: bytes = b""  # the same units, every phone and name changed
    unit_csv: bytes = b""  # all N units, for the persons' measurements
    people: list[dict] = field(default_factory=list)  # N person rows over those units
    people_csv: bytes = b""
    people_changed_csv: bytes = b""  # every phone and name changed
    people_complete_csv: bytes = b""  # every tenth person left out, for a complete-staff import
    people_left_out: int = 0  # how many of them the complete-staff import must mark as left


def make_data(rows_n: int, xlsx_n: int) -> BenchData:
    from supervision.fake_register import rows_to_csv, rows_to_xlsx, unit_rows
    from supervision.imports.units import UNIT_COLUMNS
    from supervision.models import Jurisdiction, JurisdictionLevel

    city = Jurisdiction.objects.get(code=CITY_CODE)
    county_ids = dict(
        Jurisdiction.objects.filter(path__startswith=city.path, level=JurisdictionLevel.COUNTY).values_list("code", "pk")
    )
    headers = [c.header for c in UNIT_COLUMNS]
    all_rows = unit_rows(max(rows_n, xlsx_n), sorted(county_ids), seed=1)
    data = BenchData(jurisdiction=city, county_ids=county_ids, rows=all_rows[:rows_n],
                     csv=rows_to_csv(all_rows[:rows_n], headers))
    from supervision.imports.units import HEADER

    changed = [{**row, HEADER["phone"]: f"0571-{8000_0000 + i:08d}", HEADER["name"]: f"{row[HEADER['name']]}（更名）"}
               for i, row in enumerate(all_rows[:rows_n])]
    data.changed_csv = rows_to_csv(changed, headers)
    if xlsx_n:
        data.xlsx_rows = xlsx_n
        data.xlsx = rows_to_xlsx(all_rows[:xlsx_n], headers)
    make_people(data, rows_n)
    return data


def make_people(data: BenchData, rows_n: int) -> None:
    from supervision.fake_register import person_rows, rows_to_csv
    from supervision.imports.personnel import HEADER, PERSON_COLUMNS

    headers = [c.header for c in PERSON_COLUMNS]
    people = person_rows(data.rows[:max(1, rows_n // 2)], seed=2)[:rows_n]
    data.people = people
    data.people_csv = rows_to_csv(people, headers)
    data.people_changed_csv = rows_to_csv([
        {**row, HEADER["phone"]: f"139{i:08d}", HEADER["name"]: f"{row[HEADER['name']]}新"} for i, row in enumerate(people)
    ], headers)
    kept = [row for i, row in enumerate(people) if i % 10]
    data.people_complete_csv = rows_to_csv(kept, headers)
    units_in_file = {row[HEADER["uscc"]] for row in kept}  # a unit left out entirely is untouched
    data.people_left_out = sum(1 for i, row in enumerate(people) if i % 10 == 0 and row[HEADER["uscc"]] in units_in_file)


def preparsed_units(data: BenchData) -> list[dict]:
    """The rows as ProductionUnit field values, already parsed (the baselines' input)."""
    from supervision.imports.units import HEADER
    from supervision.rules import director_required_for, size_class_for

    units = []
    for row in data.rows:
        employees = int(row[HEADER["employee_count"]])
        revenue = Decimal(str(row[HEADER["revenue_wan"]])).quantize(Decimal("0.01"))
        mandatory = row[HEADER["mandatory_standard"]] == "是"
        size_class = size_class_for(employee_count=employees, revenue_wan=revenue)
        units.append({
            "uscc": row[HEADER["uscc"]],
            "name": row[HEADER["name"]],
            "county_id": data.county_ids[row[HEADER["county"]]],
            "address": row[HEADER["address"]],
            "legal_representative": row[HEADER["legal_representative"]],
            "phone": row[HEADER["phone"]],
            "employee_count": employees,
            "revenue_wan": revenue,
            "mandatory_standard": mandatory,
            "size_class": size_class,
            "director_required": director_required_for(
                has_licence_or_ccc=bool(row[HEADER["licences"]] or row[HEADER["cccs"]]),
                size_class=size_class, mandatory_standard=mandatory,
            ),
        })
    return units


# --------------------------------------------------------------------------- measurements
# Each measurement does only the timed work and returns the number of rows it imported; it stops
# the benchmark if the import reports errors or did not do what was expected.


def measure_bulk_create(units: list[dict]):
    from supervision.models import ProductionUnit

    ProductionUnit.objects.bulk_create([ProductionUnit(**values) for values in units], batch_size=1000)
    return len(units)


def measure_people_bulk_create(data: BenchData, people: list[dict]):
    from supervision.models import Person, ProductionUnit

    unit_ids = dict(ProductionUnit.objects.values_list("uscc", "id"))
    Person.objects.bulk_create([Person(unit_id=unit_ids[p.pop("uscc")], **p) for p in (dict(v) for v in people)], batch_size=1000)
    return len(people)


def preparsed_people(data: BenchData) -> list[dict]:
    """The person rows as Person field values, parsed and encrypted (the persons' baseline input)."""
    from supervision.imports.cells import parse_date
    from supervision.imports.personnel import HEADER, ROLE_WORDS
    from supervision.personal_data import id_number_encrypt, id_number_hash, id_number_mask

    return [{
        "uscc": row[HEADER["uscc"]], "name": row[HEADER["name"]], "role": ROLE_WORDS[row[HEADER["role"]]],
        "phone": row[HEADER["phone"]], "appointed_on": parse_date(row[HEADER["appointed_on"]]),
        "id_number_encrypted": id_number_encrypt(row[HEADER["id_number"]]),
        "id_number_hash": id_number_hash(row[HEADER["id_number"]]), "id_number_masked": id_number_mask(row[HEADER["id_number"]]),
    } for row in data.people]


def empty_people() -> None:
    from django.db import connection, transaction
    from supervision.models import Person
    from wagtail.models import ModelLogEntry

    with transaction.atomic(), connection.cursor() as cursor:
        for model in (Person, ModelLogEntry):
            if connection.vendor == "postgresql":
                cursor.execute(f'TRUNCATE TABLE "{model._meta.db_table}" CASCADE')
            else:
                cursor.execute(f'DELETE FROM "{model._meta.db_table}"')
    gc.collect()


def measure_our_import(data: bytes, filename: str, jurisdiction, expect: str, kind: str = "units", expect_left: int = 0, **options):
    from supervision.services.register import register_import_file

    result = register_import_file(kind=kind, data=data, filename=filename, jurisdiction=jurisdiction,
                                  actor=None, dry_run=False, **options)
    if not result.ok:
        raise SystemExit(f"bench: our import reported {len(result.errors)} errors, first: {result.errors[0]}")
    if expect == "create" and (result.created != result.total_rows or not result.written):
        raise SystemExit(f"bench: expected {result.total_rows} creates, got {result.created}")
    if expect == "update" and result.updated != result.total_rows:
        raise SystemExit(f"bench: expected {result.total_rows} updates, got {result.updated}")
    if expect == "leave" and (result.left != expect_left or not result.written):
        raise SystemExit(f"bench: expected {expect_left} leavers, got {result.left}")
    if expect == "unchanged" and result.unchanged != result.total_rows:
        raise SystemExit(f"bench: expected {result.total_rows} unchanged, got {result.unchanged}/{result.updated}")
    return result.total_rows


def import_export_dataset(units: list[dict]):
    import tablib

    headers = ["uscc", "name", "county", "address", "legal_representative", "phone",
               "employee_count", "revenue_wan", "mandatory_standard"]
    dataset = tablib.Dataset(headers=headers)
    for u in units:
        dataset.append([u["uscc"], u["name"], u["county_id"], u["address"], u["legal_representative"],
                        u["phone"], u["employee_count"], u["revenue_wan"], u["mandatory_standard"]])
    return dataset


def measure_import_export(dataset):
    from import_export import resources
    from supervision.models import ProductionUnit

    class UnitResource(resources.ModelResource):  # django-import-export with its defaults
        # import_id_fields stays ["id"]; the dataset has no id column, so every row is a create.
        class Meta:
            model = ProductionUnit
            fields = ("id", "uscc", "name", "county", "address", "legal_representative", "phone",
                      "employee_count", "revenue_wan", "mandatory_standard")

    result = UnitResource().import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
    if result.has_errors() or result.has_validation_errors():
        raise SystemExit("bench: django-import-export reported errors")
    return len(dataset)


# --------------------------------------------------------------------------- timing and memory


@dataclass
class Step:
    name: str
    note: str = ""
    rows: int = 0
    seconds: list[float] = field(default_factory=list)
    traced_peak_mb: float | None = None
    max_rss_mb: float | None = None

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def rate(self) -> float:
        return self.rows / self.best


def reset_peak_rss() -> bool:
    """Linux: reset the process's RSS high-water mark, so ru_maxrss is this step's peak."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def timed(step: Step, prepare, work) -> None:
    """One timed run: `prepare()` (untimed, e.g. empty the tables), then `work()` under the clock."""
    prepare()
    gc.collect()
    reset_peak_rss()
    start = time.perf_counter()
    rows = work()
    step.seconds.append(time.perf_counter() - start)
    step.rows = rows
    step.max_rss_mb = max(step.max_rss_mb or 0.0, max_rss_mb())


def traced(step: Step, prepare, work) -> None:
    """One untimed run under tracemalloc, for the step's peak of Python allocations."""
    prepare()
    gc.collect()
    tracemalloc.start()
    try:
        work()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    step.traced_peak_mb = peak / 1024 / 1024


# --------------------------------------------------------------------------- report


def fmt_mb(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def print_table(steps: list[Step], baseline: Step) -> None:
    print("| measurement | rows | seconds | rows/s | vs bulk_create | tracemalloc peak (MB) | max RSS (MB) | note |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for s in steps:
        ratio = s.rate / baseline.rate
        print(f"| {s.name} | {s.rows:,} | {s.best:.2f} | {s.rate:,.0f} | {ratio:.0%} | "
              f"{fmt_mb(s.traced_peak_mb)} | {fmt_mb(s.max_rss_mb)} | {s.note} |")
    print()


def print_report(steps: list[Step], baseline: Step, args, rss_per_step: bool, people_steps: list[Step]) -> None:
    print_table(steps, baseline)
    print("Quality staff (persons), over the same units; vs the persons' own bulk_create:")
    print()
    print_table(people_steps, people_steps[0])
    repeat = f"best of {args.repeat} runs" if args.repeat > 1 else "one run"
    rss = ("process peak RSS during the step (ru_maxrss, high-water mark reset before each step)"
           if rss_per_step else "process max RSS so far (ru_maxrss)")
    print(f"Seconds: {repeat}, time.perf_counter, tables emptied before each run outside the clock. "
          f"tracemalloc peak: one extra untimed pass per step. Max RSS: {rss}; "
          f"the process also holds the generated rows and files.")
    print()
    ours = next(s for s in steps if s.name.startswith("our import (CSV"))
    ratio = ours.rate / baseline.rate
    verdict = "PASS" if ratio >= RATIO_TARGET else "FAIL"
    print(f"- Target 1, our import >= {RATIO_TARGET:.0%} of bare bulk_create: **{verdict}** — {ratio:.0%} "
          f"({ours.rate:,.0f} vs {baseline.rate:,.0f} rows/s)")
    xlsx = next((s for s in steps if s.name.startswith("our import (xlsx")), None)
    if xlsx is None:
        print(f"- Target 2, xlsx of {XLSX_TARGET_ROWS:,} units < {XLSX_TARGET_SECONDS:.0f} s: not measured (--xlsx-rows 0)")
    else:
        if xlsx.rows == XLSX_TARGET_ROWS:
            verdict = "PASS" if xlsx.best < XLSX_TARGET_SECONDS else "FAIL"
            detail = f"{xlsx.best:.1f} s ({xlsx.rate:,.0f} rows/s)"
        else:
            verdict = "NOT EVALUATED"
            detail = (f"measured {xlsx.rows:,} rows in {xlsx.best:.1f} s; linear estimate for "
                      f"{XLSX_TARGET_ROWS:,}: {XLSX_TARGET_ROWS / xlsx.rate:.0f} s")
        print(f"- Target 2, xlsx of {XLSX_TARGET_ROWS:,} units end to end < {XLSX_TARGET_SECONDS:.0f} s: "
              f"**{verdict}** — {detail}")


# --------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000, help="rows for the CSV measurements (default 50,000)")
    parser.add_argument("--xlsx-rows", type=int, default=XLSX_TARGET_ROWS,
                        help="units in the end-to-end xlsx measurement (default 100,000; 0 skips it)")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per measurement; the best is reported")
    parser.add_argument("--postgres", action="store_true",
                        help=f"use PostgreSQL (database {BENCH_DB_NAME}; server from DATABASE_URL or {DEFAULT_POSTGRES_URL})")
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip the untimed tracemalloc passes")
    args = parser.parse_args()
    if args.rows < 1 or args.xlsx_rows < 0 or args.repeat < 1:
        parser.error("--rows and --repeat must be >= 1, --xlsx-rows >= 0")
    return args


def main() -> None:
    args = parse_args()
    db = choose_database(args.postgres)
    try:
        setup_django(db)
        run(args)
    finally:
        db.drop()


def print_header(script: str) -> None:
    """The report's first lines, the same in every bench that uses this database: what ran, where,
    and the command that reproduces it."""
    print(f"# bench/{script} — {database_description()}")
    print()
    env = f"DATABASE_URL={shlex.quote(GIVEN_DATABASE_URL)} " if GIVEN_DATABASE_URL else ""
    print(f"Command: `{env}{shlex.join([sys.executable, *sys.argv])}`  ")
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, DEBUG=False")
    print()


def run(args: argparse.Namespace) -> None:
    print_header("import_units.py")

    started = time.perf_counter()
    data = make_data(args.rows, args.xlsx_rows)
    units = preparsed_units(data)
    ie_units = units[:IMPORT_EXPORT_MAX_ROWS]
    dataset = import_export_dataset(ie_units)
    print(f"Generated {len(units):,} rows ({len(data.csv) / 1e6:.1f} MB CSV)"
          + (f" and {data.xlsx_rows:,} for the xlsx ({len(data.xlsx) / 1e6:.1f} MB)" if data.xlsx_rows else "")
          + f" in {time.perf_counter() - started:.0f} s; importing into {data.jurisdiction}, "
          f"{len(data.county_ids)} counties.")
    print()

    city = data.jurisdiction
    nothing = lambda: None  # noqa: E731
    bulk = Step("bare bulk_create (baseline)", "units only, pre-parsed values, batch_size=1000")
    ours = Step("our import (CSV, end to end)", "read + validate + plan + write units, qualifications, categories")
    reimport = Step("our import, re-import unchanged CSV", "every row unchanged, nothing written")
    changed = Step("our import, re-import with every row changed", "every row updated; change log on when the import has one")
    ie = Step("django-import-export ModelResource (defaults)",
              f"on min(N, {IMPORT_EXPORT_MAX_ROWS:,}) rows; units only, pre-parsed values, use_transactions")
    xlsx = Step("our import (xlsx, end to end)", "read + validate + plan + write, as the CSV import")
    steps = [bulk, ours, reimport, changed, ie] + ([xlsx] if data.xlsx_rows else [])
    people = preparsed_people(data)
    p_bulk = Step("persons: bare bulk_create (baseline)", "pre-parsed, pre-encrypted values, batch_size=1000")
    p_ours = Step("persons: our import (CSV, end to end)", "read + validate (ID numbers) + plan + encrypt + write")
    p_changed = Step("persons: re-import with every row changed", "every row updated (COPY + UPDATE … FROM on PostgreSQL), change log on")
    p_leave = Step("persons: complete-staff re-import, every tenth left out", "the others unchanged, the left-out leave (one person_left entry each)")
    people_steps = [p_bulk, p_ours, p_changed, p_leave]
    units_loaded = []

    def with_units(prepare):
        def run_prepare():
            if not units_loaded:  # the units steps leave the tables as they please: load the units once
                empty_register()
                measure_our_import(data.csv, "units.csv", city, "create")
                units_loaded.append(True)
            prepare()
        return run_prepare

    def people_loaded():
        empty_people()
        measure_our_import(data.people_csv, "people.csv", city, "create", kind="personnel")

    def measurements(record):
        record(bulk, empty_register, lambda: measure_bulk_create(units))
        record(ours, empty_register, lambda: measure_our_import(data.csv, "units.csv", city, "create"))
        record(reimport, nothing, lambda: measure_our_import(data.csv, "units.csv", city, "unchanged"))
        record(changed, lambda: (empty_register(), measure_our_import(data.csv, "units.csv", city, "create")),
               lambda: measure_our_import(data.changed_csv, "units.csv", city, "update"))
        record(ie, empty_register, lambda: measure_import_export(dataset))
        if data.xlsx_rows:
            record(xlsx, empty_register, lambda: measure_our_import(data.xlsx, "units.xlsx", city, "create"))
        units_loaded.clear()
        record(p_bulk, with_units(empty_people), lambda: measure_people_bulk_create(data, people))
        record(p_ours, with_units(empty_people), lambda: measure_our_import(data.people_csv, "people.csv", city, "create", kind="personnel"))
        record(p_changed, with_units(people_loaded),
               lambda: measure_our_import(data.people_changed_csv, "people.csv", city, "update", kind="personnel"))
        record(p_leave, with_units(people_loaded),
               lambda: measure_our_import(data.people_complete_csv, "people.csv", city, "leave", kind="personnel",
                                          expect_left=data.people_left_out, complete_staff=True))

    rss_per_step = reset_peak_rss()
    for _ in range(args.repeat):
        measurements(timed)
    if not args.no_tracemalloc:
        measurements(traced)
    empty_register()

    print_report(steps, bulk, args, rss_per_step, people_steps)


if __name__ == "__main__":
    main()
