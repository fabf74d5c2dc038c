"""The review queue: pairs side by side, uncertain first (nearest 0.5 first); decisions same /
different / unsure recorded and audited with ids only, re-decided with their history kept; every
read of names in the read log; scoped to the run's working group (another group's run or pair is
404, a role without identity.review 403); the pages for both officers in English and Arabic; the
API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.http import Http404
from django.test import Client, TestCase
from django.urls import reverse

from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import AuditEntry, ReadEntry, Run
from sabeel.engines import linkage
from sabeel.identity import records, review, runs, selectors
from sabeel.identity.models import CandidatePair, Decision, LinkageRun, ListRecord, PairDecision, RunKind
from sabeel.identity.tests.factories import pair_make, run_make
from sabeel.registry.tests.factories import head, household_make, spouse
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db

OFFICERS = ("lb_registration_officer", "lb_protection_officer")
API = "/api/identity"


@pytest.fixture
def queue(cast, places):  # type: ignore[no-untyped-def]
    """A finished run of Lebanon with five pairs (one with a row of an uploaded list) and one of
    Jordan's; the probabilities chosen so the queue order is known."""
    first = household_make(cast, "lb", members=[head(), spouse()])
    second = household_make(
        cast, "lb", members=[head(first_name_lat="Mohammad", family_name_lat="Hariri", date_of_birth="1980-03-01"), spouse()]
    )
    a, b = first.members.order_by("pk")
    c, d = second.members.order_by("pk")
    linkage_run = run_make(cast, "lb", kind=RunKind.LIST)
    row = ListRecord.objects.create(
        linkage_run=linkage_run, row_number=2, first_name_lat="Fatma", family_name_lat="Zoubi", sex="F", birth_year=1984, reference="UN-7"
    )
    pairs = {
        0.99: pair_make(linkage_run, a, c, 0.99),
        0.91: pair_make(linkage_run, b, d, 0.91),
        0.75: pair_make(linkage_run, a, d, 0.75),
        0.52: pair_make(linkage_run, b, row, 0.52),
        0.6: pair_make(linkage_run, b, c, 0.6),
    }
    jordan = household_make(cast, "jo")
    j1, j2 = jordan.members.order_by("pk")
    jordan_run = run_make(cast, "jo")
    return {"run": linkage_run, "pairs": pairs, "row": row, "people": (a, b, c, d), "jordan_run": jordan_run, "jordan_pair": pair_make(jordan_run, j1, j2, 0.7)}


def _client(cast: Any, persona: str, language: str = "en") -> Client:
    return sign_in(Client(HTTP_ACCEPT_LANGUAGE=language), cast[persona])


def _audit(action: str) -> list[dict[str, Any]]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq").values_list("data", flat=True))


def _names_absent(blob: Any) -> None:
    text = json.dumps(blob, ensure_ascii=False, default=str)
    for name in ("Mohamad", "Mohammad", "Hariri", "Fatima", "Fatma", "محمد", "الحريري", "فاطمة", "private"):
        assert name not in text


def test_the_queue_puts_the_least_sure_pairs_first(cast, queue):
    officer = cast["lb_protection_officer"]
    order = [p.probability for p in selectors.pair_queue(actor=officer, linkage_run=queue["run"])]
    assert order == [0.52, 0.6, 0.75, 0.91, 0.99], "uncertain nearest 0.5 first, then likely least sure first"


def test_decisions_are_recorded_audited_with_ids_only_and_may_be_changed(cast, queue):
    officer = cast["lb_registration_officer"]
    pair = queue["pairs"][0.52]
    review.pair_decide(actor=officer, pair=pair, decision="unsure", note="private remark about Fatima")
    pair.refresh_from_db()
    assert pair.decision == Decision.UNSURE and pair.decided_at is not None
    review.pair_decide(actor=cast["lb_protection_officer"], pair=pair, decision="same")
    pair.refresh_from_db()
    assert pair.decision == Decision.SAME
    history = list(selectors.pair_history(pair))
    assert [(h.decision, h.decided_by.username) for h in history] == [("same", "lb_protection_officer"), ("unsure", "lb_registration_officer")]
    assert history[1].note == "private remark about Fatima"
    first, second = _audit("identity.pair_decided")
    b = queue["people"][1]
    assert first == {
        "pair_id": pair.pk,
        "linkage_run_id": queue["run"].pk,
        "individual_ids": [b.pk],
        "list_record_ids": [queue["row"].pk],
        "decision": "unsure",
        "previous": "pending",
        "with_note": True,
    }
    assert second["decision"] == "same" and second["previous"] == "unsure" and second["with_note"] is False
    _names_absent([first, second])
    entry = AuditEntry.objects.filter(action="identity.pair_decided").first()
    assert entry is not None and entry.working_group_id == cast.groups["lb"].pk
    # Decided pairs leave the pending queue and are found under their decision.
    officer_queue = selectors.pair_queue(actor=officer, linkage_run=queue["run"])
    assert pair not in officer_queue and officer_queue.count() == 4
    assert list(selectors.pair_queue(actor=officer, linkage_run=queue["run"], decision="same")) == [pair]
    assert selectors.pair_queue(actor=officer, linkage_run=queue["run"], decision="all").count() == 5


@pytest.mark.parametrize(("decision", "note", "words"), [("merge", "", "Choose"), ("", "", "Choose"), ("same", "x" * 501, "too long")])
def test_a_bad_decision_is_refused_and_nothing_is_recorded(cast, queue, decision, note, words):
    pair = queue["pairs"][0.6]
    with pytest.raises(ServiceError) as refused:
        review.pair_decide(actor=cast["lb_registration_officer"], pair=pair, decision=decision, note=note)
    assert words in refused.value.message
    pair.refresh_from_db()
    assert pair.decision == Decision.PENDING and not PairDecision.objects.exists() and not _audit("identity.pair_decided")


def test_another_groups_pairs_are_never_visible_and_a_role_without_review_is_refused(cast, queue):
    jordan = cast["jo_registration_officer"]
    with pytest.raises(Http404):
        selectors.pair_get(actor=jordan, pk=queue["pairs"][0.6].pk)
    with pytest.raises(Http404):
        selectors.run_get(actor=jordan, pk=queue["run"].pk)
    with pytest.raises((Http404, NotPermitted)):
        selectors.pair_queue(actor=jordan, linkage_run=queue["run"])
    with pytest.raises((Http404, NotPermitted)):
        review.pair_decide(actor=jordan, pair=queue["pairs"][0.6], decision="same")
    assert list(selectors.run_list(actor=jordan)) == [queue["jordan_run"]]
    assert list(selectors.run_list(actor=cast["lb_protection_officer"])) == [queue["run"]]
    for persona in ("lb_movement_officer", "lb_donor_viewer", "lb_auditor"):
        with pytest.raises(NotPermitted):
            selectors.pair_get(actor=cast[persona], pk=queue["pairs"][0.6].pk)
        with pytest.raises(NotPermitted):
            review.pair_decide(actor=cast[persona], pair=queue["pairs"][0.6], decision="same")
    assert not PairDecision.objects.exists()


# --- pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", OFFICERS)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_pages_render_for_both_officers_in_both_languages(cast, queue, persona, language):
    client = _client(cast, persona, language)
    linkage_run = queue["run"]
    pages = {
        "run_list": reverse("identity:run_list"),
        "list_upload": reverse("identity:list_upload"),
        "run_detail": reverse("identity:run_detail", args=[linkage_run.pk]),
        "run_progress": reverse("identity:run_progress", args=[linkage_run.pk]),
        "pair_queue": reverse("identity:pair_queue", args=[linkage_run.pk]),
        "pair_detail": reverse("identity:pair_detail", args=[queue["pairs"][0.6].pk]),
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        if name != "run_progress":
            assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html, name
            assert 'data-menu="identity"' in html, f"{name}: the menu leads to the duplicate runs"
    queue_page = client.get(pages["pair_queue"]).content.decode()
    assert queue_page.count('data-testid="pair-card"') == 5
    ids = [int(x) for x in __import__("re").findall(r'data-pair="(\d+)"', queue_page)]
    assert [CandidatePair.objects.get(pk=i).probability for i in ids] == [0.52, 0.6, 0.75, 0.91, 0.99]
    assert "الحريري" in queue_page and "Fatma" in queue_page and 'data-testid="pair-evidence"' in queue_page
    run_list = client.get(pages["run_list"]).content.decode()
    assert f'data-run="{linkage_run.pk}"' in run_list and f'data-run="{queue["jordan_run"].pk}"' not in run_list


def test_reading_the_queue_and_a_pair_is_logged_with_ids_only(cast, queue):
    client = _client(cast, "lb_protection_officer")
    client.get(reverse("identity:pair_queue", args=[queue["run"].pk]))
    (listed,) = ReadEntry.objects.filter(action="identity.pairs_listed")
    assert listed.is_list and listed.working_group_id == cast.groups["lb"].pk
    assert sorted(listed.data["row_ids"]) == sorted(p.pk for p in queue["people"])
    assert sorted(listed.data["pair_ids"]) == sorted(p.pk for p in queue["pairs"].values())
    assert listed.data["list_record_ids"] == [queue["row"].pk]
    _names_absent(listed.data)
    client.get(reverse("identity:pair_detail", args=[queue["pairs"][0.99].pk]))
    (viewed,) = ReadEntry.objects.filter(action="identity.pair_viewed")
    assert viewed.data["pair_ids"] == [queue["pairs"][0.99].pk] and not viewed.is_list


def test_deciding_from_the_page_plain_and_with_htmx(cast, queue):
    client = _client(cast, "lb_registration_officer")
    pair = queue["pairs"][0.75]
    queue_url = reverse("identity:pair_queue", args=[queue["run"].pk])
    response = client.post(reverse("identity:pair_decide", args=[pair.pk]), {"decision": "different", "next": queue_url})
    assert response.status_code == 302 and response["Location"] == queue_url
    pair.refresh_from_db()
    assert pair.decision == "different"
    # htmx: the card comes back, decided; a foreign "next" is not followed.
    response = client.post(
        reverse("identity:pair_decide", args=[pair.pk]), {"decision": "same", "next": "https://evil.example/"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-decision="same"' in html and "evil.example" not in html
    bad = client.post(reverse("identity:pair_decide", args=[pair.pk]), {"decision": "perhaps"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400 and 'role="alert"' in bad.content.decode()
    assert [h.decision for h in selectors.pair_history(pair)] == ["same", "different"]
    page = client.get(reverse("identity:pair_detail", args=[pair.pk])).content.decode()
    assert page.count('data-testid="history-entry"') == 2 and 'data-testid="earlier-run"' not in page


def test_the_pages_refuse_other_roles_and_other_groups(cast, queue):
    urls = [
        reverse("identity:run_list"),
        reverse("identity:list_upload"),
        reverse("identity:run_detail", args=[queue["run"].pk]),
        reverse("identity:pair_queue", args=[queue["run"].pk]),
        reverse("identity:pair_detail", args=[queue["pairs"][0.6].pk]),
    ]
    movement = _client(cast, "lb_movement_officer")
    for url in urls:
        assert movement.get(url).status_code == 403, url
    assert movement.post(reverse("identity:pair_decide", args=[queue["pairs"][0.6].pk]), {"decision": "same"}).status_code == 403
    assert movement.post(reverse("identity:run_start"), {"working_group": cast.groups["lb"].pk}).status_code == 403
    jordan = _client(cast, "jo_registration_officer")
    for url in urls[2:]:
        assert jordan.get(url).status_code == 404, url
    assert jordan.post(reverse("identity:pair_decide", args=[queue["pairs"][0.6].pk]), {"decision": "same"}).status_code == 404
    assert not PairDecision.objects.exists()


def test_a_bad_upload_from_the_page_says_why_and_stores_nothing(cast, queue):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _client(cast, "lb_registration_officer")
    before = (LinkageRun.objects.count(), Run.objects.count())
    for name, content, words in (
        ("people.csv", b"name,phone\nMohammad Hariri,+961 3 000000\n", "first-name column"),
        ("empty.csv", b"", "empty"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "could not be read"),
    ):
        response = client.post(
            reverse("identity:list_upload"), {"file": SimpleUploadedFile(name, content), "working_group": cast.groups["lb"].pk}
        )
        assert response.status_code == 400, name
        html = response.content.decode()
        assert words in html, (name, __import__("re").findall(r"role=\"alert\">(.*?)</div>", html, __import__("re").S))
        assert "+961" not in html
    assert (LinkageRun.objects.count(), Run.objects.count()) == before and ListRecord.objects.count() == 1
    # A form posted without its (hidden) working group says so rather than failing silently.
    response = client.post(reverse("identity:list_upload"), {"file": SimpleUploadedFile("a.csv", b"first_name,family_name\nA,B\n")})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()


def test_a_run_is_started_from_the_page_and_followed(cast, queue, monkeypatch):
    LinkageRun.objects.filter(pk=queue["jordan_run"].pk).update(model_settings={"comparisons": []}, records_total=5000)
    monkeypatch.setattr(runs.linkage, "deduplicate", lambda found, **kw: (list(found), linkage.LinkageResult(pairs=(), clusters=()))[1])
    client = _client(cast, "lb_registration_officer")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("identity:run_start"), {"working_group": cast.groups["lb"].pk})
    assert response.status_code == 302
    started = LinkageRun.objects.latest("pk")
    assert response["Location"] == reverse("identity:run_detail", args=[started.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="run-status"' in page and 'data-testid="run-counts"' in page
    status = client.get(reverse("identity:run_progress", args=[started.pk]), HTTP_HX_REQUEST="true")
    assert status.status_code == 200 and "<html" not in status.content.decode()


# --- API --------------------------------------------------------------------------------------


def _api(client: Client, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    if method == "GET":
        response = client.get(API + path)
    else:
        response = client.post(API + path, json.dumps(body or {}), content_type="application/json")
    return response.status_code, response.json() if response.content else None


def test_the_api_starts_a_run_follows_it_lists_the_queue_and_records_decisions(cast, queue, monkeypatch):
    LinkageRun.objects.filter(pk=queue["jordan_run"].pk).update(model_settings={"comparisons": []}, records_total=5000)
    a, _b, c, _d = queue["people"]
    pair = linkage.MatchPair(records.individual_id(a.pk), records.individual_id(c.pk), 0.95, 8.0, ())
    monkeypatch.setattr(runs.linkage, "deduplicate", lambda found, **kw: (list(found), linkage.LinkageResult(pairs=(pair,), clusters=()))[1])
    client = _client(cast, "lb_registration_officer")
    with TestCase.captureOnCommitCallbacks(execute=True):
        status, body = _api(client, "POST", "/runs", {})
    assert status == 202 and body["status"] == "queued" and body["working_group_id"] == cast.groups["lb"].pk
    status, body = _api(client, "GET", f"/runs/{body['id']}")
    assert status == 200 and body["status"] == "succeeded" and body["pairs_likely"] == 1 and body["percent"] == 100
    status, listed = _api(client, "GET", "/runs")
    assert status == 200 and {r["id"] for r in listed} == {body["id"], queue["run"].pk}

    status, page = _api(client, "GET", f"/runs/{queue['run'].pk}/pairs?limit=2")
    assert status == 200 and page["count"] == 5 and [p["probability"] for p in page["items"]] == [0.52, 0.6]
    first = page["items"][0]
    assert first["right"]["kind"] == "row" and first["right"]["row_number"] == 2 and first["left"]["kind"] == "person"
    assert first["decision"] == "pending"
    assert first["evidence"][0] == {
        "comparison": "first", "comparison_label": "First name", "level": "same in common form", "level_label": "same name across scripts", "weight": 4.2,
    }
    assert ReadEntry.objects.filter(action="identity.pairs_listed_api").count() == 1
    status, page = _api(client, "GET", f"/runs/{queue['run'].pk}/pairs?decision=maybe")
    assert status in (400, 422)

    target = queue["pairs"][0.99]
    status, decided = _api(client, "POST", f"/pairs/{target.pk}/decision", {"decision": "same", "note": "checked the cards"})
    assert status == 200 and decided["decision"] == "same" and decided["decisions"] == 1
    status, decided = _api(client, "POST", f"/pairs/{target.pk}/decision", {"decision": "different"})
    assert status == 200 and decided["decisions"] == 2 and decided["merge_url"] is None
    status, refused = _api(client, "POST", f"/pairs/{target.pk}/decision", {"decision": "merge"})
    assert status == 400 and "decision" in json.dumps(refused)
    target.refresh_from_db()
    assert target.decision == "different"


def test_the_api_is_scoped(cast, queue):
    jordan = _client(cast, "jo_protection_officer")
    assert _api(jordan, "GET", f"/runs/{queue['run'].pk}")[0] == 404
    assert _api(jordan, "GET", f"/runs/{queue['run'].pk}/pairs")[0] == 404
    assert _api(jordan, "POST", f"/pairs/{queue['pairs'][0.6].pk}/decision", {"decision": "same"})[0] == 404
    assert _api(jordan, "POST", "/runs", {"working_group": cast.groups["lb"].pk})[0] == 404
    movement = _client(cast, "lb_movement_officer")
    for method, path in (("GET", "/runs"), ("GET", f"/runs/{queue['run'].pk}"), ("POST", "/runs"), ("POST", f"/pairs/{queue['pairs'][0.6].pk}/decision")):
        assert _api(movement, method, path, {"decision": "same"})[0] == 403, path
    assert _api(Client(), "GET", "/runs")[0] == 401
    assert not PairDecision.objects.exists() and LinkageRun.objects.count() == 2


def test_the_engines_levels_read_as_words():
    assert selectors.level_label("same in common form") == "same name across scripts"
    assert selectors.level_label("father's name missing") == "father's name missing"
    assert selectors.level_label("swapped with family name") == "swapped with the family name"
    assert selectors.level_label("2 to 10 years apart") == "2 to 10 years apart"
    assert selectors.level_label("more than 10 years apart") == "more than 10 years apart"
    assert selectors.level_label("a new level of the engine") == "a new level of the engine"


def test_the_api_queues_an_uploaded_list_and_refuses_a_bad_one(cast, queue, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    LinkageRun.objects.filter(pk=queue["jordan_run"].pk).update(model_settings={"comparisons": []}, records_total=5000)
    monkeypatch.setattr(runs.linkage, "link", lambda left, right, **kw: (list(left), list(right), linkage.LinkageResult(pairs=(), clusters=()))[2])
    url = API + "/runs/list"
    good = b"first_name,family_name,date_of_birth\nMohammad,Hariri,1980\n"
    client = _client(cast, "lb_registration_officer")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, {"file": SimpleUploadedFile("list.csv", good)})
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["kind"] == "list" and body["status"] == "queued"
    done = client.get(f"{API}/runs/{body['id']}").json()
    assert done["status"] == "succeeded" and done["list_rows"] == 1
    refused = client.post(url, {"file": SimpleUploadedFile("list.csv", b"name,phone\nMohammad Hariri,+961 3 000000\n")})
    assert refused.status_code == 400 and "first-name column" in refused.json()["error"]["message"]
    assert "+961" not in refused.content.decode()
    assert client.post(url, {}).status_code == 422
    count = LinkageRun.objects.count()
    assert _client(cast, "lb_movement_officer").post(url, {"file": SimpleUploadedFile("list.csv", good)}).status_code == 403
    other = _client(cast, "jo_registration_officer").post(url, {"file": SimpleUploadedFile("list.csv", good), "working_group": cast.groups["lb"].pk})
    assert other.status_code == 404
    assert Client().post(url, {"file": SimpleUploadedFile("list.csv", good)}).status_code == 401
    assert LinkageRun.objects.count() == count


def test_a_running_run_shows_its_stage_and_may_be_stopped_from_its_page(cast, queue):
    from sabeel.core.models import RunStatus

    working = run_make(cast, "lb", status=RunStatus.RUNNING)
    LinkageRun.objects.filter(pk=working.pk).update(stage="pairs")
    url = reverse("identity:run_detail", args=[working.pk])
    page = _client(cast, "lb_protection_officer").get(url).content.decode()
    assert 'data-testid="run-stage">Comparing records<' in page and 'data-testid="run-stop-form"' in page
    finished_page = _client(cast, "lb_protection_officer").get(reverse("identity:run_detail", args=[queue["run"].pk])).content.decode()
    assert 'data-testid="run-stop-form"' not in finished_page
    assert _client(cast, "lb_movement_officer").post(reverse("identity:run_stop", args=[working.pk])).status_code == 403
    assert _client(cast, "jo_registration_officer").post(reverse("identity:run_stop", args=[working.pk])).status_code == 404
    response = _client(cast, "lb_registration_officer").post(reverse("identity:run_stop", args=[working.pk]))
    assert response.status_code == 302 and response["Location"] == url
    working.run.refresh_from_db()
    assert working.run.status == RunStatus.CANCELLED


def test_the_queue_and_run_list_pages_cost_the_same_queries_for_more_pairs(cast, queue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(cast, "lb_registration_officer")
    urls = [reverse("identity:pair_queue", args=[queue["run"].pk]), reverse("identity:run_list")]

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    counts()  # the first request warms caches (content types, the session)
    before = counts()
    more = household_make(cast, "lb", members=[head(first_name_lat="Omar"), spouse(first_name_lat="Huda")])
    e, f = more.members.order_by("pk")
    a, b, c, d = queue["people"]
    for left, right, p in ((a, e, 0.58), (b, f, 0.62), (c, e, 0.8), (d, f, 0.95)):
        pair_make(queue["run"], left, right, p)
    run_make(cast, "lb")
    assert counts() == before
    assert before[0] <= 20, f"the queue page takes {before[0]} queries"


def test_the_home_page_leads_both_officers_to_the_pairs_waiting(cast, queue):
    queue_url = reverse("identity:pair_queue", args=[queue["run"].pk])
    for persona in OFFICERS:
        home = _client(cast, persona).get(reverse("core:home")).content.decode()
        assert f'href="{queue_url}" data-testid="home-duplicates">5 possible duplicates to review<' in home, persona
    assert "home-duplicate" not in _client(cast, "lb_movement_officer").get(reverse("core:home")).content.decode()
    for pair in queue["pairs"].values():
        review.pair_decide(actor=cast["lb_protection_officer"], pair=pair, decision="different")
    home = _client(cast, "lb_registration_officer").get(reverse("core:home")).content.decode()
    assert "home-duplicates" not in home and f'href="{reverse("identity:run_list")}" data-testid="home-duplicate-runs"' in home
