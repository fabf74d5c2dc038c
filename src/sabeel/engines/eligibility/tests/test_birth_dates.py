"""The cautious readings of an uncertain birth date: may be an adult (earliest possible birth) and may
be a child (latest possible birth) on a given day."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from sabeel.engines.eligibility import BirthDate


def test_exact_birth_date_turns_18_on_the_18th_birthday() -> None:
    born = BirthDate.on_day(date(2008, 3, 20))
    assert not born.may_be_adult_on(date(2026, 3, 19))
    assert born.may_be_child_on(date(2026, 3, 19))
    assert born.may_be_adult_on(date(2026, 3, 20))
    assert not born.may_be_child_on(date(2026, 3, 20))


def test_year_only_birth_date_is_possibly_adult_from_1_january_and_possibly_child_until_31_december() -> None:
    born = BirthDate.in_year(2008)
    assert (born.earliest(), born.latest()) == (date(2008, 1, 1), date(2008, 12, 31))
    assert not born.may_be_adult_on(date(2025, 12, 31))
    assert born.may_be_adult_on(date(2026, 1, 1))
    assert born.may_be_child_on(date(2026, 12, 30))
    assert not born.may_be_child_on(date(2026, 12, 31))


def test_year_only_birth_date_reads_only_the_year_whatever_day_was_stored() -> None:
    assert BirthDate(date(2008, 7, 1), "year").latest() == date(2008, 12, 31)
    assert BirthDate(date(2008, 7, 1), "year").may_be_adult_on(date(2026, 1, 1))


def test_month_precision_spans_the_whole_month() -> None:
    born = BirthDate(date(2008, 2, 17), "month")
    assert (born.earliest(), born.latest()) == (date(2008, 2, 1), date(2008, 2, 29))
    assert born.may_be_adult_on(date(2026, 2, 1))
    assert born.may_be_child_on(date(2026, 2, 28))
    assert not born.may_be_child_on(date(2026, 3, 1))


def test_unknown_birth_date_may_be_both_adult_and_child() -> None:
    born = BirthDate.unknown()
    assert born.may_be_adult_on(date(1900, 1, 1))
    assert born.may_be_child_on(date(2100, 1, 1))


def test_born_on_29_february_is_possibly_adult_on_28_february_and_surely_on_1_march() -> None:
    born = BirthDate.on_day(date(2008, 2, 29))
    assert not born.may_be_adult_on(date(2026, 2, 27))
    assert born.may_be_adult_on(date(2026, 2, 28))
    assert born.may_be_child_on(date(2026, 2, 28))
    assert not born.may_be_child_on(date(2026, 3, 1))


@settings(deadline=None)
@given(
    born=st.dates(date(1990, 1, 1), date(2020, 12, 31)),
    precision=st.sampled_from(["day", "month", "year"]),
    day=st.dates(date(2000, 1, 1), date(2040, 12, 31)),
)
def test_everyone_is_possibly_an_adult_or_possibly_a_child_and_the_readings_follow_the_window(
    born: date, precision: str, day: date
) -> None:
    birth = BirthDate(born, precision)  # type: ignore[arg-type]
    assert birth.may_be_adult_on(day) or birth.may_be_child_on(day)
    exact_earliest, exact_latest = BirthDate.on_day(birth.earliest() or born), BirthDate.on_day(birth.latest() or born)
    assert birth.may_be_adult_on(day) == exact_earliest.may_be_adult_on(day)
    assert birth.may_be_child_on(day) == exact_latest.may_be_child_on(day)
    if precision == "day":
        assert birth.may_be_adult_on(day) != birth.may_be_child_on(day) or (born.month, born.day) == (2, 29)
