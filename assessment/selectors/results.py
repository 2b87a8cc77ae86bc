"""Round results and item analysis (issue 7), computed from the attempts of a plan.

Pass rates carry exact (Clopper–Pearson) 95 % intervals; whether counties differ is a chi-square
test reported in plain words. Item analysis follows Moodle's quiz-statistics definitions and is
vectorised with numpy."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from scipy.stats import binomtest, chi2_contingency

from supervision.history import HistoryEntry
from supervision.models import Person
from supervision.personal_data import name_mask

from ..models import Attempt, AttemptAnswer, AttemptStatus, FinishedBy, QuestionVersion, SamplingPlan, SamplingUnit, Ticket
from .plans import draw_current


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
    ticket: str  # empty for a sampled person who has no ticket yet
    name_masked: str
    role: str
    role_label: str
    unit_id: int
    outcome: str  # one of OUTCOMES
    score: float | None


# 合格 / 不合格 / 缺考 / 未考: a person who has not been examined yet is pending, never failed.
PASSED, FAILED, ABSENT, PENDING = "passed", "failed", "absent", "pending"
OUTCOMES = (PASSED, FAILED, ABSENT, PENDING)


@dataclass
class UnitResult:
    unit_id: int
    name: str
    uscc: str
    county: str
    size_class: str
    categories: list[str]
    people: list[PersonResult] = field(default_factory=list)
    absent_counts_as_failed: bool = True

    @property
    def outcome(self) -> str:
        """What the unit is shown as (and ordered on): 未考 while anyone is still to sit; 合格 only
        if every sampled person passed; 不合格 if anyone failed; otherwise 缺考 (someone was absent,
        no one failed)."""
        outcomes = {p.outcome for p in self.people}
        if not outcomes or PENDING in outcomes:
            return PENDING
        if outcomes == {PASSED}:
            return PASSED
        return FAILED if FAILED in outcomes else ABSENT

    @property
    def passed(self) -> bool:
        return self.outcome == PASSED

    @property
    def rated(self) -> bool | None:
        """The unit in the pass rates: True (passed), False (not passed) or None (left out). With
        `absent_counts_as_failed` off, absent people are left out of the denominators: the unit is
        judged on the people who sat, and a unit whose people were all absent has no rate outcome."""
        outcome = self.outcome
        if outcome == PENDING:
            return None
        if outcome != ABSENT or self.absent_counts_as_failed:
            return outcome == PASSED
        present = [p for p in self.people if p.outcome != ABSENT]
        return all(p.outcome == PASSED for p in present) if present else None


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
    # False while no counted attempt has been submitted: then there are no rates at all (the
    # pages say so instead of showing 0 %), and the round is left off trend charts.
    has_results: bool = False
    absent_counts_as_failed: bool = True
    # How many units / people are 合格, 不合格, 缺考 and 未考, always apart.
    unit_counts: dict[str, int] = field(default_factory=dict)
    people_counts: dict[str, int] = field(default_factory=dict)

    @property
    def has_rates(self) -> bool:
        return self.has_results and self.overall_units.total > 0


def _latest_attempts(plan: SamplingPlan) -> dict[int, Attempt]:
    """The latest submitted attempt per ticket. Attempts closed when their unit was withdrawn
    count for nothing, nor do revoked tickets'."""
    latest: dict[int, Attempt] = {}
    # The round's statistics are its first sittings: re-exam sessions after the close settle orders only.
    attempts = (Attempt.objects.filter(ticket__session__plan=plan, ticket__session__is_resit=False, status=AttemptStatus.SUBMITTED,
                                       ticket__revoked_at__isnull=True)
                .exclude(finished_by=FinishedBy.WITHDRAWN).select_related("blueprint").order_by("sequence"))
    for attempt in attempts:
        latest[attempt.ticket_id] = attempt
    return latest


def counted_tickets(*, plan: SamplingPlan):
    """The plan's tickets that count in results: first-round (not re-exam) tickets, not revoked,
    and not of a withdrawn selection."""
    return Ticket.objects.filter(Q(selection__isnull=True) | Q(selection__withdrawn_reason=""), session__plan=plan,
                                 session__is_resit=False, revoked_at__isnull=True)


def _untested_people(plan: SamplingPlan):
    """Sampled people of the current draw's active selections who have no ticket yet: 未考. (A
    person whose ticket was revoked is not "still to be ticketed": they are simply out.)"""
    draw = draw_current(plan=plan)
    if draw is None:
        return []
    active = draw.selections.filter(withdrawn_reason="")
    if plan.sampling_unit == SamplingUnit.PERSON:
        people = Person.objects.filter(pk__in=active.filter(person__isnull=False).values("person_id"))
    else:
        # As sessions.tickets_issue picks them: the unit's current people in the assessed roles.
        people = Person.objects.filter(unit_id__in=active.values("unit_id"), left_on__isnull=True, role__in=plan.roles)
    ticketed = Ticket.objects.filter(session__plan=plan).values("person_id")
    return list(people.exclude(pk__in=ticketed).select_related("unit__county").prefetch_related("unit__categories").order_by("unit_id", "role", "pk"))


def round_results(*, plan: SamplingPlan, now=None) -> RoundResults:
    """The round's results, honest about what is not decided yet: per person 合格 / 不合格 / 缺考 /
    未考; revoked tickets and withdrawn selections count nowhere; rates only over decided units
    and people (absent ones by the plan's `absent_counts_as_failed`)."""
    now = now or timezone.now()
    counts_absent = plan.absent_counts_as_failed
    tickets = list(counted_tickets(plan=plan).select_related("session", "person__unit__county").prefetch_related("person__unit__categories").order_by("number"))
    latest = _latest_attempts(plan)
    open_attempts = set(Attempt.objects.filter(ticket__session__plan=plan, ticket__session__is_resit=False, status=AttemptStatus.IN_PROGRESS).values_list("ticket_id", flat=True))
    units: dict[int, UnitResult] = {}
    people: list[PersonResult] = []
    pass_mark = 90

    def add(result: PersonResult, unit) -> None:
        people.append(result)
        if unit.pk not in units:
            units[unit.pk] = UnitResult(unit.pk, unit.name, unit.uscc, unit.county.name, unit.get_size_class_display(),
                                        sorted(c.name for c in unit.categories.all()), absent_counts_as_failed=counts_absent)
        units[unit.pk].people.append(result)

    for ticket in tickets:
        person = ticket.person
        attempt = latest.get(ticket.pk)
        score = None
        if attempt is not None:
            outcome, score = (PASSED if attempt.passed else FAILED), float(attempt.score / attempt.max_score * 100)
            pass_mark = attempt.blueprint.pass_mark_percent
        elif ticket.absent_marked_at is not None:
            outcome = ABSENT
        elif ticket.pk in open_attempts or ticket.session.ends_at > now:
            outcome = PENDING  # sitting now, or the session is still to come
        else:
            outcome = ABSENT  # the session is over and they never started (closing marks it)
        add(PersonResult(ticket.number, name_mask(person.name), person.role, person.get_role_display(), person.unit_id, outcome, score), person.unit)
    for person in _untested_people(plan):
        add(PersonResult("", name_mask(person.name), person.role, person.get_role_display(), person.unit_id, PENDING, None), person.unit)
    unit_list = sorted(units.values(), key=lambda u: (u.county, u.name))
    has_results = any(p.score is not None for p in people)

    def person_rated(p: PersonResult) -> bool | None:
        if p.outcome in (PASSED, FAILED):
            return p.outcome == PASSED
        return False if p.outcome == ABSENT and counts_absent else None

    def rates(items, key, rated) -> list[Rate]:
        # Only decided units/people, and only groups that have any: no 0 % for "not yet".
        if not has_results:
            return []
        groups: dict[str, list[bool]] = defaultdict(list)
        for item in items:
            if (value := rated(item)) is not None:
                for label in key(item):
                    groups[label].append(value)
        return [pass_rate(label, sum(v), len(v)) for label, v in sorted(groups.items())]

    def overall(label, items, rated) -> Rate:
        decided = [v for v in map(rated, items) if v is not None] if has_results else []
        return pass_rate(label, sum(decided), len(decided))

    def unit_rated(u: UnitResult) -> bool | None:
        return u.rated

    by_county = rates(unit_list, lambda u: [u.county], unit_rated)
    return RoundResults(
        units=unit_list, people=people, by_county=by_county,
        by_category=rates(unit_list, lambda u: u.categories or [_("General")], unit_rated),
        by_size=rates(unit_list, lambda u: [u.size_class], unit_rated),
        by_role=rates(people, lambda p: [p.role_label], person_rated),
        overall_units=overall(_("All units"), unit_list, unit_rated),
        overall_people=overall(_("All people"), people, person_rated),
        county_test=county_difference(by_county) if has_results else "",
        scores=[p.score for p in people if p.score is not None],
        pass_mark_percent=pass_mark,
        has_results=has_results,
        absent_counts_as_failed=counts_absent,
        unit_counts={k: sum(u.outcome == k for u in unit_list) for k in OUTCOMES},
        people_counts={k: sum(p.outcome == k for p in people) for k in OUTCOMES},
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
    discrimination: float | None  # correlation of the item with the rest of the test (None: undefined)
    efficiency: float | None  # discrimination / the highest it could be given the item's facility
    flags: list[str]


@dataclass
class TestStats:
    attempts: int
    mean: float
    sd: float
    alpha: float | None  # Cronbach's alpha (= KR-20 for dichotomous items); None where undefined
    error_ratio: float | None  # sqrt(1 - alpha), as a percentage
    standard_error: float | None  # error ratio × SD of the test


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


def plan_item_analysis(*, plan: SamplingPlan) -> tuple[list[ItemStats], TestStats | None]:
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
        # Flags only from enough answers: on a handful, one candidate's luck makes an item look
        # "too easy" or "negatively discriminating" (ITEM_ANALYSIS_MIN_ATTEMPTS, stated on the page).
        if len(scores) >= item_analysis_min_attempts():
            if facility >= TOO_EASY:
                flags.append(_("too easy"))
            if facility <= TOO_HARD:
                flags.append(_("too hard"))
            if defined(disc) is not None and disc < 0:
                flags.append(_("discriminates negatively"))
        items.append(ItemStats(question_id, stems.get(question_id, ""), int(has.sum()), facility, float(scores.std(ddof=1)),
                               defined(disc), defined(disc / best) if best > 0 else None, flags))
    complete = matrix[:, ~np.isnan(matrix).any(axis=0)]
    test = item_analysis(complete)[4] if complete.shape[1] > 1 else TestStats(len(attempts), float(totals.mean()), float(totals.std(ddof=1)) if len(attempts) > 1 else 0.0, None, None, None)
    test = TestStats(test.attempts, test.mean, test.sd, defined(test.alpha), defined(test.error_ratio), defined(test.standard_error))
    return items, test


def defined(value: float | None) -> float | None:
    """A statistic that the data leave undefined (NaN: every answer alike, a single candidate) is
    None, which the pages show as 样本不足 with the reason, never "nan"."""
    return None if value is None or not np.isfinite(value) else float(value)


def item_analysis_min_attempts() -> int:
    return settings.ITEM_ANALYSIS_MIN_ATTEMPTS




def unit_assessment_history(unit) -> list:
    """The unit's sittings, for its history on the unit page (registered in apps.ready; the
    register calls its providers with the unit as the one positional argument)."""
    entries = []
    sittings = (Attempt.objects.filter(ticket__person__unit=unit, status=AttemptStatus.SUBMITTED, ticket__revoked_at__isnull=True)
                .exclude(finished_by=FinishedBy.WITHDRAWN).select_related("ticket__person", "ticket__session__plan"))
    for attempt in sittings:  # sittings closed by a withdrawal count for nothing, so are not listed
        outcome = _("Passed") if attempt.passed else _("Not passed")
        text = f"{attempt.ticket.session.plan.title} · {name_mask(attempt.ticket.person.name)}（{attempt.ticket.person.get_role_display()}）· {attempt.score} · {outcome}"
        entries.append(HistoryEntry(attempt.submitted_at, _("Assessment"), text, reverse("plans:inspect", args=[attempt.ticket.session.plan_id])))
    return entries


# --- the people of a round, first sittings and re-exams together ---------------------------------


def person_outcomes(*, plan: SamplingPlan) -> dict[int, str]:
    """Each person of the round (a live first-round ticket): "passed" when their latest submitted
    sitting in the plan, first round or re-exam, passed; "failed" when it did not; "absent" when
    they never sat. Two queries whatever the size."""
    people = set(
        Ticket.objects.filter(session__plan=plan, session__is_resit=False, revoked_at__isnull=True).values_list("person_id", flat=True)
    )
    latest: dict[int, tuple] = {}
    for person_id, submitted_at, pk, passed in (
        Attempt.objects.filter(ticket__session__plan=plan, ticket__revoked_at__isnull=True, status=AttemptStatus.SUBMITTED)
        .values_list("ticket__person_id", "submitted_at", "pk", "passed")
    ):
        if person_id in people and (person_id not in latest or (submitted_at, pk) > latest[person_id][:2]):
            latest[person_id] = (submitted_at, pk, passed)
    return {pid: ("absent" if pid not in latest else "passed" if latest[pid][2] else "failed") for pid in people}


def resit_candidates(*, plan: SamplingPlan) -> list[Person]:
    """The persons who still have to pass: failed or absent, and not passed in a re-exam since."""
    outcomes = person_outcomes(plan=plan)
    pending = [pid for pid, outcome in outcomes.items() if outcome != "passed"]
    return list(Person.objects.filter(pk__in=pending).select_related("unit").order_by("unit__name", "unit_id", "role", "pk"))


# --- pass rates of many rounds at once (the dashboard's trend) -----------------------------------


def rounds_people_rates(*, plans: list[SamplingPlan], now=None) -> dict[int, Rate]:
    """Per plan, the people's pass rate `round_results(plan=...).overall_people` gives, counted in
    the database in one query for all the plans. A plan with no submitted first sitting has no
    rate and is left out of the result, as `round_results` has none for it (`has_results`)."""
    now = now or timezone.now()
    plans = list(plans)
    if not plans:
        return {}
    # Each counted ticket is one person of the round, decided as round_results decides it: by its
    # latest submitted first-round sitting (not one closed by a withdrawal); without one, 缺考 if
    # marked absent or if the session is over and no sitting is open; otherwise 未考, not rated.
    sittings = Attempt.objects.filter(ticket=OuterRef("pk"), status=AttemptStatus.SUBMITTED).exclude(finished_by=FinishedBy.WITHDRAWN)
    tickets = (Ticket.objects
               .filter(Q(selection__isnull=True) | Q(selection__withdrawn_reason=""), session__plan__in=plans,
                       session__is_resit=False, revoked_at__isnull=True)
               .alias(sat=Exists(sittings), latest_passed=Subquery(sittings.order_by("-sequence").values("passed")[:1]),
                      sitting_now=Exists(Attempt.objects.filter(ticket=OuterRef("pk"), status=AttemptStatus.IN_PROGRESS))))
    counts = (tickets.values("session__plan_id").order_by()
              .annotate(passed=Count("pk", filter=Q(sat=True, latest_passed=True)),
                        failed=Count("pk", filter=Q(sat=True) & (Q(latest_passed=False) | Q(latest_passed__isnull=True))),
                        absent=Count("pk", filter=Q(sat=False) & (Q(absent_marked_at__isnull=False) | Q(sitting_now=False, session__ends_at__lte=now)))))
    by_plan = {row["session__plan_id"]: row for row in counts}
    label = _("All people")
    rates = {}
    for plan in plans:
        row = by_plan.get(plan.pk)
        if row is None or row["passed"] + row["failed"] == 0:
            continue
        total = row["passed"] + row["failed"] + (row["absent"] if plan.absent_counts_as_failed else 0)
        rates[plan.pk] = pass_rate(label, row["passed"], total)
    return rates
