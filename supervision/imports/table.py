"""Reading an uploaded spreadsheet into header + rows of strings, whatever Excel wrote."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 256
# An xlsx is a zip: what it unpacks to is checked before any cell is read (a 5 MB file can hold 1 GB).
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_MEMBERS = 1000
# What the readers raise on a damaged file: bad zip, bad or truncated XML (SyntaxError covers
# ElementTree's and lxml's ParseError), a bad shared-string index, a bad number or date.
_READER_ERRORS = (
    zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, KeyError, IndexError, OSError,
    ValueError, TypeError, AttributeError, SyntaxError, csv.Error,
)


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
        reader = _read_xlsx
    elif name.endswith((".csv", ".txt")):
        reader = _read_csv
    else:
        raise ImportFileError(_("Only .xlsx and .csv files can be imported."))
    try:
        rows = _bounded(reader(data))
    except ImportFileError:
        raise
    except MemoryError:
        raise ImportFileError(_("The file is too large to read; split it into smaller files."))
    except _READER_ERRORS:
        if reader is _read_csv:
            raise ImportFileError(_("The file is not a readable CSV file."))
        raise ImportFileError(_("The file is not a readable Excel workbook (.xlsx)."))
    if not rows:
        raise ImportFileError(_("The file is empty."))
    if len(rows) == 1:
        raise ImportFileError(_("The file has a header row but no data rows."))
    return Table(headers=[normalise_header(h) for h in rows[0]], rows=rows[1:])


def _too_many_rows() -> ImportFileError:
    return ImportFileError(_("The file has more than %(max)d rows; split it into smaller files.") % {"max": MAX_ROWS})


def _too_many_columns() -> ImportFileError:
    return ImportFileError(_("The file has more than %(max)d columns.") % {"max": MAX_COLUMNS})


def _bounded(rows: Iterable[Iterable[object]]) -> list[list[object]]:
    """The non-empty rows, counted while they stream: reading stops at the first row past a limit."""
    kept: list[list[object]] = []
    for raw in rows:
        row = list(raw)
        if len(row) > MAX_COLUMNS:
            while row and row[-1] in (None, ""):  # Excel pads formatted cells on the right
                row.pop()
            if len(row) > MAX_COLUMNS:
                raise _too_many_columns()
        if any(cell not in (None, "") for cell in row):
            if len(kept) > MAX_ROWS:  # the header plus MAX_ROWS data rows are allowed
                raise _too_many_rows()
            kept.append(row)
    return kept


def _check_xlsx_archive(data: bytes) -> None:
    """Refuse a workbook whose zip members unpack past the limit, before openpyxl opens it."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ImportFileError(_("The file is not a readable Excel workbook (.xlsx)."))
    if len(members) > MAX_MEMBERS or sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            _("The workbook unpacks to more than %(limit)d MB; split it into smaller files.")
            % {"limit": MAX_UNPACKED_BYTES // 1024 // 1024}
        )


def _read_xlsx(data: bytes) -> Iterator[tuple[object, ...]]:
    from openpyxl import load_workbook

    _check_xlsx_archive(data)
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        # Read-only openpyxl pads every row to the declared <dimension> (A1:XFD1048576 is 17
        # billion cells): check what the sheet declares before reading a cell.
        if (sheet.max_row or 0) > MAX_ROWS + 1:
            raise _too_many_rows()
        if (sheet.max_column or 0) > MAX_COLUMNS:
            raise _too_many_columns()
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def csv_text(data: bytes) -> str:
    """A CSV file's text. Chinese Excel writes GB18030/GBK; everything else writes UTF-8,
    sometimes with a BOM. Neither: ImportFileError."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file's encoding is not recognised. Please save it as a UTF-8 or GBK CSV."))


def _read_csv(data: bytes) -> Iterator[list[str]]:
    text = csv_text(data)
    if "\x00" in text:
        raise ImportFileError(_("The file is not a text CSV file."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text), dialect)


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
