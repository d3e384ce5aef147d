"""Time: stored in UTC (naive datetimes), shown in the municipality's time zone."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Europe/Amsterdam"
_timezone = ZoneInfo(DEFAULT_TIMEZONE)


def configure(timezone_name: str) -> None:
    global _timezone
    _timezone = ZoneInfo(timezone_name)


def timezone() -> ZoneInfo:
    return _timezone


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def to_local(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(_timezone)


def to_utc(local_moment: dt.datetime) -> dt.datetime:
    """A wall-clock time in the municipality's zone (naive or aware) as naive UTC."""
    if local_moment.tzinfo is None:
        local_moment = local_moment.replace(tzinfo=_timezone)
    return local_moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
