"""The survey pull's pages: an administrator configures a source (the token never on a page, only
the secret's name), an officer pulls now and sees the run, its summary and the dead letters with
their reasons in words, and tries one again after fixing the register."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from sabeel.conditions.tests.factories import places_load
from sabeel.consent.models import DeadLetter, DeadLetterStatus, PullSource, ReturnIntention
from sabeel.consent.tests.fake_survey_server import TOKEN, FakeServer, kobo_item, running
from sabeel.core.models import Run
from sabeel.registry.services import household_close, household_reopen
from sabeel.registry.tests.factories import household_make
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db


@override_settings(SABEEL_PULL_TOKENS={"LB_KOBO": TOKEN}, SABEEL_PULL_BACKOFF_SECONDS=0.0)
def test_configure_pull_and_fix_a_dead_letter_through_the_pages(cast, django_capture_on_commit_callbacks):
    places_load()
    good, closed = household_make(cast, "lb"), household_make(cast, "lb")
    officer = cast["lb_registration_officer"]
    household_close(actor=officer, household=closed, reason="Moved away")
    server = FakeServer(
        kobo={"aAsset9": [kobo_item("k-1", good.registration_number), kobo_item("k-2", closed.registration_number)]}
    )
    with running(server):
        admin = sign_in(Client(), cast["lb_administrator"])
        assert admin.get(reverse("consent:pull_source_create")).status_code == 200
        response = admin.post(
            reverse("consent:pull_source_create"),
            {
                "working_group": cast.groups["lb"].pk,
                "kind": "kobo",
                "server_url": server.base,
                "form_id": "aAsset9",
                "token_name": "LB_KOBO",
                "pull_every_minutes": 60,
            },
        )
        assert response.status_code == 302
        source = PullSource.objects.get()
        # A token typed instead of a secret's name is refused, and never stored.
        refused = admin.post(
            reverse("consent:pull_source_create"),
            {
                "working_group": cast.groups["lb"].pk,
                "kind": "kobo",
                "server_url": server.base,
                "form_id": "aAsset9",
                "token_name": "abc123-secret-token",
                "pull_every_minutes": 60,
            },
        )
        assert refused.status_code == 200 and PullSource.objects.count() == 1

        client = sign_in(Client(), officer)
        listing = client.get(reverse("consent:pull_source_list")).content.decode()
        assert reverse("consent:pull_source_detail", args=[source.pk]) in listing
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("consent:pull_now", args=[source.pk])).status_code == 302
    page = client.get(reverse("consent:pull_source_detail", args=[source.pk])).content.decode()
    assert TOKEN not in page and "LB_KOBO" in page
    assert "New answers: 1." in page and "Not imported: 1" in page
    assert "k-2" in page and "reopen it first" in page  # the dead letter's reason, in words
    assert ReturnIntention.objects.filter(submission_id="k-1").exists()

    letter = DeadLetter.objects.get(submission_id="k-2")
    closed.refresh_from_db()
    household_reopen(actor=officer, household=closed, reason="Back")
    assert client.post(reverse("consent:dead_letter_retry", args=[letter.pk])).status_code == 302
    letter.refresh_from_db()
    assert letter.status == DeadLetterStatus.RESOLVED
    assert "k-2" not in client.get(reverse("consent:pull_source_detail", args=[source.pk])).content.decode()


def test_the_detail_page_polls_its_latest_run_as_an_htmx_fragment(cast):
    source = PullSource.objects.create(
        working_group=cast.groups["lb"],
        kind="kobo",
        server_url="https://kf.kobotoolbox.org",
        form_id="a1",
        token_name="X",
    )
    client = sign_in(Client(), cast["lb_registration_officer"])
    fragment = client.get(reverse("consent:pull_source_detail", args=[source.pk]), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert 'id="pull-latest"' in fragment.content.decode() and "<h1>" not in fragment.content.decode()


def test_an_administrator_switches_a_source_off_and_a_pull_is_then_refused(cast):
    source = PullSource.objects.create(
        working_group=cast.groups["lb"],
        kind="kobo",
        server_url="https://kf.kobotoolbox.org",
        form_id="a1",
        token_name="X",
    )
    admin = sign_in(Client(), cast["lb_administrator"])
    assert (
        reverse("consent:pull_source_edit", args=[source.pk])
        in admin.get(reverse("consent:pull_source_list")).content.decode()
    )
    response = admin.post(
        reverse("consent:pull_source_edit", args=[source.pk]),
        {"server_url": "https://kobo.example.org", "form_id": "a2", "token_name": "LB_KOBO", "pull_every_minutes": 30},
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.server_url, source.form_id, source.token_name, source.is_active) == (
        "https://kobo.example.org",
        "a2",
        "LB_KOBO",
        False,
    )
    officer = sign_in(Client(), cast["lb_registration_officer"])
    officer.post(reverse("consent:pull_now", args=[source.pk]))
    assert "switched off" in officer.get(reverse("consent:pull_source_detail", args=[source.pk])).content.decode()
    assert not Run.objects.filter(kind="consent.intention_pull").exists()
