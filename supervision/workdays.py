"""Periods counted in working days.

行政处罚法 Art. 85: "本法中“二日”“三日”“五日”“七日”的规定是指工作日，不含法定节假日". A working day is
a weekday that is not a statutory holiday, or a weekend day the State Council's yearly schedule
makes a working day (调休上班). A year's schedule comes from the platform administrator's entry of
the State Council's notice (`HolidaySchedule`) where there is one, else from the pinned
`chinesecalendar` package. A year neither covers is refused, never guessed: counting weekends only
would shorten a unit's statutory period over 元旦 or 春节.

The day the period starts from is not counted (民法典 Art. 201: 开始的当日不计入，自下一日开始计算)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The models read this module only inside methods (HolidaySchedule.clean, PenaltyNotice's dates):
# that is the one direction of the cycle that stays lazy.
from .models import HolidaySchedule

MAX_RANGE_DAYS = 31


@dataclass(frozen=True)
class YearSchedule:
    holidays: frozenset[date]
    workdays: frozenset[date]

    def is_workday(self, day: date) -> bool:
        return day in self.workdays or (day.weekday() < 5 and day not in self.holidays)


def _parse_date(text: str, line: int) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(_("Line %(line)s: “%(text)s” is not a date (write 2027-01-01).") % {"line": line, "text": text.strip()}) from None


def parse_days(text: str, year: int, *, ranges: bool = True) -> frozenset[date]:
    """The dates of one text field, one date (or, with `ranges`, one `from..to` range) per line, all
    in `year`; a Chinese ValidationError naming the line otherwise."""
    days: set[date] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if ".." in line:
            if not ranges:
                raise ValidationError(_("Line %(line)s: one date per line here, not a range.") % {"line": number})
            first_text, _sep, last_text = line.partition("..")
            first, last = _parse_date(first_text, number), _parse_date(last_text, number)
            if last < first or (last - first).days >= MAX_RANGE_DAYS:
                raise ValidationError(_("Line %(line)s: a range runs forward, at most %(days)s days.") % {"line": number, "days": MAX_RANGE_DAYS})
        else:
            first = last = _parse_date(line, number)
        if first.year != year or last.year != year:
            raise ValidationError(_("Line %(line)s: the date is not in %(year)s.") % {"line": number, "year": year})
        day = first
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return frozenset(days)


def schedule_check(*, year: int, holidays: str, workdays: str) -> YearSchedule:
    """An administrator's entry, checked: dates of the year, no day both off and worked, worked
    days on weekends only."""
    off = parse_days(holidays, year)
    if not off:
        raise ValidationError(_("Enter the year's holidays from the State Council's notice."))
    worked = parse_days(workdays, year, ranges=False)
    both = sorted(off & worked)
    if both:
        raise ValidationError(_("%(date)s is listed both as a holiday and as a day worked.") % {"date": both[0].isoformat()})
    weekdays = sorted(d for d in worked if d.weekday() < 5)
    if weekdays:
        raise ValidationError(_("%(date)s is a weekday; list only the weekend days the notice makes working days.") % {"date": weekdays[0].isoformat()})
    return YearSchedule(off, worked)


def package_covers(year: int) -> bool:
    """Whether the pinned chinesecalendar carries the State Council's schedule of `year`."""
    try:
        chinese_calendar.is_workday(date(year, 12, 31))
    except NotImplementedError:
        return False
    return True


class Calendar:
    """The working-day calendar for one computation: each year's schedule is looked up once."""

    def __init__(self):
        self._years: dict[int, YearSchedule | None] = {}

    def _entered(self, year: int) -> YearSchedule | None:
        if year not in self._years:
            entry = HolidaySchedule.objects.filter(year=year).first()
            self._years[year] = schedule_check(year=year, holidays=entry.holidays, workdays=entry.workdays) if entry else None
        return self._years[year]

    def is_workday(self, day: date) -> bool:
        entered = self._entered(day.year)
        if entered is not None:
            return entered.is_workday(day)
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            raise ValidationError(
                _("The statutory holiday schedule for %(year)s is not yet loaded, so a period in working days cannot be counted (Administrative Penalty Law Article 85). Ask the platform administrator to enter it from the State Council's notice.")
                % {"year": day.year}
            ) from None


def working_days_after(start: date, days: int, *, calendar: Calendar | None = None) -> date:
    """The last day of a period of `days` working days that starts on `start` (not counted).
    Pass one `calendar` when counting many periods: it reads each year's entered schedule once."""
    if days < 1:
        raise ValueError("a period has at least one day")
    calendar = calendar or Calendar()
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if calendar.is_workday(day):
            counted += 1
    return day
