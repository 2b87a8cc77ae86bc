"""Writing already-validated rows as plain tuples: COPY on PostgreSQL, executemany elsewhere.

No model instances and no signals: every row has been checked before, and the import logs once
(or, for change logs, writes its log rows through here as well). `bulk_create` builds a model
instance per row and, on PostgreSQL, sends every column as an array parameter to UNNEST, whose
text escaping costs more than the insert itself on a file of 20,000 rows."""

from __future__ import annotations

import functools
import gc
from collections.abc import Iterable

from django.db import connection
from django.db.models import F, Lookup, QuerySet


def gc_paused(function):
    """Run `function` with Python's cyclic garbage collector paused (reference counting still frees
    everything that is not in a cycle), and restore it after. An import of 20,000 rows allocates
    millions of small objects that live until it ends (cells, parsed rows, existing rows, diffs):
    each allocation burst triggers a full collection that walks the whole heap to free nothing
    (three of them, about a fifth of an every-row-changed re-import in bench/import_units.py).
    The cycles an import leaves are collected when the collector next runs."""

    @functools.wraps(function)
    def paused(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


def _chunk_size() -> int:
    # SQLite builds of Django report 999 parameters; PostgreSQL has no such limit.
    limit = connection.features.max_query_params
    return 5000 if limit is None else max(100, limit - 50)


def chunked(items: list, size: int | None = None) -> Iterable[list]:
    size = size or _chunk_size()
    for start in range(0, len(items), size):
        yield items[start:start + size]


class _AnyOf(Lookup):
    """`column = ANY(%s)` with the whole list as one array parameter (PostgreSQL). `prepare_rhs`
    off: the list goes to psycopg as it is, not through the field's `get_prep_value`."""

    lookup_name = "zl_any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def filter_in(queryset: QuerySet, field: str, values) -> Iterable[QuerySet]:
    """`queryset` narrowed to rows whose `field` is among `values`, as querysets to iterate in
    turn: on PostgreSQL one, with the list as one array (`= ANY(%s)`); elsewhere one per chunk of
    `IN (...)` under the parameter limit. A 5,000-placeholder IN list costs Django and psycopg
    more to build and parse than the query takes to run (re-importing 20,000 units: 1.2 s of
    IN lists against 0.2 s of arrays, the same rows)."""
    values = list(values)
    if not values:
        return
    if connection.vendor == "postgresql":
        yield queryset.filter(_AnyOf(F(field), values))
        return
    for chunk in chunked(values):
        yield queryset.filter(**{f"{field}__in": chunk})


def insert_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """Plain tuples into a model's table, values already in the database's form."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)


def update_by_copy(model, columns: list[str], rows: list[tuple]) -> None:
    """PostgreSQL: COPY (id, columns) into a temporary table, then one UPDATE … FROM. bulk_update's
    CASE WHEN per column costs seconds per thousand rows; this stays near the speed of an insert."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in ["id", *columns])
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE zl_import_update ON COMMIT DROP AS SELECT {names} FROM {table} WITH NO DATA")
        with cursor.cursor.copy(f"COPY zl_import_update ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        assignments = ", ".join(f"{quote(c)} = u.{quote(c)}" for c in columns)
        cursor.execute(f"UPDATE {table} AS t SET {assignments} FROM zl_import_update AS u WHERE t.id = u.id")
        cursor.execute("DROP TABLE zl_import_update")


def update_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """(id, *columns) tuples, values already in the database's form, onto existing rows: COPY +
    UPDATE … FROM on PostgreSQL, one executemany of `UPDATE … WHERE id = %s` elsewhere (SQLite:
    bulk_update's CASE WHEN took 35 s for 20,000 units, the statements by primary key under 1 s)."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        update_by_copy(model, columns, rows)
        return
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(c)} = %s" for c in columns)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE id = %s",
                           [(*row[1:], row[0]) for row in rows])
