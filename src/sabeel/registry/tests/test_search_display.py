"""The search results as the page shows them (issue 9 review at phone width): each hit carries the
labels a stacked card shows (data-label), the household's link, and a generated reading marked by
a short "generated" badge whose full wording is in its title and for screen readers."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from sabeel.registry.tests.factories import head, household_make
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db

ARABIC_ONLY = {"first_name_lat": "", "father_name_lat": "", "grandfather_name_lat": "", "family_name_lat": ""}
FULL = "generated reading — not typed by an officer"


def test_a_hit_is_labelled_for_a_card_and_its_generated_reading_has_a_short_badge(cast, places):
    household = household_make(cast, "lb", members=[head(**ARABIC_ONLY)])
    person = household.members.get()
    client = sign_in(Client(), cast["lb_registration_officer"])
    body = client.post(reverse("registry:search"), {"query": "محمد الحريري"}, headers={"HX-Request": "true"}).content.decode()
    row = re.search(rf'<tr data-testid="hit-{person.pk}".*?</tr>', body, re.S)
    assert row
    hit = row.group(0)
    for label in ("Relationship", "Born", "Household", "Found by", "Score"):
        assert f'data-label="{label}"' in hit
    assert f'data-testid="hit-household">{household.registration_number}</a>' in hit
    generated = re.search(r'<div class="generated-reading" data-testid="generated-lat" title="([^"]*)">(.*?)</div>', hit, re.S)
    assert generated and generated.group(1) == FULL
    # The visible label is one word; the full wording is read out by screen readers.
    assert '<span class="generated-label generated-badge" aria-hidden="true">generated</span>' in generated.group(2)
    assert f'<span class="visually-hidden">{FULL}:</span>' in generated.group(2)
    assert re.search(r'<bdi class="generated-text" dir="ltr">[^<]+</bdi>', generated.group(2))
