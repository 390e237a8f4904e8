import datetime as dt

import pytest

from inspections.calendar import (
    CalendarError,
    InspectionCalendar,
    NotAWorkingDay,
    add_working_days,
    is_working_day,
    to_utc,
)

D = dt.date


def test_weekends_are_not_working_days():
    assert is_working_day(D(2025, 6, 13))  # Friday
    assert not is_working_day(D(2025, 6, 14))
    assert not is_working_day(D(2025, 6, 15))


def test_england_and_wales_bank_holidays_are_skipped():
    assert not is_working_day(D(2025, 5, 26))  # spring bank holiday
    assert not is_working_day(D(2025, 12, 26))  # boxing day
    assert not is_working_day(D(2025, 4, 21))  # Easter Monday
    # Scotland's St Andrew's Day substitute and 2 January are not English holidays
    assert is_working_day(D(2025, 1, 2))
    assert add_working_days(D(2025, 5, 23), 1) == D(2025, 5, 27)


def test_shropshire_2025_has_fifteen_days_ending_friday_4_july():
    cal = InspectionCalendar(D(2025, 6, 16))
    assert cal.length == 15
    assert cal.last_day_date == D(2025, 7, 4)
    assert cal.date_for_day(3) == D(2025, 6, 18)
    assert cal.day_for_date(D(2025, 7, 4)) == 15


def test_an_inspection_crossing_a_bank_holiday_has_fourteen_days():
    cal = InspectionCalendar(D(2025, 5, 19))
    assert cal.length == 14
    assert cal.last_day_date == D(2025, 6, 6)
    assert cal.days_in_week(2) == [6, 7, 8, 9]
    assert cal.date_for_day(6) == D(2025, 5, 27)


def test_days_weeks_and_dates_convert_both_ways():
    cal = InspectionCalendar(D(2025, 5, 19))
    for n in [*range(-12, 0), *range(1, 60)]:
        assert cal.day_for_date(cal.date_for_day(n)) == n
    assert cal.week_for_day(5) == 1
    assert cal.week_for_day(6) == 2
    assert cal.week_for_date(D(2025, 6, 6)) == 3
    assert all(cal.week_for_day(n) == 3 for n in cal.days_in_week(3))


def test_day_before_day_one_is_minus_one_and_there_is_no_day_zero():
    cal = InspectionCalendar(D(2025, 6, 16))
    assert cal.date_for_day(-1) == D(2025, 6, 13)
    with pytest.raises(CalendarError):
        cal.date_for_day(0)


def test_day_one_on_a_weekend_or_bank_holiday_is_refused():
    with pytest.raises(NotAWorkingDay, match="Saturday 14 June 2025 is a weekend day"):
        InspectionCalendar(D(2025, 6, 14))
    with pytest.raises(NotAWorkingDay, match="bank holiday"):
        InspectionCalendar(D(2025, 5, 26))


def test_non_working_dates_have_no_day_number():
    cal = InspectionCalendar(D(2025, 6, 16))
    with pytest.raises(NotAWorkingDay):
        cal.day_for_date(D(2025, 6, 21))


def test_phases_follow_the_weeks():
    cal = InspectionCalendar(D(2025, 6, 16))
    assert cal.phase_for_day(-3) == "preparation"
    assert cal.phase_for_day(5) == "week1"
    assert cal.phase_for_day(6) == "onsite"
    assert cal.phase_for_day(16) == "after"
    assert cal.describe_day(3) == "Day 3 of 15 · week 1, inspectors off site"
    assert cal.describe_day(8) == "Day 8 of 15 · week 2, inspectors on site"


def test_last_plus_n_counts_working_days_after_the_final_feedback():
    cal = InspectionCalendar(D(2025, 6, 16))
    # the report was published on 12 August 2025, 27 working days after 4 July
    assert cal.date_for_day(cal.resolve_day("last+27")) == D(2025, 8, 12)
    assert cal.resolve_day("last-3") == 12


def test_local_times_become_utc_across_the_october_clock_change():
    # British Summer Time ended on Sunday 26 October 2025
    assert to_utc(D(2025, 10, 24), dt.time(12)) == dt.datetime(2025, 10, 24, 11, tzinfo=dt.UTC)
    assert to_utc(D(2025, 10, 27), dt.time(12)) == dt.datetime(2025, 10, 27, 12, tzinfo=dt.UTC)
    cal = InspectionCalendar(D(2025, 10, 20))
    assert cal.due_at(1, dt.time(14)).hour == 13
    assert cal.due_at(6, dt.time(14)).hour == 14


def test_a_count_of_working_days_beyond_the_bound_is_refused_not_looped():
    # 99999999 once looped for seconds and then overflowed the date
    with pytest.raises(CalendarError, match="too far"):
        add_working_days(D(2025, 6, 16), 99_999_999)
    with pytest.raises(CalendarError, match="too far"):
        add_working_days(D(2025, 6, 16), -3001)
    assert add_working_days(D(2025, 6, 16), 3000) > D(2036, 1, 1)
    cal = InspectionCalendar(D(2025, 6, 16))
    with pytest.raises(CalendarError):
        cal.date_for_day(99_999_999)
    with pytest.raises(CalendarError, match="too far"):
        cal.days_in_week(99_999_999)
    with pytest.raises(CalendarError, match="too far"):
        cal.day_for_date(D(9999, 12, 31))
    assert cal.days_in_week(2) == [6, 7, 8, 9, 10]
