"""A unit's history in time order: every logged step of its orders and penalties, and what upper
layers add (its assessments), registered here so the register never imports them (DESIGN.md §3).

The steps come from the audit log, not from the orders' current fields, so an automatic change
(the overdue sweep, a re-exam result) appears with its actor and a later change never hides an
earlier one. Ties in time fall back to the order the entries were written in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry

from .models import DecisionKind, OrderStatus, Person, PersonRole, ProductionUnit, RectificationOrder
from .services.system import is_system_actor


@dataclass(frozen=True)
class HistoryEntry:
    when: date | datetime
    kind: str
    text: str
    url: str = ""
    actor: str = ""
    seq: int = 0


_providers: list[Callable[[object], list[HistoryEntry]]] = []


def register_history_provider(provider: Callable[[object], list[HistoryEntry]]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def _as_naive_local(value) -> datetime:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def _status_label(value) -> str:
    return OrderStatus(value).label if value in OrderStatus.values else str(value)


def log_entry_text(data: dict) -> str:
    """What a step changed, from its log data, in one line."""
    parts = [data[k] for k in ("order", "notice", "decision") if data.get(k)]
    if data.get("kind") in DecisionKind.values:  # a warning, a fine or no penalty: say which
        parts.append(DecisionKind(data["kind"]).label)
    if data.get("supersedes"):
        parts.append(_("replaces %(number)s") % {"number": data["supersedes"]})
    if isinstance(data.get("from"), str) and isinstance(data.get("to"), str):
        parts.append(f"{_status_label(data['from'])} → {_status_label(data['to'])}")
    if isinstance(data.get("to"), bool):
        parts.append(_("re-exam passed") if data["to"] else _("re-exam not yet passed"))
    for key in ("fine_yuan", "intended_fine_yuan"):
        if data.get(key):
            parts.append(_("%(amount)s yuan") % {"amount": data[key]})
    if data.get("deadline"):
        parts.append(_("deadline %(date)s") % {"date": data["deadline"]})
    parts.extend(str(data[k]) for k in ("reason", "note", "text") if data.get(k))
    return " · ".join(str(p) for p in parts)


def actor_name(user) -> str:
    if user is None:
        return ""
    if is_system_actor(user):
        return _("System (automatic)")
    return user.get_full_name() or user.get_username()


def order_log_entries(orders) -> list[ModelLogEntry]:
    """The logged steps of these orders, oldest first, ties by the order they were written."""
    registry.scan_for_actions()  # labels come from the register_log_actions hooks, outside a request too
    content_type = ContentType.objects.get_for_model(RectificationOrder)
    return list(
        ModelLogEntry.objects.filter(content_type=content_type, object_id__in=[str(o.pk) for o in orders])
        .select_related("user").order_by("timestamp", "pk")
    )


def order_history(order) -> list[HistoryEntry]:
    return [_entry(e, "") for e in order_log_entries([order])]


def _entry(log_entry, url: str) -> HistoryEntry:
    return HistoryEntry(
        log_entry.timestamp, str(registry.get_action_label(log_entry.action)), log_entry_text(log_entry.data or {}), url,
        actor_name(log_entry.user), log_entry.pk,
    )


def _legacy_unit_entries(unit) -> list[HistoryEntry]:
    """Steps logged on the unit itself before orders kept their own log (issue #13)."""
    content_type = ContentType.objects.get_for_model(ProductionUnit)
    rows = ModelLogEntry.objects.filter(content_type=content_type, object_id=str(unit.pk)).filter(
        Q(action__startswith="supervision.order_") | Q(action__startswith="supervision.penalty_")
    ).select_related("user").order_by("timestamp", "pk")
    return [_entry(e, "") for e in rows]


_EXTRA_LABELS = {
    "qualifications": gettext_lazy("licences and certificates"), "id_number": gettext_lazy("ID number"),
    "size_class": gettext_lazy("size class"), "director_required": gettext_lazy("director required"),
}


def _field_name(model, name: str) -> str:
    if name in _EXTRA_LABELS:
        return str(_EXTRA_LABELS[name])
    try:
        return str(model._meta.get_field(name.removesuffix("_id")).verbose_name)
    except Exception:  # a field since removed, or a derived one
        return name


def import_change_text(model, data: dict) -> str:
    """One import's changes to one object: 联系电话：旧 → 新; personal values only as changed."""
    parts = []
    for name, change in (data.get("changes") or {}).items():
        label = _field_name(model, name)
        if isinstance(change, list) and len(change) == 2:
            parts.append(f"{label}：{change[0] or '—'} → {change[1] or '—'}")
        else:
            parts.append(f"{label}：{_('changed')}")
    if data.get("job"):
        parts.append(_("import job %(job)s") % {"job": data["job"]})
    return "；".join(parts)


def person_left_text(data: dict) -> str:
    """Order 75 Art. 13: 质量安全总监，任职 2023-05-05 至 2026-12-03 · 本文件为本单位全部在岗人员 · 导入任务 7."""
    role = data.get("role")
    parts = [
        str(PersonRole(role).label) if role in PersonRole.values else str(role or ""),
        _("in post %(start)s to %(end)s") % {"start": data.get("appointed_on") or "—", "end": data.get("left_on") or "—"},
    ]
    if data.get("complete_staff"):
        parts.append(_("not in a complete-staff file"))
    if data.get("job"):
        parts.append(_("import job %(job)s") % {"job": data["job"]})
    return " · ".join(p for p in parts if p)


_ENTRY_TEXT = {
    "supervision.import_change": lambda model, data: import_change_text(model, data),
    "supervision.person_left": lambda model, data: person_left_text(data),
}


def import_change_entries(model, object_ids) -> list[HistoryEntry]:
    """What imports did to these objects: field changes and, for people, the posts they left."""
    registry.scan_for_actions()
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    rows = ModelLogEntry.objects.filter(
        content_type=content_type, object_id__in=[str(i) for i in object_ids], action__in=list(_ENTRY_TEXT),
    ).select_related("user").order_by("timestamp", "pk")
    prefix = model is not ProductionUnit
    return [
        HistoryEntry(e.timestamp, str(registry.get_action_label(e.action)),
                     (f"{e.label}：" if prefix else "") + _ENTRY_TEXT[e.action](model, e.data or {}), "",
                     actor_name(e.user), e.pk)
        for e in rows
    ]


def person_history(person) -> list[HistoryEntry]:
    return import_change_entries(Person, [person.pk])


def unit_history(unit) -> list[HistoryEntry]:
    from django.urls import reverse

    orders = list(unit.orders.all())
    entries = [_entry(e, reverse("orders:inspect", args=[int(e.object_id)])) for e in order_log_entries(orders)]
    entries.extend(_legacy_unit_entries(unit))
    entries.extend(import_change_entries(ProductionUnit, [unit.pk]))
    entries.extend(import_change_entries(Person, list(unit.people.values_list("pk", flat=True))))
    for provider in _providers:
        entries.extend(provider(unit))
    return sorted(entries, key=lambda e: (_as_naive_local(e.when), e.seq))
