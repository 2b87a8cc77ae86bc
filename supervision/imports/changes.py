"""What an import changed, field by field: shown in the preview (old → new) and, on confirm,
logged once per changed unit or person (action "supervision.import_change").

The entries are built in memory and written with one bulk_create, the way wagtail's `log()` would
write them one by one (content type, label, object id, data, user, timestamp, uuid), so a file of
100,000 rows does not pay one INSERT per changed row. Personal values (a person's phone, an ID
number) are never shown or logged: only the fact that they changed."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import ModelLogEntry

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
    """items: (pk, label, changes) triples. One ModelLogEntry per changed object, one INSERT per batch."""
    return bulk_log_entries(model=model, action=ACTION, actor=actor, items=[
        (pk, label, {"job": job_id, "changes": changes}) for pk, label, changes in items if changes
    ])


def bulk_log_entries(*, model, action: str, items, actor) -> int:
    """items: (pk, label, data) triples, one ModelLogEntry each, written in batches."""
    items = list(items)
    if not items:
        return 0
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    now = timezone.now()
    shared = uuid.uuid4()  # one user action, as wagtail's log context shares it
    user_id = getattr(actor, "pk", None)
    ModelLogEntry.objects.bulk_create([
        ModelLogEntry(
            content_type=content_type, label=str(label)[:255], action=action, object_id=str(pk),
            data=data, user_id=user_id, timestamp=now, uuid=shared,
        )
        for pk, label, data in items
    ], batch_size=2000)
    return len(items)
