"""Round results and item analysis (issue 7), computed from the attempts of a plan.

Pass rates carry exact (Clopper–Pearson) 95 % intervals; whether counties differ is a chi-square
test reported in plain words. Item analysis follows Moodle's quiz-statistics definitions and is
vectorised with numpy."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _
from scipy.stats import binomtest, chi2_contingency

from supervision.personal_data import name_mask

from ..models import Attempt, AttemptAnswer, AttemptStatus, QuestionVersion, SamplingPlan, Ticket


@dataclass
class Rate:
    label: str
    passed: int
    total: int
    low: float = 0.0
    high: float = 0.0

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


def pass_rate(label: str, passed: int, total: int) -> Rate:
    """The pass rate with its exact Clopper–Pearson 95 % confidence interval."""
    if total == 0:
        return Rate(label, 0, 0, 0.0, 0.0)
    ci = binomtest(passed, total).proportion_ci(confidence_level=0.95, method="exact")
    return Rate(label, passed, total, float(ci.low), float(ci.high))


@dataclass
class PersonResult:
    ticket: str
    name_masked: str
    role: str
    role_label: str
    unit_id: int
    outcome: str  # "passed" | "failed" | "absent"
    score: float | None


@dataclass
class UnitResult:
    unit_id: int
    name: str
    uscc: str
    county: str
    size_class: str
    categories: list[str]
    people: list[PersonResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        # A unit passes only if every sampled person passed; an absent person has not passed.
        return bool(self.people) and all(p.outcome == "passed" for p in self.people)


@dataclass
class RoundResults:
    units: list[UnitResult]
    people: list[PersonResult]
    by_county: list[Rate]
    by_category: list[Rate]
    by_size: list[Rate]
    by_role: list[Rate]
    overall_units: Rate
    overall_people: Rate
    county_test: str
    scores: list[float]
    pass_mark_percent: int


def _latest_attempts(plan: SamplingPlan) -> dict[int, Attempt]:
    latest: dict[int, Attempt] = {}
    # The round's statistics are its first sittings: re-exam sessions after the close settle orders only.
    for attempt in Attempt.objects.filter(ticket__session__plan=plan, ticket__session__is_resit=False, status=AttemptStatus.SUBMITTED).select_related("blueprint").order_by("sequence"):
        latest[attempt.ticket_id] = attempt
    return latest


def round_results(plan: SamplingPlan) -> RoundResults:
    tickets = list(Ticket.objects.filter(session__plan=plan, session__is_resit=False).select_related("person__unit__county").prefetch_related("person__unit__categories").order_by("number"))
    latest = _latest_attempts(plan)
    units: dict[int, UnitResult] = {}
    people: list[PersonResult] = []
    pass_mark = 90
    for ticket in tickets:
        person, unit = ticket.person, ticket.person.unit
        attempt = latest.get(ticket.pk)
        if attempt is None:
            outcome, score = "absent", None
        else:
            outcome, score = ("passed" if attempt.passed else "failed"), float(attempt.score / attempt.max_score * 100)
            pass_mark = attempt.blueprint.pass_mark_percent
        result = PersonResult(ticket.number, name_mask(person.name), person.role, person.get_role_display(), unit.pk, outcome, score)
        people.append(result)
        if unit.pk not in units:
            units[unit.pk] = UnitResult(unit.pk, unit.name, unit.uscc, unit.county.name, unit.get_size_class_display(),
                                        sorted(c.name for c in unit.categories.all()))
        units[unit.pk].people.append(result)
    unit_list = sorted(units.values(), key=lambda u: (u.county, u.name))

    def rates(key) -> list[Rate]:
        groups: dict[str, list[bool]] = defaultdict(list)
        for unit in unit_list:
            for label in key(unit):
                groups[label].append(unit.passed)
        return [pass_rate(label, sum(v), len(v)) for label, v in sorted(groups.items())]

    by_county = rates(lambda u: [u.county])
    role_groups: dict[str, list[bool]] = defaultdict(list)
    for p in people:
        role_groups[p.role_label].append(p.outcome == "passed")
    return RoundResults(
        units=unit_list, people=people, by_county=by_county,
        by_category=rates(lambda u: u.categories or [_("General")]),
        by_size=rates(lambda u: [u.size_class]),
        by_role=[pass_rate(label, sum(v), len(v)) for label, v in sorted(role_groups.items())],
        overall_units=pass_rate(_("All units"), sum(u.passed for u in unit_list), len(unit_list)),
        overall_people=pass_rate(_("All people"), sum(p.outcome == "passed" for p in people), len(people)),
        county_test=county_difference(by_county),
        scores=[p.score for p in people if p.score is not None],
        pass_mark_percent=pass_mark,
    )


def county_difference(rates: list[Rate]) -> str:
    """Whether pass rates differ between counties (chi-square test of independence), in plain words."""
    table = [[r.passed, r.total - r.passed] for r in rates if r.total]
    if len(table) < 2:
        return _("Only one county took part: there is nothing to compare.")
    array = np.array(table)
    if (array.sum(axis=0) == 0).any():
        return _("Every unit had the same result, so the counties cannot differ.")
    chi2, p, dof, _expected = chi2_contingency(array)
    if p < 0.05:
        return _("The pass rates differ between counties more than chance would explain (chi-square %(chi2).2f, %(dof)d degrees of freedom, p = %(p).3f).") % {"chi2": chi2, "dof": dof, "p": p}
    return _("The differences between counties are within what chance would give (chi-square %(chi2).2f, %(dof)d degrees of freedom, p = %(p).3f): no county stands out.") % {"chi2": chi2, "dof": dof, "p": p}


# --- item analysis -----------------------------------------------------------------------------


@dataclass
class ItemStats:
    question_id: int
    stem: str
    attempts: int
    facility: float  # mean item score as a fraction of the item's maximum
    sd: float
    discrimination: float  # correlation of the item with the rest of the test
    efficiency: float  # discrimination / the highest it could be given the item's facility
    flags: list[str]


@dataclass
class TestStats:
    attempts: int
    mean: float
    sd: float
    alpha: float  # Cronbach's alpha (= KR-20 for dichotomous items)
    error_ratio: float  # sqrt(1 - alpha), as a percentage
    standard_error: float  # error ratio × SD of the test


def item_matrix(attempts: list[Attempt]) -> tuple[np.ndarray, list[int]]:
    """Rows are attempts, columns are questions (by question id); fractions of each item's points;
    NaN where the attempt did not have the question."""
    versions = QuestionVersion.objects.in_bulk({item["v"] for a in attempts for item in a.paper})
    question_ids = sorted({item["q"] for a in attempts for item in a.paper})
    column = {q: i for i, q in enumerate(question_ids)}
    matrix = np.full((len(attempts), len(question_ids)), np.nan)
    answers = defaultdict(dict)
    for attempt_id, position, letters in AttemptAnswer.objects.filter(attempt__in=attempts).values_list("attempt_id", "position", "letters"):
        answers[attempt_id][position] = letters
    for row, attempt in enumerate(attempts):
        for position, item in enumerate(attempt.paper):
            matrix[row, column[item["q"]]] = 1.0 if answers[attempt.pk].get(position, "") == versions[item["v"]].answer else 0.0
    return matrix, question_ids


def item_analysis(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, TestStats]:
    """Moodle's definitions on a complete (attempts × items) matrix of item scores in [0, 1]:
    facility = mean; sd = item standard deviation (n-1); discrimination = Pearson correlation of
    the item with the rest of the test (total minus the item); discriminative efficiency =
    discrimination / the maximum possible for the item's facility (its correlation with the rest
    when candidates are sorted); alpha = k/(k-1)·(1 - Σ var_i / var_total); error ratio =
    100·sqrt(1 - alpha); standard error = error ratio/100 × SD of the total."""
    n, k = matrix.shape
    totals = matrix.sum(axis=1)
    facility = matrix.mean(axis=0)
    sd = matrix.std(axis=0, ddof=1) if n > 1 else np.zeros(k)
    rest = totals[:, None] - matrix
    disc = _column_correlation(matrix, rest)
    # The best correlation an item could have with the rest: its scores sorted like the rest.
    best = _column_correlation(np.sort(matrix, axis=0)[np.argsort(np.argsort(rest, axis=0), axis=0), np.arange(k)], rest)
    with np.errstate(divide="ignore", invalid="ignore"):
        efficiency = np.where(best > 0, disc / best, np.nan)
    var_total = totals.var(ddof=1) if n > 1 else 0.0
    item_var = matrix.var(axis=0, ddof=1).sum() if n > 1 else 0.0
    alpha = (k / (k - 1)) * (1 - item_var / var_total) if k > 1 and var_total > 0 else float("nan")
    error_ratio = 100 * np.sqrt(1 - alpha) if 0 <= alpha <= 1 else float("nan")
    stats = TestStats(n, float(totals.mean()), float(np.sqrt(var_total)), float(alpha), float(error_ratio), float(error_ratio / 100 * np.sqrt(var_total)))
    return facility, sd, disc, efficiency, stats


def _column_correlation(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a_c = a - a.mean(axis=0)
    b_c = b - b.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (a_c * b_c).sum(axis=0) / np.sqrt((a_c ** 2).sum(axis=0) * (b_c ** 2).sum(axis=0))


TOO_EASY, TOO_HARD = 0.95, 0.05


def plan_item_analysis(plan: SamplingPlan) -> tuple[list[ItemStats], TestStats | None]:
    attempts = list(Attempt.objects.filter(ticket__session__plan=plan, status=AttemptStatus.SUBMITTED))
    if not attempts:
        return [], None
    matrix, question_ids = item_matrix(attempts)
    stems = dict(QuestionVersion.objects.filter(question__in=question_ids, question__current_version__pk__isnull=False).values_list("question_id", "stem"))
    # Papers differ per candidate: analyse each question over the attempts that had it, and the
    # test over the attempts' totals.
    items = []
    totals = np.nansum(matrix, axis=1)
    for column, question_id in enumerate(question_ids):
        has = ~np.isnan(matrix[:, column])
        scores, rest = matrix[has, column], totals[has] - matrix[has, column]
        if len(scores) < 2:
            continue
        facility = float(scores.mean())
        disc = float(_column_correlation(scores[:, None], rest[:, None])[0])
        best = float(_column_correlation(np.sort(scores)[np.argsort(np.argsort(rest))][:, None], rest[:, None])[0])
        flags = []
        if facility >= TOO_EASY:
            flags.append(_("too easy"))
        if facility <= TOO_HARD:
            flags.append(_("too hard"))
        if disc < 0:
            flags.append(_("discriminates negatively"))
        items.append(ItemStats(question_id, stems.get(question_id, ""), int(has.sum()), facility, float(scores.std(ddof=1)),
                               disc, (disc / best) if best > 0 else float("nan"), flags))
    complete = matrix[:, ~np.isnan(matrix).any(axis=0)]
    test = item_analysis(complete)[4] if complete.shape[1] > 1 else TestStats(len(attempts), float(totals.mean()), float(totals.std(ddof=1)) if len(attempts) > 1 else 0.0, float("nan"), float("nan"), float("nan"))
    return items, test


def rectification_orders_issue(*, actor, plan: SamplingPlan, deadline_days: int = 30) -> list:
    """Art. 15: every unit whose round result is not passed rectifies at once; its order closes
    only after its people pass the re-exam. Issued through the register's services."""
    from django.core.exceptions import ValidationError

    from supervision.models import OrderSource
    from supervision.services.enforcement import ART_15, order_issue

    from ..models import PlanStatus

    if plan.status != PlanStatus.CLOSED:
        raise ValidationError(_("Orders follow the results: close the round first."))
    outcome = round_results(plan)
    orders = []
    from supervision.models import ProductionUnit

    units = ProductionUnit.objects.in_bulk([u.unit_id for u in outcome.units if not u.passed])
    for result in outcome.units:
        if result.passed:
            continue
        failed = [f"{p.name_masked}（{p.role_label}，{'缺考' if p.outcome == 'absent' else '不合格'}）" for p in result.people if p.outcome != "passed"]
        orders.append(order_issue(
            actor=actor, unit=units[result.unit_id], source_kind=OrderSource.ASSESSMENT, source_id=plan.pk,
            source_label=plan.title, requires_resit=True, legal_basis=ART_15, deadline_days=deadline_days,
            reason=_("Not passed in the supervisory assessment “%(plan)s”: %(people)s. The unit must rectify at once and its staff pass the re-exam.") % {"plan": plan.title, "people": "；".join(failed)},
        ))
    return orders


def resit_report(attempt: Attempt) -> None:
    """After a re-sit (a further sitting on the ticket, or a re-exam session) is graded: if every
    person of the unit in the round has now passed, tell the register, so the unit's order can
    close (Order 75 Art. 15 ¶3)."""
    from supervision.services.enforcement import order_record_resit

    from .resits import person_outcomes

    ticket = Ticket.objects.select_related("session__plan", "person").get(pk=attempt.ticket_id)
    plan = ticket.session.plan
    unit_id = ticket.person.unit_id
    of_unit = set(Ticket.objects.filter(session__plan=plan, person__unit_id=unit_id).values_list("person_id", flat=True))
    outcomes = person_outcomes(plan)
    passed = all(outcomes.get(pid) == "passed" for pid in of_unit if pid in outcomes)
    order_record_resit(unit_id=unit_id, source_id=plan.pk, passed=passed)
    from .sampling import people_assessment_report

    people_assessment_report(plan)


def unit_assessment_history(unit) -> list:
    """The unit's sittings, for its history on the unit page (registered in apps.ready)."""
    from django.urls import reverse

    from supervision.history import HistoryEntry

    entries = []
    for attempt in Attempt.objects.filter(ticket__person__unit=unit, status=AttemptStatus.SUBMITTED).select_related("ticket__person", "ticket__session__plan"):
        outcome = _("Passed") if attempt.passed else _("Not passed")
        text = f"{attempt.ticket.session.plan.title} · {name_mask(attempt.ticket.person.name)}（{attempt.ticket.person.get_role_display()}）· {attempt.score} · {outcome}"
        entries.append(HistoryEntry(attempt.submitted_at, _("Assessment"), text, reverse("plans:inspect", args=[attempt.ticket.session.plan_id])))
    return entries
