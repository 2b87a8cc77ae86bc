"""Register services: file imports run through here, for the console and the commands alike."""

from __future__ import annotations

import hashlib

from ..imports.personnel import personnel_import
from ..imports.result import ImportResult
from ..imports.table import read_table
from ..imports.units import Progress, units_import
from ..models import Jurisdiction

IMPORTERS = {"units": units_import, "personnel": personnel_import}


def register_import_file(
    *, kind: str, data: bytes, filename: str, jurisdiction: Jurisdiction, actor, dry_run: bool,
    progress: Progress | None = None,
) -> ImportResult:
    """Read a spreadsheet and import it (`kind` is "units" or "personnel"). Raises
    `ImportFileError` for a file that cannot be read at all; row errors come back in the result,
    and then nothing has been written."""
    table = read_table(data=data, filename=filename)
    label = f"{filename} (sha256 {hashlib.sha256(data).hexdigest()[:16]})"
    return IMPORTERS[kind](
        table=table, jurisdiction=jurisdiction, actor=actor, dry_run=dry_run, filename=label, progress=progress,
    )
