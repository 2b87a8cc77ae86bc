"""Hostile spreadsheets (issue 15): refused quickly, under a memory bound, the job failed and its file
removed, a clear message, never a 500. The same reader serves the register and the question bank."""

import io
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from supervision.imports.table import MAX_COLUMNS, ImportFileError, read_table
from supervision.models import ImportJob, ImportStatus
from supervision.services.import_jobs import import_job_create

# Peak Python allocation allowed while refusing a hostile file (a 1,919-byte file took 3.8 GB before).
MEMORY_BOUND_BYTES = 64 * 1024 * 1024
TIME_BOUND_SECONDS = 5


def _xlsx(rows=(("名称", "代码"), ("甲", "1"))) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite(data: bytes, member: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, change(content) if info.filename == member else content)
    return buffer.getvalue()


def million_rows_declared() -> bytes:
    return _rewrite(_xlsx(), "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b'ref="A1:B2"', b'ref="A1:XFD1048576"'))


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in zipfile.ZipFile(io.BytesIO(_xlsx())).infolist():
            target.writestr(info.filename, zipfile.ZipFile(io.BytesIO(_xlsx())).read(info.filename))
        target.writestr("xl/media/padding.bin", b"\0" * (300 * 1024 * 1024))
    return buffer.getvalue()


def truncated() -> bytes:
    return _rewrite(_xlsx(), "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2])


def bad_shared_string() -> bytes:
    return _rewrite(_xlsx(), "xl/worksheets/sheet1.xml", _shared_string_99999)


def _shared_string_99999(xml: bytes) -> bytes:
    start = xml.index(b'<c r="A1"')
    return xml[:start] + b'<c r="A1" t="s"><v>99999</v></c>' + xml[xml.index(b"</c>", start) + 4:]


def wide_csv() -> bytes:
    return ("\n".join(",".join(f"c{i}" for i in range(10_000)) for _ in range(3))).encode()


def wide_xlsx() -> bytes:
    return _xlsx([[f"c{i}" for i in range(10_000)], ["x"] * 10_000])


def bad_encoding_csv() -> bytes:
    return b"\xff\xfe\x00\x81" * 50


HOSTILE = {
    "a few KB declaring A1:XFD1048576": (million_rows_declared, "rows"),
    "a zip bomb": (zip_bomb, "unpacks"),
    "a truncated workbook": (truncated, "readable"),
    "a bad shared-string index": (bad_shared_string, "readable"),
    "a csv of 10,000 columns": (wide_csv, "columns"),
    "an xlsx of 10,000 columns": (wide_xlsx, "columns"),
    "a csv in no known encoding": (bad_encoding_csv, "encoding"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_is_refused_quickly_under_the_memory_bound(name):
    make, _ = HOSTILE[name]
    data = make()
    filename = "f.csv" if "csv" in name else "f.xlsx"
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ImportFileError):
            read_table(data=data, filename=filename)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < TIME_BOUND_SECONDS, elapsed
    assert peak < MEMORY_BOUND_BYTES, peak


def test_the_messages_are_clear_chinese():
    with pytest.raises(ImportFileError, match="行"):
        read_table(data=million_rows_declared(), filename="f.xlsx")
    with pytest.raises(ImportFileError, match="列"):
        read_table(data=wide_csv(), filename="f.csv")
    with pytest.raises(ImportFileError, match="Excel"):
        read_table(data=truncated(), filename="f.xlsx")


def test_a_wide_file_padded_with_empty_cells_is_read():
    row = ["名称", "代码"] + [""] * (MAX_COLUMNS + 10)
    table = read_table(data=("\n".join([",".join(row), ",".join(["甲", "1"] + [""] * (MAX_COLUMNS + 10))])).encode(), filename="f.csv")
    assert table.headers[:2] == ["名称", "代码"]


@pytest.mark.parametrize("name", ["a truncated workbook", "a bad shared-string index", "a few KB declaring A1:XFD1048576"])
def test_a_hostile_upload_fails_its_job_and_removes_the_file(tree, staff, name):
    make, _ = HOSTILE[name]
    job = import_job_create(actor=staff.operator_a, kind="units", filename="f.xlsx", data=make())
    job = ImportJob.objects.get(pk=job.pk)
    assert job.status == ImportStatus.FAILED
    assert job.message
    assert bytes(job.data) == b""
