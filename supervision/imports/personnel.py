"""Importing the principals, directors and officers (质量安全管理人员) of registered units.

Order 75 Art. 13 wants the 设立、调整 of these posts recorded, so a post is never overwritten by
who holds it next: a row with a 离任日期 closes the person's post, a "complete staff" file closes
the posts of its units' people it does not list, and a person who comes back gets a new post."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Jurisdiction, Person, PersonRole, ProductionUnit
from ..personal_data import id_number_encrypt, id_number_hash, id_number_mask
from .cells import CellError, parse_date, parse_mobile, parse_required_text, parse_resident_id
from .changes import LEFT_ACTION, bulk_log_changes, bulk_log_entries, field_changes, plain
from .result import Column, ImportResult, PlannedChange, Progress, RowError, column_positions, import_conclude, import_file_log
from .table import Table, cell_code, cell_text
from .bulk import filter_in, gc_paused, update_rows
from .units import diffs_for_preview

PERSON_COLUMNS = [
    Column("uscc", "统一社会信用代码"),
    Column("name", "姓名"),
    Column("id_number", "身份证号"),
    Column("role", "岗位"),
    Column("phone", "手机号"),
    Column("appointed_on", "任职日期"),
    Column("left_on", "离任日期", required=False),
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
    leaves: bool = False  # this row closes a post that is open now


@dataclass
class _Posts:
    """The posts of the file's units, as they are before the import."""

    current: dict[tuple[int, str], dict] = field(default_factory=dict)  # (unit, id hash) → open post
    last_left: dict[tuple[int, str], dict] = field(default_factory=dict)  # → latest closed post
    current_by_unit: dict[int, list[dict]] = field(default_factory=dict)


@dataclass
class _Leaver:
    """An open post of a unit in a complete-staff file whose holder the file does not list."""

    values: dict
    uscc: str


@gc_paused
def personnel_import(
    *, table: Table, jurisdiction: Jurisdiction, actor, dry_run: bool, filename: str = "",
    progress: Progress | None = None, job_id: int | None = None, complete_staff: bool = False,
    today: date | None = None,
) -> ImportResult:
    """Validate every row, plan creates, updates and leavings keyed by USCC + ID number, and
    (unless `dry_run`, and only if no row has an error) write them all in one transaction.

    `complete_staff`: the file lists everyone in post at each unit it names; those of these units
    it leaves out leave their post `today` (the import date). Units not in the file are untouched."""
    today = today or timezone.localdate()
    positions = column_positions(table, PERSON_COLUMNS)
    result = ImportResult(total_rows=len(table.rows))

    usccs = list({cell_code(r[positions["uscc"]]) for r in table.rows if positions["uscc"] < len(r)})
    units: dict[str, int] = {}
    in_scope = ProductionUnit.objects.filter(county__path__startswith=jurisdiction.path)
    for queryset in filter_in(in_scope, "uscc", usccs):
        units.update(queryset.values_list("uscc", "id"))

    rows: list[PersonRow] = []
    seen: dict[tuple[str, str], int] = {}
    for offset, cells in enumerate(table.rows):
        number = offset + 2
        if progress and offset % 2000 == 0:
            progress(offset, len(table.rows))
        parsed = _parse_row(number, cells, positions, units, result.errors, today)
        if parsed is None:
            continue
        key = (parsed.uscc, parsed.id_hash)
        if key in seen:
            result.errors.append(RowError(number, HEADER["id_number"], id_number_mask(parsed.id_number),
                                          _("The same person of the same unit is on row %(row)s.") % {"row": seen[key]}))
            continue
        seen[key] = number
        rows.append(parsed)

    posts = _load_posts(list({r.unit_id for r in rows}))
    to_create, to_update, matched = _plan(rows, posts, result, today)
    leavers = _complete_staff_leavers(rows, posts, matched, result, today) if complete_staff else []

    def write():
        _write(to_create, to_update, leavers, today)
        bulk_log_changes(model=Person, job_id=job_id, actor=actor, items=[
            (r.person_id, f"{r.name}（{r.uscc}）", r.changes) for r in to_update
        ])
        bulk_log_entries(model=Person, action=LEFT_ACTION, actor=actor, items=[
            *((r.person_id, f"{r.name}（{r.uscc}）", _left_data(job_id, r.role, r.appointed_on, r.left_on, False))
              for r in to_update if r.leaves),
            *((p.values["id"], f"{p.values['name']}（{p.uscc}）",
               _left_data(job_id, p.values["role"], p.values["appointed_on"], today, True)) for p in leavers),
        ])
        import_file_log(jurisdiction=jurisdiction, action="supervision.import_personnel", actor=actor, filename=filename,
                        result=result, left=result.left, complete_staff=complete_staff)

    return import_conclude(result=result, dry_run=dry_run, write=write, progress=progress)


def _load_posts(unit_ids: list[int]) -> _Posts:
    posts = _Posts()
    for queryset in filter_in(Person.objects.all(), "unit_id", unit_ids):
        # Oldest closed post first, so the last one kept per person is the latest.
        rows = queryset.order_by("left_on", "pk").values("id", "unit_id", "id_number_hash", *PERSON_FIELDS)
        for values in rows:
            key = (values["unit_id"], values["id_number_hash"])
            if values["left_on"] is None:
                posts.current[key] = values
                posts.current_by_unit.setdefault(values["unit_id"], []).append(values)
            else:
                posts.last_left[key] = values
    return posts


def _plan(rows: list[PersonRow], posts: _Posts, result: ImportResult, today: date):
    to_create: list[PersonRow] = []
    to_update: list[PersonRow] = []
    matched: set[int] = set()
    for row in rows:
        key = (row.unit_id, row.id_hash)
        current = posts.current.get(key)
        past = posts.last_left.get(key)
        if current is None and row.left_on is not None and past is not None:
            current = past  # the row records (or corrects) the post this person already left
        label = f"{row.name}（{row.uscc}）"
        if current is None:
            # A new post, or (Art. 13) a re-appointment after leaving: a new row beside the old one.
            if row.left_on is None:
                row.appointed_on = row.appointed_on or today
            if past is not None and row.appointed_on is not None and row.appointed_on < past["left_on"]:
                result.errors.append(RowError(row.row, HEADER["appointed_on"], plain(row.appointed_on), _(
                    "This person left this unit's post on %(date)s; a new appointment cannot start before that. "
                    "Give the date of the new appointment."
                ) % {"date": past["left_on"]}))
                continue
            if not _left_after_appointed(row, result):
                continue
            _note_namesake(row, posts, result)
            to_create.append(row)
            result.plan(PlannedChange(row.row, id_number_mask(row.id_number), label, "create"))
            continue
        matched.add(current["id"])
        if current["left_on"] is None and row.role != current["role"]:
            adjusted = _adjust_post(row, current, result, today)
            if adjusted is not None:
                to_update.append(adjusted)
                to_create.append(row)
            continue
        row.person_id = current["id"]
        # A blank 任职日期 keeps the recorded one: a post's start is not forgotten by a re-import.
        row.appointed_on = row.appointed_on or current["appointed_on"]
        if not _left_after_appointed(row, result):
            continue
        changed = [f for f in PERSON_FIELDS if getattr(row, f) != current[f]]
        if not changed:
            result.unchanged += 1
            continue
        row.leaves = current["left_on"] is None and row.left_on is not None
        # The leaving itself is logged as supervision.person_left; the other fields as changes.
        row.changes = _person_changes(row, current, [f for f in changed if not (row.leaves and f == "left_on")])
        to_update.append(row)
        if row.leaves:
            result.plan(_leaving_change(row.row, id_number_mask(row.id_number), label, row.role, row.appointed_on,
                                        row.left_on, diffs_for_preview(row.changes, _label)))
        else:
            result.plan(PlannedChange(row.row, id_number_mask(row.id_number), label, "update", [_label(f) for f in changed],
                                      diffs=diffs_for_preview(row.changes, _label) if result.shows_more_changes else []))
    return to_create, to_update, matched


def _note_namesake(row: PersonRow, posts: _Posts, result: ImportResult) -> None:
    """A new person who shares name and post with someone in post at the unit under another ID
    number is most often a corrected ID number: the person is the key, so the import would add a
    second person. Say so in the preview, before anything is written."""
    if len(result.notes) >= 50:
        return
    for values in posts.current_by_unit.get(row.unit_id, []):
        if values["name"] == row.name and values["role"] == row.role and values["id_number_hash"] != row.id_hash:
            result.notes.append(_(
                "Row %(row)s: %(name)s has another ID number than the %(name)s in post at this unit; the file adds a "
                "second person. If the ID number was corrected, upload the file as the unit's complete staff, so "
                "that the record with the old number leaves its post."
            ) % {"row": row.row, "name": row.name})
            return


def _adjust_post(row: PersonRow, current: dict, result: ImportResult, today: date) -> PersonRow | None:
    """Order 75 Art. 13 调整: a person moved to another post of the same unit. The old post closes
    the day the new one starts (its 任职日期 if later than the old one's, else the import date)
    and the new post is a new row, so the record shows both. Returns the closing of the old post."""
    start = row.appointed_on
    if start is None or (current["appointed_on"] is not None and start <= current["appointed_on"]):
        start = today
    if start > today:
        result.errors.append(RowError(row.row, HEADER["appointed_on"], plain(start), _(
            "The new post starts in the future; import the change once it has happened.")))
        return None
    row.appointed_on = start
    if not _left_after_appointed(row, result):
        return None
    label = f"{row.name}（{row.uscc}）"
    roles = dict(PersonRole.choices)
    others = _person_changes(row, current, [f for f in ("name", "phone") if getattr(row, f) != current[f]])
    result.plan(PlannedChange(
        row.row, id_number_mask(row.id_number), label, "update",
        [HEADER["role"], HEADER["appointed_on"], *(_label(f) for f in others)],
        diffs=[
            [HEADER["role"], str(roles[current["role"]]), str(roles[row.role]), False],
            [HEADER["appointed_on"], plain(current["appointed_on"]), plain(start), False],
            *diffs_for_preview(others, _label),
        ],
    ))
    return PersonRow(
        row=row.row, unit_id=row.unit_id, uscc=row.uscc, id_number=row.id_number, id_hash=row.id_hash,
        name=current["name"], role=current["role"], phone=current["phone"], appointed_on=current["appointed_on"],
        left_on=start, person_id=current["id"], changes={}, leaves=True,
    )


def _left_after_appointed(row: PersonRow, result: ImportResult) -> bool:
    if row.left_on is not None and row.appointed_on is not None and row.left_on < row.appointed_on:
        result.errors.append(RowError(row.row, HEADER["left_on"], plain(row.left_on), _(
            "The leaving date is before the appointment date (%(date)s).") % {"date": row.appointed_on}))
        return False
    return True


def _complete_staff_leavers(rows, posts: _Posts, matched: set[int], result: ImportResult, today: date) -> list[_Leaver]:
    """The open posts of every unit in the file whose holder the file does not list."""
    first_row: dict[int, PersonRow] = {}
    for row in rows:
        first_row.setdefault(row.unit_id, row)
    leavers = []
    for unit_id, row in first_row.items():
        for values in posts.current_by_unit.get(unit_id, []):
            if values["id"] in matched:
                continue
            label = f"{values['name']}（{row.uscc}）"
            if values["appointed_on"] is not None and values["appointed_on"] > today:
                result.errors.append(RowError(row.row, HEADER["uscc"], row.uscc, _(
                    "%(person)s is not in this file but was appointed on %(date)s, after today: a post cannot end "
                    "before it starts. Add the person to the file or correct the date."
                ) % {"person": label, "date": values["appointed_on"]}))
                continue
            leavers.append(_Leaver(values, row.uscc))
            result.plan(_leaving_change(0, "", label, values["role"], values["appointed_on"], today, []))
    return leavers


def _leaving_change(row: int, key: str, label: str, role: str, appointed: date | None, left: date, diffs: list) -> PlannedChange:
    """将离任: the post, its start, and the leaving date first among the changes shown."""
    return PlannedChange(row, key, label, "leave", [str(PersonRole(role).label), plain(appointed)],
                         diffs=[[HEADER["left_on"], "", plain(left), False], *diffs])


def _left_data(job_id, role: str, appointed: date | None, left: date, complete_staff: bool) -> dict:
    return {"job": job_id, "role": role, "appointed_on": plain(appointed), "left_on": plain(left),
            "complete_staff": complete_staff}


def _write(to_create: list[PersonRow], to_update: list[PersonRow], leavers: list[_Leaver], today: date) -> None:
    adapt_date = (lambda d: d) if connection.vendor == "postgresql" else connection.ops.adapt_datefield_value
    update_rows(Person, PERSON_FIELDS, [
        (r.person_id, r.name, r.role, r.phone, adapt_date(r.appointed_on), adapt_date(r.left_on)) for r in to_update
    ])
    for queryset in filter_in(Person.objects.filter(left_on__isnull=True), "pk", [p.values["id"] for p in leavers]):
        queryset.update(left_on=today)
    # After the closings: a person's new post may only open once the old one is closed.
    Person.objects.bulk_create([
        Person(
            unit_id=r.unit_id, role=r.role, name=r.name, phone=r.phone, appointed_on=r.appointed_on, left_on=r.left_on,
            id_number_encrypted=id_number_encrypt(r.id_number), id_number_hash=r.id_hash,
            id_number_masked=id_number_mask(r.id_number),
        )
        for r in to_create
    ], batch_size=1000)


def _person_changes(row: PersonRow, current: dict, changed: list[str]) -> dict:
    roles = dict(PersonRole.choices)
    old = {f: current[f] for f in changed}
    new = {f: getattr(row, f) for f in changed}
    if "role" in changed:
        old["role"], new["role"] = str(roles.get(old["role"], old["role"])), str(roles.get(new["role"], new["role"]))
    return field_changes(old, new, changed, PERSONAL_FIELDS)


def _label(field: str) -> str:
    return {"name": HEADER["name"], "role": HEADER["role"], "phone": HEADER["phone"],
            "appointed_on": HEADER["appointed_on"], "left_on": HEADER["left_on"], "id_number": HEADER["id_number"]}[field]


def _parse_row(number, cells, positions, units, errors, today: date) -> PersonRow | None:
    def cell(key):
        index = positions.get(key)
        return cells[index] if index is not None and index < len(cells) else None

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
    run("left_on", parse_date)
    if values.get("left_on") is not None and values["left_on"] > today:
        # Order 75 Art. 13 records a 调整 that has happened; a leaving yet to come is not on record.
        row_errors.append(RowError(number, HEADER["left_on"], plain(values["left_on"]),
                                   _("The leaving date lies in the future; record a leaving once it has happened.")))
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
        phone=values["phone"], appointed_on=values["appointed_on"], left_on=values["left_on"],
    )
