"""How the duplicate-run pages show a run and a pair (issue 9 review at phone width): the working
group's name in the page's language, one local time for a run everywhere, the evidence folded in
the queue but open on the pair's page, and the head of household's names isolated one by one."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sabeel.core.templatetags.sabeel import local_datetime
from sabeel.identity.tests.factories import pair_make, run_make
from sabeel.registry.tests.factories import head, household_make, spouse
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(cast, places):  # type: ignore[no-untyped-def]
    first = household_make(cast, "lb", members=[head(), spouse()])
    second = household_make(cast, "lb", members=[head(first_name_lat="Mohammad", family_name_lat="Hariri", date_of_birth="1981")])
    return pair_make(run_make(cast, "lb"), first.members.order_by("pk").first(), second.members.get(), 0.6)


def _get(cast: Any, path: str, language: str) -> str:
    client = sign_in(Client(HTTP_ACCEPT_LANGUAGE=language), cast["lb_registration_officer"])
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_run_shows_its_group_in_the_page_language_and_one_local_time_everywhere(cast, pair, language):
    linkage_run = pair.linkage_run
    group = linkage_run.working_group
    expected_name = group.name_ar if language == "ar" else group.name
    # A run waits in the queue before it starts: the time shown is when it started, on every page.
    linkage_run.run.started_at = linkage_run.created_at + dt.timedelta(minutes=7)
    linkage_run.run.save(update_fields=["started_at"])
    with translation.override(language):
        started = local_datetime(linkage_run.run.started_at, group)
    run_list = _get(cast, reverse("identity:run_list"), language)
    run_detail = _get(cast, reverse("identity:run_detail", args=[linkage_run.pk]), language)
    queue = _get(cast, reverse("identity:pair_queue", args=[linkage_run.pk]), language)
    for body in (run_list, run_detail):
        cell = re.search(r'data-testid="run-group"[^>]*>([^<]*)<', body)
        assert cell and cell.group(1).strip() == expected_name
    assert group.name_ar != group.name
    # The list and the queue's breadcrumb give the run's time as its own page does: local, day first, zone named.
    assert started in run_list and started in queue and started in run_detail
    assert "(" in started and str(linkage_run.created_at.year) in started
    with translation.override(language):
        assert local_datetime(linkage_run.created_at, group) not in run_list + queue


def test_the_evidence_is_folded_in_the_queue_and_open_on_the_pairs_page(cast, pair):
    queue = _get(cast, reverse("identity:pair_queue", args=[pair.linkage_run_id]), "en")
    detail = _get(cast, reverse("identity:pair_detail", args=[pair.pk]), "en")
    box = re.compile(r'<details class="pair-evidence" data-testid="pair-evidence-box"( open)?>')
    assert box.search(queue) and box.search(queue).group(1) is None  # type: ignore[union-attr]
    assert box.search(detail) and box.search(detail).group(1) == " open"  # type: ignore[union-attr]
    # Deciding from the pair's page (htmx) keeps it open; from the queue it stays folded.
    client = sign_in(Client(), cast["lb_registration_officer"])
    for next_url, opened in ((reverse("identity:pair_detail", args=[pair.pk]), " open"), (reverse("identity:pair_queue", args=[pair.linkage_run_id]), None)):
        response = client.post(reverse("identity:pair_decide", args=[pair.pk]), {"decision": "unsure", "next": next_url}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        found = box.search(response.content.decode())
        assert found and found.group(1) == opened


def test_the_head_of_households_names_are_isolated_one_by_one(cast, pair):
    body = _get(cast, reverse("identity:pair_detail", args=[pair.pk]), "ar")
    cells = re.findall(r'data-testid="head-names">(.*?)</dd>', body)
    assert "<bdi>محمد أحمد خالد الحريري</bdi> / <bdi>Mohamad Ahmad Khaled El Hariri</bdi>" in cells


def test_a_registered_persons_status_is_named_in_the_pages_language():
    from sabeel.identity.selectors import Side

    side = Side(kind="person", pk=1, status="died")
    with translation.override("ar"):
        assert side.status_label == "توفّي"
    with translation.override("en"):
        assert side.status_label == "Died"
    assert Side(kind="person", pk=1).status_label == ""
    from django.template.loader import render_to_string

    with translation.override("ar"):
        card = render_to_string("identity/_side.html", {"side": side, "which": "left"})
    assert '<dd data-testid="side-status">توفّي</dd>' in card
