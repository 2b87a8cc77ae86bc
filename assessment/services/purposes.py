"""What a plan is for (`PlanPurpose`): the steps of an assessment refuse an inspection plan.

An inspection plan (Order 75 Art. 14) shares the frame, the public seed and the draw with an
assessment plan (Art. 15); its inspectors and on-site record are the inspection app's. Sessions,
tickets, examiners, exam results, orders from results and re-exams exist for assessments only."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import PlanPurpose, SamplingPlan


def assessment_only(plan: SamplingPlan) -> None:
    if plan.purpose != PlanPurpose.ASSESSMENT:
        raise ValidationError(_("This is an on-site inspection plan: exam sessions, tickets, examiners, exam results and re-exams belong to assessment plans only."))
