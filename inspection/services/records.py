"""Recording one on-site inspection (Order 75 Art. 14): the items, the unit's Art. 10–12 records
seen, the hazards they show, photos, both inspectors' signatures and the unit's confirmation.

Only the inspectors drawn for the inspection record it, while it is open (`inspection.record`).
The phone may deliver saves late (an offline queue, journey 7): each entry carries the time the
phone recorded it, and an entry older than what is stored is ignored, not refused; a hazard or a
photo delivered twice is one row (its client id; a photo also by its SHA-256). Once an inspector
has signed, or the unit's representative has confirmed, the record is fixed. The inspection is
completed when every inspector has signed and the representative's confirmation (or refusal) is
recorded. Every change is logged on the inspection with its old and new values."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from supervision.authorization import authorize

from ..models import (
    CheckResult, Hazard, Inspection, InspectionPhoto, InspectionStatus, ItemCheck, RecordKind, RecordSighting,
)
from ..photos import photo_checked
from .credit import inspection_credit_report


def _locked(inspection: Inspection) -> Inspection:
    return Inspection.objects.select_for_update(of=("self",)).select_related("plan__jurisdiction", "unit").get(pk=inspection.pk)


def _is_fixed(inspection: Inspection) -> bool:
    return bool(inspection.representative_confirmed_at or inspection.representative_refused
                or inspection.assignments.filter(signed_at__isnull=False).exists())


def _open_for_recording(actor, inspection: Inspection) -> Inspection:
    authorize(actor, "inspection.record", inspection)
    inspection = _locked(inspection)
    authorize(actor, "inspection.record", inspection)  # decided again on the locked row
    if _is_fixed(inspection):
        raise ValidationError(_("The record has been signed; it can no longer be changed."))
    return inspection


def _started(inspection: Inspection) -> dict:
    """The first record moves an inspection from assigned to in progress; the change, for the log."""
    if inspection.status != InspectionStatus.ASSIGNED:
        return {}
    inspection.status = InspectionStatus.IN_PROGRESS
    inspection.save(update_fields=["status"])
    return {"status": {"old": InspectionStatus.ASSIGNED, "new": InspectionStatus.IN_PROGRESS}}


def _phone_time(recorded_at: datetime | None) -> datetime:
    """When the phone recorded an entry; a phone clock ahead of the server's counts as now, so that
    it cannot shadow later entries from a phone whose clock is right."""
    now = timezone.now()
    if recorded_at is None:
        return now
    if timezone.is_naive(recorded_at):
        recorded_at = timezone.make_aware(recorded_at)
    return min(recorded_at, now)


def _is_late(stored: datetime | None, recorded_at: datetime) -> bool:
    return stored is not None and recorded_at <= stored


def _changes(obj, values: dict) -> dict:
    changes = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changes[name] = {"old": _plain(old), "new": _plain(new)}
            setattr(obj, name, new)
    return changes


def _plain(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _entry_record(model, *, actor, key: dict, values: dict, recorded_at: datetime) -> tuple[object, dict | None]:
    """The inspection's one entry of `model` under `key` (a record's sighting, a hazard), created or
    updated with `values` as the phone recorded them at `recorded_at`. Returns (entry, data): data
    for the log entry (whether it was created, and what changed), or None when the stored entry was
    recorded later, so this late delivery changes nothing."""
    entry = model.objects.select_for_update().filter(**key).first()
    if entry is not None and _is_late(entry.recorded_at, recorded_at):
        return entry, None
    created = entry is None
    entry = entry or model(**key)
    changes = _changes(entry, values)
    entry.recorded_by, entry.recorded_at = actor, recorded_at
    entry.save()
    return entry, {"created": created, **changes}


@transaction.atomic
def check_record(*, actor, check: ItemCheck, result: str, note: str = "", recorded_at: datetime | None = None) -> tuple[ItemCheck, bool]:
    """One item's result (符合 / 不符合 / 不适用) and note. Returns (check, applied): an entry the phone
    recorded before the stored one is ignored (applied False)."""
    inspection = _open_for_recording(actor, check.inspection)
    check = ItemCheck.objects.select_for_update().select_related("item_version").get(pk=check.pk, inspection=inspection)
    if result not in CheckResult.values:
        raise ValidationError(_("Choose conforms, does not conform or not applicable."))
    recorded_at = _phone_time(recorded_at)
    if _is_late(check.recorded_at, recorded_at):
        return check, False
    changes = _changes(check, {"result": result, "note": note.strip()})
    check.recorded_by, check.recorded_at = actor, recorded_at
    check.save(update_fields=["result", "note", "recorded_by", "recorded_at"])
    log(instance=inspection, action="inspection.check", user=actor, data={
        "item": check.item_version.title, "check": check.pk, **changes, **_started(inspection), "recorded_at": recorded_at.isoformat(),
    })
    return check, True


def _period_errors(seen: bool, start: date | None, end: date | None) -> list[str]:
    errors = []
    if seen and (start is None or end is None):
        errors.append(_("Give the period of the records seen, from and to."))
    if start and end and end < start:
        errors.append(_("The period ends before it starts."))
    if (end and end > timezone.localdate()) or (start and start > timezone.localdate()):
        errors.append(_("The period of the records seen cannot be in the future."))
    return errors


@transaction.atomic
def sighting_record(*, actor, inspection: Inspection, kind: str, seen: bool, period_start: date | None = None,
                    period_end: date | None = None, note: str = "", recorded_at: datetime | None = None) -> tuple[RecordSighting, bool]:
    """Whether the unit's daily / weekly / monthly record (Art. 10–12) was seen, and for which period."""
    inspection = _open_for_recording(actor, inspection)
    if kind not in RecordKind.values:
        raise ValidationError(_("Unknown kind of record."))
    errors = _period_errors(seen, period_start, period_end)
    if errors:
        raise ValidationError(errors)
    recorded_at = _phone_time(recorded_at)
    sighting, data = _entry_record(
        RecordSighting, actor=actor, key={"inspection": inspection, "kind": kind}, recorded_at=recorded_at,
        values={"seen": bool(seen), "period_start": period_start, "period_end": period_end, "note": note.strip()},
    )
    if data is None:
        return sighting, False
    log(instance=inspection, action="inspection.sighting", user=actor, data={
        "record": kind, **data, **_started(inspection), "recorded_at": recorded_at.isoformat(),
    })
    return sighting, True


@transaction.atomic
def hazard_record(*, actor, inspection: Inspection, client_id, description: str, record_kind: str = "", corrected: bool = False,
                  correction_note: str = "", recorded_at: datetime | None = None) -> tuple[Hazard, bool]:
    """A hazard found in the unit's records or on site and whether it was corrected (Art. 14). The
    phone's client id makes it one row however often it is delivered; a later entry with the same id
    updates it."""
    inspection = _open_for_recording(actor, inspection)
    try:
        client_id = uuid.UUID(str(client_id))
    except ValueError:
        raise ValidationError(_("The entry has no valid client id.")) from None
    if not description.strip():
        raise ValidationError(_("Describe the hazard."))
    if record_kind and record_kind not in RecordKind.values:
        raise ValidationError(_("Unknown kind of record."))
    recorded_at = _phone_time(recorded_at)
    hazard, data = _entry_record(
        Hazard, actor=actor, key={"inspection": inspection, "client_id": client_id}, recorded_at=recorded_at,
        values={"description": description.strip(), "record_kind": record_kind, "corrected": bool(corrected),
                "correction_note": correction_note.strip()},
    )
    if data is None:
        return hazard, False
    log(instance=inspection, action="inspection.hazard", user=actor, data={
        "hazard": str(client_id), **data, **_started(inspection), "recorded_at": recorded_at.isoformat(),
    })
    return hazard, True


@transaction.atomic
def photo_add(*, actor, inspection: Inspection, upload, client_id, item_check: ItemCheck | None = None, caption: str = "") -> tuple[InspectionPhoto, bool]:
    """A photo of the unit's records. Checked by content (JPEG, PNG or WebP, decoded), size and the
    inspection's count; the same photo (client id or SHA-256) delivered twice is one row. Returns
    (photo, created)."""
    inspection = _open_for_recording(actor, inspection)
    try:
        client_id = uuid.UUID(str(client_id))
    except ValueError:
        raise ValidationError(_("The entry has no valid client id.")) from None
    if item_check is not None and item_check.inspection_id != inspection.pk:
        raise ValidationError(_("That item is not part of this inspection."))
    facts = photo_checked(upload)
    existing = inspection.photos.filter(client_id=client_id).first() or inspection.photos.filter(sha256=facts.sha256).first()
    if existing is not None:
        return existing, False
    limit = settings.INSPECTION_PHOTOS_MAX
    if inspection.photos.count() >= limit:
        raise ValidationError(_("An inspection keeps at most %(n)s photos.") % {"n": limit})
    upload.name = f"{facts.sha256[:16]}.{facts.kind}"  # never the name the phone sent
    photo = InspectionPhoto.objects.create(
        inspection=inspection, item_check=item_check, client_id=client_id, file=upload, sha256=facts.sha256,
        content_type=facts.content_type, size=facts.size, width=facts.width, height=facts.height,
        caption=caption.strip()[:200], uploaded_by=actor,
    )
    log(instance=inspection, action="inspection.photo", user=actor, data={
        "photo": {"old": None, "new": facts.sha256}, "item_check": item_check.pk if item_check else None,
        "size": facts.size, "width": facts.width, "height": facts.height, **_started(inspection),
    })
    return photo, True


def record_missing(inspection: Inspection) -> list[str]:
    """What the record still lacks before it can be signed or confirmed, in Chinese, one line each."""
    missing = [
        _("Item %(n)s (%(title)s) has no result.") % {"n": check.position, "title": check.item_version.title}
        for check in inspection.checks.select_related("item_version").filter(result="").order_by("position")
    ]
    answered = set(inspection.sightings.values_list("kind", flat=True))
    missing += [_("Record whether the %(record)s was seen.") % {"record": label} for kind, label in RecordKind.choices if kind not in answered]
    return missing


def _refuse_incomplete(inspection: Inspection) -> None:
    missing = record_missing(inspection)
    if missing:
        raise ValidationError([_("The record is not complete:"), *missing])


@transaction.atomic
def inspector_sign(*, actor, inspection: Inspection) -> Inspection:
    """An inspector signs the record: every item has a result and the three records are answered.
    Each inspector signs once."""
    authorize(actor, "inspection.record", inspection)
    inspection = _locked(inspection)
    authorize(actor, "inspection.record", inspection)
    assignment = inspection.assignments.select_for_update().get(staff__user_id=actor.pk)
    if assignment.signed_at is not None:
        raise ValidationError(_("You have already signed this record."))
    _refuse_incomplete(inspection)
    assignment.signed_at = timezone.now()
    assignment.save(update_fields=["signed_at"])
    log(instance=inspection, action="inspection.sign", user=actor, data={
        "inspector": assignment.staff.display_name, "cert_no": assignment.cert_no,
        "signed_at": {"old": None, "new": assignment.signed_at.isoformat()},
    })
    return _complete_if_done(actor=actor, inspection=inspection)


@transaction.atomic
def representative_confirm(*, actor, inspection: Inspection, name: str, post: str, refused: bool = False, note: str = "") -> Inspection:
    """签字确认: the unit's representative confirms the record, or refuses, and the inspectors note how."""
    authorize(actor, "inspection.record", inspection)
    inspection = _locked(inspection)
    authorize(actor, "inspection.record", inspection)
    if inspection.representative_confirmed_at or inspection.representative_refused:
        raise ValidationError(_("The unit's confirmation has already been recorded."))
    if not name.strip():
        raise ValidationError(_("Give the name of the unit's representative."))
    if refused and not note.strip():
        raise ValidationError(_("Note how the representative refused to sign."))
    _refuse_incomplete(inspection)
    changes = _changes(inspection, {
        "representative_name": name.strip()[:64], "representative_title": post.strip()[:64], "representative_refused": bool(refused),
        "representative_note": note.strip(), "representative_confirmed_at": None if refused else timezone.now(),
    })
    inspection.save(update_fields=["representative_name", "representative_title", "representative_refused",
                                   "representative_note", "representative_confirmed_at"])
    log(instance=inspection, action="inspection.confirm", user=actor, data=changes)
    return _complete_if_done(actor=actor, inspection=inspection)


def _complete_if_done(*, actor, inspection: Inspection) -> Inspection:
    """Every inspector has signed and the unit's answer is recorded: the inspection is completed, on
    the day the phone first recorded it on site."""
    if inspection.assignments.filter(signed_at__isnull=True).exists():
        return inspection
    if not (inspection.representative_confirmed_at or inspection.representative_refused):
        return inspection
    first = inspection.checks.exclude(recorded_at=None).order_by("recorded_at").values_list("recorded_at", flat=True).first()
    old = inspection.status
    inspection.status = InspectionStatus.COMPLETED
    inspection.completed_at = timezone.now()
    inspection.inspected_on = timezone.localdate(first) if first else timezone.localdate()
    inspection.save(update_fields=["status", "completed_at", "inspected_on"])
    log(instance=inspection, action="inspection.complete", user=actor, data={
        "status": {"old": old, "new": inspection.status}, "inspected_on": inspection.inspected_on.isoformat(),
        "nonconforming": inspection.checks.filter(result=CheckResult.NONCONFORM).count(),
    })
    inspection_credit_report(inspection=inspection, actor=actor)
    return inspection
