"""The question bank: validating, creating, versioning, activating and retiring questions."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from supervision.authorization import authorize
from supervision.versioned import content_errors_raise

from ..models import KnowledgeArea, Question, QuestionStatus, QuestionType, QuestionVersion

LETTERS = "ABCDEF"
JUDGE_OPTIONS = ["正确", "错误"]
MIN_OPTIONS, MAX_OPTIONS = 2, 6


@dataclass
class QuestionContent:
    """Everything that makes one version of a question, before it is saved."""

    type: str
    stem: str
    options: list[str]
    answer: str
    area: KnowledgeArea
    legal_source: str
    roles: str = "both"
    difficulty: str = "medium"
    explanation: str = ""
    category_ids: frozenset[int] = field(default_factory=frozenset)

    def normalised(self) -> QuestionContent:
        return QuestionContent(
            type=self.type, stem=" ".join(self.stem.split()), options=[o.strip() for o in self.options],
            answer="".join(sorted(set(self.answer.strip().upper()))), area=self.area,
            legal_source=self.legal_source.strip(), roles=self.roles, difficulty=self.difficulty,
            explanation=self.explanation.strip(), category_ids=frozenset(self.category_ids),
        )

    @classmethod
    def of(cls, version: QuestionVersion) -> QuestionContent:
        return cls(
            type=version.type, stem=version.stem, options=list(version.options), answer=version.answer,
            area=version.area, legal_source=version.legal_source, roles=version.roles,
            difficulty=version.difficulty, explanation=version.explanation,
            category_ids=frozenset(c.pk for c in version.categories.all()),
        )

    def same_as(self, other: QuestionContent) -> bool:
        a, b = self.normalised(), other.normalised()
        return (a.type, a.stem, a.options, a.answer, a.area.pk, a.legal_source, a.roles, a.difficulty, a.explanation, a.category_ids) == (
            b.type, b.stem, b.options, b.answer, b.area.pk, b.legal_source, b.roles, b.difficulty, b.explanation, b.category_ids)


def question_content_errors(content: QuestionContent) -> list[tuple[str, str]]:
    """Every rule a question breaks, as (field, Chinese message); empty when it is sound."""
    c = content.normalised()
    errors: list[tuple[str, str]] = []
    if not c.stem:
        errors.append(("stem", _("The stem is empty.")))
    if not c.legal_source:
        errors.append(("legal_source", _("Every question cites its legal source (e.g. 《规定》第十五条).")))
    if any(not option for option in c.options):
        errors.append(("options", _("Options must be filled in order from A, with no gaps.")))
    if not MIN_OPTIONS <= len(c.options) <= MAX_OPTIONS:
        errors.append(("options", _("A question has 2 to 6 options.")))
    if len(set(c.options)) != len(c.options):
        errors.append(("options", _("Two options have the same text.")))
    letters = LETTERS[: len(c.options)]
    if not c.answer:
        errors.append(("answer", _("The correct answer is empty.")))
    elif any(letter not in letters for letter in c.answer):
        errors.append(("answer", _("The answer “%(answer)s” names an option that is not filled in.") % {"answer": c.answer}))
    if c.type == QuestionType.JUDGE:
        if c.options != JUDGE_OPTIONS:
            errors.append(("options", _("A true/false question has exactly two options: 正确 and 错误.")))
        if len(c.answer) != 1:
            errors.append(("answer", _("A true/false question has one answer, A or B.")))
    elif c.type == QuestionType.SINGLE:
        if len(c.answer) != 1:
            errors.append(("answer", _("A single-choice question has exactly one correct answer.")))
    elif c.type == QuestionType.MULTI:
        if len(c.answer) < 2:
            errors.append(("answer", _("A multiple-choice question has at least two correct answers.")))
        if len(c.options) < 3:
            errors.append(("options", _("A multiple-choice question has at least three options.")))
    else:
        errors.append(("type", _("Unknown question type.")))
    return errors


def _check(content: QuestionContent) -> QuestionContent:
    content_errors_raise(question_content_errors(content))
    return content.normalised()


def _new_version(question: Question, content: QuestionContent, number: int) -> QuestionVersion:
    version = QuestionVersion.objects.create(
        question=question, number=number, type=content.type, stem=content.stem, options=content.options,
        answer=content.answer, explanation=content.explanation, area=content.area, roles=content.roles,
        legal_source=content.legal_source, difficulty=content.difficulty,
    )
    if content.category_ids:
        version.categories.set(content.category_ids)
    return version


@transaction.atomic
def question_create(*, actor, content: QuestionContent, status: str = QuestionStatus.DRAFT) -> Question:
    authorize(actor, "bank.change")
    content = _check(content)
    question = Question.objects.create(status=status)
    question.current_version = _new_version(question, content, 1)
    question.save(update_fields=["current_version"])
    log(instance=question, action="wagtail.create", user=actor, data={"stem": content.stem, "status": status})
    return question


@transaction.atomic
def question_update(*, actor, question: Question, content: QuestionContent) -> Question:
    """A draft is edited in place; a question that is or was active gets a new version, so
    attempts keep the version they were given."""
    authorize(actor, "bank.change")
    content = _check(content)
    current = question.current_version
    if QuestionContent.of(current).same_as(content):
        return question
    if question.status == QuestionStatus.DRAFT and current.number == 1:
        for name in ("type", "stem", "options", "answer", "explanation", "area", "roles", "legal_source", "difficulty"):
            setattr(current, name, getattr(content, name))
        current.save()
        current.categories.set(content.category_ids)
    else:
        question.current_version = _new_version(question, content, current.number + 1)
        question.save(update_fields=["current_version", "updated_at"])
    log(instance=question, action="wagtail.edit", user=actor,
        data={"version": question.current_version.number, "stem": content.stem})
    return question


@transaction.atomic
def question_set_status(*, actor, question: Question, status: str) -> Question:
    authorize(actor, "bank.change")
    if status == QuestionStatus.ACTIVE:
        _check(QuestionContent.of(question.current_version))
    if status == QuestionStatus.DRAFT and question.status != QuestionStatus.DRAFT:
        # A draft's first version is edited in place (question_update); one that has been active
        # may be in papers, which must keep what candidates were shown.
        raise ValidationError(_("A question that has been active cannot go back to draft: edit it (a new version) or retire it."))
    old = question.status
    question.status = status
    question.save(update_fields=["status", "updated_at"])
    log(instance=question, action="assessment.question_status", user=actor, data={"from": old, "to": status})
    return question
