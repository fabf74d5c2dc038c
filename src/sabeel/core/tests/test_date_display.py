"""Dates and times on every page: day first in English and in Arabic, times in the host
country's zone with the zone named in words."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from sabeel.core.templatetags.sabeel import birth_day, local_date, local_datetime, zone_name

# 11:05 UTC on 6 December 2026: 13:05 in Beirut (UTC+2 in winter), 14:05 in Amman (UTC+3 all
# year since 2022), so the two groups read different hours for one moment.
MOMENT = dt.datetime(2026, 12, 6, 11, 5, tzinfo=dt.UTC)
BEIRUT = SimpleNamespace(time_zone="Asia/Beirut")
AMMAN = SimpleNamespace(time_zone="Asia/Amman")


def test_a_moment_reads_day_first_with_the_beirut_zone_named_in_english():
    with translation.override("en"):
        assert local_datetime(MOMENT, BEIRUT) == "6 December 2026, 13:05 (Beirut time)"


def test_the_same_moment_for_the_jordan_group_is_amman_time():
    with translation.override("en"):
        assert local_datetime(MOMENT, AMMAN) == "6 December 2026, 14:05 (Amman time)"


def test_in_arabic_the_day_comes_first_and_the_zone_is_named_in_arabic():
    with translation.override("ar"):
        text = local_datetime(MOMENT, BEIRUT)
        assert text.startswith("6 ")
        assert "2026" in text and "13:05" in text
        assert zone_name(BEIRUT) in text
        assert "December" not in text


def test_a_household_names_its_groups_zone():
    household = SimpleNamespace(working_group=BEIRUT)
    with translation.override("en"):
        assert zone_name(household) == "Beirut time"
        assert local_datetime(MOMENT, household).endswith("(Beirut time)")


def test_a_day_is_day_first_and_a_moment_becomes_the_local_day():
    late = dt.datetime(2026, 12, 6, 22, 30, tzinfo=dt.UTC)  # already 7 December in Beirut
    with translation.override("en"):
        assert local_date(dt.date(2026, 3, 3)) == "3 March 2026"
        assert local_date(late, BEIRUT) == "7 December 2026"
        assert local_date("2026-03-03") == "3 March 2026"
        assert local_date(None) == "—"


def test_an_unknown_zone_is_named_by_its_city():
    with translation.override("en"):
        assert zone_name("America/New_York") == "New York time"
        assert zone_name("") == "UTC time"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_filters_work_in_a_template(language):
    template = Template("{% load sabeel %}{{ at|local_datetime:group }} · {{ day|local_date }}")
    with translation.override(language):
        text = template.render(Context({"at": MOMENT, "group": BEIRUT, "day": dt.date(2026, 3, 3)}))
    assert "13:05" in text and text.count("2026") == 2


def test_a_birth_date_reads_day_first_at_its_precision():
    with translation.override("en"):
        assert birth_day({"date_of_birth": dt.date(1984, 5, 2), "dob_precision": "day"}) == "2 May 1984"
        assert birth_day({"date_of_birth": dt.date(1984, 5, 1), "dob_precision": "month"}) == "May 1984"
        assert birth_day({"date_of_birth": dt.date(1980, 1, 1), "dob_precision": "year"}) == "1980"
        assert birth_day({"date_of_birth": None, "dob_precision": "unknown"}) == "—"


def test_a_share_reads_as_a_percentage():
    from sabeel.core.templatetags.sabeel import percent

    assert (percent(0.0245), percent(0.056), percent(0.0), percent(None)) == ("2.45 %", "5.60 %", "0 %", "")
