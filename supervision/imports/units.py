"""Importing production units (生产单位) with their qualifications and product categories."""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Jurisdiction,
    JurisdictionLevel,
    ProductCategory,
    ProductionUnit,
    Qualification,
    QualificationKind,
    UnitStatus,
)
from ..rules import director_required_for, size_class_for
from .bulk import filter_in, gc_paused, insert_rows, update_rows
from .cells import (
    CellError,
    parse_amount,
    parse_ccc_number,
    parse_count,
    parse_date,
    parse_licence_number,
    parse_phone,
    parse_required_text,
    parse_text,
    parse_uscc,
    parse_yes_no,
    split_list,
)
from .changes import CHANGED, bulk_log_changes, field_changes
from .result import Column, ImportResult, PlannedChange, Progress, RowError, column_positions, import_conclude, import_file_log
from .table import Table, cell_code, cell_text

UNIT_COLUMNS = [
    Column("uscc", "统一社会信用代码"),
    Column("name", "单位名称"),
    Column("county", "行政区划代码"),
    Column("address", "生产地址"),
    Column("legal_representative", "法定代表人"),
    Column("phone", "联系电话"),
    Column("employee_count", "从业人员数"),
    Column("revenue_wan", "营业收入（万元）"),
    Column("licences", "生产许可证编号"),
    Column("cccs", "强制性产品认证证书编号"),
    Column("categories", "产品类别"),
    Column("mandatory_standard", "涉及强制性国家标准"),
    Column("licence_valid_until", "生产许可证有效期至", required=False),
    Column("ccc_valid_until", "强制性产品认证证书有效期至", required=False),
]
HEADER = {c.key: c.header for c in UNIT_COLUMNS}

# The unit fields a row sets, compared to decide "update" or "unchanged".
UNIT_FIELDS = [
    "name", "county_id", "address", "legal_representative", "phone", "employee_count", "revenue_wan",
    "mandatory_standard", "size_class", "director_required",
]

@dataclass
class UnitRow:
    row: int
    uscc: str
    name: str
    county_id: int
    address: str
    legal_representative: str
    phone: str
    employee_count: int | None
    revenue_wan: Decimal | None
    mandatory_standard: bool
    category_ids: frozenset[int]
    qualifications: frozenset[tuple[str, str, date | None]]  # (kind, number, valid_until)
    size_class: str = ""
    director_required: bool = False
    unit_id: int | None = field(default=None)


class _Context:
    """What every row is checked against, loaded once per import."""

    def __init__(self, jurisdiction: Jurisdiction):
        self.jurisdiction = jurisdiction
        self.counties_in_scope = {
            code: pk for code, pk in Jurisdiction.objects.filter(
                path__startswith=jurisdiction.path, level=JurisdictionLevel.COUNTY,
            ).values_list("code", "pk")
        }
        self.known_codes = None  # loaded only if a code is not in scope
        self.categories = {name: pk for name, pk in ProductCategory.objects.values_list("name", "pk")}

    def county_error(self, code: str) -> str:
        if self.known_codes is None:
            self.known_codes = dict(Jurisdiction.objects.values_list("code", "level"))
        level = self.known_codes.get(code)
        if level is None:
            return _("No such division code.")
        if level != JurisdictionLevel.COUNTY:
            return _("Not a county-level division; give the county (区/县/县级市) code.")
        return _("The county is outside your jurisdiction.")


# (key, parser, extra args) for the plain columns, in the order errors are reported.
_PLAIN_COLUMNS = [
    ("uscc", parse_uscc, ()),
    ("name", parse_required_text, (128,)),
    ("address", parse_text, (255,)),
    ("legal_representative", parse_text, (64,)),
    ("phone", parse_phone, ()),
    ("employee_count", parse_count, ()),
    ("revenue_wan", parse_amount, ()),
    ("mandatory_standard", parse_yes_no, ()),
    ("licence_valid_until", parse_date, ()),
    ("ccc_valid_until", parse_date, ()),
]
_QUALIFICATION_COLUMNS = [
    ("licences", QualificationKind.LICENCE, parse_licence_number, "licence_valid_until"),
    ("cccs", QualificationKind.CCC, parse_ccc_number, "ccc_valid_until"),
]


def _parse_row(number: int, cells: list, plan: list, positions: dict[str, int], ctx: _Context, errors: list[RowError]) -> UnitRow | None:
    """One row to a UnitRow, or its errors. `plan` is _PLAIN_COLUMNS with each column's position,
    worked out once per file: this runs for every row of files of 100,000 rows."""
    width = len(cells)
    values: dict = {}
    row_errors: list[RowError] = []
    for key, index, parser, args in plan:
        value = cells[index] if index is not None and index < width else None
        try:
            values[key] = parser(value, *args)
        except CellError as error:
            row_errors.append(RowError(number, HEADER[key], cell_text(value), str(error)))

    def cell(key: str) -> object:
        index = positions.get(key)
        return cells[index] if index is not None and index < width else None

    county_code = cell_code(cell("county"))
    county_id = ctx.counties_in_scope.get(county_code)
    if county_id is None:
        message = _("Required; the cell is empty.") if not county_code else ctx.county_error(county_code)
        row_errors.append(RowError(number, HEADER["county"], county_code, message))

    qualifications = set()
    for key, kind, parser, valid_key in _QUALIFICATION_COLUMNS:
        raw = cell(key)
        if raw is None or raw == "":
            continue
        for text in split_list(raw):
            try:
                qualifications.add((kind, parser(text), values.get(valid_key)))
            except CellError as error:
                row_errors.append(RowError(number, HEADER[key], text, str(error)))

    category_ids = set()
    raw = cell("categories")
    if raw is not None and raw != "":
        for name in split_list(raw):
            pk = ctx.categories.get(name)
            if pk is None:
                row_errors.append(RowError(number, HEADER["categories"], name, _("Not in the product category list.")))
            else:
                category_ids.add(pk)

    if row_errors:
        errors.extend(row_errors)
        return None
    size_class = size_class_for(employee_count=values["employee_count"], revenue_wan=values["revenue_wan"])
    return UnitRow(
        row=number, uscc=values["uscc"], name=values["name"], county_id=county_id,
        address=values["address"], legal_representative=values["legal_representative"],
        phone=values["phone"], employee_count=values["employee_count"], revenue_wan=values["revenue_wan"],
        mandatory_standard=values["mandatory_standard"], category_ids=frozenset(category_ids),
        qualifications=frozenset(qualifications), size_class=size_class,
        director_required=director_required_for(
            has_licence_or_ccc=bool(qualifications), size_class=size_class,
            mandatory_standard=values["mandatory_standard"],
        ),
    )


@gc_paused
def units_import(
    *, table: Table, jurisdiction: Jurisdiction, actor, dry_run: bool, filename: str = "",
    progress: Progress | None = None, job_id: int | None = None,
) -> ImportResult:
    """Validate every row, plan creates and updates keyed by USCC, and (unless `dry_run`, and only
    if no row has an error) write them all in one transaction."""
    positions = column_positions(table, UNIT_COLUMNS)
    plan = [(key, positions.get(key), parser, args) for key, parser, args in _PLAIN_COLUMNS]
    ctx = _Context(jurisdiction)
    result = ImportResult(total_rows=len(table.rows))
    rows: list[UnitRow] = []
    seen_uscc: dict[str, int] = {}
    seen_numbers: dict[tuple[str, str], int] = {}
    for offset, cells in enumerate(table.rows):
        number = offset + 2
        parsed = _parse_row(number, cells, plan, positions, ctx, result.errors)
        if progress and offset % 2000 == 0:
            progress(offset, len(table.rows))
        if parsed is None:
            continue
        if parsed.uscc in seen_uscc:
            result.errors.append(RowError(number, HEADER["uscc"], parsed.uscc,
                                          _("Same code as row %(row)s.") % {"row": seen_uscc[parsed.uscc]}))
            continue
        seen_uscc[parsed.uscc] = number
        for kind, qualification_number, _valid in parsed.qualifications:
            other = seen_numbers.setdefault((kind, qualification_number), number)
            if other != number:
                column = HEADER["licences" if kind == QualificationKind.LICENCE else "cccs"]
                result.errors.append(RowError(number, column, qualification_number,
                                              _("Same certificate number as row %(row)s.") % {"row": other}))
        rows.append(parsed)

    existing = _load_existing(rows)
    _check_against_database(rows, existing, seen_numbers, ctx, result)
    to_create, to_update = _plan(rows, existing, result)

    def write():
        _write(to_create, to_update)
        bulk_log_changes(model=ProductionUnit, job_id=job_id, actor=actor, items=[
            (row.unit_id, row.name, changes) for row, _changed, changes in to_update
        ])
        import_file_log(jurisdiction=jurisdiction, action="supervision.import_units", actor=actor, filename=filename, result=result)

    return import_conclude(result=result, dry_run=dry_run, write=write, progress=progress)


@dataclass
class _Existing:
    units: dict[str, tuple]  # uscc -> (id, county path, *UNIT_FIELDS)
    categories: dict[int, frozenset[int]]
    qualifications: dict[int, frozenset[tuple[str, str, date | None]]]


_ID, _COUNTY_PATH, _FIELDS_FROM = 0, 1, 2  # positions in an _Existing.units tuple
_row_fields = operator.attrgetter(*UNIT_FIELDS)  # a UnitRow's UNIT_FIELDS as one tuple


def _load_existing(rows: list[UnitRow]) -> _Existing:
    units: dict[str, tuple] = {}
    for queryset in filter_in(ProductionUnit.objects.all(), "uscc", [r.uscc for r in rows]):
        for uscc, *values in queryset.values_list("uscc", "id", "county__path", *UNIT_FIELDS):
            units[uscc] = tuple(values)
    ids = [v[_ID] for v in units.values()]
    categories: dict[int, set] = {}
    qualifications: dict[int, set] = {}
    Through = ProductionUnit.categories.through
    for queryset in filter_in(Through.objects.all(), "productionunit_id", ids):
        for unit_id, category_id in queryset.values_list("productionunit_id", "productcategory_id"):
            categories.setdefault(unit_id, set()).add(category_id)
    for queryset in filter_in(Qualification.objects.all(), "unit_id", ids):
        for unit_id, kind, number, valid_until in queryset.values_list("unit_id", "kind", "number", "valid_until"):
            qualifications.setdefault(unit_id, set()).add((kind, number, valid_until))
    return _Existing(
        units=units,
        categories={k: frozenset(v) for k, v in categories.items()},
        qualifications={k: frozenset(v) for k, v in qualifications.items()},
    )


def _check_against_database(rows, existing: _Existing, seen_numbers, ctx: _Context, result: ImportResult) -> None:
    for row in rows:
        current = existing.units.get(row.uscc)
        if current is not None and not current[_COUNTY_PATH].startswith(ctx.jurisdiction.path):
            result.errors.append(RowError(row.row, HEADER["uscc"], row.uscc,
                                          _("This unit is registered in another jurisdiction.")))
    # A certificate number belongs to one unit only: it may move with its own unit's row, nothing else.
    uscc_by_row = {row.row: row.uscc for row in rows}
    numbers = list({number for (_kind, number) in seen_numbers})
    # kind narrows nothing (a number is looked up with its kind below) but leads the unique index.
    kinds = sorted({kind for (kind, _number) in seen_numbers})
    for queryset in filter_in(Qualification.objects.filter(kind__in=kinds), "number", numbers):
        for kind, number, owner_uscc in queryset.values_list("kind", "number", "unit__uscc"):
            row_number = seen_numbers.get((kind, number))
            if row_number is not None and uscc_by_row.get(row_number) != owner_uscc:
                column = HEADER["licences" if kind == QualificationKind.LICENCE else "cccs"]
                result.errors.append(RowError(row_number, column, number,
                                              _("This certificate number is registered to another unit.")))


def _plan(rows: list[UnitRow], existing: _Existing, result: ImportResult):
    to_create: list[UnitRow] = []
    to_update: list[tuple[UnitRow, list[str], dict]] = []
    names: dict = {}
    label = _field_labels().__getitem__  # gettext once per import, not per changed field
    no_ids = frozenset()
    for row in rows:
        current = existing.units.get(row.uscc)
        if current is None:
            to_create.append(row)
            if result.shows_more_changes:
                result.plan(PlannedChange(row.row, row.uscc, row.name, "create"))
            else:
                result.count("create")
            continue
        row.unit_id = current[_ID]
        old = current[_FIELDS_FROM:]
        new = _row_fields(row)
        changed = [] if new == old else [f for f, a, b in zip(UNIT_FIELDS, new, old) if a != b]
        if existing.categories.get(row.unit_id, no_ids) != row.category_ids:
            changed.append("categories")
        if existing.qualifications.get(row.unit_id, no_ids) != row.qualifications:
            changed.append("qualifications")
        if changed:
            changes = _unit_changes(row, dict(zip(UNIT_FIELDS, old)), existing, names, changed)
            to_update.append((row, changed, changes))
            if result.shows_more_changes:
                result.plan(PlannedChange(row.row, row.uscc, row.name, "update", [label(f) for f in changed],
                                          diffs=diffs_for_preview(changes, label)))
            else:
                result.count("update")
        else:
            result.unchanged += 1
    return to_create, to_update


def _unit_changes(row: UnitRow, current: dict, existing: _Existing, names: dict, changed: list[str]) -> dict:
    """Field → [old, new] for the `changed` fields, in words a reader knows: the county by its
    code, categories by name. `names` holds the code and category lookups, loaded once per import
    when first needed."""
    old = {f: current[f] for f in changed if f in current}
    new = {f: getattr(row, f) for f in old}
    if "county_id" in old:
        if "county" not in names:
            names["county"] = dict(Jurisdiction.objects.filter(level=JurisdictionLevel.COUNTY).values_list("pk", "code"))
        old["county_id"], new["county_id"] = names["county"].get(old["county_id"]), names["county"].get(new["county_id"])
    if "categories" in changed:
        if "category" not in names:
            names["category"] = dict(ProductCategory.objects.values_list("pk", "name"))
        old["categories"] = frozenset(names["category"].get(c, c) for c in existing.categories.get(row.unit_id, frozenset()))
        new["categories"] = frozenset(names["category"].get(c, c) for c in row.category_ids)

    def shown(qualifications):
        return frozenset(f"{n}（{v}）" if v else n for _k, n, v in qualifications)

    if "qualifications" in changed:
        old["qualifications"] = shown(existing.qualifications.get(row.unit_id, frozenset()))
        new["qualifications"] = shown(row.qualifications)
    return field_changes(old, new, changed)


def diffs_for_preview(changes: dict, label) -> list[list]:
    return [[str(label(f)), "", "", True] if v == CHANGED else [str(label(f)), v[0], v[1], False] for f, v in changes.items()]


def _field_labels() -> dict[str, str]:
    return {
        "county_id": HEADER["county"], "name": HEADER["name"], "address": HEADER["address"],
        "legal_representative": HEADER["legal_representative"], "phone": HEADER["phone"],
        "employee_count": HEADER["employee_count"], "revenue_wan": HEADER["revenue_wan"],
        "mandatory_standard": HEADER["mandatory_standard"], "categories": HEADER["categories"],
        "qualifications": _("licences and certificates"), "size_class": _("size class"),
        "director_required": _("director required"),
    }


def _adapters():
    """Per-type value adapters for raw inserts (psycopg takes Python values as they are)."""
    ops = connection.ops
    if connection.vendor == "postgresql":
        return (lambda d: d), (lambda v: v)
    return ops.adapt_datefield_value, (lambda v: None if v is None else ops.adapt_decimalfield_value(v, 14, 2))


def _write(to_create: list[UnitRow], to_update: list[tuple[UnitRow, list[str], dict]]) -> None:
    adapt_date, adapt_decimal = _adapters()
    now = timezone.now()
    stamp = now if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(now)
    insert_rows(ProductionUnit, [
        "uscc", "name", "county_id", "address", "legal_representative", "phone", "employee_count",
        "revenue_wan", "mandatory_standard", "size_class", "director_required", "status", "updated_at",
    ], [
        (r.uscc, r.name, r.county_id, r.address, r.legal_representative, r.phone, r.employee_count,
         adapt_decimal(r.revenue_wan), r.mandatory_standard, r.size_class, r.director_required, UnitStatus.ACTIVE, stamp)
        for r in to_create
    ])
    ids: dict[str, int] = {}
    for queryset in filter_in(ProductionUnit.objects.all(), "uscc", [r.uscc for r in to_create]):
        ids.update(queryset.values_list("uscc", "id"))
    for row in to_create:
        row.unit_id = ids[row.uscc]

    update_rows(ProductionUnit, [*UNIT_FIELDS, "updated_at"], [
        (row.unit_id, row.name, row.county_id, row.address, row.legal_representative, row.phone, row.employee_count,
         adapt_decimal(row.revenue_wan), row.mandatory_standard, row.size_class, row.director_required, stamp)
        for row, _c, _d in to_update
    ])

    category_rows = [r for r in to_create if r.category_ids] + [r for r, c, _d in to_update if "categories" in c]
    qualification_rows = [r for r in to_create if r.qualifications] + [r for r, c, _d in to_update if "qualifications" in c]
    Through = ProductionUnit.categories.through
    for queryset in filter_in(Through.objects.all(), "productionunit_id", [r.unit_id for r, c, _d in to_update if "categories" in c]):
        queryset.delete()
    insert_rows(Through, ["productionunit_id", "productcategory_id"],
                 [(r.unit_id, c) for r in category_rows for c in sorted(r.category_ids)])
    for queryset in filter_in(Qualification.objects.all(), "unit_id", [r.unit_id for r, c, _d in to_update if "qualifications" in c]):
        queryset.delete()
    insert_rows(Qualification, ["unit_id", "kind", "number", "valid_until"],
                 [(r.unit_id, k, n, adapt_date(v)) for r in qualification_rows for (k, n, v) in sorted(r.qualifications, key=str)])
