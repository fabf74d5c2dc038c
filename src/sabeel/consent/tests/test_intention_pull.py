"""Pulling the intention survey from KoboToolbox and ODK Central, against a local fake server that
speaks their documented JSON: paging, idempotence on the submission id, an edit recorded as a new
version (the earlier one kept), bad submissions on the dead-letter list with reasons and retried
after a fix, retries after a 500, a wrong token failing the run, and a paging link to another
server refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.http import Http404
from django.test import override_settings

from sabeel.conditions.tests.factories import places_load
from sabeel.consent import intention_pull as pull
from sabeel.consent.intention_import import intention_import_run, intention_import_start
from sabeel.consent.models import (
    Answer,
    DeadLetter,
    DeadLetterStatus,
    IntentionSource,
    PullKind,
    PullSource,
    ReturnIntention,
    SubmissionVersion,
)
from sabeel.consent.tests.fake_survey_server import TOKEN, FakeServer, kobo_item, odk_row, running
from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import AuditEntry, Run, RunStatus
from sabeel.registry.services import household_close, household_reopen
from sabeel.registry.tests.factories import household_make

pytestmark = pytest.mark.django_db

FAST = {
    "SABEEL_PULL_TOKENS": {"LB_SURVEY": TOKEN},
    "SABEEL_PULL_BACKOFF_SECONDS": 0.0,
    "SABEEL_PULL_TIMEOUT_SECONDS": 5,
    "SABEEL_PULL_PAGE_SIZE": 2,
}


@pytest.fixture(autouse=True)
def fast_settings():  # type: ignore[no-untyped-def]
    with override_settings(**FAST):
        yield


@pytest.fixture
def households(cast):  # type: ignore[no-untyped-def]
    places_load()
    return {"lb1": household_make(cast, "lb"), "lb2": household_make(cast, "lb"), "jo": household_make(cast, "jo")}


def _source(cast: Any, server: FakeServer, kind: str = PullKind.KOBO, form_id: str = "aKoboAsset1") -> PullSource:
    return pull.pull_source_create(
        actor=cast["lb_administrator"],
        working_group=cast.groups["lb"],
        kind=kind,
        server_url=server.base,
        form_id=form_id,
        token_name="LB_SURVEY",
    )


def _pull(cast: Any, source: PullSource) -> Run:
    run = pull.pull_start(actor=cast["lb_registration_officer"], source=source)
    pull.pull_run(run_id=run.pk)  # what the task does once the start is committed
    run.refresh_from_db()
    return run


def test_kobo_pull_pages_records_good_submissions_and_dead_letters_bad_ones(cast, households):
    lb1, lb2, jo = households["lb1"], households["lb2"], households["jo"]
    server = FakeServer(
        kobo={
            "aKoboAsset1": [
                kobo_item("k-1", lb1.registration_number),
                kobo_item("k-2", lb2.registration_number, intends="no"),
                kobo_item("k-3", "LB-99999999-9"),  # no such household (and not a valid number)
                kobo_item("k-4", jo.registration_number),  # another group's household: unmatched alike
                kobo_item("k-5", lb1.registration_number, **{"group_ab12cd/intends_return_12m": None}),
            ]
        }
    )
    with running(server):
        source = _source(cast, server)
        run = _pull(cast, source)
    assert run.status == RunStatus.SUCCEEDED, run.failure
    assert run.counts["fetched"] == 5 and run.counts["created"] == 2 and run.counts["dead_letters"] == 3
    # Paged by start/limit (page size 2): three requests, each with the token the way Kobo wants it.
    assert [path.split("?")[1] for path, _auth in server.requests] == [
        "format=json&limit=2&start=0",
        "format=json&limit=2&start=2",
        "format=json&limit=2&start=4",
    ]
    assert {auth for _path, auth in server.requests} == {f"Token {TOKEN}"}
    answers = {i.submission_id: i for i in ReturnIntention.objects.all()}
    assert set(answers) == {"k-1", "k-2"}
    assert answers["k-1"].household == lb1 and answers["k-1"].source == IntentionSource.SURVEY_PULL
    assert answers["k-2"].intends_within_12_months == Answer.NO
    assert sorted(answers["k-1"].obstacles) == ["documents", "shelter"]
    letters = {d.submission_id: d for d in DeadLetter.objects.all()}
    assert set(letters) == {"k-3", "k-4", "k-5"}
    assert {r["problem"] for r in letters["k-3"].reasons} <= {"registration_number_invalid", "household_not_found"}
    assert letters["k-4"].reasons == [{"column": "group_hh/registration_number", "problem": "household_not_found"}]
    assert letters["k-5"].reasons == [{"column": "intends_return_12m", "problem": "answer_missing"}]
    # A dead letter keeps the questions the import reads, not the rest (the enumerator's name).
    assert "_submitted_by" not in letters["k-4"].answers and "enumerator_rana" not in json.dumps(letters["k-4"].answers)
    assert SubmissionVersion.objects.filter(version=1).count() == 2
    audit = AuditEntry.objects.get(action="consent.intentions_pulled")
    assert audit.data["created"] == 2 and audit.data["dead_letters"] == 3
    assert lb1.registration_number not in json.dumps(audit.data) and "k-4" not in json.dumps(audit.data)


def test_pulling_twice_records_nothing_new(cast, households):
    server = FakeServer(
        kobo={"aKoboAsset1": [kobo_item("k-1", households["lb1"].registration_number), kobo_item("k-9", "")]}
    )
    with running(server):
        source = _source(cast, server)
        _pull(cast, source)
        second = _pull(cast, source)
    assert second.status == RunStatus.SUCCEEDED
    assert second.counts["created"] == 0 and second.counts["already_imported"] == 1
    assert ReturnIntention.objects.count() == 1 and SubmissionVersion.objects.count() == 1
    letter = DeadLetter.objects.get(submission_id="k-9")
    assert letter.attempts == 2 and letter.status == DeadLetterStatus.OPEN  # tried again, still one entry


def test_an_edited_kobo_submission_updates_the_answer_and_keeps_the_earlier_version(cast, households):
    number = households["lb1"].registration_number
    server = FakeServer(kobo={"aKoboAsset1": [kobo_item("k-1", number, intends="yes")]})
    with running(server):
        source = _source(cast, server)
        _pull(cast, source)
        # Edited on the server: the same _uuid, a new instance id, the old one deprecated.
        server.kobo["aKoboAsset1"] = [kobo_item("k-1", number, intends="no", instance="k-1-edit", deprecated="k-1")]
        run = _pull(cast, source)
        again = _pull(cast, source)
    assert run.counts["updated"] == 1 and run.counts["created"] == 0
    intention = ReturnIntention.objects.get(submission_id="k-1")
    assert intention.intends_within_12_months == Answer.NO
    versions = list(intention.versions.order_by("version").values_list("version", "instance_id", "values"))
    assert [(v, i) for v, i, _values in versions] == [(1, "k-1"), (2, "k-1-edit")]
    assert versions[0][2]["intends_within_12_months"] == Answer.YES  # the earlier version unchanged
    assert again.counts["updated"] == 0 and again.counts["already_imported"] == 1


def test_a_submission_imported_from_a_file_is_not_recorded_again_and_its_edit_keeps_it_as_version_1(cast, households):
    number = households["lb1"].registration_number
    csv = (
        "end,consent,group_hh/registration_number,group_ab12cd/intends_return_12m,meta/instanceID,_uuid\n"
        f"2026-11-02T10:05:00+02:00,ok,{number},yes,uuid:k-1,k-1\n"
    ).encode()
    run = intention_import_start(
        actor=cast["lb_registration_officer"], working_group=cast.groups["lb"], file_name="s.csv", content=csv
    )
    intention_import_run(run_id=run.pk)
    assert ReturnIntention.objects.filter(submission_id="k-1", source=IntentionSource.SURVEY_IMPORT).exists()
    server = FakeServer(kobo={"aKoboAsset1": [kobo_item("k-1", number)]})
    with running(server):
        source = _source(cast, server)
        assert _pull(cast, source).counts["already_imported"] == 1
        server.kobo["aKoboAsset1"] = [kobo_item("k-1", number, intends="unsure", instance="k-1b", deprecated="k-1")]
        assert _pull(cast, source).counts["updated"] == 1
    intention = ReturnIntention.objects.get(submission_id="k-1")
    assert list(intention.versions.order_by("version").values_list("instance_id", flat=True)) == ["k-1", "k-1b"]
    assert intention.intends_within_12_months == Answer.UNSURE


def test_a_server_error_is_retried_with_backoff_then_the_pull_succeeds(cast, households):
    server = FakeServer(
        kobo={"aKoboAsset1": [kobo_item("k-1", households["lb1"].registration_number)]}, failures=[500, 503]
    )
    with running(server):
        run = _pull(cast, _source(cast, server))
    assert run.status == RunStatus.SUCCEEDED
    assert len(server.requests) == 3 and run.counts["created"] == 1


def test_a_server_that_keeps_failing_fails_the_run_keeping_nothing_half_written(cast, households):
    server = FakeServer(
        kobo={"aKoboAsset1": [kobo_item("k-1", households["lb1"].registration_number)]}, failures=[500] * 10
    )
    with override_settings(SABEEL_PULL_ATTEMPTS=3), running(server):
        run = _pull(cast, _source(cast, server))
    assert run.status == RunStatus.FAILED and run.failure == "server_error"
    assert len(server.requests) == 3
    assert not ReturnIntention.objects.exists()
    assert "kept failing" in pull.pull_summary(run)


def test_a_wrong_token_fails_the_run_at_once_and_is_never_shown(cast, households):
    server = FakeServer(kobo={"aKoboAsset1": [kobo_item("k-1", households["lb1"].registration_number)]})
    with override_settings(SABEEL_PULL_TOKENS={"LB_SURVEY": "a-wrong-token"}), running(server):
        run = _pull(cast, _source(cast, server))
    assert run.status == RunStatus.FAILED and run.failure == "unauthorised"
    assert len(server.requests) == 1  # a 401 is not retried
    assert not ReturnIntention.objects.exists()
    entry = AuditEntry.objects.get(action="consent.intentions_pull_failed")
    assert entry.data["failure"] == "unauthorised" and "a-wrong-token" not in json.dumps(entry.data)
    assert "a-wrong-token" not in json.dumps(Run.objects.get(pk=run.pk).params)


def test_a_missing_secret_fails_the_run_without_asking_the_server(cast, households):
    server = FakeServer(kobo={"aKoboAsset1": []})
    with override_settings(SABEEL_PULL_TOKENS={}), running(server):
        run = _pull(cast, _source(cast, server))
    assert run.failure == "token_missing" and server.requests == []


def test_a_paging_link_to_another_server_is_never_followed(cast, households):
    items = [kobo_item(f"k-{n}", households["lb1"].registration_number) for n in range(3)]
    server = FakeServer(kobo={"aKoboAsset1": items}, next_override="http://127.0.0.2:9/steal")
    with running(server):
        run = _pull(cast, _source(cast, server))
    assert run.status == RunStatus.SUCCEEDED and run.counts["created"] == 3
    assert [path.split("?")[1] for path, _auth in server.requests] == [
        "format=json&limit=2&start=0",
        "format=json&limit=2&start=2",
    ]


def test_the_client_refuses_a_url_of_another_server():
    from sabeel.consent.intention_pull._client import Client as PullClient
    from sabeel.consent.intention_pull._client import PullError

    client = PullClient(server_url="https://kf.kobotoolbox.org", authorization="Token x")
    with pytest.raises(PullError) as refused:
        client.get_json("https://evil.example.org/api/v2/assets/a/data/")
    assert refused.value.code == "foreign_link"


def test_plain_http_is_refused_in_production(cast):
    with override_settings(SABEEL_PRODUCTION=True), pytest.raises(ServiceError) as refused:
        _source_as(cast, "lb_administrator", FakeServer(base="http://127.0.0.1:8000"))
    assert set(refused.value.fields) == {"server_url"}


def test_odk_central_pull_pages_with_top_skip_count_and_records_an_edit_as_a_version(cast, households):
    lb1, lb2 = households["lb1"], households["lb2"]
    server = FakeServer(
        odk={
            "3/intentions": [
                odk_row("o-1", lb1.registration_number),
                odk_row("o-2", lb2.registration_number, intends="unsure"),
                odk_row("o-3", lb2.registration_number, end="yesterday at ten"),
            ]
        }
    )
    with running(server):
        source = _source(cast, server, PullKind.ODK_CENTRAL, "3/intentions")
        run = _pull(cast, source)
        assert run.status == RunStatus.SUCCEEDED, run.failure
        assert [path.split("?")[1] for path, _auth in server.requests] == [
            "%24top=2&%24skip=0&%24count=true",
            "%24top=2&%24skip=2&%24count=true",
        ]
        assert {auth for _path, auth in server.requests} == {f"Bearer {TOKEN}"}
        assert run.counts["created"] == 2 and run.counts["dead_letters"] == 1
        assert DeadLetter.objects.get(submission_id="o-3").reasons == [{"column": "end", "problem": "date_invalid"}]
        # The submitter's name (in __system) is never kept.
        assert "Rana" not in json.dumps(list(DeadLetter.objects.values_list("answers", flat=True)))
        server.odk["3/intentions"][0] = odk_row(
            "o-1", lb1.registration_number, intends="no", instance="o-1-v2", deprecated="o-1"
        )
        edited = _pull(cast, source)
    assert edited.counts["updated"] == 1 and edited.counts["created"] == 0
    intention = ReturnIntention.objects.get(submission_id="o-1")
    assert intention.intends_within_12_months == Answer.NO
    assert list(intention.versions.values_list("instance_id", flat=True).order_by("version")) == ["o-1", "o-1-v2"]
    assert intention.versions.get(version=2).submitted_at is not None


def test_odk_central_wrong_token_is_unauthorised(cast, households):
    server = FakeServer(odk={"3/intentions": [odk_row("o-1", households["lb1"].registration_number)]})
    with override_settings(SABEEL_PULL_TOKENS={"LB_SURVEY": "nope"}), running(server):
        run = _pull(cast, _source(cast, server, PullKind.ODK_CENTRAL, "3/intentions"))
    assert run.failure == "unauthorised" and not ReturnIntention.objects.exists()


def test_a_dead_letter_is_recorded_once_the_register_is_fixed(cast, households):
    household = households["lb1"]
    officer = cast["lb_registration_officer"]
    household_close(actor=officer, household=household, reason="Moved away")
    server = FakeServer(kobo={"aKoboAsset1": [kobo_item("k-1", household.registration_number)]})
    with running(server):
        source = _source(cast, server)
        _pull(cast, source)
    letter = DeadLetter.objects.get(submission_id="k-1")
    assert letter.reasons == [{"column": "group_hh/registration_number", "problem": "household_closed"}]
    assert "reopen" in pull.dead_letter_message(letter.reasons[0])
    assert pull.dead_letter_retry(actor=officer, dead_letter=letter) is False  # not fixed yet
    household.refresh_from_db()
    household_reopen(actor=officer, household=household, reason="Came back")
    letter.refresh_from_db()
    assert pull.dead_letter_retry(actor=officer, dead_letter=letter) is True  # no network needed
    letter.refresh_from_db()
    assert letter.status == DeadLetterStatus.RESOLVED
    assert ReturnIntention.objects.get(submission_id="k-1").household == household
    assert AuditEntry.objects.filter(action="consent.dead_letter_retried").count() == 2
    with pytest.raises((NotPermitted, Http404)):
        pull.dead_letter_retry(actor=cast["jo_registration_officer"], dead_letter=letter)


def test_who_may_configure_and_start_a_pull(cast, households):
    server = FakeServer()
    with pytest.raises(NotPermitted):
        _source_as(cast, "lb_registration_officer", server)  # the server and its secret: administrators
    with pytest.raises(ServiceError) as refused:
        pull.pull_source_create(
            actor=cast["lb_administrator"],
            working_group=cast.groups["lb"],
            kind=PullKind.KOBO,
            server_url="http://survey.example.org",
            form_id="abc",
            token_name="my token",
        )
    assert set(refused.value.fields) == {"server_url", "token_name"}
    with running(server):
        source = _source(cast, server)
    for persona in ("lb_donor_viewer", "lb_finance_officer", "jo_registration_officer"):
        with pytest.raises((NotPermitted, Http404)):
            pull.pull_start(actor=cast[persona], source=source)


def _source_as(cast: Any, persona: str, server: FakeServer) -> PullSource:
    return pull.pull_source_create(
        actor=cast[persona],
        working_group=cast.groups["lb"],
        kind=PullKind.KOBO,
        server_url=server.base or "https://kf.kobotoolbox.org",
        form_id="abc",
        token_name="LB_SURVEY",
    )


def test_periodic_pull_queues_due_sources_only(cast, households):
    server = FakeServer(kobo={"aKoboAsset1": [kobo_item("k-1", households["lb1"].registration_number)]})
    with running(server):
        source = _source(cast, server)
        queued = pull.pull_due()
        assert len(queued) == 1 and queued[0].actor_kind == "system"
        pull.pull_run(run_id=queued[0].pk)
        assert pull.pull_due() == []  # pulled just now: not due again before its interval
    assert ReturnIntention.objects.filter(submission_id="k-1", recorded_by__isnull=True).exists()
    source.refresh_from_db()
    assert source.last_pulled_at is not None


def test_the_command_queues_the_due_pulls(cast):
    from io import StringIO

    from django.core.management import call_command

    PullSource.objects.create(
        working_group=cast.groups["lb"],
        kind=PullKind.KOBO,
        server_url="https://kf.kobotoolbox.org",
        form_id="a1",
        token_name="X",
    )
    out = StringIO()
    call_command("intention_pull_due", stdout=out)
    assert out.getvalue().startswith("1 pull(s) queued")
    assert Run.objects.filter(kind=pull.KIND, actor_kind="system").count() == 1


def test_a_slow_server_times_out_and_fails_the_run(cast, households):
    server = FakeServer(kobo={"aKoboAsset1": []}, delay=1.0)
    with override_settings(SABEEL_PULL_TIMEOUT_SECONDS=0.2, SABEEL_PULL_ATTEMPTS=2), running(server):
        run = _pull(cast, _source(cast, server))
    assert run.status == RunStatus.FAILED and run.failure == "unreachable"


def test_submissions_a_reviewer_rejected_on_the_server_are_not_recorded(cast, households):
    number = households["lb1"].registration_number
    rejected = kobo_item(
        "k-1", number, _validation_status={"uid": "validation_status_not_approved", "label": "Not approved"}
    )
    server = FakeServer(
        kobo={"aKoboAsset1": [rejected]},
        odk={"3/intentions": [odk_row("o-1", number)]},
    )
    server.odk["3/intentions"][0]["__system"]["reviewState"] = "rejected"
    with running(server):
        kobo = _pull(cast, _source(cast, server))
        odk = _pull(cast, _source(cast, server, PullKind.ODK_CENTRAL, "3/intentions"))
    assert kobo.counts["skipped"] == 1 and odk.counts["skipped"] == 1
    assert not ReturnIntention.objects.exists() and not DeadLetter.objects.exists()


def test_the_funnel_refresh_hears_of_the_households_once_committed(
    cast, households, django_capture_on_commit_callbacks
):
    from sabeel.core.signals import households_changed_signal

    heard: list[tuple[int, ...]] = []

    def receiver(sender: Any, household_ids: tuple[int, ...] = (), **kwargs: Any) -> None:
        heard.append(household_ids)

    households_changed_signal.connect(receiver, dispatch_uid="test_intention_pull")
    try:
        lb1, lb2 = households["lb1"], households["lb2"]
        server = FakeServer(
            kobo={"aKoboAsset1": [kobo_item("k-1", lb1.registration_number), kobo_item("k-2", lb2.registration_number)]}
        )
        with running(server):
            source = _source(cast, server)
            heard.clear()
            with django_capture_on_commit_callbacks(execute=True):
                run = pull.pull_start(actor=cast["lb_registration_officer"], source=source)
                pull.pull_run(run_id=run.pk)
    finally:
        households_changed_signal.disconnect(dispatch_uid="test_intention_pull")
    assert {pk for ids in heard for pk in ids} >= {lb1.pk, lb2.pk}
