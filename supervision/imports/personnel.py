"""Importing the principals, directors and officers (质量安全管理人员) of registered units."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from ..models import Jurisdiction, Person, PersonRole, ProductionUnit
from ..personal_data import id_number_encrypt, id_number_hash, id_number_mask
from .cells import CellError, parse_date, parse_mobile, parse_required_text, parse_resident_id
from .changes import bulk_log_changes, field_changes
from .result import Column, ImportResult, PlannedChange, RowError, column_positions
from .table import Table, cell_code, cell_text
from .units import Progress, chunked, diffs_for_preview

PERSON_COLUMNS = [
    Column("uscc", "统一社会信用代码"),
    Column("name", "姓名"),
    Column("id_number", "身份证号"),
    Column("role", "岗位"),
    Column("phone", "手机号"),
    Column("appointed_on", "任职日期"),
]
HEADER = {c.key: c.header for c in PERSON_COLUMNS}
ROLE_WORDS = {
    "主要负责人": PersonRole.PRINCIPAL, "负责人": PersonRole.PRINCIPAL,
    "质量安全总监": PersonRole.DIRECTOR, "总监": PersonRole.DIRECTOR,
    "质量安全员": PersonRole.OFFICER, "安全员": PersonRole.OFFICER,
}
PERSON_FIELDS = ["name", "role", "phone", "appointed_on", "left_on"]
# Shown and logged as changed, never with their values (PIPL Art. 28; see personal_data.py).
PERSONAL_FIELDS = frozenset({"phone", "id_number"})


@dataclass
class PersonRow:
    row: int
    unit_id: int
    uscc: str
    id_number: str
    id_hash: str
    name: str
    role: str
    phone: str
    appointed_on: date | None
    left_on: date | None = None
    person_id: int | None = None
    changes: dict | None = None


def personnel_import(
    *, table: Table, jurisdiction: Jurisdiction, actor, dry_run: bool, filename: str = "",
    progress: Progress | None = None, job_id: int | None = None,
) -> ImportResult:
    """Validate every row, plan creates and updates keyed by USCC + ID number, and (unless
    `dry_run`, and only if no row has an error) write them all in one transaction."""
    positions = column_positions(table, PERSON_COLUMNS)
    result = ImportResult(total_rows=len(table.rows))

    usccs = list({cell_code(r[positions["uscc"]]) for r in table.rows if positions["uscc"] < len(r)})
    units: dict[str, int] = {}
    for chunk in chunked(usccs):
        units.update(ProductionUnit.objects.filter(uscc__in=chunk, county__path__startswith=jurisdiction.path).values_list("uscc", "id"))

    rows: list[PersonRow] = []
    seen: dict[tuple[str, str], int] = {}
    for offset, cells in enumerate(table.rows):
        number = offset + 2
        if progress and offset % 2000 == 0:
            progress(offset, len(table.rows))
        parsed = _parse_row(number, cells, positions, units, result.errors)
        if parsed is None:
            continue
        key = (parsed.uscc, parsed.id_hash)
        if key in seen:
            result.errors.append(RowError(number, HEADER["id_number"], id_number_mask(parsed.id_number),
                                          _("The same person of the same unit is on row %(row)s.") % {"row": seen[key]}))
            continue
        seen[key] = number
        rows.append(parsed)

    existing: dict[tuple[int, str], dict] = {}
    for chunk in chunked(list({r.unit_id for r in rows})):
        for values in Person.objects.filter(unit_id__in=chunk).values("id", "unit_id", "id_number_hash", *PERSON_FIELDS):
            existing[(values["unit_id"], values["id_number_hash"])] = values

    to_create, to_update = [], []
    for row in rows:
        current = existing.get((row.unit_id, row.id_hash))
        label = f"{row.name}（{row.uscc}）"
        if current is None:
            to_create.append(row)
            result.plan(PlannedChange(row.row, id_number_mask(row.id_number), label, "create"))
            continue
        row.person_id = current["id"]
        changed = [f for f in PERSON_FIELDS if getattr(row, f) != current[f]]
        if changed:
            row.changes = _person_changes(row, current, changed)
            to_update.append(row)
            result.plan(PlannedChange(row.row, id_number_mask(row.id_number), label, "update", [_label(f) for f in changed],
                                      diffs=diffs_for_preview(row.changes, _label)))
        else:
            result.unchanged += 1

    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        return result
    if dry_run:
        return result
    with transaction.atomic():
        Person.objects.bulk_create([
            Person(
                unit_id=r.unit_id, role=r.role, name=r.name, phone=r.phone, appointed_on=r.appointed_on,
                id_number_encrypted=id_number_encrypt(r.id_number), id_number_hash=r.id_hash,
                id_number_masked=id_number_mask(r.id_number),
            )
            for r in to_create
        ], batch_size=1000)
        Person.objects.bulk_update(
            [Person(pk=r.person_id, **{f: getattr(r, f) for f in PERSON_FIELDS}) for r in to_update],
            PERSON_FIELDS, batch_size=1000,
        )
        bulk_log_changes(model=Person, job_id=job_id, actor=actor, items=[
            (r.person_id, f"{r.name}（{r.uscc}）", r.changes) for r in to_update
        ])
        log(instance=jurisdiction, action="supervision.import_personnel", user=actor, data={
            "file": filename, "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
        })
    result.written = True
    return result


def _person_changes(row: PersonRow, current: dict, changed: list[str]) -> dict:
    roles = dict(PersonRole.choices)
    old = {f: current[f] for f in changed}
    new = {f: getattr(row, f) for f in changed}
    if "role" in changed:
        old["role"], new["role"] = str(roles.get(old["role"], old["role"])), str(roles.get(new["role"], new["role"]))
    return field_changes(old, new, changed, PERSONAL_FIELDS)


def _label(field: str) -> str:
    return {"name": HEADER["name"], "role": HEADER["role"], "phone": HEADER["phone"],
            "appointed_on": HEADER["appointed_on"], "left_on": _("left on"), "id_number": HEADER["id_number"]}[field]


def _parse_row(number, cells, positions, units, errors) -> PersonRow | None:
    def cell(key):
        index = positions[key]
        return cells[index] if index < len(cells) else None

    row_errors: list[RowError] = []
    values: dict = {}

    def run(key, parser, *args):
        try:
            values[key] = parser(cell(key), *args)
        except CellError as error:
            shown = cell_text(cell(key))
            if key == "id_number":  # never echo a whole ID number, even a wrong one
                shown = id_number_mask(cell_code(cell(key)))
            row_errors.append(RowError(number, HEADER[key], shown, str(error)))

    uscc = cell_code(cell("uscc"))
    unit_id = units.get(uscc)
    if unit_id is None:
        message = _("Required; the cell is empty.") if not uscc else _("No unit with this code is registered in your jurisdiction; import the unit first.")
        row_errors.append(RowError(number, HEADER["uscc"], uscc, message))
    run("name", parse_required_text, 32)
    run("id_number", parse_resident_id)
    run("phone", parse_mobile)
    run("appointed_on", parse_date)
    role_text = cell_code(cell("role"))
    role = ROLE_WORDS.get(role_text)
    if role is None:
        row_errors.append(RowError(number, HEADER["role"], cell_text(cell("role")),
                                   _("Must be 主要负责人, 质量安全总监 or 质量安全员.")))
    if row_errors:
        errors.extend(row_errors)
        return None
    return PersonRow(
        row=number, unit_id=unit_id, uscc=uscc, id_number=values["id_number"],
        id_hash=id_number_hash(values["id_number"]), name=values["name"], role=role,
        phone=values["phone"], appointed_on=values["appointed_on"],
    )
