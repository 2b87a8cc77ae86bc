"""Importing production units (生产单位) with their qualifications and product categories."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from ..models import (
    Jurisdiction,
    JurisdictionLevel,
    ProductCategory,
    ProductionUnit,
    Qualification,
    QualificationKind,
)
from ..rules import director_required_for, size_class_for
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
from .result import Column, ImportResult, PlannedChange, RowError, column_positions
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
CHUNK = 900  # SQLite allows 999 parameters in one query

Progress = Callable[[int, int], None]


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


def chunked(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


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


def _parse_row(number: int, cells: list, positions: dict[str, int], ctx: _Context, errors: list[RowError]) -> UnitRow | None:
    def cell(key: str) -> object:
        index = positions.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    values: dict = {}
    row_errors: list[RowError] = []

    def run(key: str, parser, *args):
        try:
            values[key] = parser(cell(key), *args)
        except CellError as error:
            row_errors.append(RowError(number, HEADER[key], cell_text(cell(key)), str(error)))

    run("uscc", parse_uscc)
    run("name", parse_required_text, 128)
    run("address", parse_text, 255)
    run("legal_representative", parse_text, 64)
    run("phone", parse_phone)
    run("employee_count", parse_count)
    run("revenue_wan", parse_amount)
    run("mandatory_standard", parse_yes_no)
    run("licence_valid_until", parse_date)
    run("ccc_valid_until", parse_date)

    county_code = cell_code(cell("county"))
    county_id = ctx.counties_in_scope.get(county_code)
    if county_id is None:
        message = _("Required; the cell is empty.") if not county_code else ctx.county_error(county_code)
        row_errors.append(RowError(number, HEADER["county"], county_code, message))

    qualifications = set()
    for key, kind, parser, valid_key in (
        ("licences", QualificationKind.LICENCE, parse_licence_number, "licence_valid_until"),
        ("cccs", QualificationKind.CCC, parse_ccc_number, "ccc_valid_until"),
    ):
        for text in split_list(cell(key)):
            try:
                qualifications.add((kind, parser(text), values.get(valid_key)))
            except CellError as error:
                row_errors.append(RowError(number, HEADER[key], text, str(error)))

    category_ids = set()
    for name in split_list(cell("categories")):
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


def units_import(
    *, table: Table, jurisdiction: Jurisdiction, actor, dry_run: bool, filename: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Validate every row, plan creates and updates keyed by USCC, and (unless `dry_run`, and only
    if no row has an error) write them all in one transaction."""
    positions = column_positions(table, UNIT_COLUMNS)
    ctx = _Context(jurisdiction)
    result = ImportResult(total_rows=len(table.rows))
    rows: list[UnitRow] = []
    seen_uscc: dict[str, int] = {}
    seen_numbers: dict[tuple[str, str], int] = {}
    for offset, cells in enumerate(table.rows):
        number = offset + 2
        parsed = _parse_row(number, cells, positions, ctx, result.errors)
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

    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        return result
    if dry_run:
        return result
    with transaction.atomic():
        _write(to_create, to_update)
        log(instance=jurisdiction, action="supervision.import_units", user=actor, data={
            "file": filename, "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
        })
    result.written = True
    if progress:
        progress(len(table.rows), len(table.rows))
    return result


@dataclass
class _Existing:
    units: dict[str, dict]  # uscc -> field values (with "id" and "county_path")
    categories: dict[int, frozenset[int]]
    qualifications: dict[int, frozenset[tuple[str, str, date | None]]]


def _load_existing(rows: list[UnitRow]) -> _Existing:
    units: dict[str, dict] = {}
    for chunk in chunked([r.uscc for r in rows]):
        for values in ProductionUnit.objects.filter(uscc__in=chunk).values("id", "uscc", "county__path", *UNIT_FIELDS):
            units[values["uscc"]] = values
    ids = [v["id"] for v in units.values()]
    categories: dict[int, set] = {}
    qualifications: dict[int, set] = {}
    Through = ProductionUnit.categories.through
    for chunk in chunked(ids):
        for unit_id, category_id in Through.objects.filter(productionunit_id__in=chunk).values_list("productionunit_id", "productcategory_id"):
            categories.setdefault(unit_id, set()).add(category_id)
        for unit_id, kind, number, valid_until in Qualification.objects.filter(unit_id__in=chunk).values_list("unit_id", "kind", "number", "valid_until"):
            qualifications.setdefault(unit_id, set()).add((kind, number, valid_until))
    return _Existing(
        units=units,
        categories={k: frozenset(v) for k, v in categories.items()},
        qualifications={k: frozenset(v) for k, v in qualifications.items()},
    )


def _check_against_database(rows, existing: _Existing, seen_numbers, ctx: _Context, result: ImportResult) -> None:
    for row in rows:
        current = existing.units.get(row.uscc)
        if current is not None and not current["county__path"].startswith(ctx.jurisdiction.path):
            result.errors.append(RowError(row.row, HEADER["uscc"], row.uscc,
                                          _("This unit is registered in another jurisdiction.")))
    # A certificate number belongs to one unit only: it may move with its own unit's row, nothing else.
    uscc_by_row = {row.row: row.uscc for row in rows}
    numbers = list({number for (_kind, number) in seen_numbers})
    for chunk in chunked(numbers):
        owners = Qualification.objects.filter(number__in=chunk).values_list("kind", "number", "unit__uscc")
        for kind, number, owner_uscc in owners:
            row_number = seen_numbers.get((kind, number))
            if row_number is not None and uscc_by_row.get(row_number) != owner_uscc:
                column = HEADER["licences" if kind == QualificationKind.LICENCE else "cccs"]
                result.errors.append(RowError(row_number, column, number,
                                              _("This certificate number is registered to another unit.")))


def _plan(rows: list[UnitRow], existing: _Existing, result: ImportResult):
    to_create: list[UnitRow] = []
    to_update: list[tuple[UnitRow, list[str]]] = []
    for row in rows:
        current = existing.units.get(row.uscc)
        if current is None:
            to_create.append(row)
            result.plan(PlannedChange(row.row, row.uscc, row.name, "create"))
            continue
        row.unit_id = current["id"]
        changed = [f for f in UNIT_FIELDS if getattr(row, f) != current[f]]
        if existing.categories.get(row.unit_id, frozenset()) != row.category_ids:
            changed.append("categories")
        if existing.qualifications.get(row.unit_id, frozenset()) != row.qualifications:
            changed.append("qualifications")
        if changed:
            to_update.append((row, changed))
            result.plan(PlannedChange(row.row, row.uscc, row.name, "update", [_field_label(f) for f in changed]))
        else:
            result.unchanged += 1
    return to_create, to_update


def _field_label(name: str) -> str:
    labels = {
        "county_id": HEADER["county"], "name": HEADER["name"], "address": HEADER["address"],
        "legal_representative": HEADER["legal_representative"], "phone": HEADER["phone"],
        "employee_count": HEADER["employee_count"], "revenue_wan": HEADER["revenue_wan"],
        "mandatory_standard": HEADER["mandatory_standard"], "categories": HEADER["categories"],
        "qualifications": _("licences and certificates"), "size_class": _("size class"),
        "director_required": _("director required"),
    }
    return labels[name]


def _write(to_create: list[UnitRow], to_update: list[tuple[UnitRow, list[str]]]) -> None:
    new_units = [
        ProductionUnit(uscc=r.uscc, **{f: getattr(r, f) for f in UNIT_FIELDS}) for r in to_create
    ]
    ProductionUnit.objects.bulk_create(new_units, batch_size=1000)
    if any(u.pk is None for u in new_units):  # a backend that returns no ids
        ids = dict(ProductionUnit.objects.filter(uscc__in=[u.uscc for u in new_units]).values_list("uscc", "id"))
        for unit in new_units:
            unit.pk = ids[unit.uscc]
    for row, unit in zip(to_create, new_units):
        row.unit_id = unit.pk

    if to_update:
        changed_units = []
        for row, _changed in to_update:
            unit = ProductionUnit(pk=row.unit_id, uscc=row.uscc, **{f: getattr(row, f) for f in UNIT_FIELDS})
            changed_units.append(unit)
        ProductionUnit.objects.bulk_update(changed_units, UNIT_FIELDS, batch_size=1000)

    category_rows = [r for r in to_create if r.category_ids] + [r for r, c in to_update if "categories" in c]
    qualification_rows = [r for r in to_create if r.qualifications] + [r for r, c in to_update if "qualifications" in c]
    Through = ProductionUnit.categories.through
    for chunk in chunked([r.unit_id for r, c in to_update if "categories" in c]):
        Through.objects.filter(productionunit_id__in=chunk).delete()
    Through.objects.bulk_create(
        [Through(productionunit_id=r.unit_id, productcategory_id=c) for r in category_rows for c in r.category_ids],
        batch_size=2000,
    )
    for chunk in chunked([r.unit_id for r, c in to_update if "qualifications" in c]):
        Qualification.objects.filter(unit_id__in=chunk).delete()
    Qualification.objects.bulk_create(
        [Qualification(unit_id=r.unit_id, kind=k, number=n, valid_until=v) for r in qualification_rows for (k, n, v) in r.qualifications],
        batch_size=2000,
    )
