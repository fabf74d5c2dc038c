"""The merge pages and API: from a review pair or a person's record to a merge, the protection
officers' decisions, the unmerge; names only where the officer may see them, reads logged with ids
only, Arabic right to left."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sabeel.core.models import AuditEntry, ReadEntry
from sabeel.core.permissions import forget_memberships
from sabeel.core.roles import Role
from sabeel.identity.models import LinkState, PersonLink
from sabeel.identity.review import pair_decide
from sabeel.identity.tests.factories import pair_make, run_make
from sabeel.registry.models import Household, Individual
from sabeel.registry.tests.factories import head, household_make, spouse
from sabeel.sharing.models import ShareEntry
from sabeel.sharing.tests.factories import agreement_make, sharing_consent
from sabeel.workgroups.models import Membership
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db

API = "/api/identity"
REASON = "Registered twice by two agencies"
NAMES = ("Mohamad", "Hariri", "Fatima", "Fatma", "Zoubi", "محمد", "الحريري", "فاطمة", "الزعبي")


def twice(**values: Any) -> Any:
    return spouse(**{"first_name_lat": "Fatma", "family_name_lat": "Al Zoubi", **values})


def client_for(cast: Any, persona: str, language: str = "en") -> Client:
    return sign_in(Client(HTTP_ACCEPT_LANGUAGE=language), cast[persona])


def api(client: Client, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    if method == "GET":
        response = client.get(API + path)
    else:
        response = client.post(API + path, json.dumps(body or {}), content_type="application/json")
    return response.status_code, response.json() if response.content else None


def ids_only(blob: Any) -> None:
    text = json.dumps(blob, ensure_ascii=False, default=str)
    for name in NAMES:
        assert name not in text, text


@pytest.fixture
def home(cast, places):  # type: ignore[no-untyped-def]
    """Mohamad and Fatima, with Fatima registered a second time in the same household."""
    household = household_make(cast, "lb", members=[head(), spouse(), twice()])
    return household, *household.members.order_by("pk")


@pytest.fixture
def apart(cast, places):  # type: ignore[no-untyped-def]
    """Fatima in the Harirís' household and her second registration in a household of her own."""
    first = household_make(cast, "lb", members=[head(), spouse()])
    second = household_make(cast, "lb", members=[twice(relationship="head")])
    return first.members.get(relationship="spouse"), second.members.get()


# --- from a review pair ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_pair_decided_same_is_merged_from_its_page(cast, home, language):
    _household, _mohamad, fatima, fatma = home
    pair = pair_make(run_make(cast, "lb"), fatima, fatma, 0.93)
    client = client_for(cast, "lb_registration_officer", language)
    url = reverse("identity:merge_confirm", kwargs={"pair": pair.pk})

    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
    assert html.count('data-testid="merge-side-') == 2 and "Fatma" in html and "فاطمة" in html
    assert 'data-testid="pair-not-same"' in html  # not decided yet: the page says so
    assert 'data-testid="merge-evidence"' in html
    read = ReadEntry.objects.filter(action="identity.merge_pair_viewed").get()
    assert read.data["row_ids"] == [fatima.pk, fatma.pk] and read.data["pair_id"] == pair.pk
    ids_only(read.data)

    refused = client.post(url, {"step": "merge", "survivor": "first", "reason": REASON})
    assert refused.status_code == 400 and 'data-testid="merge-error"' in refused.content.decode()
    assert not PersonLink.objects.exists()

    pair_decide(actor=cast["lb_registration_officer"], pair=pair, decision="same")
    response = client.post(url, {"step": "merge", "survivor": "first", "reason": REASON})
    link = PersonLink.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("identity:merge_detail", kwargs={"pk": link.pk})
    assert (link.survivor_id, link.merged_id, link.pair_id, link.state) == (fatima.pk, fatma.pk, pair.pk, LinkState.ACTIVE)
    detail = client.get(response["Location"]).content.decode()
    assert 'data-testid="merge-evidence"' in detail and 'data-testid="unmerge-form"' in detail and REASON in detail
    # The review card now offers the merge page.
    assert reverse("identity:merge_confirm", kwargs={"pair": pair.pk}) in client.get(
        reverse("identity:pair_detail", args=[pair.pk])
    ).content.decode()


def test_the_merge_form_needs_a_survivor_and_a_reason(cast, home):
    _household, _mohamad, fatima, fatma = home
    pair = pair_make(run_make(cast, "lb"), fatima, fatma, 0.93)
    pair_decide(actor=cast["lb_registration_officer"], pair=pair, decision="same")
    client = client_for(cast, "lb_registration_officer")
    url = reverse("identity:merge_confirm", kwargs={"pair": pair.pk})
    for data in ({"step": "merge", "reason": REASON}, {"step": "merge", "survivor": "second", "reason": "no"}):
        response = client.post(url, data)
        assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert not PersonLink.objects.exists()


def test_the_merge_card_counts_the_household_in_people_not_records(cast, home):
    _household, _mohamad, fatima, fatma = home
    client = client_for(cast, "lb_registration_officer")
    status, body = api(client, "POST", "/merges", {"survivor_id": fatima.pk, "merged_id": fatma.pk, "reason": REASON})
    assert status == 201 and body["state"] == "active"
    status, body = api(client, "GET", f"/merges/{body['id']}")
    assert status == 200
    # Three records, two people: Fatma is Fatima while the merge is in effect (rule 18).
    assert body["survivor"]["household_size"] == body["merged"]["household_size"] == 2
    page = client.get(reverse("identity:merge_detail", kwargs={"pk": body["id"]})).content.decode()
    assert "2 people" in page and "3 people" not in page
    api(client, "POST", f"/merges/{body['id']}/unmerge", {"reason": "Two different women"})
    status, body = api(client, "GET", f"/merges/{body['id']}")
    assert status == 200 and body["survivor"]["household_size"] == 3  # unmerged: two people again


def test_a_join_moves_the_person_out_of_the_merged_records_household_count(cast, apart):
    fatima, fatma = apart
    client = client_for(cast, "lb_registration_officer")
    status, body = api(client, "POST", "/merges", {"survivor_id": fatima.pk, "merged_id": fatma.pk, "reason": REASON})
    assert status == 201
    pk = body["id"]
    status, body = api(client, "GET", f"/merges/{pk}")
    assert status == 200 and (body["survivor"]["household_size"], body["merged"]["household_size"]) == (2, 1)  # pending: nothing reads through it
    api(client_for(cast, "lb_protection_officer"), "POST", f"/merges/{pk}/decision", {"decision": "join", "reason": "Seen at home"})
    status, body = api(client, "GET", f"/merges/{pk}")
    assert status == 200 and (body["survivor"]["household_size"], body["merged"]["household_size"]) == (2, 0)


# --- from a person's record -----------------------------------------------------------------------


def test_from_a_persons_record_propose_compare_merge_and_see_the_history(cast, home):
    _household, mohamad, fatima, fatma = home
    client = client_for(cast, "lb_protection_officer")
    url = reverse("identity:merge_person", kwargs={"pk": fatima.pk})
    page = client.get(url).content.decode()
    assert 'data-testid="no-links"' in page and "Fatima" in page

    compare = client.post(url, {"other": fatma.pk})
    assert compare.status_code == 200 and 'data-testid="merge-form"' in compare.content.decode()
    assert "Fatma" in compare.content.decode()
    assert client.post(url, {"other": fatima.pk}).status_code == 400  # not with itself
    assert client.post(url, {"other": 10**9}).status_code == 400  # no such record

    done = client.post(url, {"other": fatma.pk, "step": "merge", "survivor": "first", "reason": REASON})
    assert done.status_code == 302
    link = PersonLink.objects.get()
    assert (link.survivor_id, link.merged_id) == (fatima.pk, fatma.pk)

    history = client.get(url).content.decode()
    assert history.count('data-testid="link-row"') == 1 and f'data-testid="unmerge-form-{link.pk}"' in history
    other_side = client.get(reverse("identity:merge_person", kwargs={"pk": fatma.pk})).content.decode()
    assert 'data-state="active"' in other_side
    # Nothing about a person in the URLs the pages lead to.
    for href in re.findall(r'href="([^"]+)"', history):
        assert not any(name in href for name in NAMES), href
    assert Individual.objects.filter(pk__in=[mohamad.pk, fatima.pk, fatma.pk]).count() == 3


def test_unmerge_from_the_history_and_from_the_merge_page_with_htmx(cast, home):
    _household, _mohamad, fatima, fatma = home
    client = client_for(cast, "lb_registration_officer")
    client.post(
        reverse("identity:merge_person", kwargs={"pk": fatima.pk}),
        {"other": fatma.pk, "step": "merge", "survivor": "first", "reason": REASON},
    )
    link = PersonLink.objects.get()
    url = reverse("identity:merge_unmerge", kwargs={"pk": link.pk})
    bad = client.post(url, {"reason": ""}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400 and 'id="merge-actions"' in bad.content.decode()
    done = client.post(url, {"reason": "Two different women"}, HTTP_HX_REQUEST="true")
    assert done.status_code == 204 and done["HX-Redirect"] == reverse("identity:merge_detail", kwargs={"pk": link.pk})
    link.refresh_from_db()
    assert link.state == LinkState.REVERSED
    page = client.get(reverse("identity:merge_detail", kwargs={"pk": link.pk})).content.decode()
    assert 'data-testid="unmerge-form"' not in page and "Two different women" in page
    assert client.post(url, {"reason": "Two different women"}).status_code == 400  # not in effect any more


# --- the family decision --------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_merge_across_households_waits_in_the_protection_officers_queue(cast, apart, language):
    fatima, fatma = apart
    registrar = client_for(cast, "lb_registration_officer", language)
    registrar.post(
        reverse("identity:merge_person", kwargs={"pk": fatima.pk}),
        {"other": fatma.pk, "step": "merge", "survivor": "first", "reason": REASON},
    )
    link = PersonLink.objects.get()
    assert link.state == LinkState.PENDING
    detail = registrar.get(reverse("identity:merge_detail", kwargs={"pk": link.pk})).content.decode()
    assert 'data-testid="merge-decide-form"' not in detail  # a registration officer does not decide
    assert registrar.get(reverse("identity:merge_decisions")).status_code == 403

    protection = client_for(cast, "lb_protection_officer", language)
    queue = protection.get(reverse("identity:merge_decisions")).content.decode()
    assert queue.count('data-testid="merge-waiting"') == 1
    assert f'dir="{"rtl" if language == "ar" else "ltr"}"' in queue
    assert not any(name in queue for name in NAMES)  # the queue shows numbers, never names
    jordan = client_for(cast, "jo_protection_officer").get(reverse("identity:merge_decisions")).content.decode()
    assert 'data-testid="merge-waiting"' not in jordan

    detail = protection.get(reverse("identity:merge_detail", kwargs={"pk": link.pk})).content.decode()
    assert 'data-testid="merge-decide-form"' in detail and "Fatma" in detail
    decide = reverse("identity:merge_decide", kwargs={"pk": link.pk})
    assert protection.post(decide, {"decision": "join"}).status_code == 400  # a reason is needed
    response = protection.post(decide, {"decision": "join", "reason": "Seen with the family"})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.state == LinkState.ACTIVE and link.decided_by == cast["lb_protection_officer"]
    assert 'data-testid="merge-waiting"' not in protection.get(reverse("identity:merge_decisions")).content.decode()


# --- across working groups, names of the other group ----------------------------------------------


def _officer_in_both(cast: Any) -> Any:
    officer = cast["lb_registration_officer"]
    Membership.objects.create(
        user=officer, working_group=cast.groups["jo"], role=Role.REGISTRATION_OFFICER,
        organisation=cast.organisations["un"], starts_on=dt.date(2020, 1, 1),
    )  # fmt: skip
    forget_memberships(officer)
    return officer


def _across_groups(cast: Any) -> tuple[Any, Any, Any]:
    """Fatima in Lebanon, her Jordanian record Fatma (shared with consent under an agreement), and
    the Lebanese registration officer made an officer of both groups."""
    fatima = household_make(cast, "lb", members=[head(), spouse()]).members.get(relationship="spouse")
    fatma = household_make(cast, "jo", members=[twice(relationship="head")]).members.get()
    _officer_in_both(cast)
    agreement = agreement_make(cast, "jo", parties=[cast.organisations["un"]])
    sharing_consent(cast, fatma, group="jo", parties=[cast.organisations["un"]])
    return fatima, fatma, agreement


def test_across_groups_the_page_asks_for_the_agreement_and_hides_the_other_groups_names(cast, places):
    fatima, fatma, agreement = _across_groups(cast)
    client = client_for(cast, "lb_registration_officer")
    url = reverse("identity:merge_person", kwargs={"pk": fatima.pk})

    compare = client.post(url, {"other": fatma.pk}).content.decode()
    assert 'data-testid="merge-cross-group"' in compare and agreement.reference in compare
    without = client.post(url, {"other": fatma.pk, "step": "merge", "survivor": "first", "reason": REASON})
    assert without.status_code == 400 and not PersonLink.objects.exists() and not ShareEntry.objects.exists()
    done = client.post(url, {"other": fatma.pk, "step": "merge", "survivor": "first", "reason": REASON, "agreement": agreement.pk})
    assert done.status_code == 302
    link = PersonLink.objects.get()
    assert link.crosses_groups and link.agreement_id == agreement.pk and link.state == LinkState.PENDING

    # Lebanon's protection officer sees the merge but not the Jordanian record's names.
    page = client_for(cast, "lb_protection_officer").get(reverse("identity:merge_detail", kwargs={"pk": link.pk})).content.decode()
    assert 'data-testid="merge-side-hidden"' in page and "Fatma" not in page and "Fatima" in page
    assert REASON not in page  # free text may name people: shown only to who sees both records
    assert 'data-testid="merge-decide-form"' not in page  # a family decision needs both groups


def test_a_merge_across_groups_read_by_an_officer_of_both_is_logged_in_both_groups(cast, places):
    fatima, fatma, agreement = _across_groups(cast)
    client = client_for(cast, "lb_registration_officer")
    body = {"survivor_id": fatima.pk, "merged_id": fatma.pk, "reason": REASON, "agreement_id": agreement.pk}
    status, created = api(client, "POST", "/merges", body)
    assert status == 201, created
    lebanon, jordan = cast.groups["lb"].pk, cast.groups["jo"].pk

    page = client.get(reverse("identity:merge_detail", kwargs={"pk": created["id"]})).content.decode()
    assert "Fatima" in page and "Fatma" in page
    rows = {r.working_group_id: r for r in ReadEntry.objects.filter(action="identity.merge_viewed")}
    assert set(rows) == {lebanon, jordan}  # each group sees in its own log that its person was read
    assert (rows[lebanon].data["row_ids"], rows[jordan].data["row_ids"]) == ([fatima.pk], [fatma.pk])
    assert rows[lebanon].data["link_id"] == rows[jordan].data["link_id"] == created["id"]
    ids_only([r.data for r in rows.values()])

    assert api(client, "GET", f"/merges/{created['id']}")[0] == 200
    api_rows = ReadEntry.objects.filter(action="identity.merge_viewed_api")
    assert sorted(r.working_group_id for r in api_rows) == sorted([lebanon, jordan])

    # Lebanon's protection officer sees Lebanon's names only: Jordan's log has no read of theirs.
    before = ReadEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    client_for(cast, "lb_protection_officer").get(reverse("identity:merge_detail", kwargs={"pk": created["id"]}))
    later = ReadEntry.objects.filter(action="identity.merge_viewed", pk__gt=before)
    assert [(r.working_group_id, r.data["row_ids"]) for r in later] == [(lebanon, [fatima.pk])]


# --- API ------------------------------------------------------------------------------------------


def test_the_api_merges_reads_decides_and_unmerges(cast, apart):
    fatima, fatma = apart
    registrar = client_for(cast, "lb_registration_officer")
    status, body = api(registrar, "POST", "/merges", {"survivor_id": fatima.pk, "merged_id": fatma.pk, "reason": REASON})
    assert status == 201, body
    assert body["state"] == "pending" and body["crosses_households"] and body["merged_id"] == fatma.pk
    assert body["merged"] is None  # a write answers ids; the names come with a read
    pk = body["id"]

    status, body = api(registrar, "GET", f"/merges/{pk}")
    assert status == 200
    assert body["survivor"]["id"] == fatima.pk and any("Fatma" in n["text"] for n in body["merged"]["names"])
    read = ReadEntry.objects.filter(action="identity.merge_viewed_api").get()
    assert sorted(read.data["row_ids"]) == sorted([fatima.pk, fatma.pk]) and read.data["link_id"] == pk
    ids_only(read.data)
    assert api(client_for(cast, "jo_registration_officer"), "GET", f"/merges/{pk}")[0] == 404

    assert api(registrar, "POST", f"/merges/{pk}/decision", {"decision": "join", "reason": "Seen at home"})[0] == 403
    protection = client_for(cast, "lb_protection_officer")
    status, body = api(protection, "POST", f"/merges/{pk}/decision", {"decision": "maybe", "reason": "Seen at home"})
    assert status == 400
    status, body = api(protection, "POST", f"/merges/{pk}/decision", {"decision": "join", "reason": "Seen at home"})
    assert status == 200 and body["state"] == "active" and body["decision"] == "join"

    status, body = api(registrar, "POST", f"/merges/{pk}/unmerge", {"reason": "Two different women"})
    assert status == 200 and body["state"] == "reversed" and body["unmerged_at"]
    assert api(registrar, "POST", f"/merges/{pk}/unmerge", {"reason": "Two different women"})[0] == 400

    rows = list(AuditEntry.objects.filter(action__in=["identity.merged", "identity.merge_decided", "identity.unmerged"]).order_by("seq"))
    assert [r.action for r in rows] == ["identity.merged", "identity.merge_decided", "identity.unmerged"]
    ids_only([r.data for r in rows])
    assert REASON not in json.dumps([r.data for r in rows])


def test_the_api_lists_the_merges_waiting_for_a_decision_to_the_groups_officers(cast, apart, home):
    fatima, fatma = apart
    _household, _mohamad, fatima_home, fatma_home = home
    registrar = client_for(cast, "lb_registration_officer")
    _status, waiting = api(registrar, "POST", "/merges", {"survivor_id": fatima.pk, "merged_id": fatma.pk, "reason": REASON})
    _status, at_once = api(registrar, "POST", "/merges", {"survivor_id": fatima_home.pk, "merged_id": fatma_home.pk, "reason": REASON})
    assert (waiting["state"], at_once["state"]) == ("pending", "active")

    status, page = api(registrar, "GET", "/merges/pending")
    assert status == 200 and page["count"] == 1 and [item["id"] for item in page["items"]] == [waiting["id"]]
    item = page["items"][0]
    assert item["state"] == "pending" and item["crosses_households"] and item["may_decide"] is False
    assert item["merged"]["id"] == fatma.pk and any("Fatma" in n["text"] for n in item["merged"]["names"])
    assert item["survivor"]["id"] == fatima.pk
    read = ReadEntry.objects.get(action="identity.merges_pending_listed_api")
    assert read.is_list and sorted(read.data["row_ids"]) == sorted([fatma.pk, fatima.pk]) and read.data["link_ids"] == [waiting["id"]]
    assert read.working_group_id == cast.groups["lb"].pk
    ids_only(read.data)

    status, page = api(client_for(cast, "lb_protection_officer"), "GET", "/merges/pending?limit=5")
    assert status == 200 and page["limit"] == 5 and page["items"][0]["may_decide"] is True
    assert api(client_for(cast, "jo_registration_officer"), "GET", "/merges/pending")[1]["count"] == 0
    assert api(client_for(cast, "lb_movement_officer"), "GET", "/merges/pending")[0] == 403
    assert api(Client(), "GET", "/merges/pending")[0] == 401

    api(client_for(cast, "lb_protection_officer"), "POST", f"/merges/{waiting['id']}/decision", {"decision": "join", "reason": "Seen at home"})
    assert api(registrar, "GET", "/merges/pending")[1]["count"] == 0


def test_a_merge_across_groups_waits_in_both_groups_lists_with_the_other_groups_names_hidden(cast, places):
    fatima, fatma, agreement = _across_groups(cast)
    body = {"survivor_id": fatima.pk, "merged_id": fatma.pk, "reason": REASON, "agreement_id": agreement.pk}
    status, created = api(client_for(cast, "lb_registration_officer"), "POST", "/merges", body)
    assert status == 201, created

    for persona, seen, hidden in (("jo_protection_officer", "merged", "survivor"), ("lb_protection_officer", "survivor", "merged")):
        before = ReadEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        status, page = api(client_for(cast, persona), "GET", "/merges/pending")
        item = page["items"][0]
        assert status == 200 and item["id"] == created["id"] and item[hidden] is None and item[seen] is not None
        assert item["may_decide"] is False  # the family decision needs both groups
        [read] = ReadEntry.objects.filter(action="identity.merges_pending_listed_api", pk__gt=before)
        assert read.working_group_id == cast.groups[persona[:2]].pk and read.data["row_ids"] == [item[seen]["id"]]
    # An officer of both groups reads both records: each group's log has its own row.
    before = ReadEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    item = api(client_for(cast, "lb_registration_officer"), "GET", "/merges/pending")[1]["items"][0]
    assert item["merged"] is not None and item["survivor"] is not None
    rows = ReadEntry.objects.filter(action="identity.merges_pending_listed_api", pk__gt=before)
    assert sorted((r.working_group_id, r.data["row_ids"][0]) for r in rows) == sorted(
        [(cast.groups["lb"].pk, fatima.pk), (cast.groups["jo"].pk, fatma.pk)]
    )


def test_the_api_refuses_another_groups_records_and_a_merge_across_groups_without_agreement(cast, places):
    fatima = household_make(cast, "lb", members=[head(), spouse()]).members.get(relationship="spouse")
    fatma = household_make(cast, "jo", members=[twice(relationship="head")]).members.get()
    body = {"survivor_id": fatima.pk, "merged_id": fatma.pk, "reason": REASON}
    assert api(client_for(cast, "lb_registration_officer"), "POST", "/merges", body)[0] == 404  # Jordan's record
    assert api(client_for(cast, "lb_movement_officer"), "POST", "/merges", body)[0] == 403
    _officer_in_both(cast)
    status, answer = api(client_for(cast, "lb_registration_officer"), "POST", "/merges", body)
    assert status == 400 and "agreement" in json.dumps(answer).lower()
    assert not PersonLink.objects.exists() and not ShareEntry.objects.exists()
    assert Household.objects.count() == 2


def test_the_household_page_links_to_a_members_merges_and_marks_a_merged_record(cast, home):
    household, _mohamad, fatima, fatma = home
    client = client_for(cast, "lb_registration_officer")
    url = reverse("registry:household_detail", kwargs={"pk": household.pk})
    page = client.get(url).content.decode()
    assert reverse("identity:merge_person", kwargs={"pk": fatma.pk}) in page and f'data-testid="merged-{fatma.pk}"' not in page
    client.post(
        reverse("identity:merge_person", kwargs={"pk": fatima.pk}),
        {"other": fatma.pk, "step": "merge", "survivor": "first", "reason": REASON},
    )
    link = PersonLink.objects.get()
    page = client.get(url).content.decode()
    assert f'data-testid="merged-{fatma.pk}"' in page and reverse("identity:merge_detail", kwargs={"pk": link.pk}) in page


def test_the_identity_menu_leads_protection_officers_to_the_family_decisions(cast, places):
    url = reverse("identity:run_list")
    assert 'data-testid="nav-merge-decisions"' in client_for(cast, "lb_protection_officer").get(url).content.decode()
    assert 'data-testid="nav-merge-decisions"' not in client_for(cast, "lb_registration_officer").get(url).content.decode()
