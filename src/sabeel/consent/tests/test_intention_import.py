"""Importing the survey's export (CSV or .xlsx, KoboToolbox or ODK column styles): households are
matched by registration number within the officer's working group, the import is idempotent on
the submission id, and nothing is half-imported."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from sabeel.conditions.tests.factories import places_load
from sabeel.consent.intention_import import import_summary, intention_import, report_rows
from sabeel.consent.models import IntentionImport, ReturnIntention
from sabeel.core.exceptions import NotPermitted
from sabeel.core.models import AuditEntry
from sabeel.core.testing import sign_in
from sabeel.registry.services import household_close
from sabeel.registry.tests.factories import household_make

pytestmark = pytest.mark.django_db

EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
KOBO = [
    "start", "end", "consent", "group_hh/asylum_country", "group_ab12cd/intends_return_12m", "group_ab12cd/origin_adm1",
    "group_ab12cd/origin_adm3", "group_hh/hh_size", "group_ab12cd/needs", "group_ab12cd/needs/shelter",
    "group_ab12cd/needs/documents", "group_hh/registration_number", "meta/instanceID", "_id", "_uuid", "_submission_time", "_index",
]
ODK = [
    "SubmissionDate", "start", "end", "consent", "asylum_country", "intention-intends_return_12m", "intention-origin_adm1",
    "intention-origin_adm3", "hh_size", "intention-needs", "registration_number", "meta-instanceID", "KEY",
]


@pytest.fixture
def households(cast):
    places_load()
    return {
        "lb1": household_make(cast, "lb"),
        "lb2": household_make(cast, "lb"),
        "jo": household_make(cast, "jo"),
    }


def typed(number: str) -> str:
    """As an enumerator types it: Eastern Arabic digits, no dashes."""
    return number.replace("-", "").translate(EASTERN)


def answer(number: str, uuid: str, *, intends="yes", adm1="SY02", adm3="SY020000", needs="shelter documents", country="LBN",
           consent="OK", end="2025-01-15T10:20:30.000+02:00") -> dict[str, str]:
    return {"number": number, "uuid": uuid, "intends": intends, "adm1": adm1, "adm3": adm3, "needs": needs, "country": country,
            "consent": consent, "end": end}


def kobo_rows(answers: list[dict[str, str]]) -> list[list[str]]:
    rows = []
    for i, a in enumerate(answers, start=1):
        rows.append([
            "2025-01-15T10:02:00.000+02:00", a["end"], a["consent"], a["country"], a["intends"], a["adm1"], a["adm3"], "5",
            a["needs"], "1" if "shelter" in a["needs"] else "0", "1" if "documents" in a["needs"] else "0", a["number"],
            f"uuid:{a['uuid']}", str(1000 + i), a["uuid"], "2025-01-15T08:21:00", str(i),
        ])
    return rows


def kobo_csv(answers: list[dict[str, str]], *, hxl: bool = True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")  # Kobo's CSV export separates with semicolons
    writer.writerow(KOBO)
    if hxl:
        writer.writerow(["", "", "", "#country+code+asylum", "#indicator+return_intention", "#adm1+code+dest", "#adm3+code+dest",
                         "#indicator+num+hh_size", "#need", "", "", "", "", "", "", "", ""])
    writer.writerows(kobo_rows(answers))
    return out.getvalue().encode("utf-8-sig")


def odk_rows(answers: list[dict[str, str]], headers: list[str]) -> list[list[object]]:
    rows = []
    for a in answers:
        values = {
            "SubmissionDate": dt.datetime(2025, 1, 16, 8, 0), "start": "2025-01-15T10:02:00.000+02:00", "end": a["end"],
            "consent": a["consent"], "asylum_country": a["country"], "intention-intends_return_12m": a["intends"],
            "intention-origin_adm1": a["adm1"], "intention-origin_adm3": a["adm3"], "hh_size": 5, "intention-needs": a["needs"],
            "registration_number": a["number"], "meta-instanceID": f"uuid:{a['uuid']}", "KEY": f"uuid:{a['uuid']}",
        }
        rows.append([values[h] for h in headers])
    return rows


def odk_xlsx(answers: list[dict[str, str]], headers: list[str] = ODK) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "ris_example"
    sheet.append(headers)
    for row in odk_rows(answers, headers):
        sheet.append(row)
    workbook.create_sheet("needs_repeat").append(["PARENT_KEY", "KEY"])  # repeat groups go on further sheets
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run_import(cast, content: bytes, *, group="lb", persona=None, name="survey.csv") -> IntentionImport:
    persona = persona or f"{group}_registration_officer"
    return intention_import(actor=cast[persona], working_group=cast.groups[group], file_name=name, content=content)


def problems(run: IntentionImport, kind: str | None = None) -> list[tuple[int | None, str, str]]:
    return [(e["row"], e["column"], e["problem"]) for e in run.report if kind is None or e["kind"] == kind]


# --- matching and mapping -------------------------------------------------------------------------


def test_a_kobo_csv_is_imported_with_numbers_typed_in_eastern_arabic_digits(cast, households):
    lb1, lb2 = households["lb1"], households["lb2"]
    content = kobo_csv([
        answer(typed(lb1.registration_number), "aaaa-1"),
        answer(lb2.registration_number.lower(), "aaaa-2", intends="dk", adm1="", adm3="", needs=""),
    ])
    run = run_import(cast, content)
    assert run.succeeded and (run.rows_total, run.rows_created, run.rows_already_imported) == (2, 2, 0)
    first = ReturnIntention.objects.get(submission_id="aaaa-1")
    assert first.household == lb1 and first.source == "survey_import"
    assert (first.intends_within_12_months, first.hopes_to_return) == ("yes", "yes")
    assert first.preferred_destination.key == "SY020000"
    assert first.obstacles == ["shelter", "documents"]
    assert first.recorded_on == dt.date(2025, 1, 15) and first.recorded_by == cast["lb_registration_officer"]
    second = ReturnIntention.objects.get(submission_id="aaaa-2")
    assert (second.household, second.intends_within_12_months, second.hopes_to_return) == (lb2, "unsure", "unsure")
    assert second.preferred_destination is None
    assert "2 new answers imported" in import_summary(run)
    assert AuditEntry.objects.filter(action="intention.recorded").count() == 2
    assert AuditEntry.objects.get(action="intention.imported").data["created_count"] == 2


def test_an_odk_excel_export_is_imported_and_the_id_can_come_from_key_alone(cast, households):
    lb1 = households["lb1"]
    content = odk_xlsx([answer(lb1.registration_number, "bbbb-1", intends="no", adm1="", adm3="")],
                       headers=[h for h in ODK if h != "meta-instanceID"])
    run = run_import(cast, content, name="ris_example.xlsx")
    assert run.succeeded and run.rows_created == 1
    intention = ReturnIntention.objects.get()
    assert (intention.submission_id, intention.intends_within_12_months) == ("bbbb-1", "no")
    assert intention.recorded_on == dt.date(2025, 1, 15)  # "end" is preferred to the submission date


def test_a_reimport_creates_nothing_and_says_already_imported(cast, households):
    content = kobo_csv([answer(households["lb1"].registration_number, "cccc-1"), answer(households["lb2"].registration_number, "cccc-2")])
    run_import(cast, content)
    again = run_import(cast, content)
    assert again.succeeded and (again.rows_created, again.rows_already_imported) == (0, 2)
    assert problems(again) == [(3, "meta/instanceID, _uuid, KEY", "already_imported"), (4, "meta/instanceID, _uuid, KEY", "already_imported")]
    assert import_summary(again) == "Nothing new: every answer in this file was already imported."
    assert ReturnIntention.objects.count() == 2


def test_the_same_submission_exported_by_odk_after_kobo_is_recognised(cast, households):
    lb1 = households["lb1"]
    run_import(cast, kobo_csv([answer(lb1.registration_number, "dddd-1")]))
    run = run_import(cast, odk_xlsx([answer(lb1.registration_number, "dddd-1"), answer(lb1.registration_number, "dddd-2")]))
    assert (run.rows_created, run.rows_already_imported) == (1, 1)
    assert ReturnIntention.objects.filter(household=lb1).count() == 2  # a second answer of the same household: a new record


def test_a_sub_district_not_loaded_is_recorded_at_the_level_above_with_a_note(cast, households):
    run = run_import(cast, kobo_csv([answer(households["lb1"].registration_number, "eeee-1", adm1="SY04", adm3="SY040000")]))
    assert run.succeeded
    assert ReturnIntention.objects.get().preferred_destination.key == "SY0400"
    assert problems(run, "note") == [(3, "group_ab12cd/origin_adm3", "place_generalised")]
    assert "recorded as SY0400" in report_rows(run)[0]["message"]


def test_a_declined_interview_is_skipped_and_does_not_block_the_others(cast, households):
    content = kobo_csv([
        answer(households["lb1"].registration_number, "ffff-1"),
        answer("", "ffff-2", consent="", intends="", adm1="", adm3="", needs="", country=""),
    ])
    run = run_import(cast, content)
    assert run.succeeded and run.rows_created == 1
    assert problems(run, "skipped") == [(4, "consent", "consent_declined")]


def test_an_identical_row_twice_in_the_file_is_imported_once(cast, households):
    same = answer(households["lb1"].registration_number, "gggg-1")
    run = run_import(cast, kobo_csv([same, same], hxl=False))
    assert run.succeeded and run.rows_created == 1
    assert [(e["row"], e["problem"], e["other_row"]) for e in run.report] == [(3, "duplicate_row", 2)]


# --- nothing half-imported ----------------------------------------------------------------------


def test_one_bad_registration_number_means_nothing_is_imported(cast, households):
    number = households["lb1"].registration_number
    wrong_check_digit = number[:-1] + str((int(number[-1]) + 1) % 10)
    content = kobo_csv([answer(households["lb2"].registration_number, "hhhh-1"), answer(wrong_check_digit, "hhhh-2"), answer("", "hhhh-3")])
    run = run_import(cast, content)
    assert not run.succeeded and run.rows_created == 0
    assert not ReturnIntention.objects.exists()
    assert problems(run, "invalid") == [
        (4, "group_hh/registration_number", "registration_number_invalid"),
        (5, "group_hh/registration_number", "registration_number_missing"),
    ]
    assert import_summary(run).startswith("Nothing was imported: 2 rows are unmatched or invalid.")
    assert AuditEntry.objects.get(action="intention.import_refused").data["problem_count"] == 2
    assert not AuditEntry.objects.filter(action="intention.recorded").exists()


def test_a_jordan_officers_import_never_touches_a_lebanon_household(cast, households):
    lebanese, jordanian = households["lb1"], households["jo"]
    content = kobo_csv([answer(jordanian.registration_number, "iiii-1", country="JOR"), answer(lebanese.registration_number, "iiii-2", country="JOR")])
    run = run_import(cast, content, group="jo")
    assert not run.succeeded
    assert problems(run, "unmatched") == [(4, "group_hh/registration_number", "household_not_found")]
    assert not ReturnIntention.objects.exists()
    # the same answers for Lebanon's households, imported by Lebanon: Jordan's household is the unmatched one
    lebanon_run = run_import(cast, kobo_csv([answer(lebanese.registration_number, "iiii-3"), answer(jordanian.registration_number, "iiii-4")]))
    assert problems(lebanon_run, "unmatched") == [(4, "group_hh/registration_number", "household_not_found")]
    assert not ReturnIntention.objects.exists()


def test_invalid_answers_are_reported_by_row_and_column(cast, households):
    number = households["lb1"].registration_number
    content = odk_xlsx([
        answer(number, "jjjj-1", intends="maybe"),
        answer(number, "jjjj-2", needs="shelter jetpack"),
        answer(number, "jjjj-3", adm1="SY04", adm3="SY020000"),
        answer(number, "jjjj-4", adm1="SY99", adm3=""),
        answer(number, "jjjj-5", country="TUR"),
        answer(number, "jjjj-6", end="15/01/2025"),
    ])
    run = run_import(cast, content, name="answers.xlsx")
    assert not run.succeeded and not ReturnIntention.objects.exists()
    assert problems(run, "invalid") == [
        (2, "intention-intends_return_12m", "answer_invalid"),
        (3, "intention-needs", "choice_invalid"),
        (4, "intention-origin_adm3", "place_mismatch"),
        (5, "intention-origin_adm1", "place_unknown"),
        (6, "asylum_country", "asylum_country_other"),
        (7, "end", "date_invalid"),
    ]
    messages = {row["row"]: row["message"] for row in report_rows(run)}
    assert messages[2] == "Not one of the survey's answers: yes, no, dk."


def test_the_same_submission_id_with_different_answers_is_refused(cast, households):
    number = households["lb1"].registration_number
    run = run_import(cast, kobo_csv([answer(number, "kkkk-1"), answer(number, "kkkk-1", intends="no")], hxl=False))
    assert not run.succeeded
    assert [(e["row"], e["problem"], e.get("other_row")) for e in run.report] == [(3, "duplicate_conflict", 2)]


def test_a_closed_file_is_reported_and_blocks_the_import(cast, households):
    household_close(actor=cast["lb_registration_officer"], household=households["lb2"], reason="Returned to Syria")
    run = run_import(cast, kobo_csv([answer(households["lb1"].registration_number, "llll-1"), answer(households["lb2"].registration_number, "llll-2")]))
    assert not run.succeeded and problems(run, "invalid") == [(4, "group_hh/registration_number", "household_closed")]


def test_the_report_never_holds_a_cell_value_or_a_name(cast, households):
    bad = typed(households["lb1"].registration_number)[:-1] + "٠"
    run = run_import(cast, kobo_csv([answer(bad, "mmmm-1", intends="محمد الحريري"), answer("Mohamad El Hariri", "mmmm-2")]))
    stored = json.dumps(run.report, ensure_ascii=False)
    for value in (bad, "محمد", "Hariri", "mmmm", households["lb1"].registration_number):
        assert value not in stored
    assert set(run.report[0]) <= {"row", "column", "kind", "problem", "other_row", "unit"}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "file_empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", "xls_not_supported"),
        (b"PK\x03\x04not really a zip", "file_unreadable"),
        ("start;end\n1;2\n".encode("utf-16"), "encoding"),
    ],
)
def test_a_file_that_is_not_a_survey_export_is_refused_and_recorded(cast, households, content, problem):
    run = run_import(cast, content)
    assert not run.succeeded and problems(run) == [(None, "", problem)]
    assert IntentionImport.objects.filter(pk=run.pk).exists()


def test_missing_columns_are_named(cast, households):
    content = b"start;consent;_uuid\n2025-01-01;OK;x\n"
    run = run_import(cast, content)
    assert not run.succeeded
    assert problems(run) == [(1, "registration_number", "column_missing"), (1, "intends_return_12m", "column_missing")]


def test_only_officers_who_may_change_files_import(cast, households):
    content = kobo_csv([answer(households["lb1"].registration_number, "nnnn-1")])
    for persona in ("lb_finance_officer", "lb_donor_viewer"):
        with pytest.raises(NotPermitted):
            run_import(cast, content, persona=persona)
    from django.http import Http404

    with pytest.raises(Http404):
        run_import(cast, content, persona="jo_registration_officer")  # into Lebanon's group
    assert not IntentionImport.objects.exists()


# --- page and API ---------------------------------------------------------------------------------


def test_the_upload_page_imports_and_shows_the_report(cast, households):
    client = sign_in(Client(), cast["lb_registration_officer"])
    upload = SimpleUploadedFile("kobo.csv", kobo_csv([answer(households["lb1"].registration_number, "oooo-1"), answer("LB-1", "oooo-2")]))
    response = client.post(reverse("consent:intention_import"), {"file": upload, "working_group": cast.groups["lb"].pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported: 1 row is unmatched or invalid." in body
    assert 'data-testid="report-invalid"' in body and "group_hh/registration_number" in body
    upload = SimpleUploadedFile("kobo.csv", kobo_csv([answer(households["lb1"].registration_number, "oooo-1")]))
    again = client.post(reverse("consent:intention_import"), {"file": upload, "working_group": cast.groups["lb"].pk}, HTTP_HX_REQUEST="true")
    assert '<div id="import-report"' in again.content.decode() and "<html" not in again.content.decode()
    assert ReturnIntention.objects.count() == 1
    detail = client.get(reverse("consent:intention_import_detail", args=[IntentionImport.objects.earliest("pk").pk])).content.decode()
    assert "Nothing was imported" in detail


def test_the_upload_page_offers_only_the_officers_groups(cast, households):
    client = sign_in(Client(), cast["jo_registration_officer"])
    upload = SimpleUploadedFile("kobo.csv", kobo_csv([answer(households["jo"].registration_number, "pppp-1", country="JOR")]))
    response = client.post(reverse("consent:intention_import"), {"file": upload, "working_group": cast.groups["lb"].pk})
    assert "working_group" in response.context["form"].errors
    assert not IntentionImport.objects.exists()


def test_the_api_imports_a_file_and_refuses_a_bad_one_in_the_envelope(cast, households):
    client = sign_in(Client(), cast["lb_protection_officer"])
    good = SimpleUploadedFile("ris.xlsx", odk_xlsx([answer(households["lb1"].registration_number, "qqqq-1")]))
    response = client.post("/api/consent/intentions/import", {"file": good})
    assert response.status_code == 200, response.content
    assert response.json()["succeeded"] and response.json()["rows_created"] == 1
    bad = SimpleUploadedFile("ris.xlsx", odk_xlsx([answer(households["jo"].registration_number, "qqqq-2", country="JOR")]))
    refused = client.post("/api/consent/intentions/import", {"file": bad, "working_group": cast.groups["lb"].pk})
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "import_refused"
    assert "rows.2.asylum_country" in error["fields"] and "rows.2.registration_number" in error["fields"]
    run_id = IntentionImport.objects.latest("pk").pk
    assert client.get(f"/api/consent/intentions/imports/{run_id}").json()["succeeded"] is False


def test_the_api_import_is_closed_to_anonymous_wrong_role_and_other_group(cast, households):
    def upload():
        return SimpleUploadedFile("ris.csv", kobo_csv([answer(households["lb1"].registration_number, "rrrr-1")]))

    assert Client().post("/api/consent/intentions/import", {"file": upload()}).status_code == 401
    wrong = sign_in(Client(), cast["lb_finance_officer"]).post("/api/consent/intentions/import", {"file": upload()})
    assert wrong.status_code == 403
    other = sign_in(Client(), cast["jo_registration_officer"]).post(
        "/api/consent/intentions/import", {"file": upload(), "working_group": cast.groups["lb"].pk}
    )
    assert other.status_code == 404
    assert not IntentionImport.objects.exists() and not ReturnIntention.objects.exists()
