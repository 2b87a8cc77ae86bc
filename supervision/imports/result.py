from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from .table import ImportFileError, Table, normalise_header

# The preview lists at most this many planned changes; counts are always complete.
PREVIEW_CHANGES = 500

# Told (rows done, rows in all) as an import goes, for the job's progress bar.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as in the downloadable template
    required: bool = True  # must the column be present in the file?


@dataclass
class RowError:
    row: int  # spreadsheet row number, the header being row 1
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s, column “%(column)s”, value “%(value)s”: %(message)s") % asdict(self)


@dataclass
class PlannedChange:
    row: int
    key: str
    label: str
    action: str  # "create" | "update" | "leave"
    fields: list[str] = field(default_factory=list)
    # [label, old, new] per changed field; old and new are "" with changed=True for personal values
    diffs: list[list] = field(default_factory=list)


@dataclass
class ImportResult:
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    left: int = 0  # posts the import closes (a 离任日期, or missing from a complete-staff file)
    errors: list[RowError] = field(default_factory=list)
    changes: list[PlannedChange] = field(default_factory=list)
    leaving: list[PlannedChange] = field(default_factory=list)  # listed apart: never cut off by creates
    # What the operator should look at before confirming, though nothing is wrong with the file.
    notes: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def shows_more_changes(self) -> bool:
        """Whether the preview still lists the next create or update (their diffs are worth making)."""
        return len(self.changes) < PREVIEW_CHANGES

    def plan(self, change: PlannedChange) -> None:
        if change.action == "leave":
            self.left += 1
            if len(self.leaving) < PREVIEW_CHANGES:
                self.leaving.append(change)
            return
        self.count(change.action)
        if len(self.changes) < PREVIEW_CHANGES:
            self.changes.append(change)

    def count(self, action: str) -> None:
        """A create or update past what the preview lists: counted, no PlannedChange to build."""
        if action == "create":
            self.created += 1
        else:
            self.updated += 1

    def as_json(self) -> dict:
        return {
            "total_rows": self.total_rows, "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged, "left": self.left, "written": self.written,
            "errors": [asdict(e) for e in self.errors],
            "changes": [asdict(c) for c in self.changes],
            "leaving": [asdict(c) for c in self.leaving],
            "notes": self.notes,
        }

    @classmethod
    def from_json(cls, data: dict) -> ImportResult:
        return cls(
            total_rows=data["total_rows"], created=data["created"], updated=data["updated"],
            unchanged=data["unchanged"], left=data.get("left", 0), written=data["written"],
            errors=[RowError(**e) for e in data["errors"]],
            changes=[PlannedChange(**{"diffs": [], **c}) for c in data["changes"]],
            leaving=[PlannedChange(**c) for c in data.get("leaving", [])],
            notes=data.get("notes", []),
        )


def column_positions(table: Table, columns: list[Column]) -> dict[str, int]:
    """Where each known column is; a missing required column stops the import with one message."""
    positions = {}
    by_header = {normalise_header(c.header): c for c in columns}
    for index, header in enumerate(table.headers):
        column = by_header.get(header)
        if column is not None and column.key not in positions:
            positions[column.key] = index
    missing = [c.header for c in columns if c.required and c.key not in positions]
    if missing:
        raise ImportFileError(
            _("The file is missing required columns: %(columns)s. Download the template and keep its header row.")
            % {"columns": "、".join(missing)}
        )
    return positions


def import_conclude(*, result: ImportResult, dry_run: bool, write: Callable[[], None],
                    progress: Progress | None = None) -> ImportResult:
    """How every import ends, once its rows are checked and planned (DESIGN.md §5: nothing
    half-done). A file with any row error, or a dry run, writes nothing and returns the preview,
    its errors in row order; otherwise `write` runs, all of it in one transaction, and the result
    says it was written."""
    if result.errors or dry_run:
        result.errors.sort(key=lambda e: e.row)
        return result
    with transaction.atomic():
        write()
    result.written = True
    if progress:
        progress(result.total_rows, result.total_rows)
    return result


def import_file_log(*, jurisdiction, action: str, actor, filename: str, result: ImportResult, **extra) -> None:
    """The file as a whole, logged on the importing bureau with its counts (each row's own entries
    are written apart)."""
    log(instance=jurisdiction, action=action, user=actor, data={
        "file": filename, "created": result.created, "updated": result.updated, "unchanged": result.unchanged, **extra,
    })
