"""Importing the survey's export (CSV or .xlsx, KoboToolbox or ODK column styles) as a background
run: households are matched by registration number within the officer's working group, the import
is idempotent on the submission id, nothing is half-imported when a row is wrong, limits refuse a
hostile file before it is parsed, and a bad file fails its run without hurting the worker."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse
from openpyxl import Workbook

from sabeel.conditions.tests.factories import places_load
from sabeel.consent import intention_import as importer
from sabeel.consent.intention_import import import_summary, intention_import_start, report_rows
from sabeel.consent.intentions import IMPORT_RUN_KIND
from sabeel.consent.models import ReturnIntention
from sabeel.consent.tasks import intention_import_task
from sabeel.core import runs
from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import AuditEntry, Run
from sabeel.registry.services import household_close
from sabeel.registry.tests.factories import household_make
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db

EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
KOBO = [
    "start",
    "end",
    "consent",
    "group_hh/asylum_country",
    "group_ab12cd/intends_return_12m",
    "group_ab12cd/origin_adm1",
    "group_ab12cd/origin_adm3",
    "group_hh/hh_size",
    "group_ab12cd/needs",
    "group_ab12cd/needs/shelter",
    "group_ab12cd/needs/documents",
    "group_hh/registration_number",
    "meta/instanceID",
    "_id",
    "_uuid",
    "_submission_time",
    "_index",
]
ODK = [
    "SubmissionDate",
    "start",
    "end",
    "consent",
    "asylum_country",
    "intention-intends_return_12m",
    "intention-origin_adm1",
    "intention-origin_adm3",
    "hh_size",
    "intention-needs",
    "registration_number",
    "meta-instanceID",
    "KEY",
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


def answer(
    number: str,
    uuid: str,
    *,
    intends="yes",
    adm1="SY02",
    adm3="SY020000",
    needs="shelter documents",
    country="LBN",
    consent="OK",
    end="2025-01-15T10:20:30.000+02:00",
) -> dict[str, str]:
    return {
        "number": number,
        "uuid": uuid,
        "intends": intends,
        "adm1": adm1,
        "adm3": adm3,
        "needs": needs,
        "country": country,
        "consent": consent,
        "end": end,
    }


def kobo_rows(answers: list[dict[str, str]]) -> list[list[str]]:
    rows = []
    for i, a in enumerate(answers, start=1):
        rows.append(
            [
                "2025-01-15T10:02:00.000+02:00",
                a["end"],
                a["consent"],
                a["country"],
                a["intends"],
                a["adm1"],
                a["adm3"],
                "5",
                a["needs"],
                "1" if "shelter" in a["needs"] else "0",
                "1" if "documents" in a["needs"] else "0",
                a["number"],
                f"uuid:{a['uuid']}",
                str(1000 + i),
                a["uuid"],
                "2025-01-15T08:21:00",
                str(i),
            ]
        )
    return rows


def kobo_csv(answers: list[dict[str, str]], *, hxl: bool = True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")  # Kobo's CSV export separates with semicolons
    writer.writerow(KOBO)
    if hxl:
        writer.writerow(
            [
                "",
                "",
                "",
                "#country+code+asylum",
                "#indicator+return_intention",
                "#adm1+code+dest",
                "#adm3+code+dest",
                "#indicator+num+hh_size",
                "#need",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ]
        )
    writer.writerows(kobo_rows(answers))
    return out.getvalue().encode("utf-8-sig")


def odk_rows(answers: list[dict[str, str]], headers: list[str]) -> list[list[object]]:
    rows = []
    for a in answers:
        values = {
            "SubmissionDate": dt.datetime(2025, 1, 16, 8, 0),
            "start": "2025-01-15T10:02:00.000+02:00",
            "end": a["end"],
            "consent": a["consent"],
            "asylum_country": a["country"],
            "intention-intends_return_12m": a["intends"],
            "intention-origin_adm1": a["adm1"],
            "intention-origin_adm3": a["adm3"],
            "hh_size": 5,
            "intention-needs": a["needs"],
            "registration_number": a["number"],
            "meta-instanceID": f"uuid:{a['uuid']}",
            "KEY": f"uuid:{a['uuid']}",
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


def run_import(cast, content: bytes, *, group="lb", persona=None, name="survey.csv") -> Run:
    """Upload as the officer would; the task runs when the upload commits (the test backend runs
    tasks at once), and the run is read back finished."""
    persona = persona or f"{group}_registration_officer"
    with TestCase.captureOnCommitCallbacks(execute=True):
        run = intention_import_start(
            actor=cast[persona], working_group=cast.groups[group], file_name=name, content=content
        )
    run.refresh_from_db()
    return run


def problems(run: Run, kind: str | None = None) -> list[tuple[int | None, str, str]]:
    return [(e["row"], e["column"], e["problem"]) for e in run.errors if kind is None or e["kind"] == kind]


def counts(run: Run) -> tuple[int, int, int]:
    return run.counts["rows_total"], run.counts["created"], run.counts["already_imported"]


def imported(run: Run) -> bool:
    return run.status == "succeeded"


# --- matching and mapping -------------------------------------------------------------------------


def test_a_kobo_csv_is_imported_with_numbers_typed_in_eastern_arabic_digits(cast, households):
    lb1, lb2 = households["lb1"], households["lb2"]
    content = kobo_csv(
        [
            answer(typed(lb1.registration_number), "aaaa-1"),
            answer(lb2.registration_number.lower(), "aaaa-2", intends="dk", adm1="", adm3="", needs=""),
        ]
    )
    run = run_import(cast, content)
    assert imported(run) and counts(run) == (2, 2, 0)
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
    # one audit row for the run, not one per answer
    assert not AuditEntry.objects.filter(action="intention.recorded").exists()
    row = AuditEntry.objects.get(action="consent.intentions_imported")
    assert (row.target_type, row.target_id, row.working_group_id) == ("core.run", str(run.pk), cast.groups["lb"].pk)
    assert (row.data["run_id"], row.data["created_count"], row.data["rows_count"]) == (run.pk, 2, 2)


def test_an_odk_excel_export_is_imported_and_the_id_can_come_from_key_alone(cast, households):
    lb1 = households["lb1"]
    content = odk_xlsx(
        [answer(lb1.registration_number, "bbbb-1", intends="no", adm1="", adm3="")],
        headers=[h for h in ODK if h != "meta-instanceID"],
    )
    run = run_import(cast, content, name="ris_example.xlsx")
    assert imported(run) and run.counts["created"] == 1
    intention = ReturnIntention.objects.get()
    assert (intention.submission_id, intention.intends_within_12_months) == ("bbbb-1", "no")
    assert intention.recorded_on == dt.date(2025, 1, 15)  # "end" is preferred to the submission date


def test_a_reimport_creates_nothing_and_says_already_imported(cast, households):
    content = kobo_csv(
        [
            answer(households["lb1"].registration_number, "cccc-1"),
            answer(households["lb2"].registration_number, "cccc-2"),
        ]
    )
    run_import(cast, content)
    again = run_import(cast, content)
    assert imported(again) and counts(again)[1:] == (0, 2)
    assert problems(again) == [
        (3, "meta/instanceID, _uuid, KEY", "already_imported"),
        (4, "meta/instanceID, _uuid, KEY", "already_imported"),
    ]
    assert import_summary(again) == "Nothing new: every answer in this file was already imported."
    assert ReturnIntention.objects.count() == 2


def test_the_same_submission_exported_by_odk_after_kobo_is_recognised(cast, households):
    lb1 = households["lb1"]
    run_import(cast, kobo_csv([answer(lb1.registration_number, "dddd-1")]))
    run = run_import(
        cast, odk_xlsx([answer(lb1.registration_number, "dddd-1"), answer(lb1.registration_number, "dddd-2")])
    )
    assert counts(run)[1:] == (1, 1)
    assert (
        ReturnIntention.objects.filter(household=lb1).count() == 2
    )  # a second answer of the same household: a new record


def test_a_sub_district_not_loaded_is_recorded_at_the_level_above_with_a_note(cast, households):
    run = run_import(
        cast, kobo_csv([answer(households["lb1"].registration_number, "eeee-1", adm1="SY04", adm3="SY040000")])
    )
    assert imported(run)
    assert ReturnIntention.objects.get().preferred_destination.key == "SY0400"
    assert problems(run, "note") == [(3, "group_ab12cd/origin_adm3", "place_generalised")]
    assert "recorded as SY0400" in report_rows(run)[0]["message"]


def test_a_declined_interview_is_skipped_and_does_not_block_the_others(cast, households):
    content = kobo_csv(
        [
            answer(households["lb1"].registration_number, "ffff-1"),
            answer("", "ffff-2", consent="", intends="", adm1="", adm3="", needs="", country=""),
        ]
    )
    run = run_import(cast, content)
    assert imported(run) and run.counts["created"] == 1
    assert problems(run, "skipped") == [(4, "consent", "consent_declined")]


def test_an_identical_row_twice_in_the_file_is_imported_once(cast, households):
    same = answer(households["lb1"].registration_number, "gggg-1")
    run = run_import(cast, kobo_csv([same, same], hxl=False))
    assert imported(run) and run.counts["created"] == 1
    assert [(e["row"], e["problem"], e["other_row"]) for e in run.errors] == [(3, "duplicate_row", 2)]


# --- nothing half-imported ----------------------------------------------------------------------


def test_one_bad_registration_number_means_nothing_is_imported(cast, households):
    number = households["lb1"].registration_number
    wrong_check_digit = number[:-1] + str((int(number[-1]) + 1) % 10)
    content = kobo_csv(
        [
            answer(households["lb2"].registration_number, "hhhh-1"),
            answer(wrong_check_digit, "hhhh-2"),
            answer("", "hhhh-3"),
        ]
    )
    run = run_import(cast, content)
    assert (run.status, run.failure, run.counts["created"]) == ("failed", "rows_refused", 0)
    assert not ReturnIntention.objects.exists()
    assert problems(run, "invalid") == [
        (4, "group_hh/registration_number", "registration_number_invalid"),
        (5, "group_hh/registration_number", "registration_number_missing"),
    ]
    assert import_summary(run).startswith("Nothing was imported: 2 rows are unmatched or invalid.")
    assert AuditEntry.objects.get(action="consent.intentions_import_refused").data["refused_count"] == 2
    assert not AuditEntry.objects.filter(action="consent.intentions_imported").exists()


def test_a_jordan_officers_import_never_touches_a_lebanon_household(cast, households):
    lebanese, jordanian = households["lb1"], households["jo"]
    content = kobo_csv(
        [
            answer(jordanian.registration_number, "iiii-1", country="JOR"),
            answer(lebanese.registration_number, "iiii-2", country="JOR"),
        ]
    )
    run = run_import(cast, content, group="jo")
    assert not imported(run)
    assert problems(run, "unmatched") == [(4, "group_hh/registration_number", "household_not_found")]
    assert not ReturnIntention.objects.exists()
    # the same answers for Lebanon's households, imported by Lebanon: Jordan's household is the unmatched one
    lebanon_run = run_import(
        cast,
        kobo_csv([answer(lebanese.registration_number, "iiii-3"), answer(jordanian.registration_number, "iiii-4")]),
    )
    assert problems(lebanon_run, "unmatched") == [(4, "group_hh/registration_number", "household_not_found")]
    assert not ReturnIntention.objects.exists()


def test_invalid_answers_are_reported_by_row_and_column(cast, households):
    number = households["lb1"].registration_number
    content = odk_xlsx(
        [
            answer(number, "jjjj-1", intends="maybe"),
            answer(number, "jjjj-2", needs="shelter jetpack"),
            answer(number, "jjjj-3", adm1="SY04", adm3="SY020000"),
            answer(number, "jjjj-4", adm1="SY99", adm3=""),
            answer(number, "jjjj-5", country="TUR"),
            answer(number, "jjjj-6", end="15/01/2025"),
        ]
    )
    run = run_import(cast, content, name="answers.xlsx")
    assert not imported(run) and not ReturnIntention.objects.exists()
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
    assert not imported(run)
    assert [(e["row"], e["problem"], e.get("other_row")) for e in run.errors] == [(3, "duplicate_conflict", 2)]


def test_a_closed_file_is_reported_and_blocks_the_import(cast, households):
    household_close(actor=cast["lb_registration_officer"], household=households["lb2"], reason="Returned to Syria")
    run = run_import(
        cast,
        kobo_csv(
            [
                answer(households["lb1"].registration_number, "llll-1"),
                answer(households["lb2"].registration_number, "llll-2"),
            ]
        ),
    )
    assert not imported(run) and problems(run, "invalid") == [(4, "group_hh/registration_number", "household_closed")]


def test_the_report_never_holds_a_cell_value_or_a_name(cast, households):
    bad = typed(households["lb1"].registration_number)[:-1] + "٠"
    run = run_import(
        cast, kobo_csv([answer(bad, "mmmm-1", intends="محمد الحريري"), answer("Mohamad El Hariri", "mmmm-2")])
    )
    stored = json.dumps([run.errors, run.counts, run.params], ensure_ascii=False)
    for value in (bad, "محمد", "Hariri", "mmmm", households["lb1"].registration_number):
        assert value not in stored
    assert set(run.errors[0]) <= {"row", "column", "kind", "problem", "other_row", "unit"}
    assert Run.objects.get(pk=run.pk).payload is None  # the upload is not kept once imported


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "file_empty"),
        ("تاريخ;end\n1;2\n".encode("cp1256"), "encoding"),  # UTF-16 with its mark is read (core.tabular)
        (b"start;end\n", "file_empty"),
    ],
)
def test_a_file_that_is_not_a_survey_export_fails_its_run_with_the_reason(cast, households, content, problem):
    run = run_import(cast, content)
    assert (run.status, run.failure) == ("failed", "file_refused") and problems(run) == [(None, "", problem)]
    assert "could not be read" in import_summary(run)
    assert AuditEntry.objects.get(action="consent.intentions_import_refused").data["run_id"] == run.pk


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", "xls_not_supported"),
        (b"PK\x03\x04not really a zip", "file_unreadable"),
    ],
)
def test_a_file_refused_before_parsing_queues_nothing_and_says_why(cast, households, content, problem):
    with pytest.raises(ServiceError) as refused:
        run_import(cast, content)
    assert refused.value.fields["file"] == [importer.problem_message({"problem": problem})]
    assert not Run.objects.exists()


def test_missing_columns_are_named(cast, households):
    content = b"start;consent;_uuid\n2025-01-01;OK;x\n"
    run = run_import(cast, content)
    assert not imported(run)
    assert problems(run) == [(1, "registration_number", "column_missing"), (1, "intends_return_12m", "column_missing")]


def test_only_officers_who_may_change_files_import(cast, households):
    content = kobo_csv([answer(households["lb1"].registration_number, "nnnn-1")])
    for persona in ("lb_finance_officer", "lb_donor_viewer"):
        with pytest.raises(NotPermitted):
            run_import(cast, content, persona=persona)
    from django.http import Http404

    with pytest.raises(Http404):
        run_import(cast, content, persona="jo_registration_officer")  # into Lebanon's group
    assert not Run.objects.exists()


# --- another group's answers are not revealed --------------------------------------------------


def test_a_submission_recorded_in_another_group_is_answered_like_any_unmatched_row(cast, households):
    lebanese, jordanian = households["lb1"], households["lb2"]
    run_import(cast, kobo_csv([answer(households["jo"].registration_number, "ssss-1", country="JOR")]), group="jo")
    # Lebanon's file: row 3 carries the submission Jordan recorded, row 4 a number of no Lebanon household.
    other = households["jo"].registration_number
    run = run_import(cast, kobo_csv([answer(lebanese.registration_number, "ssss-1"), answer(other, "ssss-2")]))
    elsewhere, unknown = (
        [{k: v for k, v in e.items() if k != "row"} for e in run.errors if e["row"] == n] for n in (3, 4)
    )
    assert (
        elsewhere
        == unknown
        == [{"column": "group_hh/registration_number", "kind": "unmatched", "problem": "household_not_found"}]
    )
    assert [e["kind"] for e in run.errors] == ["unmatched", "unmatched"]
    assert (run.counts["refused"], run.counts["already_imported"]) == (2, 0)
    words = " ".join(r["message"] for r in report_rows(run)) + import_summary(run)
    assert "already" not in words.lower() and "recorded" not in words.lower()
    assert ReturnIntention.objects.filter(household=jordanian).count() == 0


# --- limits: a hostile file is refused before it is expanded or parsed ----------------------------


def zip_bomb(uncompressed: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * uncompressed)
    return out.getvalue()


def test_a_zip_bomb_is_refused_from_the_zip_directory_before_openpyxl_opens_it(cast, households, monkeypatch):
    import openpyxl

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("the bomb was opened"))
    bomb = zip_bomb(20 * 1024 * 1024)  # 20 MB of zeros in about 20 KB: far beyond any real export's ratio
    assert len(bomb) < 100 * 1024
    with pytest.raises(ServiceError) as refused:
        run_import(cast, bomb, name="answers.xlsx")
    assert "too large once unpacked" in refused.value.fields["file"][0]
    # the worker checks again: a bomb stored on a run by other means fails that run, unopened
    run = runs.run_create(
        actor=cast["lb_registration_officer"], kind=IMPORT_RUN_KIND, working_group_id=cast.groups["lb"].pk, payload=bomb
    )
    intention_import_task.enqueue(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, problems(run)) == ("failed", [(None, "", "xlsx_too_large")])


def test_an_xlsx_whose_parts_add_up_past_the_limit_is_refused(cast, households, monkeypatch):
    monkeypatch.setattr("sabeel.consent.intention_import._read.MAX_XLSX_UNCOMPRESSED", 1000)
    content = odk_xlsx([answer(households["lb1"].registration_number, "tttt-1")])
    with pytest.raises(ServiceError, match="too large once unpacked"):
        run_import(cast, content, name="answers.xlsx")


@pytest.mark.parametrize(
    ("limit", "value", "problem"),
    [("MAX_ROWS", 2, "too_many_rows"), ("MAX_CELLS", 40, "too_many_cells"), ("MAX_COLUMNS", 10, "too_many_columns")],
)
def test_rows_cells_and_columns_are_limited_while_reading(cast, households, monkeypatch, limit, value, problem):
    monkeypatch.setattr(f"sabeel.consent.intention_import._read.{limit}", value)
    number = households["lb1"].registration_number
    run = run_import(cast, kobo_csv([answer(number, f"uuuu-{i}") for i in range(3)]))
    assert (run.status, problems(run)) == ("failed", [(None, "", problem)])
    assert not ReturnIntention.objects.exists()
    assert "parts" in report_rows(run)[0]["message"] or "columns" in report_rows(run)[0]["message"]


def test_the_upload_page_and_the_api_refuse_a_file_too_large_with_a_clear_message(cast, households, monkeypatch):
    monkeypatch.setattr("sabeel.consent.intention_import._read.MAX_BYTES", 100)
    content = kobo_csv([answer(households["lb1"].registration_number, "vvvv-1")])
    client = sign_in(Client(), cast["lb_registration_officer"])
    page = client.post(
        reverse("consent:intention_import"),
        {"file": SimpleUploadedFile("k.csv", content), "working_group": cast.groups["lb"].pk},
    )
    assert page.status_code == 200 and "The file is larger than 10 MB." in page.context["form"].errors["file"]
    api = client.post("/api/consent/intentions/import", {"file": SimpleUploadedFile("k.csv", content)})
    assert api.status_code == 400 and api.json()["error"]["code"] == "file_refused"
    assert not Run.objects.exists()


# --- batches, one audit row, a stopped import finished by importing again -------------------------


def test_a_big_file_is_written_in_batches_with_one_audit_row_for_the_run(cast, households, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    number = households["lb1"].registration_number
    writes = []
    real = ReturnIntention.objects.bulk_create
    monkeypatch.setattr(
        ReturnIntention.objects, "bulk_create", lambda objs, **kw: writes.append(len(objs)) or real(objs, **kw)
    )
    run = run_import(cast, kobo_csv([answer(number, f"wwww-{i}") for i in range(5)]))
    assert imported(run) and counts(run) == (5, 5, 0)
    assert writes == [2, 2, 1]
    assert (run.done, run.total, run.percent) == (5, 5, 100)
    assert AuditEntry.objects.filter(target_type="core.run").count() == 1


def test_an_import_stopped_half_way_keeps_its_batches_and_a_second_import_finishes_the_rest(
    cast, households, monkeypatch
):
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    number = households["lb1"].registration_number
    content = kobo_csv([answer(number, f"xxxx-{i}") for i in range(5)])
    real = ReturnIntention.objects.bulk_create
    calls = []

    def failing_second_batch(objs, **kw):
        calls.append(len(objs))
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(objs, **kw)

    monkeypatch.setattr(ReturnIntention.objects, "bulk_create", failing_second_batch)
    stopped = run_import(cast, content)  # no exception reaches the worker
    assert (stopped.status, stopped.failure, stopped.counts["created"]) == ("failed", "internal_error", 2)
    assert "Import the same file again to finish" in import_summary(stopped)
    assert ReturnIntention.objects.count() == 2
    assert AuditEntry.objects.get(action="consent.intentions_import_stopped").data["created_count"] == 2

    monkeypatch.setattr(ReturnIntention.objects, "bulk_create", real)
    finished = run_import(cast, content)
    assert imported(finished) and counts(finished) == (5, 3, 2)
    assert sorted(ReturnIntention.objects.values_list("submission_id", flat=True)) == [f"xxxx-{i}" for i in range(5)]


def test_a_cancelled_import_stops_after_its_current_batch_and_says_how_to_finish(cast, households, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    number = households["lb1"].registration_number
    real = ReturnIntention.objects.bulk_create

    def cancelled_during_the_first_batch(objs, **kw):
        runs.run_cancel(run_id=Run.objects.get(kind=IMPORT_RUN_KIND).pk)
        return real(objs, **kw)

    monkeypatch.setattr(ReturnIntention.objects, "bulk_create", cancelled_during_the_first_batch)
    run = run_import(cast, kobo_csv([answer(number, f"cccc-{i}") for i in range(5)]))
    assert (run.status, run.counts["created"], ReturnIntention.objects.count()) == ("cancelled", 2, 2)
    assert "Import the same file again to finish" in import_summary(run)
    assert AuditEntry.objects.get(action="consent.intentions_import_stopped").data["created_count"] == 2


def test_an_answer_imported_by_someone_else_meanwhile_is_not_written_twice(cast, households, monkeypatch):
    number = households["lb1"].registration_number
    content = kobo_csv([answer(number, "yyyy-1"), answer(number, "yyyy-2")])
    real = importer.check_rows

    def import_yyyy_1_meanwhile(rows, group):
        ready = real(rows, group)
        ReturnIntention.objects.bulk_create(
            [ReturnIntention(source="survey_import", submission_id="yyyy-1", **ready[0][0].values)]
        )
        return ready

    monkeypatch.setattr(importer, "check_rows", import_yyyy_1_meanwhile)
    run = run_import(cast, content)
    assert imported(run) and counts(run) == (2, 1, 1)
    assert ReturnIntention.objects.filter(submission_id="yyyy-1").count() == 1


# --- the worker survives a bad file --------------------------------------------------------------


@pytest.mark.parametrize("garbage", [b"\x00\xff" * 5000, b"PK\x03\x04" + b"\x00" * 64, b"\xff\xfe\x00garbage;\n;;;"])
def test_the_task_on_garbage_bytes_fails_its_run_and_raises_nothing(cast, households, garbage):
    run = runs.run_create(
        actor=cast["lb_registration_officer"],
        kind=IMPORT_RUN_KIND,
        working_group_id=cast.groups["lb"].pk,
        payload=garbage,
    )
    result = intention_import_task.enqueue(run_id=run.pk)
    assert result.status == "SUCCESSFUL" and not result.errors  # the worker saw no exception
    run.refresh_from_db()
    assert (run.status, run.failure) == ("failed", "file_refused") and run.payload is None


def test_an_unexpected_error_fails_the_run_and_the_worker_goes_on_with_the_next_task(cast, households, monkeypatch):
    monkeypatch.setattr(importer, "read_table", lambda content: 1 / 0)
    broken = runs.run_create(
        actor=cast["lb_registration_officer"], kind=IMPORT_RUN_KIND, working_group_id=cast.groups["lb"].pk, payload=b"x"
    )
    assert intention_import_task.enqueue(run_id=broken.pk).status == "SUCCESSFUL"
    broken.refresh_from_db()
    assert (broken.status, broken.failure) == ("failed", "internal_error")
    monkeypatch.undo()
    fine = run_import(cast, kobo_csv([answer(households["lb1"].registration_number, "zzzz-1")]))
    assert imported(fine)


def test_an_officer_who_lost_the_right_to_change_files_before_the_run_started_imports_nothing(
    cast, households, monkeypatch
):
    content = kobo_csv([answer(households["lb1"].registration_number, "abab-1")])
    run = runs.run_create(
        actor=cast["lb_finance_officer"], kind=IMPORT_RUN_KIND, working_group_id=cast.groups["lb"].pk, payload=content
    )
    intention_import_task.enqueue(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.failure) == ("failed", "not_permitted") and not ReturnIntention.objects.exists()


# --- page and API ---------------------------------------------------------------------------------


def test_the_upload_page_queues_the_import_shows_its_progress_then_the_report(cast, households):
    client = sign_in(Client(), cast["lb_registration_officer"])
    upload = SimpleUploadedFile(
        "kobo.csv", kobo_csv([answer(households["lb1"].registration_number, "oooo-1"), answer("LB-1", "oooo-2")])
    )
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        response = client.post(
            reverse("consent:intention_import"), {"file": upload, "working_group": cast.groups["lb"].pk}
        )
    run = Run.objects.get(kind=IMPORT_RUN_KIND)
    assert response.status_code == 302 and response.url == reverse("consent:intention_import_detail", args=[run.pk])
    progress_url = reverse("consent:intention_import_progress", args=[run.pk])
    waiting = client.get(response.url).content.decode()
    assert "The file is waiting to be imported." in waiting
    assert f'hx-get="{progress_url}"' in waiting and 'hx-trigger="every 2s"' in waiting
    for callback in queued:  # the worker picks the task up
        callback()
    done = client.get(progress_url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in done and '<div id="import-report"' in done
    assert "hx-trigger" not in done  # finished: the polling stops
    assert "Nothing was imported: 1 row is unmatched or invalid." in done
    assert 'data-testid="report-invalid"' in done and "group_hh/registration_number" in done
    assert "kobo.csv" in client.get(reverse("consent:intention_import")).content.decode()  # in the recent imports


def test_the_upload_page_with_htmx_answers_the_form_and_the_run_in_place(cast, households):
    client = sign_in(Client(), cast["lb_registration_officer"])
    upload = SimpleUploadedFile("kobo.csv", kobo_csv([answer(households["lb1"].registration_number, "oooo-3")]))
    with TestCase.captureOnCommitCallbacks(execute=True):
        again = client.post(
            reverse("consent:intention_import"),
            {"file": upload, "working_group": cast.groups["lb"].pk},
            HTTP_HX_REQUEST="true",
        )
    body = again.content.decode()
    assert '<div id="import-upload">' in body and 'data-testid="run-progress"' in body and "<html" not in body
    assert ReturnIntention.objects.filter(submission_id="oooo-3").exists()


def test_the_progress_of_another_groups_import_is_not_found(cast, households):
    run = run_import(cast, kobo_csv([answer(households["lb1"].registration_number, "popo-1")]))
    url = reverse("consent:intention_import_progress", args=[run.pk])
    assert sign_in(Client(), cast["jo_registration_officer"]).get(url).status_code == 404
    assert sign_in(Client(), cast["lb_finance_officer"]).get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_the_upload_page_offers_only_the_officers_groups(cast, households):
    client = sign_in(Client(), cast["jo_registration_officer"])
    upload = SimpleUploadedFile(
        "kobo.csv", kobo_csv([answer(households["jo"].registration_number, "pppp-1", country="JOR")])
    )
    response = client.post(reverse("consent:intention_import"), {"file": upload, "working_group": cast.groups["lb"].pk})
    assert "working_group" in response.context["form"].errors
    assert not Run.objects.exists()


def test_the_api_queues_an_import_and_its_run_tells_the_outcome(cast, households):
    client = sign_in(Client(), cast["lb_protection_officer"])
    good = SimpleUploadedFile("ris.xlsx", odk_xlsx([answer(households["lb1"].registration_number, "qqqq-1")]))
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/api/consent/intentions/import", {"file": good})
    assert response.status_code == 202, response.content
    assert (response.json()["status"], response.json()["file_name"]) == ("queued", "ris.xlsx")
    run = client.get(f"/api/consent/intentions/imports/{response.json()['id']}").json()
    assert (run["status"], run["succeeded"], run["rows_created"], run["done"], run["total"]) == (
        "succeeded",
        True,
        1,
        1,
        1,
    )
    bad = SimpleUploadedFile(
        "ris.xlsx", odk_xlsx([answer(households["jo"].registration_number, "qqqq-2", country="JOR")])
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        refused = client.post("/api/consent/intentions/import", {"file": bad, "working_group": cast.groups["lb"].pk})
    run = client.get(f"/api/consent/intentions/imports/{refused.json()['id']}").json()
    assert (run["status"], run["failure"], run["succeeded"], run["rows_refused"]) == (
        "failed",
        "rows_refused",
        False,
        1,
    )
    assert {(e["row"], e["column"]) for e in run["report"] if e["blocking"]} == {
        (2, "asylum_country"),
        (2, "registration_number"),
    }
    assert not ReturnIntention.objects.filter(submission_id="qqqq-2").exists()


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
    assert not Run.objects.exists() and not ReturnIntention.objects.exists()
