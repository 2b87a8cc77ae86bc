"""Loading the GB/T 2260 division tree."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from ..imports.table import ImportFileError, csv_text
from ..models import Jurisdiction
from ..models.jurisdiction import level_for_code


class DivisionFileError(ValueError):
    """A divisions file that cannot be loaded; `errors` lists every problem, row by row."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class DivisionLoadSummary:
    created: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    unchanged: int = 0


def _read_rows(path: Path) -> list[tuple[int, str, str]]:
    try:
        text = csv_text(path.read_bytes())
    except ImportFileError as error:
        raise DivisionFileError([str(error)]) from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if header[:2] not in (["code", "name"], ["代码", "名称"]):
        raise DivisionFileError([_("Row 1 must be the header “code,name” (or “代码,名称”).")])
    return [(number, *(cell.strip() for cell in row[:2])) for number, row in enumerate(reader, start=2) if any(row)]


@transaction.atomic
def jurisdictions_load(*, path: Path) -> DivisionLoadSummary:
    """Create or rename the divisions in a `code,name` CSV; parents come from the code
    (XX0000 province, XXXX00 city). All or nothing: any bad row and nothing is written."""
    rows = _read_rows(path)
    errors: list[str] = []
    seen: dict[str, str] = {}
    for number, code, name in rows:
        if len(code) != 6 or not code.isdigit():
            errors.append(_("Row %(row)s: the division code “%(code)s” must be 6 digits.") % {"row": number, "code": code})
        elif code in seen:
            errors.append(_("Row %(row)s: the division code “%(code)s” appears twice.") % {"row": number, "code": code})
        elif not name:
            errors.append(_("Row %(row)s: the name is empty.") % {"row": number})
        else:
            seen[code] = name
    existing = {j.code: j for j in Jurisdiction.objects.all()}
    for code in seen:
        parent = _parent_code(code, seen, existing)
        if level_for_code(code) != "province" and parent is None:
            errors.append(_("The division code “%(code)s” has no parent division in the file or the database.") % {"code": code})
    if errors:
        raise DivisionFileError(errors)

    summary = DivisionLoadSummary()
    for code in sorted(seen):
        name = seen[code]
        node = existing.get(code)
        if node is not None:
            if node.name != name:
                node.name = name
                node.save(update_fields=["name"])
                summary.renamed.append(code)
            else:
                summary.unchanged += 1
            continue
        parent_code = _parent_code(code, seen, existing)
        fields = {"code": code, "name": name, "level": level_for_code(code)}
        if parent_code is None:
            node = Jurisdiction.add_root(**fields)
        else:
            parent = Jurisdiction.objects.get(code=parent_code)
            node = parent.add_child(**fields)
        existing[code] = node
        summary.created.append(code)
    return summary


def _parent_code(code: str, seen: dict, existing: dict) -> str | None:
    level = level_for_code(code)
    candidates = []
    if level == "county":
        candidates = [code[:4] + "00", code[:2] + "0000"]
    elif level == "city":
        candidates = [code[:2] + "0000"]
    for candidate in candidates:
        if candidate in seen or candidate in existing:
            return candidate
    return None
