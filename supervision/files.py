"""Uploaded files (rectification evidence) checked by what they contain, and served only through
a view that checks login and jurisdiction (issue 15): never straight from /media/.

An upload is accepted when its first bytes say it is a PDF, JPEG or PNG (WebP too for an
inspection's photos), an xlsx workbook (a zip
holding [Content_Types].xml and xl/), or a csv (text without NUL bytes, UTF-8 or GBK); its name's
extension does not count. Images and PDFs are shown in the browser, everything else downloads as an
attachment; every answer carries X-Content-Type-Options: nosniff and a sandboxing CSP."""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KINDS = {
    "pdf": ("application/pdf", "pdf", True),
    "jpg": ("image/jpeg", "jpg", True),
    "png": ("image/png", "png", True),
    "webp": ("image/webp", "webp", True),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", False),
    "csv": ("text/csv; charset=utf-8", "csv", False),
}


def sniff(head: bytes, read_all=None) -> str | None:
    """The kind of a file from its content, or None. `read_all` gives the whole file (for a zip)."""
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(read_all())).namelist()) if read_all else set()
        except zipfile.BadZipFile:
            return None
        return "xlsx" if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names) else None
    # Text, but not markup: HTML, SVG or XML (which a browser could run) is not a csv.
    if head and b"\x00" not in head and not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                head.decode(encoding)
            except UnicodeDecodeError as error:
                if error.start >= len(head) - 4:  # a character cut at the end of the sample
                    return "csv"
                continue
            return "csv"
    return None


def sniff_file(handle) -> str | None:
    """The kind of an open file (an upload or a stored file), read from its start; left at 0."""

    def read_all():
        handle.seek(0)
        data = handle.read()
        handle.seek(0)
        return data

    handle.seek(0)
    head = handle.read(4096)
    handle.seek(0)
    return sniff(head, read_all)


# What rectification evidence may be (an inspection's photos have their own list: inspection/photos.py).
EVIDENCE_KINDS = frozenset({"pdf", "jpg", "png", "xlsx", "csv"})


def upload_checked(upload) -> str:
    """The kind of an uploaded file, or a Chinese ValidationError: too big, empty, or not a kind
    we accept."""
    limit = getattr(settings, "EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
    if upload.size > limit:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    kind = sniff_file(upload)
    if kind not in EVIDENCE_KINDS:
        raise ValidationError(_("Only PDF, JPEG or PNG images, xlsx workbooks and csv files are accepted (checked by their content, not their name)."))
    return kind


def checked_file_response(handle, *, filename_stem: str, inline_allowed: bool = True):
    """The answer for a stored upload, typed by its content (never by its name, never as HTML):
    images and PDFs inline where `inline_allowed`, everything else as an attachment named
    `filename_stem` plus the kind's extension (the uploader's own file name is not sent back, so
    nothing they typed reaches the header); nosniff, a sandboxing CSP and no caching."""
    from django.http import FileResponse

    kind = sniff_file(handle)
    content_type, extension, inline = KINDS.get(kind, ("application/octet-stream", "bin", False))
    response = FileResponse(handle, content_type=content_type, as_attachment=not (inline and inline_allowed),
                            filename=f"{filename_stem}.{extension}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; object-src 'self'"
    response["Cache-Control"] = "private, no-store"
    return response
