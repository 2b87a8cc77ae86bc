"""Periods counted in working days.

行政处罚法 Art. 85: "本法中“二日”“三日”“五日”“七日”的规定是指工作日，不含法定节假日". A working day is
a weekday that is not a statutory holiday, or a weekend day the State Council's yearly schedule
makes a working day (调休上班). The schedule comes from the `chinesecalendar` package (pinned; a
new release each November carries the next year). A year the schedule does not cover is refused,
never guessed: counting weekends only would shorten a unit's statutory period over 元旦 or 春节.

The day the period starts from is not counted (期间开始的当日不计入, 民法典 Art. 201; 行政诉讼法
Art. 83 likewise)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        raise ValidationError(
            _("The statutory holiday schedule for %(year)s is not yet loaded, so a period in working days cannot be counted (Administrative Penalty Law Article 85). Ask the platform administrator to update the holiday data.")
            % {"year": day.year}
        ) from None


def working_days_after(start: date, days: int) -> date:
    """The last day of a period of `days` working days that starts on `start` (not counted)."""
    if days < 1:
        raise ValueError("a period has at least one day")
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if _is_workday(day):
            counted += 1
    return day
