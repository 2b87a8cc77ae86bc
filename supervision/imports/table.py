"""Reading an uploaded spreadsheet into header + rows of strings, whatever Excel wrote."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000


class ImportFileError(ValueError):
    """The file as a whole cannot be read: one clear message, nothing written."""


@dataclass
class Table:
    headers: list[str]
    rows: list[list[object]]  # first data row is spreadsheet row 2


def normalise_header(text: object) -> str:
    """Full-width to half-width (NFKC), no spaces: "营业收入（万元） " == "营业收入(万元)"."""
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split())


def check_upload(data: bytes) -> None:
    """The checks that need no parsing: size and emptiness (also run at upload, before a job)."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is %(size).1f MB; the limit is %(limit)d MB. Split it into smaller files.")
            % {"size": len(data) / 1024 / 1024, "limit": MAX_FILE_BYTES // 1024 // 1024}
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."))


def read_table(*, data: bytes, filename: str) -> Table:
    check_upload(data)
    name = filename.lower()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        rows = _read_xlsx(data)
    elif name.endswith((".csv", ".txt")):
        rows = _read_csv(data)
    else:
        raise ImportFileError(_("Only .xlsx and .csv files can be imported."))
    rows = [row for row in rows if any(cell not in (None, "") for cell in row)]
    if not rows:
        raise ImportFileError(_("The file is empty."))
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFileError(_("The file has more than %(max)d rows; split it into smaller files.") % {"max": MAX_ROWS})
    if len(rows) == 1:
        raise ImportFileError(_("The file has a header row but no data rows."))
    return Table(headers=[normalise_header(h) for h in rows[0]], rows=rows[1:])


def _read_xlsx(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise ImportFileError(_("The file is not a readable Excel workbook (.xlsx)."))
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _read_csv(data: bytes) -> list[list[object]]:
    # Chinese Excel writes GB18030/GBK; everything else writes UTF-8, sometimes with a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("The file's encoding is not recognised. Please save it as a UTF-8 or GBK CSV."))
    if "\x00" in text:
        raise ImportFileError(_("The file is not a text CSV file."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def cell_text(value: object) -> str:
    """A cell as trimmed text. Whole floats (Excel's numbers) lose their ".0"."""
    if value is None:
        return ""
    if type(value) is str:  # the common case first: this runs for every cell of every row
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def cell_code(value: object) -> str:
    """Codes and numbers: full-width to half-width, no spaces, upper case."""
    text = cell_text(value)
    if text.isascii():  # nothing full-width to fold
        return "".join(text.split()).upper() if " " in text or "\t" in text else text.upper()
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()
