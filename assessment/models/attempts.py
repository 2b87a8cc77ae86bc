import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .blueprint import Blueprint
from .sampling import Ticket


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")


class FinishedBy(models.TextChoices):
    CANDIDATE = "candidate", _("Submitted by the candidate")
    DEADLINE = "deadline", _("Submitted at the deadline")
    # The unit was withdrawn from the draw (and replaced) while this attempt was open: the attempt
    # is kept as it stood, marked, and counts for nothing.
    WITHDRAWN = "withdrawn", _("Closed when the unit was withdrawn")


def new_save_pass_key() -> str:
    return secrets.token_urlsafe(12)


class Attempt(models.Model):
    """答卷: one sitting of a ticket's paper, decided on the server: the questions (frozen at
    start with their versions and option order), the deadline, the answers and the score."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("ticket"))
    sequence = models.PositiveSmallIntegerField(_("sitting"), default=1)
    blueprint = models.ForeignKey(Blueprint, on_delete=models.PROTECT, related_name="+", verbose_name=_("blueprint"))
    # [{"v": version id, "q": question id, "t": type, "o": [option order]}, ...]
    paper = models.JSONField(_("paper"))
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    finished_by = models.CharField(_("finished by"), max_length=10, choices=FinishedBy.choices, blank=True)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("full marks"), max_digits=6, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True)
    started_by_examiner = models.BooleanField(_("started by an examiner"), default=False)
    # Part of every save pass given for this attempt (see services.attempts.save_pass_issue); a
    # new key revokes the passes given so far.
    save_pass_key = models.CharField(max_length=24, default=new_save_pass_key, editable=False)

    scope_path_lookup = "ticket__session__plan__jurisdiction__path"

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["ticket", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "sequence"], name="unique_attempt_sitting"),
            # One open attempt per ticket, whatever races the browser makes.
            models.UniqueConstraint(fields=["ticket"], condition=Q(status="in_progress"), name="one_open_attempt_per_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket} #{self.sequence}"


class AttemptAnswer(models.Model):
    """One saved answer: the letters of the chosen options in the question version's own order."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveSmallIntegerField()
    letters = models.CharField(max_length=6, blank=True)
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "position"], name="unique_answer_per_position")]
