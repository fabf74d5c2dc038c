"""The pages: administrators record, change, revoke agreements and issue partner tokens (shown
once); auditors read and export the share log; an officer who may export downloads a person-level
list under an agreement, once, with only what it covers."""

from __future__ import annotations

import datetime as dt
import io

import hxl
import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sabeel.core.models import AuditEntry, Run
from sabeel.sharing import exports, services
from sabeel.sharing.models import Agreement, AgreementToken, ShareEntry
from sabeel.sharing.services import group_today
from sabeel.sharing.tests.factories import PURPOSE, agreement_make, sharing_consent
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db


def _admin(cast):  # type: ignore[no-untyped-def]
    return sign_in(Client(), cast["lb_administrator"])


def test_an_administrator_records_an_agreement_through_the_form(cast):
    today = group_today(cast.groups["lb"])
    response = _admin(cast).post(
        reverse("sharing:agreement_create"),
        {
            "working_group": cast.groups["lb"].pk,
            "reference": "LB-DSA-FORM",
            "parties": [cast.organisations["iom"].pk],
            "purpose": PURPOSE,
            "level": "person",
            "categories": ["names_contacts", "documents"],
            "legal_basis": "consent",
            "retention_days": 60,
            "onward_transfer_banned": "on",
            "requires_consent": "on",
            "starts_on": today.isoformat(),
            "expires_on": (today + dt.timedelta(days=30)).isoformat(),
        },
    )
    agreement = Agreement.objects.get(reference="LB-DSA-FORM")
    assert response.status_code == 302 and response["Location"] == reverse("sharing:agreement_detail", args=[agreement.pk])
    assert agreement.categories == ["documents", "names_contacts"] and agreement.requires_consent
    page = _admin(cast).get(reverse("sharing:agreement_list")).content.decode()
    assert "LB-DSA-FORM" in page


def test_an_administrator_cannot_record_for_another_group(cast):
    today = group_today(cast.groups["lb"])
    response = _admin(cast).post(
        reverse("sharing:agreement_create"),
        {"working_group": cast.groups["jo"].pk, "reference": "X", "parties": [cast.organisations["iom"].pk], "purpose": "p",
         "level": "person", "legal_basis": "consent", "retention_days": 1, "starts_on": today, "expires_on": today},
    )
    assert response.status_code == 200 and not Agreement.objects.exists()


def test_a_renewal_keeps_the_old_version(cast):
    agreement = agreement_make(cast)
    later = agreement.expires_on + dt.timedelta(days=365)
    data = {
        "reference": agreement.reference, "parties": [cast.organisations["iom"].pk], "purpose": PURPOSE, "level": "person",
        "categories": agreement.categories, "legal_basis": "consent", "retention_days": 90, "requires_consent": "on",
        "onward_transfer_banned": "on", "starts_on": agreement.starts_on, "expires_on": later,
    }
    assert _admin(cast).post(reverse("sharing:agreement_edit", args=[agreement.pk]), data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.expires_on == later and agreement.versions.count() == 2


def test_a_token_is_shown_once_and_revoked_from_the_page(cast):
    agreement = agreement_make(cast)
    admin = _admin(cast)
    response = admin.post(
        reverse("sharing:token_create", args=[agreement.pk]),
        {"recipient": cast.organisations["iom"].pk, "name": "IOM feed", "expires_in_days": 90},
    )
    page = response.content.decode()
    token = AgreementToken.objects.get()
    raw = page.split('data-testid="raw-token"')[1].split("<code dir=\"ltr\">")[1].split("</code>")[0]
    assert raw.startswith("sbp_") and services.agreement_token_use(raw) == token
    assert raw not in admin.get(reverse("sharing:agreement_detail", args=[agreement.pk])).content.decode()
    admin.post(reverse("sharing:token_revoke", args=[agreement.pk, token.pk]))
    assert services.agreement_token_use(raw) is None


def test_the_token_pages_answer_403_to_other_roles_and_404_to_other_groups(cast):
    agreement = agreement_make(cast)
    url = reverse("sharing:token_create", args=[agreement.pk])
    data = {"recipient": cast.organisations["iom"].pk, "name": "x", "expires_in_days": 90}
    assert sign_in(Client(), cast["lb_registration_officer"]).post(url, data).status_code == 403
    assert sign_in(Client(), cast["jo_administrator"]).post(url, data).status_code == 404
    assert Client().post(url, data).status_code == 302
    assert not AgreementToken.objects.exists()


def test_revoking_from_the_page_needs_a_reason_and_kills_the_tokens(cast):
    agreement = agreement_make(cast)
    _token, raw = services.agreement_token_create(actor=cast["lb_administrator"], agreement=agreement, recipient=cast.organisations["iom"], name="x")
    url = reverse("sharing:agreement_revoke", args=[agreement.pk])
    assert _admin(cast).post(url, {"reason": ""}).status_code == 200
    assert _admin(cast).post(url, {"reason": "Partner closed its office"}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "revoked" and services.agreement_token_use(raw) is None


def test_revoking_twice_from_the_page_says_why_and_changes_nothing(cast):
    agreement = agreement_make(cast)
    url = reverse("sharing:agreement_revoke", args=[agreement.pk])
    assert _admin(cast).post(url, {"reason": "Partner closed its office"}).status_code == 302
    agreement.refresh_from_db()
    revoked_at = agreement.revoked_at
    response = _admin(cast).post(url, {"reason": "Again"})
    assert response.status_code == 200
    assert "This agreement was already revoked." in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.revoked_at == revoked_at and agreement.revoked_reason == "Partner closed its office"


def _share(cast, agreement, kind="export", count=2):  # type: ignore[no-untyped-def]
    return services.share_record(
        actor=cast["lb_registration_officer"], kind=kind, agreement=agreement, recipient=cast.organisations["iom"],
        individual_ids=list(range(1, count + 1)), categories=["names_contacts"],
    )


def test_the_auditor_filters_the_share_log_and_exports_it_as_hxl(cast):
    first, second = agreement_make(cast, reference="LB-A"), agreement_make(cast, reference="LB-B")
    _share(cast, first, count=3)
    _share(cast, second, kind="api", count=5)
    auditor = sign_in(Client(), cast["lb_auditor"])
    page = auditor.get(reverse("sharing:share_log"), {"kind": "api"}).content.decode()
    assert "LB-B" in page and "LB-A</td>" not in page
    page = auditor.get(reverse("sharing:share_log"), {"agreement": first.pk}).content.decode()
    assert "LB-A</td>" in page and "LB-B</td>" not in page
    response = auditor.get(reverse("sharing:share_log_export"))
    source = hxl.data(io.BytesIO(response.content))
    tags = [c.display_tag for c in source.columns]
    assert "#affected+ind+num" in tags and "#meta+agreement+code" in tags
    rows = sorted((r.get("#meta+agreement"), r.get("#affected+num")) for r in source)
    assert rows == [("LB-A", "3"), ("LB-B", "5")]
    assert sign_in(Client(), cast["jo_auditor"]).get(reverse("sharing:share_log_export")).content.count(b"LB-") == 0


# --- person-level exports ------------------------------------------------------------------------


def _export(cast, agreement, django_capture_on_commit_callbacks, *, fmt="csv", user="lb_registration_officer", **filters):  # type: ignore[no-untyped-def]
    client = sign_in(Client(), cast[user])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sharing:household_export"),
            {"agreement": agreement.pk, "recipient": cast.organisations["iom"].pk, "format": fmt, **filters},
        )
    return client, response


def test_an_officer_exports_consenting_people_under_an_agreement_and_downloads_once(cast, household, django_capture_on_commit_callbacks):
    head, _spouse = household.members.order_by("pk")
    sharing_consent(cast, head)
    agreement = agreement_make(cast, categories=["names_contacts", "documents"])
    client, response = _export(cast, agreement, django_capture_on_commit_callbacks)
    run = Run.objects.get(kind=exports.EXPORT_RUN_KIND)
    assert response.status_code == 302 and response["Location"] == reverse("sharing:export_detail", args=[run.pk])
    assert run.status == "succeeded" and run.counts["people"] == 1
    assert 'data-testid="export-download"' in client.get(response["Location"]).content.decode()
    download = client.post(reverse("sharing:export_download", args=[run.pk]))
    assert download.status_code == 200
    source = hxl.data(io.BytesIO(download.content))
    rows = list(source)
    assert [r.get("#meta+person+id") for r in rows] == [str(head.pk)]
    assert rows[0].get("#beneficiary+name+first+en") == "Mohamad"
    assert rows[0].get("#beneficiary+documents+held") == "national_id"
    assert "#beneficiary+needs+code" not in [c.display_tag for c in source.columns]  # not covered
    assert "Fatima" not in download.content.decode("utf-8-sig")
    again = client.post(reverse("sharing:export_download", args=[run.pk]))
    assert again.status_code == 302
    entry = ShareEntry.objects.get()
    assert (entry.kind, entry.people_count, entry.run_id) == ("export", 1, run.pk)
    exported = AuditEntry.objects.get(action="sharing.households.exported")
    assert exported.data["row_count"] == 1 and exported.data["agreement_id"] == agreement.pk


def test_an_excel_export_carries_the_hxl_row(cast, household, django_capture_on_commit_callbacks):
    agreement = agreement_make(cast, requires_consent=False, categories=["specific_needs"])
    client, _response = _export(cast, agreement, django_capture_on_commit_callbacks, fmt="xlsx")
    run = Run.objects.get(kind=exports.EXPORT_RUN_KIND)
    download = client.post(reverse("sharing:export_download", args=[run.pk]))
    sheet = load_workbook(io.BytesIO(download.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[2][:2] == ["#meta +household +id", "#meta +person +id"]
    assert "#beneficiary +needs +code" in values[2] and "#beneficiary +name +first +en" not in values[2]
    assert len(values) == 3 + 2  # note, headers, hashtags, two members


def test_someone_elses_export_is_not_revealed(cast, household, django_capture_on_commit_callbacks):
    agreement = agreement_make(cast, requires_consent=False)
    _client, _response = _export(cast, agreement, django_capture_on_commit_callbacks)
    run = Run.objects.get(kind=exports.EXPORT_RUN_KIND)
    other = sign_in(Client(), cast["lb_protection_officer"])
    assert other.get(reverse("sharing:export_detail", args=[run.pk])).status_code == 404
    assert other.post(reverse("sharing:export_download", args=[run.pk])).status_code == 404


def test_no_export_without_a_covering_agreement(cast, household, django_capture_on_commit_callbacks):
    jordan = agreement_make(cast, "jo")
    _client, response = _export(cast, jordan, django_capture_on_commit_callbacks)
    assert response.status_code == 200 and not Run.objects.exists()  # not a choice for a Lebanon officer
    aggregate = agreement_make(cast, level="aggregate", categories=[])
    _client, response = _export(cast, aggregate, django_capture_on_commit_callbacks)
    assert response.status_code == 200 and not Run.objects.exists()
    page = sign_in(Client(), cast["lb_registration_officer"]).get(reverse("sharing:household_export")).content.decode()
    assert 'data-testid="no-agreement"' in page
    assert sign_in(Client(), cast["lb_movement_officer"]).get(reverse("sharing:household_export")).status_code == 403


def test_a_recipient_outside_the_agreement_is_refused(cast, household, django_capture_on_commit_callbacks):
    agreement = agreement_make(cast, requires_consent=False)
    client = sign_in(Client(), cast["lb_registration_officer"])
    response = client.post(
        reverse("sharing:household_export"),
        {"agreement": agreement.pk, "recipient": cast.organisations["donor"].pk, "format": "csv"},
    )
    assert response.status_code == 200 and "not a recipient" in response.content.decode()
    assert not Run.objects.exists()


def test_an_agreement_revoked_before_the_worker_runs_stops_the_export(cast, household, django_capture_on_commit_callbacks):
    agreement = agreement_make(cast, requires_consent=False)
    run = exports.household_export_start(
        actor=cast["lb_registration_officer"], agreement=agreement, recipient=cast.organisations["iom"], fmt="csv", filter_data={}
    )
    services.agreement_revoke(actor=cast["lb_administrator"], agreement=agreement, reason="Stopped")
    exports.household_export_run(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.failure) == ("failed", "agreement_refused")
    assert not ShareEntry.objects.exists()


def test_the_household_filters_apply_to_the_export(cast, household, django_capture_on_commit_callbacks):
    agreement = agreement_make(cast, requires_consent=False)
    _client, _response = _export(cast, agreement, django_capture_on_commit_callbacks, status="closed")
    run = Run.objects.get(kind=exports.EXPORT_RUN_KIND)
    assert run.status == "succeeded" and run.counts["people"] == 0
    assert run.params["filters"] == {"status": "closed"}
    _client, _response = _export(cast, agreement, django_capture_on_commit_callbacks, status="open")
    assert Run.objects.filter(kind=exports.EXPORT_RUN_KIND).order_by("-pk").first().counts["people"] == 2


def test_aggregate_roles_never_receive_a_name_from_the_sharing_pages(cast, household, django_capture_on_commit_callbacks):
    """Auditors and administrators (aggregate roles) read the agreements and the share log of an
    export of names: they see counts and references, never a name or a phone."""
    agreement = agreement_make(cast, requires_consent=False)
    _export(cast, agreement, django_capture_on_commit_callbacks)
    names = ("Mohamad", "Fatima", "محمد", "فاطمة", "Hariri", "الحريري", "03 123 456")
    pages = []
    for user, urls in (
        ("lb_auditor", [reverse("sharing:share_log"), reverse("sharing:share_log_export")]),
        ("lb_administrator", [reverse("sharing:share_log"), reverse("sharing:agreement_list"), reverse("sharing:agreement_detail", args=[agreement.pk])]),
    ):
        client = sign_in(Client(), cast[user])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            pages.append(response.content.decode("utf-8-sig"))
    assert agreement.reference in pages[0] and agreement.reference in pages[2]
    assert not [name for name in names for page in pages if name in page]
    assert sign_in(Client(), cast["lb_administrator"]).get(reverse("sharing:household_export")).status_code == 403


def test_the_share_log_links_to_the_agreements_only_for_those_who_manage_them(cast):
    link = f'href="{reverse("sharing:agreement_list")}"'
    auditor_page = sign_in(Client(), cast["lb_auditor"]).get(reverse("sharing:share_log")).content.decode()
    admin_page = _admin(cast).get(reverse("sharing:share_log")).content.decode()
    assert link not in auditor_page.split("<main>")[1] and link in admin_page.split("<main>")[1]


def test_the_export_page_polls_its_progress_and_every_page_renders_right_to_left(cast, household, django_capture_on_commit_callbacks):
    agreement = agreement_make(cast, requires_consent=False)
    client, response = _export(cast, agreement, django_capture_on_commit_callbacks)
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'id="export-status"' in fragment and "<html" not in fragment
    admin = _admin(cast)
    admin.cookies["django_language"] = "ar"
    client.cookies["django_language"] = "ar"
    for who, url in (
        (admin, reverse("sharing:agreement_list")),
        (admin, reverse("sharing:agreement_create")),
        (admin, reverse("sharing:agreement_detail", args=[agreement.pk])),
        (admin, reverse("sharing:agreement_edit", args=[agreement.pk])),
        (admin, reverse("sharing:agreement_revoke", args=[agreement.pk])),
        (admin, reverse("sharing:share_log")),
        (client, reverse("sharing:household_export")),
        (client, response["Location"]),
    ):
        page = who.get(url)
        assert page.status_code == 200 and 'dir="rtl"' in page.content.decode(), url


def test_a_file_not_fetched_in_time_is_dropped(cast, household, django_capture_on_commit_callbacks):
    from sabeel.sharing.models import ExportFile

    agreement = agreement_make(cast, requires_consent=False)
    client, _response = _export(cast, agreement, django_capture_on_commit_callbacks)
    run = Run.objects.get(kind=exports.EXPORT_RUN_KIND)
    late = dt.datetime.now(tz=dt.UTC) - dt.timedelta(hours=exports.KEEP_HOURS + 1)
    ExportFile.objects.filter(run=run).update(created_at=late)
    assert client.post(reverse("sharing:export_download", args=[run.pk])).status_code == 302
    assert ExportFile.objects.get(run=run).content is None


def test_recipients_and_data_covered_are_listed_with_the_comma_of_the_pages_language(cast):
    from django.utils import translation

    from sabeel.core.roles import FIELD_GROUP_LABELS, FieldGroup

    agreement = agreement_make(cast, parties=[cast.organisations["iom"], cast.organisations["ngo"]], categories=["names_contacts", "documents"])
    detail = reverse("sharing:agreement_detail", args=[agreement.pk])
    english = sign_in(Client(HTTP_ACCEPT_LANGUAGE="en"), cast["lb_administrator"])
    page, listing = english.get(detail).content.decode(), english.get(reverse("sharing:agreement_list")).content.decode()
    names = [str(p) for p in agreement.parties.all()]
    covered = ", ".join(str(FIELD_GROUP_LABELS[FieldGroup(c)]) for c in agreement.categories)
    assert ", ".join(names) in page and ", ".join(names) in listing
    assert covered in page
    with translation.override("ar"):  # the request activates Arabic; leave the language as it was
        arabic = sign_in(Client(HTTP_ACCEPT_LANGUAGE="ar"), cast["lb_administrator"])
        page, listing = arabic.get(detail).content.decode(), arabic.get(reverse("sharing:agreement_list")).content.decode()
        names = [str(p) for p in agreement.parties.all()]
        covered = "، ".join(str(FIELD_GROUP_LABELS[FieldGroup(c)]) for c in agreement.categories)
    assert "، ".join(names) in page and "، ".join(names) in listing
    assert covered in page and covered.replace("، ", ", ") not in page
