"""A year of birth narrows a name search: namesakes born near it are looked up first and, among
names that agree equally well, the one born that year comes first; it never outranks the name.
The year is copied into the search index, and every write of a date of birth keeps it in step."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from sabeel.core.exceptions import ServiceError
from sabeel.registry import services
from sabeel.registry.models import Individual, NameKey
from sabeel.registry.search import person_search, year_rank
from sabeel.registry.tests.factories import head, household_make, spouse
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db


def _omars(cast, years):
    """Households whose heads are all عمر الأحمد, born in ``years`` (one each)."""
    return [
        household_make(cast, "lb", members=[head(first_name_ar="عمر", father_name_ar="", grandfather_name_ar="", family_name_ar="الأحمد",
                                                 first_name_lat="", father_name_lat="", grandfather_name_lat="", family_name_lat="",
                                                 date_of_birth=str(year))])
        for year in years
    ]  # fmt: skip


def _born(hit):
    return hit.values["date_of_birth"].year


def _index_agrees():
    """Every search key carries its person's year of birth (or none)."""
    years = {pk: (day.year if day else None) for pk, day in Individual.objects.values_list("pk", "date_of_birth")}
    return all(years[pk] == born for pk, born in NameKey.objects.values_list("individual_id", "born"))


def test_among_equal_names_the_one_born_that_year_comes_first(cast, places):
    _omars(cast, [1960, 1971, 1985, 1990, 2001])
    officer = cast["lb_registration_officer"]
    for year in (1960, 1985, 2001):
        hits = person_search(actor=officer, query="Omar Al-Ahmad", born=year).hits
        assert _born(hits[0]) == year
        assert len(hits) == 5  # a year orders; it filters nobody out
    assert _born(person_search(actor=officer, query="Omar Al-Ahmad", born=1986).hits[0]) == 1985  # a year apart


def test_the_year_never_outranks_a_better_name(cast, places):
    household_make(cast, "lb", members=[head(first_name_ar="عمر", father_name_ar="خالد", family_name_ar="الأحمد", date_of_birth="1970"),
                                        spouse(first_name_ar="عمر", father_name_ar="سامي", family_name_ar="الأحمد", date_of_birth="1985")])  # fmt: skip
    hits = person_search(actor=cast["lb_registration_officer"], query="عمر خالد الأحمد", born=1985).hits
    assert hits[0].values["father_name_ar"] == "خالد"


def test_year_rank_orders_same_near_unknown_far():
    day = dt.date(1985, 6, 1)
    assert [year_rank(1985, day), year_rank(1984, day), year_rank(None, day), year_rank(1985, None), year_rank(1990, day)] == [0, 1, 2, 2, 3]


@pytest.mark.parametrize("born", [1899, dt.datetime.now(tz=dt.UTC).year + 2, 12])
def test_an_impossible_year_is_refused_with_a_field_message(cast, places, born):
    with pytest.raises(ServiceError) as refused:
        person_search(actor=cast["lb_registration_officer"], query="Omar Al-Ahmad", born=born)
    assert "born" in refused.value.fields


def test_the_api_and_the_page_take_the_year(cast, places):
    _omars(cast, [1960, 1985, 2001])
    client = Client()
    sign_in(client, cast["lb_registration_officer"])
    response = client.post("/api/registry/search", json.dumps({"query": "Omar Al-Ahmad", "born": 2001}), content_type="application/json")
    assert response.status_code == 200 and response.json()["hits"][0]["date_of_birth"].startswith("2001")
    response = client.post("/api/registry/search", json.dumps({"query": "Omar Al-Ahmad", "born": 1800}), content_type="application/json")
    assert response.status_code == 400 and "born" in response.json()["error"]["fields"]
    page = client.post("/registry/search/", {"query": "Omar Al-Ahmad", "born": "1960"}).content.decode()
    assert page.index("1960") < page.index("1985") and 'name="born"' in page


def test_every_write_of_a_date_of_birth_keeps_the_index_in_step(cast, places):
    household = household_make(cast, "lb", members=[head(), spouse()])
    assert _index_agrees() and NameKey.objects.filter(born=1980).exists()
    wife = household.members.get(relationship="spouse")
    services.individual_update(actor=cast["lb_registration_officer"], individual=wife, expected_version=wife.version, changes={"date_of_birth": "1979"})
    assert _index_agrees() and NameKey.objects.filter(individual=wife, born=1979).exists()
    wife.refresh_from_db()
    services.individual_update(actor=cast["lb_registration_officer"], individual=wife, expected_version=wife.version, changes={"date_of_birth": "", "dob_precision": "unknown"})
    assert _index_agrees() and not NameKey.objects.filter(individual=wife, born__isnull=False).exists()
    wife.refresh_from_db()
    change = services.birth_date_change_propose(actor=cast["lb_registration_officer"], individual=wife, date_of_birth="2012", reason="Family booklet")
    assert change is not None
    services.birth_date_change_confirm(actor=cast["lb_protection_officer"], change=change, evidence="Original birth certificate seen")
    assert _index_agrees() and NameKey.objects.filter(individual=wife, born=2012).exists()
