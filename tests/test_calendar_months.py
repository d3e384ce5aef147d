""" "N months" is N calendar months everywhere (retention, the register, the yearly report): the same
day of the month N months on, or that month's last day when it is shorter — 31 January plus one
month is the end of February, never 30 days or 2 or 3 March."""

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import clock


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),  # a leap year's February
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),  # a leap day a year on
        (dt.date(2024, 2, 29), 48, dt.date(2028, 2, 29)),  # ... and four years on
        (dt.date(2024, 3, 31), -1, dt.date(2024, 2, 29)),
        (dt.date(2025, 3, 31), -1, dt.date(2025, 2, 28)),
        (dt.date(2024, 5, 31), 1, dt.date(2024, 6, 30)),
        (dt.date(2024, 12, 15), 1, dt.date(2025, 1, 15)),  # December to January: the year rolls over
        (dt.date(2025, 1, 15), -1, dt.date(2024, 12, 15)),
        (dt.date(2024, 12, 31), 2, dt.date(2025, 2, 28)),
        (dt.date(2024, 8, 31), 24, dt.date(2026, 8, 31)),
        (dt.date(2026, 3, 1), -120, dt.date(2016, 3, 1)),
        (dt.date(2026, 3, 1), 0, dt.date(2026, 3, 1)),
    ],
)
def test_months_are_counted_on_the_calendar_and_a_short_month_ends_on_its_last_day(start, months, expected):
    assert clock.add_months(start, months) == expected


def test_a_stored_moment_keeps_its_time_of_day_and_stays_naive_utc():
    moment = dt.datetime(2024, 1, 31, 23, 30, 15, 123456)
    later = clock.add_months(moment, 1)
    assert later == dt.datetime(2024, 2, 29, 23, 30, 15, 123456) and later.tzinfo is None
    assert clock.add_months(dt.datetime(2024, 12, 31, 8, 0), 1) == dt.datetime(2025, 1, 31, 8, 0)


def test_a_date_stays_a_date():
    assert type(clock.add_months(dt.date(2024, 1, 31), 1)) is dt.date


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))
month_counts = st.integers(min_value=-240, max_value=240)


@given(dates, month_counts)
def test_the_result_is_that_many_months_on_on_the_same_day_or_the_months_last(day, months):
    result = clock.add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == min(day.day, calendar.monthrange(result.year, result.month)[1])


@given(dates, dates, month_counts)
def test_a_later_moment_never_ends_earlier(first, second, months):
    first, second = sorted((first, second))
    assert clock.add_months(first, months) <= clock.add_months(second, months)


@given(dates, month_counts)
def test_going_back_the_same_months_returns_to_the_day_or_to_a_clamped_month_end(day, months):
    back = clock.add_months(clock.add_months(day, months), -months)
    assert back <= day and (back == day or day.day > 28)
