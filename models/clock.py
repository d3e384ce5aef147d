"""Time: stored in UTC (naive datetimes), shown in the municipality's time zone."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TypeVar
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

DEFAULT_TIMEZONE = "Europe/Amsterdam"
_timezone = ZoneInfo(DEFAULT_TIMEZONE)

_Moment = TypeVar("_Moment", dt.date, dt.datetime)


def configure(timezone_name: str) -> None:
    global _timezone
    _timezone = ZoneInfo(timezone_name)


def timezone() -> ZoneInfo:
    return _timezone


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def to_local(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC).astimezone(_timezone)


def format_local(moment: dt.datetime | None, fmt: str, locale) -> str:
    """A stored moment as people read it: in the municipality's zone, in their language (pages and mails)."""
    if moment is None:
        return ""
    return format_datetime(to_local(moment), fmt, locale=locale)


def to_utc(local_moment: dt.datetime) -> dt.datetime:
    """A wall-clock time in the municipality's zone (naive or aware) as naive UTC."""
    if local_moment.tzinfo is None:
        local_moment = local_moment.replace(tzinfo=_timezone)
    return local_moment.astimezone(dt.UTC).replace(tzinfo=None)


def add_months(moment: _Moment, months: int) -> _Moment:
    """`months` calendar months later (earlier when negative): the same day of the month, or the
    month's last day when it is shorter (31 January + 1 = 28 or 29 February). A date stays a date; a
    stored moment keeps its time of day and stays naive UTC."""
    year, month = divmod(moment.year * 12 + moment.month - 1 + months, 12)
    return moment.replace(year=year, month=month + 1, day=min(moment.day, calendar.monthrange(year, month + 1)[1]))
