"""Search before create (issue 9): ``likely_matches`` across scripts with its reasons, scoped to
the actor and audited with ids only; the API endpoint; ``duplicate_check`` in the registration
services (refused without a reason when matches were shown, recorded in the first version and,
as a code and ids, in the audit row); the HTML panel and the forms that post what it showed."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from sabeel.core.exceptions import ServiceError
from sabeel.core.models import AuditEntry, ReadEntry
from sabeel.registry.likely import likely_matches, looked_up
from sabeel.registry.models import Household, Individual, RecordVersion
from sabeel.registry.services import DuplicateCheck, household_create, member_add
from sabeel.registry.tests.factories import head, household_make, spouse
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db

ARABIC_ONLY = {"first_name_lat": "", "father_name_lat": "", "grandfather_name_lat": "", "family_name_lat": ""}
LATIN = {"first_name_lat": "Mohammed", "family_name_lat": "Al-Hariri"}  # English style, typed by another agency
NAMES_IN_AUDIT = ("Mohammed", "Hariri", "محمد", "الحريري", "Muhammad")


def _arabic_household(cast, group: str = "lb", **values) -> Household:
    return household_make(cast, group, members=[head(**ARABIC_ONLY, **values)])


def _client(cast, persona: str = "lb_registration_officer") -> Client:
    return sign_in(Client(), cast[persona])


def _last_search() -> ReadEntry:
    return ReadEntry.objects.filter(action="person.searched").order_by("-id").first()


# --- likely_matches ------------------------------------------------------------------------------


def test_a_household_registered_in_arabic_only_is_found_from_a_latin_spelling(cast, places):
    household = _arabic_household(cast)
    person = household.members.get()
    assert person.first_name_lat == "" and person.generated_names["family_name_lat"]  # a generated reading only

    matches = likely_matches(actor=cast["lb_registration_officer"], names=LATIN)

    assert [m.individual_id for m in matches] == [person.pk]
    match = matches[0]
    assert match.household_id == household.pk and match.registration_number == household.registration_number
    assert match.score >= 0.85
    names = {(r.part, r.other) for r in match.reasons if r.kind == "name"}
    assert names == {("first", "first"), ("family", "family")}
    assert {r.text for r in match.reasons if r.kind == "name"} == {"first name agrees", "family name agrees"}
    # Typed in Latin, registered in Arabic only: they met through the generated reading, and it says so.
    assert [r.detail for r in match.reasons if r.kind == "reading"] == ["generated_lat"]
    # The generated reading travels apart from the typed names, never in their place.
    assert match.values["first_name_lat"] == "" and match.values["generated_names"]["first_name_lat"]


@pytest.mark.parametrize(
    "names",
    [
        {"first_name_lat": "Mohamad", "father_name_lat": "Ahmed", "family_name_lat": "Hariri"},  # English, father's name too
        {"first_name_lat": "Mouhammad", "family_name_lat": "El-Hariri"},  # French style
        {"first_name_lat": "Muhammet", "family_name_lat": "Harîrî"},  # Turkish style
    ],
)
def test_other_latin_styles_find_the_arabic_registration(cast, places, names):
    person = _arabic_household(cast).members.get()
    matches = likely_matches(actor=cast["lb_registration_officer"], names=names)
    assert person.pk in [m.individual_id for m in matches]


def test_the_reasons_name_the_date_of_birth_and_the_household(cast, places):
    import datetime as dt

    household = _arabic_household(cast)
    officer = cast["lb_registration_officer"]
    [match] = likely_matches(actor=officer, names=LATIN, date_of_birth=dt.date(1980, 6, 1), dob_precision="day")
    assert [(r.kind, r.detail, r.text) for r in match.reasons if r.kind == "birth"] == [("birth", "same_year", "same year of birth")]
    [match] = likely_matches(actor=officer, names=LATIN, household_id=household.pk)
    assert [r.detail for r in match.reasons if r.kind == "household"] == ["same_household"]
    assert likely_matches(actor=officer, names={"first_name_lat": "Yousef", "family_name_lat": "Qabbani"}) == ()


def test_another_working_groups_people_never_appear(cast, places):
    lebanon = _arabic_household(cast, "lb").members.get()
    jordan = _arabic_household(cast, "jo").members.get()
    assert [m.individual_id for m in likely_matches(actor=cast["lb_registration_officer"], names=LATIN)] == [lebanon.pk]
    assert [m.individual_id for m in likely_matches(actor=cast["jo_registration_officer"], names=LATIN)] == [jordan.pk]
    with pytest.raises(PermissionDenied):
        likely_matches(actor=cast["lb_donor_viewer"], names=LATIN)


def test_every_lookup_is_audited_as_a_search_with_ids_only(cast, places):
    person = _arabic_household(cast).members.get()
    before = ReadEntry.objects.count()
    likely_matches(actor=cast["lb_registration_officer"], names=LATIN)
    assert ReadEntry.objects.count() == before + 1
    entry = _last_search()
    assert entry.data["row_ids"] == [person.pk] and entry.count == 1
    assert entry.data["query_hmac"] and entry.working_group_id == cast.groups["lb"].pk
    row = json.dumps(entry.data, ensure_ascii=False)
    assert not any(name in row for name in NAMES_IN_AUDIT)


def test_nothing_is_looked_up_or_audited_before_two_name_parts(cast, places):
    _arabic_household(cast)
    before = ReadEntry.objects.count()
    assert not looked_up({"first_name_lat": "Mohammed"}) and looked_up(LATIN)
    assert likely_matches(actor=cast["lb_registration_officer"], names={"first_name_lat": "Mohammed"}) == ()
    assert ReadEntry.objects.count() == before


# --- the API endpoint ----------------------------------------------------------------------------


def _api(client: Client, body: dict) -> tuple[int, dict]:
    response = client.post("/api/registry/search/likely", json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_the_api_answers_with_the_reasons_and_the_generated_reading_apart(cast, places):
    household = _arabic_household(cast)
    person = household.members.get()
    status, body = _api(_client(cast), {**LATIN, "date_of_birth": "1980"})
    assert status == 200, body
    [match] = body["matches"]
    assert match["individual_id"] == person.pk and match["registration_number"] == household.registration_number
    kinds = {(r["kind"], r["part"] or r["detail"]) for r in match["reasons"]}
    assert {("name", "first"), ("name", "family"), ("birth", "same_year"), ("reading", "generated_lat")} <= kinds
    assert match["first_name_lat"] == "" and match["generated_names"]["family_name_lat"]
    status, body = _api(_client(cast), {**LATIN, "household": household.pk})
    assert status == 200 and any(r["kind"] == "household" for r in body["matches"][0]["reasons"])


def test_the_api_is_scoped_and_refuses_roles_that_may_not_register(cast, places):
    household = _arabic_household(cast)
    status, body = _api(_client(cast, "jo_registration_officer"), LATIN)
    assert status == 200 and body["matches"] == []
    assert _api(_client(cast, "jo_registration_officer"), {**LATIN, "household": household.pk})[0] == 404
    assert _api(_client(cast, "lb_finance_officer"), LATIN)[0] == 403


# --- duplicate_check in the services ---------------------------------------------------------------


def _register(cast, check: DuplicateCheck | None) -> Household:
    return household_create(
        actor=cast["lb_registration_officer"],
        working_group=cast.groups["lb"],
        members=[head(first_name_ar="", father_name_ar="", grandfather_name_ar="", family_name_ar="", first_name_lat="Mohammed", father_name_lat="", grandfather_name_lat="", family_name_lat="Al-Hariri")],
        current_location="LB2",
        duplicate_check=check,
    )


def test_registering_anyway_after_matches_were_shown_needs_a_reason(cast, places):
    shown = _arabic_household(cast).members.get()
    households = Household.objects.count()
    with pytest.raises(ServiceError) as refused:
        _register(cast, DuplicateCheck(shown=[shown.pk], reason=""))
    assert "duplicate_reason" in refused.value.fields
    with pytest.raises(ServiceError) as refused:
        _register(cast, DuplicateCheck(shown=[shown.pk], reason="not-a-reason"))
    assert "duplicate_reason" in refused.value.fields
    with pytest.raises(ServiceError) as refused:
        _register(cast, DuplicateCheck(shown=[shown.pk], reason="different_documents", note="x" * 201))
    assert "duplicate_note" in refused.value.fields
    assert Household.objects.count() == households  # nothing saved


def test_the_reason_is_kept_in_the_first_version_and_its_code_and_ids_in_the_audit_row(cast, places):
    shown = _arabic_household(cast).members.get()
    household = _register(cast, DuplicateCheck(shown=[shown.pk, shown.pk], reason="different_details", note="born in Homs, other father"))
    first = RecordVersion.objects.get(household=household, individual=None, version=1)
    assert first.changes["duplicate_check"] == [None, {"reason": "different_details", "note": "born in Homs, other father", "likely_matches": [shown.pk]}]
    audit = AuditEntry.objects.filter(action="household.created").order_by("-seq").first()
    assert audit.data["duplicate_reason"] == "different_details" and audit.data["likely_match_ids"] == [shown.pk]
    row = json.dumps(audit.data, ensure_ascii=False)
    assert "Homs" not in row and not any(name in row for name in NAMES_IN_AUDIT)


def test_no_reason_is_needed_when_nothing_was_shown(cast, places):
    household = _register(cast, DuplicateCheck(shown=[], reason=""))
    assert "duplicate_check" not in RecordVersion.objects.get(household=household, individual=None, version=1).changes
    assert "duplicate_reason" not in AuditEntry.objects.filter(action="household.created").order_by("-seq").first().data


def test_adding_a_member_records_the_check_in_the_persons_first_version(cast, places):
    shown = _arabic_household(cast).members.get()
    target = household_make(cast, "lb")
    officer = cast["lb_registration_officer"]
    with pytest.raises(ServiceError) as refused:
        member_add(actor=officer, household=target, member=spouse(relationship="son", **LATIN), duplicate_check=DuplicateCheck(shown=[shown.pk]))
    assert "duplicate_reason" in refused.value.fields and target.members.count() == 2
    person = member_add(
        actor=officer, household=target, member=spouse(relationship="son", **LATIN), duplicate_check=DuplicateCheck(shown=[shown.pk], reason="cannot_check")
    )
    first = RecordVersion.objects.get(individual=person, version=1)
    assert first.changes["duplicate_check"][1]["reason"] == "cannot_check"
    audit = AuditEntry.objects.filter(action="household.member_added").order_by("-seq").first()
    assert audit.data == {"individual_id": person.pk, "duplicate_reason": "cannot_check", "likely_match_ids": [shown.pk]}


# --- the HTML panel and the forms ------------------------------------------------------------------


def _panel(client: Client, data: dict, url: str | None = None):
    return client.post(url or reverse("registry:likely"), data, headers={"HX-Request": "true"})


def test_the_panel_lists_the_likely_match_with_its_reasons_and_links_to_the_household(cast, places):
    household = _arabic_household(cast)
    person = household.members.get()
    data = {"likely_prefix": "members-0", "members-0-first_name_lat": "Mohammed", "members-0-family_name_lat": "Al-Hariri", "members-0-date_of_birth": "1980"}
    response = _panel(_client(cast), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith('<div class="likely-panel" id="likely-members-0"')
    assert f'data-testid="likely-{person.pk}"' in body and f'name="likely_shown" value="{person.pk}"' in body
    assert reverse("registry:household_detail", args=[household.pk]) in body and household.registration_number in body
    assert "first name agrees" in body and "family name agrees" in body and "same year of birth" in body
    assert "generated Latin reading" in body
    # The Arabic names as typed; the Latin reading only as a generated one, marked.
    assert "محمد أحمد خالد الحريري" in body
    assert 'data-testid="generated-lat"' in body and "generated reading — not typed by an officer" in body
    assert _last_search().data["row_ids"] == [person.pk]


def test_the_panel_in_arabic(cast, places):
    _arabic_household(cast)
    client = _client(cast)
    client.cookies["django_language"] = "ar"
    response = _panel(client, {"likely_prefix": "members-0", "members-0-first_name_lat": "Mohammed", "members-0-family_name_lat": "Al-Hariri"})
    assert response.status_code == 200 and response["Content-Language"] == "ar"
    assert 'lang="ar" dir="rtl"' in response.content.decode()


def test_the_panel_is_post_only_scoped_and_quiet_before_two_parts(cast, places):
    _arabic_household(cast)
    url = reverse("registry:likely")
    assert _client(cast).get(url, {"members-0-first_name_lat": "Mohammed"}).status_code == 405
    before = ReadEntry.objects.count()
    quiet = _panel(_client(cast), {"likely_prefix": "members-0", "members-0-first_name_lat": "Mohammed"}).content.decode()
    assert "likely-match" not in quiet and "likely-none" not in quiet and ReadEntry.objects.count() == before
    jordan = _panel(_client(cast, "jo_registration_officer"), {"likely_prefix": "members-0", "members-0-first_name_lat": "Mohammed", "members-0-family_name_lat": "Al-Hariri"})
    assert jordan.status_code == 200 and "LB-" not in jordan.content.decode() and 'data-testid="likely-none"' in jordan.content.decode()
    # A prefix that is not a member row's is ignored (the fields are read unprefixed).
    odd = _panel(_client(cast), {"likely_prefix": '"><script>', **LATIN}).content.decode()
    assert "<script>" not in odd and 'id="likely-member"' in odd and "likely-match" in odd


def test_the_registration_form_asks_for_likely_matches_by_post(cast, places):
    body = _client(cast).get(reverse("registry:household_create")).content.decode()
    assert f'hx-post="{reverse("registry:likely")}"' in body and "target:.likely-input" in body
    assert '"likely_prefix": "members-0"' in body and 'data-testid="duplicate-reason"' in body
    assert 'name="members-0-first_name_lat"' in body and "likely-input" in body


def _form(**members_0) -> dict:
    return {
        "preferred_language": "ar",
        "current_location": "LB2",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-0-relationship": "head",
        "members-0-sex": "M",
        **{f"members-0-{k}": v for k, v in members_0.items()},
    }


def test_registering_anyway_from_the_form_asks_for_a_reason_and_keeps_what_was_typed(cast, places):
    shown = _arabic_household(cast).members.get()
    client = _client(cast)
    url = reverse("registry:household_create")
    data = {**_form(first_name_lat="Mohammed", family_name_lat="Al-Hariri", date_of_birth="1981"), "working_group": cast.groups["lb"].pk}

    # The panel never ran (typed fast, or no script): the check runs again on submit.
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200 and Household.objects.count() == 1
    assert "Not registered yet: likely matches were shown" in body
    assert "say why you register this person anyway" in body.lower()
    assert 'value="Mohammed"' in body and 'value="Al-Hariri"' in body and 'value="1981"' in body
    assert f'data-testid="likely-{shown.pk}"' in body and 'class="duplicate-reason has-errors"' in body

    done = client.post(url, {**data, "likely_shown": [str(shown.pk)], "duplicate_reason": "different_documents", "duplicate_note": "checked the booklet"})
    assert done.status_code == 302, done.content.decode()[:3000]
    household = Household.objects.exclude(pk=shown.household_id).get()
    first = RecordVersion.objects.get(household=household, individual=None, version=1)
    assert first.changes["duplicate_check"][1] == {"reason": "different_documents", "note": "checked the booklet", "likely_matches": [shown.pk]}
    audit = AuditEntry.objects.filter(action="household.created").order_by("-seq").first()
    assert audit.data["likely_match_ids"] == [shown.pk] and "booklet" not in json.dumps(audit.data)


def test_a_registration_with_no_likely_match_needs_no_reason(cast, places):
    _arabic_household(cast)
    data = {**_form(first_name_lat="Yousef", family_name_lat="Qabbani"), "working_group": cast.groups["lb"].pk}
    assert _client(cast).post(reverse("registry:household_create"), data).status_code == 302


def test_adding_a_member_shows_the_panel_and_asks_for_a_reason(cast, places):
    shown = _arabic_household(cast).members.get()
    target = household_make(cast, "lb")
    client = _client(cast)
    url = reverse("registry:member_add", args=[target.pk])
    page = client.get(url).content.decode()
    assert f'hx-post="{reverse("registry:member_likely", args=[target.pk])}"' in page
    panel = _panel(client, LATIN, reverse("registry:member_likely", args=[target.pk])).content.decode()
    assert f'data-testid="likely-{shown.pk}"' in panel and 'id="likely-member"' in panel
    # The household's own head is said to be in this household already.
    own = _panel(client, {"first_name_lat": "Mohamad", "family_name_lat": "El Hariri"}, reverse("registry:member_likely", args=[target.pk])).content.decode()
    assert "already a member of this household" in own

    data = {"version": str(target.version), "relationship": "son", "sex": "M", **LATIN}
    refused = client.post(url, data)
    assert refused.status_code == 200 and target.members.count() == 2
    assert "Not registered yet: likely matches were shown" in refused.content.decode()
    assert client.post(url, {**data, "duplicate_reason": "cannot_check"}).status_code == 302
    person = target.members.get(first_name_lat="Mohammed")
    assert RecordVersion.objects.get(individual=person, version=1).changes["duplicate_check"][1]["reason"] == "cannot_check"
    assert Individual.objects.filter(first_name_lat="Mohammed").count() == 1


def test_a_crafted_form_cannot_record_another_groups_person_as_shown(cast, places):
    jordan = _arabic_household(cast, "jo").members.get()
    data = {**_form(first_name_lat="Yousef", family_name_lat="Qabbani"), "working_group": cast.groups["lb"].pk, "likely_shown": [str(jordan.pk), "12x"]}
    assert _client(cast).post(reverse("registry:household_create"), data).status_code == 302  # nothing visible was shown: no reason asked
    household = Household.objects.get(working_group=cast.groups["lb"])
    assert "duplicate_check" not in RecordVersion.objects.get(household=household, individual=None, version=1).changes


def test_the_panel_does_not_grow_in_queries_with_the_matches(cast, places):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(cast)
    data = {"likely_prefix": "members-0", "members-0-first_name_lat": "Mohammed", "members-0-family_name_lat": "Al-Hariri"}
    _arabic_household(cast)
    _panel(client, data)  # the first request of a session also saves the session
    with CaptureQueriesContext(connection) as one:
        assert _panel(client, data).content.decode().count('class="likely-match"') == 1
    for _ in range(4):
        _arabic_household(cast)
    with CaptureQueriesContext(connection) as five:
        assert _panel(client, data).content.decode().count('class="likely-match"') == 5
    # session, user, second factor, memberships, groups, key counts, candidates, people, the audited read
    assert len(five) == len(one) <= 10  # 9 on SQLite


def test_the_api_keeps_only_the_shown_ids_the_officer_may_search(cast, places):
    lebanon = _arabic_household(cast).members.get()
    jordan = _arabic_household(cast, "jo").members.get()
    client = _client(cast)

    def create(shown: list[int], reason: str = "") -> tuple[int, dict]:
        body = {"members": [{"relationship": "head", "sex": "M", **LATIN}], "duplicate_check": {"shown": shown, "reason": reason}}
        response = client.post("/api/registry/households", json.dumps(body), content_type="application/json")
        return response.status_code, response.json()

    # Only another group's person "shown": nobody the officer may search was, so no reason is asked and none is recorded.
    status, body = create([jordan.pk, 99_999_999])
    assert status == 201
    assert "duplicate_check" not in RecordVersion.objects.get(household_id=body["id"], individual=None, version=1).changes
    # A visible person among them still needs a reason; only that person is recorded, in the version and the audit row.
    assert create([jordan.pk, lebanon.pk])[0] == 400
    status, body = create([jordan.pk, lebanon.pk], "different_details")
    assert status == 201
    version = RecordVersion.objects.get(household_id=body["id"], individual=None, version=1)
    assert version.changes["duplicate_check"][1]["likely_matches"] == [lebanon.pk]
    row = AuditEntry.objects.get(action="household.created", target_id=str(body["id"]))
    assert row.data["likely_match_ids"] == [lebanon.pk] and row.data["duplicate_reason"] == "different_details"
