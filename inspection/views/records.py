"""One inspection: the inspector's phone pages (我的检查任务, the record, its offline saves and photo
uploads, signing, the unit's confirmation) and the console's detail, print and order pages. All in
the Wagtail admin (its login, second factor and endpoint walk apply); the phone pages use a slim
template of their own."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from supervision.authorization import decide, may, requires
from supervision.files import checked_file_response
from supervision.views import run_action
from supervision.views.enforcement import orders_issue_preview

from ..models import CheckResult, FindingConsequence, RecordKind
from ..selectors import (
    inspection_for_record, inspection_photo_for, inspection_result_text, inspections_of_inspector, sightings_by_kind,
)
from ..services import findings, records
from ..services.records import record_missing


def _assignment_of(inspection, user):
    return next((a for a in inspection.assignments.all() if a.staff.user_id == user.pk), None)


def _recordable(request, pk: int):
    """The inspection the user was drawn for (404 for anyone else, as for another county's)."""
    inspection = inspection_for_record(user=request.user, pk=pk)
    if _assignment_of(inspection, request.user) is None:
        raise Http404
    return inspection


@requires("inspection.record")
def mine_view(request):
    return render(request, "inspection/phone/mine.html", {"inspections": inspections_of_inspector(user=request.user)})


@requires("inspection.record")
def record_view(request, pk: int):
    inspection = _recordable(request, pk)
    if not may(request.user, "inspection.record", inspection):
        return redirect("inspection:detail", inspection.pk)
    assignment = _assignment_of(inspection, request.user)
    return render(request, "inspection/phone/record.html", {
        "inspection": inspection, "assignment": assignment, "checks": inspection.checks.all(),
        "sightings": sightings_by_kind(inspection), "hazards": inspection.hazards.all(), "results": CheckResult.choices,
        "record_kinds": RecordKind.choices, "missing": record_missing(inspection),
        "fixed": any(a.signed_at for a in inspection.assignments.all()) or inspection.representative_confirmed_at or inspection.representative_refused,
        "unit_answered": bool(inspection.representative_confirmed_at or inspection.representative_refused),
        "photo_max_side": settings.INSPECTION_PHOTO_MAX_SIDE_PX,
    })


def _json_error(error) -> JsonResponse:
    if isinstance(error, PermissionDenied):
        return JsonResponse({"error": str(error) or _("You are not allowed to do this.")}, status=403)
    return JsonResponse({"error": "；".join(error.messages)}, status=400)


def _when(value):
    try:
        parsed = parse_datetime(str(value or ""))
    except ValueError:  # well formed but no such time (a 25th hour)
        parsed = None
    if value and parsed is None:
        raise ValidationError(_("The time of the entry cannot be read."))
    return parsed


def _day(value, label: str):
    if not value:
        return None
    try:
        parsed = parse_date(str(value))
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError(_("%(field)s must be a date (YYYY-MM-DD).") % {"field": label})
    return parsed


def _save(request, inspection, entry: dict):
    kind, user = entry.get("kind"), request.user
    when = _when(entry.get("recorded_at"))
    if kind == "check":
        check = next((c for c in inspection.checks.all() if str(c.pk) == str(entry.get("check"))), None)
        if check is None:
            raise ValidationError(_("That item is not part of this inspection."))
        return records.check_record(actor=user, check=check, result=str(entry.get("result", "")), note=str(entry.get("note", "")), recorded_at=when)
    if kind == "sighting":
        return records.sighting_record(
            actor=user, inspection=inspection, kind=str(entry.get("record", "")), seen=entry.get("seen") is True,
            period_start=_day(entry.get("period_start"), _("The period's start")), period_end=_day(entry.get("period_end"), _("The period's end")),
            note=str(entry.get("note", "")), recorded_at=when,
        )
    if kind == "hazard":
        return records.hazard_record(
            actor=user, inspection=inspection, client_id=entry.get("client_id"), description=str(entry.get("description", "")),
            record_kind=str(entry.get("record_kind", "")), corrected=entry.get("corrected") is True,
            correction_note=str(entry.get("correction_note", "")), recorded_at=when,
        )
    raise ValidationError(_("Unknown kind of entry."))


@requires("inspection.record")
def save_view(request, pk: int):
    """One entry from the phone's queue, as JSON: {"kind": "check" | "sighting" | "hazard", ...}.
    An entry older than the stored one is answered ok with applied false (the queue drops it)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    inspection = _recordable(request, pk)
    try:
        entry = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": _("The entry cannot be read.")}, status=400)
    if not isinstance(entry, dict):
        return JsonResponse({"error": _("The entry cannot be read.")}, status=400)
    try:
        _obj, applied = _save(request, inspection, entry)
    except (PermissionDenied, ValidationError) as error:
        return _json_error(error)
    return JsonResponse({"ok": True, "applied": applied})


@requires("inspection.record")
def photo_upload_view(request, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    inspection = _recordable(request, pk)
    upload = request.FILES.get("photo")
    if upload is None:
        return JsonResponse({"error": _("Choose a photo.")}, status=400)
    check = None
    if request.POST.get("check"):
        check = next((c for c in inspection.checks.all() if str(c.pk) == request.POST["check"]), None)
        if check is None:
            return JsonResponse({"error": _("That item is not part of this inspection.")}, status=400)
    try:
        photo, created = records.photo_add(actor=request.user, inspection=inspection, upload=upload, client_id=request.POST.get("client_id", ""),
                                           item_check=check, caption=request.POST.get("caption", ""))
    except (PermissionDenied, ValidationError) as error:
        return _json_error(error)
    return JsonResponse({"ok": True, "created": created, "url": reverse("inspection:photo", args=[photo.pk])})


def _record_action(request, pk: int, perform, success: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    inspection = _recordable(request, pk)
    result = run_action(request, lambda: perform(inspection), success)
    if result is not None and not may(request.user, "inspection.record", result):
        return redirect("inspection:detail", inspection.pk)
    return redirect("inspection:record", inspection.pk)


@requires("inspection.record")
def sign_view(request, pk: int):
    return _record_action(request, pk, lambda i: records.inspector_sign(actor=request.user, inspection=i), _("Your signature is recorded."))


@requires("inspection.record")
def confirm_view(request, pk: int):
    post = request.POST
    return _record_action(request, pk, lambda i: records.representative_confirm(
        actor=request.user, inspection=i, name=post.get("name", ""), post=post.get("post", ""),
        refused=post.get("refused") == "1", note=post.get("note", ""),
    ), _("The unit's answer is recorded."))


def _detail_context(request, inspection) -> dict:
    return {
        "inspection": inspection, "checks": inspection.checks.all(), "sightings": sightings_by_kind(inspection),
        "hazards": inspection.hazards.all(), "assignments": inspection.assignments.all(), "result_text": inspection_result_text(inspection),
        "loose_photos": [p for p in inspection.photos.all() if p.item_check_id is None], "art17": FindingConsequence.ART17,
    }


@requires("inspection.read")
def detail_view(request, pk: int):
    inspection = inspection_for_record(user=request.user, pk=pk)
    title = _("On-site inspection: %(unit)s") % {"unit": inspection.unit.name}
    order_due = decide(request.user, "order.change", inspection.unit).allowed and inspection.order_id is None
    if order_due:
        try:
            findings.inspection_order_draft(inspection=inspection)
        except ValidationError:
            order_due = False
    return render(request, "inspection/detail.html", {
        **_detail_context(request, inspection), "page_title": title, "header_title": title, "order_due": order_due,
        "is_inspector": may(request.user, "inspection.record", inspection),
    })


@requires("inspection.read")
def print_view(request, pk: int):
    inspection = inspection_for_record(user=request.user, pk=pk)
    return render(request, "inspection/print_record.html", _detail_context(request, inspection))


@requires("inspection.read")
def photo_view(request, pk: int):
    """A photo, only through here: in the viewer's scope (another county's is a 404), typed by content."""
    photo = inspection_photo_for(user=request.user, pk=pk)
    return checked_file_response(photo.file.open("rb"), filename_stem=f"inspection-{photo.inspection_id}-{photo.pk}")


@requires("order.change")
def order_view(request, pk: int):
    """The order for the inspection's findings: preview, then issue (supervision's preview page)."""
    inspection = inspection_for_record(user=request.user, pk=pk)
    if not may(request.user, "order.change", inspection.unit):
        raise Http404
    return orders_issue_preview(
        request, title=_("Order for the inspection's findings: preview"), back_url=reverse("inspection:detail", args=[inspection.pk]),
        drafts=lambda: [findings.inspection_order_draft(inspection=inspection)],
        issue=lambda days: [findings.inspection_order_issue(actor=request.user, inspection=inspection, deadline_days=days)],
    )


urlpatterns = [
    path("", mine_view, name="mine"),
    path("<int:pk>/", detail_view, name="detail"),
    path("<int:pk>/record/", record_view, name="record"),
    path("<int:pk>/save/", save_view, name="save"),
    path("<int:pk>/photo/", photo_upload_view, name="photo_upload"),
    path("<int:pk>/sign/", sign_view, name="sign"),
    path("<int:pk>/confirm/", confirm_view, name="confirm"),
    path("<int:pk>/print/", print_view, name="print"),
    path("<int:pk>/order/", order_view, name="order"),
    path("photo/<int:pk>/", photo_view, name="photo"),
]
