"""A session's window as the server enforces it: start and end, with the end's date whenever it
falls on another day than the start (a session of two weeks must not read as one hour)."""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

register = template.Library()

FORMATS = {
    "short": ("Y-m-d H:i", "H:i", "Y-m-d H:i", "{start} – {end}"),
    "long": ("Y年n月j日 H:i", "H:i", "Y年n月j日 H:i", "{start}至{end}"),
}


def window_text(starts_at, ends_at, style: str = "short") -> str:
    start_format, same_day_end, other_day_end, pattern = FORMATS[style]
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    end_format = same_day_end if start.date() == end.date() else other_day_end
    return pattern.format(start=date_format(start, start_format), end=date_format(end, end_format))


@register.filter
def session_window(session, style: str = "short") -> str:
    return window_text(session.starts_at, session.ends_at, style or "short")
