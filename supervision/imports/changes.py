"""What an import changed, field by field: shown in the preview (old → new) and, on confirm,
logged once per changed unit or person (action "supervision.import_change").

The entries are written as plain rows (COPY on PostgreSQL) with the columns wagtail's `log()` would
set one by one (content type, label, object id, data, user, timestamp, uuid), so a file of 100,000
rows pays neither one INSERT per changed row nor bulk_create's model instances and array escaping.
Personal values (a person's phone, an ID number) are never shown or logged: only the fact that
they changed."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone
from wagtail.models import ModelLogEntry

from .bulk import insert_rows

ACTION = "supervision.import_change"
# Order 75 Art. 13: a post's end (离任) is its own entry, with the post, its dates and the job.
LEFT_ACTION = "supervision.person_left"
CHANGED = "changed"


def plain(value) -> str:
    """A value as the preview and the log show it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (date, Decimal)):
        return str(value)
    if isinstance(value, (set, frozenset, list, tuple)):
        return "、".join(sorted(plain(v) for v in value))
    return str(value)


def field_changes(old: dict, new: dict, fields, personal=frozenset()) -> dict:
    """{field: [old, new]} for each changed field, {field: "changed"} for personal ones."""
    changes = {}
    for name in fields:
        if old.get(name) != new.get(name):
            changes[name] = CHANGED if name in personal else [plain(old.get(name)), plain(new.get(name))]
    return changes


def bulk_log_changes(*, model, items, job_id, actor) -> int:
    """items: (pk, label, changes) triples. One ModelLogEntry per changed object, data
    {"job": job_id, "changes": changes}, one COPY (or INSERT) for them all."""
    encode = _ENCODER.encode
    head = '{"job": ' + encode(job_id) + ', "changes": '  # the same JSON as encode({"job": …, "changes": …})
    return _write_entries(model, ACTION, actor, [
        (pk, label, head + encode(changes) + "}") for pk, label, changes in items if changes
    ])


_LOG_COLUMNS = ["content_type_id", "label", "action", "object_id", "data", "user_id", "timestamp", "uuid",
                "content_changed", "deleted"]
_ENCODER = DjangoJSONEncoder()  # what ModelLogEntry.data's JSONField stores


def bulk_log_entries(*, model, action: str, items, actor) -> int:
    """items: (pk, label, data) triples, one ModelLogEntry each, written as plain rows (COPY on
    PostgreSQL): the columns wagtail's `log()` sets, with its defaults for the others."""
    encode = _ENCODER.encode
    return _write_entries(model, action, actor, [(pk, label, encode(data)) for pk, label, data in items])


def _write_entries(model, action: str, actor, items: list[tuple]) -> int:
    """items: (pk, label, data as JSON text)."""
    if not items:
        return 0
    content_type_id = ContentType.objects.get_for_model(model, for_concrete_model=False).pk
    user_id = getattr(actor, "pk", None)
    now = timezone.now()
    shared = uuid.uuid4()  # one user action, as wagtail's log context shares it
    if connection.vendor != "postgresql":
        now, shared = connection.ops.adapt_datetimefield_value(now), shared.hex
    insert_rows(ModelLogEntry, _LOG_COLUMNS, [
        (content_type_id, str(label)[:255], action, str(pk), data, user_id, now, shared, False, False)
        for pk, label, data in items
    ])
    return len(items)
