"""Duplicate runs: started over the whole registry or an uploaded list, done by the task (the
test settings' immediate backend runs it on commit), recorded queued → running → finished, with
the progress written as the engine goes; failures recorded as failed, in words, without names."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from typing import Any

import pytest
from django.http import Http404
from django.test import TestCase

from sabeel.core import runs as core_runs
from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import AuditEntry, Run, RunStatus
from sabeel.engines import linkage
from sabeel.identity import records, runs
from sabeel.identity.models import Band, CandidatePair, LinkageRun, ListRecord, PairDecision, RunKind
from sabeel.identity.tests.factories import registry_fill, run_make
from sabeel.registry.models import Individual
from sabeel.registry.tests.factories import head, household_make, spouse
from sabeel.workgroups.models import Membership

pytestmark = pytest.mark.django_db

NAMES = ("Mohammad", "Mohamad", "Hariri", "محمد", "الحريري", "Fatima", "فاطمة")


def _audit(action: str) -> list[dict[str, Any]]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq").values_list("data", flat=True))


def _no_name(*texts: Any) -> None:
    blob = json.dumps(texts, ensure_ascii=False, default=str)
    for name in NAMES:
        assert name not in blob


def _csv(rows: list[dict[str, Any]], header: list[str] | None = None) -> bytes:
    header = header or list(rows[0])
    out = io.StringIO()
    out.write(",".join(header) + "\n")
    for row in rows:
        out.write(",".join(str(row.get(h, "")) for h in header) + "\n")
    return out.getvalue().encode()


def _latin_row(person: Individual, **extra: Any) -> dict[str, Any]:
    return {
        "first_name_lat": person.first_name_lat,
        "father_name_lat": person.father_name_lat,
        "grandfather_name_lat": person.grandfather_name_lat,
        "family_name_lat": person.family_name_lat,
        "sex": person.sex,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
        **extra,
    }


@pytest.fixture
def progress_log(monkeypatch):  # type: ignore[no-untyped-def]
    """Every progress write: (the run's stage, done, total, the run's status in the database)."""
    seen: list[tuple[str, int | None, int | None, str]] = []
    real = core_runs.run_progress

    def spy(*, run: Run, **kwargs: Any) -> bool:
        answer = real(run=run, **kwargs)
        stage = LinkageRun.objects.filter(run=run).values_list("stage", flat=True).get()
        seen.append((stage, run.done, run.total, Run.objects.get(pk=run.pk).status))
        return answer

    monkeypatch.setattr(runs.runs, "run_progress", spy)
    monkeypatch.setattr(runs, "PROGRESS_EVERY", 0.0)
    return seen


def test_a_registry_run_trains_and_finds_the_duplicates_then_a_list_run_reuses_its_model(cast, engine, progress_log):
    truth = {tuple(sorted(p)) for p in registry_fill(cast, "lb", households=400)}
    officer = cast["lb_registration_officer"]
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        started = runs.registry_run_start(actor=officer, working_group=cast.groups["lb"])
    started = LinkageRun.objects.select_related("run").get(pk=started.pk)
    assert (started.run.status, started.stage, started.kind) == (RunStatus.QUEUED, "queued", RunKind.REGISTRY)
    assert started.run.started_by == officer and started.run.kind == runs.RUN_KIND
    assert _audit("identity.run_started") == [{"linkage_run_id": started.pk, "run_id": started.run_id, "kind": "registry"}]
    assert len(queued) == 1
    queued[0]()  # the task, run by the immediate backend

    done = LinkageRun.objects.select_related("run").get(pk=started.pk)
    assert done.run.status == RunStatus.SUCCEEDED and done.stage == "finished" and done.error_message == ""
    assert done.run.done == done.run.total == 10 and done.task_id
    assert done.records_total == records.registry_count(cast.groups["lb"].pk) > runs.train_min()
    assert done.model_settings, "a run that trained keeps its model for smaller runs"
    # The progress moved through the stages while the run was running, never backwards.
    stages = [s for s, *_ in progress_log]
    assert {"reading registry", "features", "prior", "u probabilities", "pairs", "saving pairs"} <= set(stages)
    assert stages.index("reading registry") < stages.index("prior") < stages.index("pairs") < stages.index("saving pairs")
    assert all(status == RunStatus.RUNNING for *_, status in progress_log)
    dones = [d for _, d, _, _ in progress_log]
    assert dones == sorted(dones) and all(t == 10 for _, _, t, _ in progress_log)

    pairs = CandidatePair.objects.filter(linkage_run=done)
    found = {tuple(sorted((p.left_id, p.right_individual_id))) for p in pairs}
    assert all(p.right_record_id is None and p.left_id < p.right_individual_id for p in pairs)
    assert len(found & truth) >= 0.9 * len(truth), "recall on the synthetic registry"
    assert len(found & truth) >= 0.9 * len(found), "precision on the synthetic registry"
    assert done.pairs_likely + done.pairs_uncertain == pairs.count()
    for pair in pairs:
        assert pair.band == (Band.LIKELY if pair.probability >= done.threshold else Band.UNCERTAIN)
        assert pair.uncertainty == pytest.approx(abs(pair.probability - 0.5))
        assert pair.evidence and {"comparison", "level", "weight"} <= pair.evidence[0].keys()
    (finished,) = _audit("identity.run_finished")
    assert finished["linkage_run_id"] == done.pk and finished["model_trained_count"] == 1
    assert finished["pairs_likely_count"] == done.pairs_likely and finished["model_from_run_id"] is None
    _no_name(_audit("identity.run_started"), finished, done.run.counts, done.run.errors)

    # An uploaded list against a small registry (too few people to train on) is compared with the
    # model of that run, even from another working group (a model holds no person's data).
    jordan = household_make(
        cast,
        "jo",
        members=[head(first_name_lat="", father_name_lat="", grandfather_name_lat="", family_name_lat=""), spouse()],
    )
    household_make(
        cast, "jo", members=[head(first_name_ar="يوسف", first_name_lat="Yousef", family_name_ar="حداد", family_name_lat="Haddad", date_of_birth="1961")]
    )
    known = jordan.members.order_by("pk").first()
    assert known is not None
    rows = [
        {"first_name": "Mohammad", "father_name": "Ahmad", "grandfather_name": "Khaled", "family_name": "Al Hariri", "sex": "M", "date_of_birth": "1980", "reference": "A-1"},
        {"first_name": "Zakariya", "father_name": "Nabil", "family_name": "Qabbani", "sex": "M", "date_of_birth": "1931", "reference": "A-2"},
        {"sex": "F", "date_of_birth": "1990", "reference": "A-3"},  # no name: refused, reported
        {"first_name": "فاطمة", "father_name": "علي", "family_name": "الزعبي", "sex": "F", "date_of_birth": "someday", "reference": "A-4"},
    ]
    header = ["first_name", "father_name", "grandfather_name", "family_name", "sex", "date_of_birth", "reference"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        listed = runs.list_run_start(
            actor=cast["jo_protection_officer"], working_group=cast.groups["jo"], file_name="C:\\lists\\agency.csv", content=_csv(rows, header)
        )
    listed = LinkageRun.objects.select_related("run").get(pk=listed.pk)
    assert listed.run.status == RunStatus.SUCCEEDED, listed.error_message
    assert listed.kind == RunKind.LIST and listed.file_name == "agency.csv"
    assert (listed.list_rows, listed.rows_refused) == (4, 1)
    assert listed.model_settings == {}, "a reused model is not stored again"
    assert listed.run.payload is None, "the upload is not kept once read"
    assert sorted(ListRecord.objects.filter(linkage_run=listed).values_list("row_number", flat=True)) == [2, 3, 5]
    report = listed.run.errors
    assert {"row": 4, "column": "first_name", "problem": "no_name", "kept": False} in report
    assert {"row": 5, "column": "date_of_birth", "problem": "date_unreadable", "kept": True} in report
    _no_name(report)
    pairs = list(CandidatePair.objects.filter(linkage_run=listed).select_related("right_record", "left"))
    assert all(p.right_individual_id is None and p.left.household.working_group_id == cast.groups["jo"].pk for p in pairs)
    # (Whether the Latin row finds the person registered in Arabic is the engine's quality, measured
    # by its own tests and the benchmark: a model trained on this toy registry of a few dozen names
    # gives names little weight. Here: every stored pair is a Jordan person and a kept row.)
    assert all(p.probability >= listed.floor and p.right_record.linkage_run_id == listed.pk for p in pairs)
    assert not any(p.right_record.reference == "A-3" for p in pairs)
    assert known is not None
    (finished_list,) = [d for d in _audit("identity.run_finished") if d["linkage_run_id"] == listed.pk]
    assert finished_list["model_from_run_id"] == done.pk and finished_list["model_trained_count"] == 0


@pytest.fixture
def small_registry(cast, places):  # type: ignore[no-untyped-def]
    """Two households of Lebanon, one of Jordan, and a model to reuse (a stored run's settings)."""
    first = household_make(cast, "lb", members=[head(), spouse()])
    second = household_make(cast, "lb", members=[head(first_name_lat="Mohammad", date_of_birth="1980"), spouse()])
    household_make(cast, "jo")
    source = run_make(cast, "lb")
    LinkageRun.objects.filter(pk=source.pk).update(model_settings={"comparisons": []}, records_total=5000)
    return {"first": list(first.members.order_by("pk")), "second": list(second.members.order_by("pk")), "source": source}


def _fake_engine(monkeypatch, pairs: list[tuple[str, str, float]], calls: list[Any] | None = None) -> None:  # type: ignore[no-untyped-def]
    def result(**_: Any) -> linkage.LinkageResult:
        return linkage.LinkageResult(
            pairs=tuple(
                linkage.MatchPair(a, b, p, (p - 0.5) * 20, (linkage.Evidence("first", "same in common form", 4.5),))
                for a, b, p in pairs
            ),
            clusters=(),
        )

    def deduplicate(found: Any, *, model: Any = None, settings: Any = None) -> linkage.LinkageResult:
        records_seen = list(found)
        if calls is not None:
            calls.append(("deduplicate", [r.record_id for r in records_seen], model, settings))
        if settings is not None and settings.on_progress:
            settings.on_progress(linkage.Progress("pairs", 1, 3))
        return result()

    def link(left: Any, right: Any, *, model: Any = None, settings: Any = None) -> linkage.LinkageResult:
        if calls is not None:
            calls.append(("link", [r.record_id for r in left], [r.record_id for r in right], model))
        return result()

    monkeypatch.setattr(runs.linkage, "deduplicate", deduplicate)
    monkeypatch.setattr(runs.linkage, "link", link)


def _start(cast: Any, **kwargs: Any) -> LinkageRun:
    with TestCase.captureOnCommitCallbacks(execute=True):
        linkage_run = runs.registry_run_start(actor=cast["lb_registration_officer"], working_group=cast.groups["lb"], **kwargs)
    return LinkageRun.objects.select_related("run").get(pk=linkage_run.pk)


def test_a_small_registry_predicts_with_the_stored_model_and_stores_each_pair_once(cast, small_registry, monkeypatch):
    a, b = small_registry["first"]
    c, d = small_registry["second"]
    calls: list[Any] = []
    p = records.individual_id
    _fake_engine(
        monkeypatch,
        [(p(a.pk), p(c.pk), 0.97), (p(c.pk), p(a.pk), 0.97), (p(b.pk), p(d.pk), 0.55), (p(a.pk), p(d.pk), 0.71)],
        calls,
    )
    done = _start(cast)
    assert done.run.status == RunStatus.SUCCEEDED
    ((kind, ids, model, settings),) = calls
    assert kind == "deduplicate" and model.settings == {"comparisons": []}
    assert sorted(ids) == sorted(p(x.pk) for x in (a, b, c, d)), "only the group's people, Jordan's never"
    assert settings.threshold == done.threshold and settings.floor == done.floor
    stored = {(x.left_id, x.right_individual_id): x for x in CandidatePair.objects.filter(linkage_run=done)}
    assert set(stored) == {(a.pk, c.pk), (b.pk, d.pk), (a.pk, d.pk)}
    assert stored[(a.pk, c.pk)].band == Band.LIKELY and stored[(b.pk, d.pk)].band == Band.UNCERTAIN
    assert (done.pairs_likely, done.pairs_uncertain) == (1, 2)
    (finished,) = _audit("identity.run_finished")
    assert finished["model_from_run_id"] == small_registry["source"].pk and finished["model_trained_count"] == 0


def test_a_registry_too_small_to_train_with_no_model_is_refused_and_nothing_is_queued(cast, places):
    household_make(cast, "lb", members=[head(), spouse()])
    with pytest.raises(ServiceError) as refused:
        runs.registry_run_start(actor=cast["lb_registration_officer"], working_group=cast.groups["lb"])
    assert refused.value.code == "too_few_records" and "too few people" in refused.value.message
    assert not LinkageRun.objects.exists() and not Run.objects.exists() and not _audit("identity.run_started")


def test_a_role_without_identity_run_may_not_start_one(cast, small_registry):
    for persona in ("lb_movement_officer", "jo_registration_officer", "lb_donor_viewer"):
        with pytest.raises((NotPermitted, Http404)):
            runs.registry_run_start(actor=cast[persona], working_group=cast.groups["lb"])
        with pytest.raises((NotPermitted, Http404)):
            runs.list_run_start(actor=cast[persona], working_group=cast.groups["lb"], file_name="a.csv", content=b"first_name,family_name\nA,B\n")
    assert LinkageRun.objects.count() == 1  # the fixture's


def test_an_engine_failure_is_a_failed_run_with_a_clear_message_and_no_name(cast, small_registry, monkeypatch, caplog):
    def broken(*args: Any, **kwargs: Any) -> None:
        list(args[0])
        raise ValueError("could not compare Mohammad Al Hariri with محمد الحريري")

    monkeypatch.setattr(runs.linkage, "deduplicate", broken)
    with caplog.at_level(logging.INFO):
        failed = _start(cast)
    assert failed.run.status == RunStatus.FAILED and failed.run.failure == "engine_error"
    assert failed.error_message == runs.failure_message("engine_error") and failed.stage == "finished"
    assert not CandidatePair.objects.filter(linkage_run=failed).exists()
    (entry,) = _audit("identity.run_failed")
    assert entry == {"linkage_run_id": failed.pk, "run_id": failed.run_id, "failure": "engine_error"}
    _no_name(failed.error_message, failed.run.errors, caplog.text)


def test_work_that_raises_is_failed_in_words(cast, small_registry, monkeypatch):
    def broken(group_id: int, **_: Any) -> Any:
        raise RuntimeError("Fatima's row")

    monkeypatch.setattr(runs.records, "registry_records", broken)
    failed = _start(cast)
    assert failed.run.status == RunStatus.FAILED and failed.run.failure == "internal_error"
    assert failed.error_message == runs.failure_message("internal_error")


def test_a_run_whose_officer_lost_the_right_before_the_worker_came_fails_as_not_permitted(cast, small_registry, monkeypatch):
    _fake_engine(monkeypatch, [])
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        started = runs.registry_run_start(actor=cast["lb_registration_officer"], working_group=cast.groups["lb"])
    Membership.objects.filter(user=cast["lb_registration_officer"]).update(is_active=False)
    queued[0]()
    failed = LinkageRun.objects.select_related("run").get(pk=started.pk)
    assert (failed.run.status, failed.run.failure) == (RunStatus.FAILED, "not_permitted")
    assert failed.error_message == runs.failure_message("not_permitted")


def test_a_cancelled_run_stops_and_stores_no_pair(cast, small_registry, monkeypatch):
    a, _b = small_registry["first"]
    c, _d = small_registry["second"]
    _fake_engine(monkeypatch, [(records.individual_id(a.pk), records.individual_id(c.pk), 0.9)])
    real = runs.runs.run_progress

    def cancel_then_report(*, run: Run, **kwargs: Any) -> bool:
        core_runs.run_cancel(run_id=run.pk)
        return real(run=run, **kwargs)

    monkeypatch.setattr(runs.runs, "run_progress", cancel_then_report)
    cancelled = _start(cast)
    assert cancelled.run.status == RunStatus.CANCELLED
    assert not CandidatePair.objects.filter(linkage_run=cancelled).exists()


# --- uploaded lists ------------------------------------------------------------------------------


def _xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(cast: Any, content: bytes, name: str = "list.csv") -> LinkageRun:
    with TestCase.captureOnCommitCallbacks(execute=True):
        linkage_run = runs.list_run_start(
            actor=cast["lb_registration_officer"], working_group=cast.groups["lb"], file_name=name, content=content
        )
    return LinkageRun.objects.select_related("run").get(pk=linkage_run.pk)


def test_an_xlsx_list_with_unsuffixed_columns_is_read_and_linked(cast, small_registry, monkeypatch):
    a, _b = small_registry["first"]
    calls: list[Any] = []
    _fake_engine(monkeypatch, [], calls)
    content = _xlsx(
        [
            ["First name", "Family name", "Sex", "DOB", "Household ID", "HH size", "Head"],
            ["محمد", "الحريري", "ذكر", "1980-03-21", "X-1", 4, "Mohamad Ahmad Al Hariri"],
            ["Fatima", "Al Zoubi", "F", "1984", "X-1", 4, "Mohamad Ahmad Al Hariri"],
        ]
    )
    done = _upload(cast, content, "list.xlsx")
    assert done.run.status == RunStatus.SUCCEEDED, done.error_message
    rows = list(ListRecord.objects.filter(linkage_run=done).order_by("row_number"))
    assert [(r.first_name_ar, r.first_name_lat, r.family_name_ar, r.sex, r.birth_year, r.birth_month) for r in rows] == [
        ("محمد", "", "الحريري", "M", 1980, 3),
        ("", "Fatima", "", "F", 1984, None),
    ]
    assert rows[0].household_size == 4 and rows[0].head_name_lat == "Mohamad Ahmad Al Hariri"
    ((kind, left, right, model),) = calls
    assert kind == "link" and left == [records.list_record_id(r.pk) for r in rows]
    assert records.individual_id(a.pk) in right and model is not None


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "no rows"),
        (b"first_name,family_name\n", "no rows"),
        (b"name,phone\nMohammad Hariri,+961 3 000000\n", "first-name column and a family-name column"),
        (b"first_name,first_name,family_name\nA,B,C\n", "A column appears twice: first_name"),
        ("first_name,family_name\nمحمد,الحريري\n".encode("cp1256"), "not in UTF-8"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Old Excel files"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\n", "could not be read as CSV or Excel"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "could not be read as CSV or Excel"),
        (b"PK\x03\x04not really a zip", "could not be read"),
    ],
)
def test_a_bad_upload_is_refused_in_words_and_stores_nothing(cast, small_registry, content, words):
    with pytest.raises(ServiceError) as refused:
        _upload(cast, content)
    assert refused.value.code == "file_refused" and words in refused.value.message
    assert refused.value.fields["file"]
    _no_name(refused.value.message)
    assert LinkageRun.objects.count() == 1 and Run.objects.count() == 1  # the fixture's only
    assert not ListRecord.objects.exists() and not _audit("identity.run_started")


def test_a_huge_upload_is_refused_before_it_is_read(cast, small_registry, monkeypatch):
    monkeypatch.setattr(records, "read_table", lambda content: pytest.fail("a huge file is never parsed"))
    content = b"first_name,family_name\n" + b"Ali,Haddad\n" * (records.MAX_LIST_BYTES // 11 + 1)
    with pytest.raises(ServiceError) as refused:
        _upload(cast, content)
    assert "too large" in refused.value.message and LinkageRun.objects.count() == 1


def test_too_many_rows_are_refused(cast, small_registry, monkeypatch):
    monkeypatch.setattr(records, "MAX_LIST_ROWS", 3)
    with pytest.raises(ServiceError) as refused:
        _upload(cast, b"first_name,family_name\n" + b"Ali,Haddad\n" * 4)
    assert "too many rows" in refused.value.message


def test_a_zip_bomb_xlsx_is_refused(cast, small_registry):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<a>" + "0" * 5_000_000 + "</a>")  # 1000:1, refused by its ratio
    with pytest.raises(ServiceError) as refused:
        _upload(cast, out.getvalue(), "bomb.xlsx")
    assert "too large once unpacked" in refused.value.message
    assert LinkageRun.objects.count() == 1


def test_a_list_whose_every_row_lacks_a_name_is_refused_at_once(cast, small_registry):
    with pytest.raises(ServiceError) as refused:
        _upload(cast, b"first_name,family_name,sex\n,,M\n,,F\n")
    assert refused.value.code == "file_refused" and "No row of the list has a first name" in refused.value.message
    assert LinkageRun.objects.count() == 1 and not ListRecord.objects.exists()


def test_a_later_run_carries_the_earlier_same_or_different_decisions(cast, small_registry, monkeypatch):
    from sabeel.identity import review, selectors

    a, b = small_registry["first"]
    c, d = small_registry["second"]
    p = records.individual_id
    _fake_engine(monkeypatch, [(p(a.pk), p(c.pk), 0.7), (p(b.pk), p(d.pk), 0.6), (p(a.pk), p(d.pk), 0.55)])
    first = _start(cast)
    officer = cast["lb_protection_officer"]
    pairs = {(x.left_id, x.right_individual_id): x for x in CandidatePair.objects.filter(linkage_run=first)}
    review.pair_decide(actor=officer, pair=pairs[(a.pk, c.pk)], decision="different", note="two brothers")
    review.pair_decide(actor=officer, pair=pairs[(b.pk, d.pk)], decision="same")
    review.pair_decide(actor=officer, pair=pairs[(a.pk, d.pk)], decision="unsure")
    second = _start(cast)
    again = {(x.left_id, x.right_individual_id): x for x in CandidatePair.objects.filter(linkage_run=second)}
    assert again[(a.pk, c.pk)].decision == "different" and again[(b.pk, d.pk)].decision == "same"
    assert again[(a.pk, d.pk)].decision == "pending", "unsure is asked again"
    assert list(selectors.pair_queue(actor=officer, linkage_run=second)) == [again[(a.pk, d.pk)]]
    history = list(selectors.pair_history(again[(a.pk, c.pk)]))
    assert [(h.decision, h.pair_id) for h in history] == [("different", pairs[(a.pk, c.pk)].pk)]
    finished = [e for e in _audit("identity.run_finished") if e["linkage_run_id"] == second.pk]
    assert finished[0]["decisions_carried_count"] == 2
    assert not PairDecision.objects.filter(pair__linkage_run=second).exists(), "nobody decided on the new run's pairs"


def test_one_run_at_a_time_per_group_and_a_queued_run_may_be_stopped(cast, small_registry, monkeypatch, settings):
    _fake_engine(monkeypatch, [])
    officer = cast["lb_registration_officer"]
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        started = runs.registry_run_start(actor=officer, working_group=cast.groups["lb"])
    with pytest.raises(ServiceError) as refused:
        runs.registry_run_start(actor=cast["lb_protection_officer"], working_group=cast.groups["lb"])
    assert refused.value.code == "run_active"
    with pytest.raises(ServiceError):
        runs.list_run_start(actor=officer, working_group=cast.groups["lb"], file_name="a.csv", content=b"first_name,family_name\nA,B\n")
    assert runs.active_run(cast.groups["jo"].pk) is None  # another group is free
    # A run left "queued" long ago (its worker gone) no longer blocks.
    settings.IDENTITY_RUN_STALE_HOURS = 0
    assert runs.active_run(cast.groups["lb"].pk) is None
    settings.IDENTITY_RUN_STALE_HOURS = 12

    with pytest.raises(NotPermitted):
        runs.run_stop(actor=cast["lb_movement_officer"], linkage_run=started)
    assert runs.run_stop(actor=cast["lb_protection_officer"], linkage_run=started) is True
    assert runs.run_stop(actor=officer, linkage_run=started) is False, "already stopped"
    queued[0]()  # the worker comes later: nothing to do
    stopped = LinkageRun.objects.select_related("run").get(pk=started.pk)
    assert stopped.run.status == RunStatus.CANCELLED and stopped.stage == "finished"
    assert not CandidatePair.objects.filter(linkage_run=stopped).exists()
    assert _audit("identity.run_stopped") == [{"linkage_run_id": stopped.pk, "run_id": stopped.run_id}]
    assert runs.active_run(cast.groups["lb"].pk) is None


def test_a_run_stopped_while_the_engine_works_stores_no_pair(cast, small_registry, monkeypatch):
    a, _b = small_registry["first"]
    c, _d = small_registry["second"]
    pair = (records.individual_id(a.pk), records.individual_id(c.pk), 0.9)

    def deduplicate(found: Any, *, model: Any = None, settings: Any = None) -> linkage.LinkageResult:
        list(found)
        core_runs.run_cancel(run_id=LinkageRun.objects.latest("pk").run_id)  # stopped from the page meanwhile
        return linkage.LinkageResult(pairs=(linkage.MatchPair(*pair, 8.0, ()),), clusters=())

    monkeypatch.setattr(runs.linkage, "deduplicate", deduplicate)
    stopped = _start(cast)
    assert stopped.run.status == RunStatus.CANCELLED
    assert not CandidatePair.objects.filter(linkage_run=stopped).exists() and not _audit("identity.run_finished")


def test_a_list_run_predicts_with_the_groups_own_model_even_when_the_registry_could_train(cast, small_registry, monkeypatch, settings):
    calls: list[Any] = []
    _fake_engine(monkeypatch, [], calls)
    settings.IDENTITY_TRAIN_MIN = 3  # the four people of Lebanon could train a model of their own
    done = _upload(cast, b"first_name,family_name\nAli,Haddad\n")
    assert done.run.status == RunStatus.SUCCEEDED
    ((kind, _left, _right, model),) = calls
    assert kind == "link" and model is not None and model.settings == {"comparisons": []}
    # Without a model of its own, a group large enough trains one (model None to the engine) ...
    LinkageRun.objects.filter(pk=small_registry["source"].pk).update(model_settings={})
    calls.clear()
    _upload(cast, b"first_name,family_name\nAli,Haddad\n")
    assert calls[0][3] is None
    # ... and a registry run trains when it may.
    calls.clear()
    _start(cast)
    assert calls[0][2] is None
