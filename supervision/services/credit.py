"""The quality credit record (质量信用档案) and its A–D classes (issue 18, DESIGN.md §8).

Push, one pattern: supervision's own services (orders, the Art. 17 warning, the fine) and the
layers above (assessment at a round's close, inspection at an inspection's completion) report an
event here through `credit_event_record`/`credit_events_record`; supervision never reads upwards.
An event is recorded once per (unit, kind, source): a report made again changes nothing, so a
re-run of a close or of `credit_backfill` never doubles the record.

Classes are computed from the events by the current `CreditRuleSet` (rules kept as data, every
change a new version, logged): one aggregate query over the events grouped by unit and kind, each
kind inside its own look-back window, then one bulk upsert. A unit's class is recomputed when one of
its events arrives; `credit_recompute` recomputes every unit (after a change of the rules, and daily
as windows move on).

Authorization: the event follows an action its own service has already authorized in its own
scope (an inspector drawn from a neighbouring county completes the record of the unit they were
drawn for), so `credit.record` asks for an editing role, not the unit's subtree; automatic reports
(the overdue sweep, the command line) come from the system actor."""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from ..authorization import authorize
from ..imports.bulk import filter_in, insert_rows, update_rows
from ..imports.changes import bulk_log_entries
from ..models import (
    CreditEvent,
    CreditEventKind,
    CreditRule,
    CreditRuleSet,
    ProductionUnit,
    UnitCreditClass,
)
from ..selectors_credit import credit_rule_set_current
from .system import is_system_actor, system_actor

BATCH_SIZE = 2000


@dataclass(frozen=True)
class CreditReport:
    """One event as a source reports it."""

    unit_id: int
    kind: str
    occurred_on: date
    source_kind: str
    source_id: int
    source_label: str = ""
    article: str = ""
    detail: str = ""


# --- the record ---------------------------------------------------------------------------------


def _system_or(actor):
    return None if actor is None or is_system_actor(actor) else actor


@transaction.atomic
def credit_events_record(*, reports: Iterable[CreditReport], actor=None) -> list[CreditEvent]:
    """Record the reported events not yet on record (one query to find them, one to insert), log
    each new one, and recompute the classes of the units they touch. Returns the new events."""
    reports = list(dict.fromkeys(reports))
    if not reports:
        return []
    authorize(_system_or(actor), "credit.record")
    for kind in {r.kind for r in reports} - set(CreditEventKind.values):
        raise ValidationError(_("Unknown credit event kind: %(kind)s") % {"kind": kind})
    units = ProductionUnit.objects.select_related("county").in_bulk({r.unit_id for r in reports})
    for report in reports:
        authorize(_system_or(actor), "credit.record", units[report.unit_id])
    keys = {(r.unit_id, r.kind, r.source_kind, r.source_id) for r in reports}
    existing = {_key(e) for e in _on_record(keys)}
    new = [
        CreditEvent(unit_id=r.unit_id, kind=r.kind, occurred_on=r.occurred_on, source_kind=r.source_kind, source_id=r.source_id,
                    source_label=r.source_label[:200], article=r.article[:255], detail=r.detail[:255])
        for r in reports if (r.unit_id, r.kind, r.source_kind, r.source_id) not in existing
    ]
    CreditEvent.objects.bulk_create(new, ignore_conflicts=True)  # a concurrent report of the same event wins, no error
    wanted = {(e.unit_id, e.kind, e.source_kind, e.source_id) for e in new}
    created = sorted(_on_record(wanted), key=lambda e: e.pk)
    user = actor or system_actor()
    for event in created:
        log(instance=event, action="supervision.credit_event", user=user, data={
            "unit": event.unit_id, "kind": event.kind, "occurred_on": event.occurred_on.isoformat(),
            "source": f"{event.source_kind}:{event.source_id}", "label": event.source_label, "article": event.article,
        })
    if created:
        credit_classes_recompute(units=sorted({e.unit_id for e in created}), actor=actor)
    return created


@transaction.atomic
def credit_event_transfer(*, source_kind: str, old_id: int, new_id: int, new_label: str, actor=None) -> list[CreditEvent]:
    """A source replaced by a correction (a penalty decision corrected, 行政处罚法 Art. 29: still one
    penalty): its events now name the correcting source, so the record holds the penalty once and a
    backfill, which reports only current decisions, finds it on record. The date stays the day the
    penalty was first decided; the class is unchanged (same kind, same date)."""
    events = list(CreditEvent.objects.select_for_update().filter(source_kind=source_kind, source_id=old_id))
    user = actor or system_actor()
    for event in events:
        authorize(_system_or(actor), "credit.record", event.unit)
        old_label = event.source_label
        event.source_id, event.source_label = new_id, new_label[:200]
        event.save(update_fields=["source_id", "source_label"])
        log(instance=event, action="supervision.credit_event_transfer", user=user, data={
            "unit": event.unit_id, "kind": event.kind, "from": f"{source_kind}:{old_id} {old_label}", "to": f"{source_kind}:{new_id} {event.source_label}",
        })
    return events


def _key(event: CreditEvent) -> tuple:
    return (event.unit_id, event.kind, event.source_kind, event.source_id)


def _on_record(keys: set[tuple]) -> list[CreditEvent]:
    """The events of `keys` (unit, kind, source kind, source id) already stored: by source id, one
    array on PostgreSQL, chunks under SQLite's parameter limit (a backfill reports thousands)."""
    found = []
    for events in filter_in(CreditEvent.objects.all(), "source_id", sorted({k[3] for k in keys})):
        found.extend(e for e in events if _key(e) in keys)
    return found


def credit_event_record(*, unit, kind: str, occurred_on: date, source_kind: str, source_id: int, source_label: str = "",
                        article: str = "", detail: str = "", actor=None) -> CreditEvent:
    """Record one event (once per unit, kind and source) and recompute the unit's class."""
    report = CreditReport(unit_id=unit.pk, kind=kind, occurred_on=occurred_on, source_kind=source_kind, source_id=source_id,
                          source_label=source_label, article=article, detail=detail)
    created = credit_events_record(reports=[report], actor=actor)
    if created:
        return created[0]
    return CreditEvent.objects.get(unit=unit, kind=kind, source_kind=source_kind, source_id=source_id)


# --- re-pushing: the layers above register how they report their history again ------------------

_sources: dict[str, Callable[..., list[CreditReport]]] = {}


def register_credit_source(name: str, reports: Callable[..., list[CreditReport]]) -> None:
    """An upper layer's function `reports(*, since: date | None) -> list[CreditReport]`, registered
    from its `ready()`; `credit_backfill` records what they return (the layer pushes, supervision
    reads nothing of it)."""
    _sources[name] = reports


def credit_sources() -> dict[str, Callable[..., list[CreditReport]]]:
    return dict(sorted(_sources.items()))


# --- classes ------------------------------------------------------------------------------------


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day where it is shorter): the window's first day."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _window_filter(rules: dict[str, CreditRule], today: date) -> Q:
    """An event counts inside its rule's window, from `months_before(today, window)` (inclusive)
    on (an overdue order is dated the day after its deadline, whenever the sweep ran); a kind
    without a rule or with weight 0 does not count."""
    return Q(*[Q(kind=kind, occurred_on__gte=months_before(today, rule.window_months)) for kind, rule in rules.items() if rule.weight],
             _connector=Q.OR)


def _store(rows: list[tuple], ids: dict[int, int], *, rule_set: CreditRuleSet, now, targeted: bool) -> None:
    """(unit_id, letter, score, explanation) rows that differ from what is stored. A unit's own
    recompute (an event arrived) upserts, so two events of one unit at once cannot collide; the
    full run (one at a time: the daily command, a change of the rules) writes plain rows, COPY
    for the new and one UPDATE … FROM for the changed on PostgreSQL (bulk_create's model
    instances and array parameters were most of its time at 100,000 units)."""
    if targeted:
        UnitCreditClass.objects.bulk_create(
            [UnitCreditClass(unit_id=u, letter=letter, score=score, explanation=text, computed_at=now, rule_set=rule_set) for u, letter, score, text in rows],
            update_conflicts=True, unique_fields=["unit"], update_fields=["letter", "score", "explanation", "computed_at", "rule_set"],
        )
        return
    stamp = now if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(now)
    insert_rows(UnitCreditClass, ["unit_id", "letter", "score", "explanation", "computed_at", "rule_set_id"],
                [(u, letter, score, text, stamp, rule_set.pk) for u, letter, score, text in rows if u not in ids])
    update_rows(UnitCreditClass, ["letter", "score", "explanation", "rule_set_id"],
                [(ids[u], letter, score, text, rule_set.pk) for u, letter, score, text in rows if u in ids])


class _Wording:
    """The explanation's words, translated once per run (gettext per unit was most of the time)."""

    def __init__(self):
        self.kinds = {kind: str(label) for kind, label in CreditEventKind.choices}
        self.one = _("%(kind)s (%(label)s)")
        self.more = _("%(kind)s (%(label)s and %(more)d more)")
        self.nothing = _("nothing on record in the look-back windows")
        self.line = _("%(letter)s: %(reasons)s")

    def explain(self, letter: str, parts: list[tuple[int, str, int, str]]) -> str:
        """parts: (contribution, kind, count, one source label); the heaviest first, what counts against before what counts for."""
        reasons = [
            (self.more % {"kind": self.kinds[kind], "label": label, "more": count - 1}) if count > 1
            else (self.one % {"kind": self.kinds[kind], "label": label})
            for _points, kind, count, label in sorted(parts, key=lambda p: (-p[0], p[1]))
        ]
        return self.line % {"letter": letter, "reasons": "；".join(reasons) if reasons else self.nothing}


def _event_parts(rules: dict[str, CreditRule], today: date, unit_ids) -> dict[int, list]:
    """The one aggregate: per unit and kind inside its window, the count and one source label."""
    if not any(r.weight for r in rules.values()):
        return {}
    events = CreditEvent.objects.filter(_window_filter(rules, today))
    if unit_ids is not None:
        events = events.filter(unit_id__in=unit_ids)
    parts: dict[int, list] = defaultdict(list)
    for unit_id, kind, count, label in (events.values("unit_id", "kind").annotate(n=Count("pk"), label=Max("source_label"))
                                        .values_list("unit_id", "kind", "n", "label").order_by()):
        parts[unit_id].append((rules[kind].weight * count, kind, count, label))
    return parts


@transaction.atomic
def credit_classes_recompute(*, units=None, today: date | None = None, actor=None) -> int:
    """Compute the class of `units` (ids or units; every unit when None) under the current rule
    set, as of `today`, and store it: the classes that differ in one bulk upsert, the time of
    computation on all in one UPDATE. A unit whose letter changes gets a log entry with the old
    and new letter (one bulk insert). Returns how many units were computed."""
    today = today or timezone.localdate()
    rule_set = credit_rule_set_current()
    rules = {rule.kind: rule for rule in rule_set.rules.all()}
    unit_ids = None if units is None else [getattr(u, "pk", u) for u in units]
    parts = _event_parts(rules, today, unit_ids)
    if unit_ids is None:
        unit_ids = list(ProductionUnit.objects.values_list("pk", flat=True).order_by("pk"))
    stored = UnitCreditClass.objects.all() if units is None else UnitCreditClass.objects.filter(unit_id__in=unit_ids)
    old, ids = {}, {}
    for pk, unit_id, *values in stored.values_list("pk", "unit_id", "letter", "score", "explanation", "rule_set_id").iterator(chunk_size=BATCH_SIZE):
        old[unit_id], ids[unit_id] = tuple(values), pk
    now = timezone.now()
    rows, changes, letters = [], [], Counter()
    with translation.override(settings.LANGUAGE_CODE):  # the stored explanation is in the bureau's language
        wording = _Wording()
        for unit_id in unit_ids:
            unit_parts = parts.get(unit_id, ())
            score = sum(p[0] for p in unit_parts)
            letter = rule_set.letter_for(score)
            letters[letter] += 1
            explanation = wording.explain(letter, unit_parts)
            before = old.get(unit_id)
            if before != (letter, score, explanation, rule_set.pk):
                rows.append((unit_id, letter, score, explanation))
            if before is None or before[0] != letter:
                changes.append((unit_id, str(unit_id), {"from": before and before[0], "to": letter, "score": score, "rule_set": rule_set.version}))
    _store(rows, ids, rule_set=rule_set, now=now, targeted=units is not None)
    stored.update(computed_at=now)
    user = actor or system_actor()
    bulk_log_entries(model=ProductionUnit, action="supervision.credit_class", items=changes, actor=user)
    if units is None:
        log(instance=rule_set, action="supervision.credit_recompute", user=user, data={
            "units": len(unit_ids), "changed": len(changes), "rule_set": rule_set.version, "as_of": today.isoformat(),
            "letters": dict(sorted(letters.items())),
        })
    return len(unit_ids)


@transaction.atomic
def credit_rule_set_change(*, actor, b_from: int, c_from: int, d_from: int, rules: list[dict], note: str) -> CreditRuleSet:
    """A new version of the rules (the old ones are kept): thresholds and, per event kind, its
    weight, look-back window and rationale. Logged with the old and new values; every unit's
    class is recomputed under it."""
    authorize(actor, "credit_rules.change")
    if not note.strip():
        raise ValidationError(_("Say why the rules change."))
    if not b_from <= c_from <= d_from:
        raise ValidationError(_("The thresholds must rise from B to C to D."))
    kinds = [r["kind"] for r in rules]
    if len(set(kinds)) != len(kinds) or set(kinds) - set(CreditEventKind.values):
        raise ValidationError(_("One rule per event kind."))
    for rule in rules:
        if not 1 <= int(rule["window_months"]) <= 120:
            raise ValidationError(_("The look-back window is 1 to 120 months."))
        if not str(rule.get("rationale", "")).strip():
            raise ValidationError(_("Every rule needs its rationale."))
    current = CreditRuleSet.objects.select_for_update().order_by("-version").first()
    old = _rule_set_values(current) if current else None
    rule_set = CreditRuleSet.objects.create(version=(current.version + 1) if current else 1, b_from=b_from, c_from=c_from,
                                            d_from=d_from, note=note.strip(), created_by=actor)
    CreditRule.objects.bulk_create([
        CreditRule(rule_set=rule_set, kind=r["kind"], weight=int(r["weight"]), window_months=int(r["window_months"]),
                   rationale=str(r["rationale"]).strip()) for r in rules
    ])
    log(instance=rule_set, action="supervision.credit_rules_change", user=actor, data={
        "version": rule_set.version, "note": rule_set.note, "old": old, "new": _rule_set_values(rule_set),
    })
    credit_classes_recompute(actor=actor)
    return rule_set


def _rule_set_values(rule_set: CreditRuleSet) -> dict:
    return {
        "version": rule_set.version, "thresholds": [rule_set.b_from, rule_set.c_from, rule_set.d_from],
        "rules": {r.kind: [r.weight, r.window_months] for r in rule_set.rules.order_by("kind")},
    }
