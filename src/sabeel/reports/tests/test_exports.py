"""Aggregate exports of the funnel: HXL-tagged CSV validated with libhxl, Excel read back with
openpyxl, suppressed cells written as "<5", provenance and threshold as note lines, and an
unsuppressed table refused. (The route, its audit row and suppression per role: test_views.py.)"""

from __future__ import annotations

import io

import hxl
import pytest
from django.utils import translation
from openpyxl import load_workbook

from sabeel.reports import exports
from sabeel.reports.tests.test_charts import cells, table
from sabeel.reports.types import Dimension, FunnelRow

ORIGINS = table(
    (FunnelRow("SY04", "حمص", cells(40, 30, 20, 10, 9)), FunnelRow("SY12", "Dar'a", cells(12, None, None, None, None))),
    total=(52, 36, 24, 12, 11),
)


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """The labels are compared in English, whatever an earlier test left active."""
    with translation.override("en"):
        yield


def test_the_csv_is_valid_hxl_with_codes_names_and_one_count_column_per_stage():
    file = exports.funnel_file(ORIGINS, "csv")

    source = hxl.data(io.BytesIO(file.content))
    assert [c.display_tag for c in source.columns] == [
        "#adm1+code+origin", "#adm1+name+origin", "#affected+hh+num+registered", "#affected+hh+num+intending",
        "#affected+hh+num+counselled", "#affected+hh+num+consented", "#affected+hh+num+eligible",
    ]  # fmt: skip
    rows = [r.values for r in source]
    assert rows[0] == ["SY04", "حمص", "40", "30", "20", "10", "9"]
    assert rows[1] == ["SY12", "Dar'a", "12", "<5", "<5", "<5", "<5"]
    assert rows[2][1:] == ["Total", "52", "36", "24", "12", "11"]
    assert file.content_type.startswith("text/csv") and file.filename.endswith(".csv")


def test_the_notes_carry_provenance_and_the_threshold():
    text = exports.funnel_file(ORIGINS, "csv", time_zone="Asia/Beirut").content.decode("utf-8-sig")

    head = text.splitlines()[:5]
    assert any("counted from records" in line and "Sabeel registry" in line and "2026-12-06 06:00" in line for line in head)
    assert any("Cells under 5 are suppressed" in line for line in head)
    assert any("eligible: snapshot" in line for line in head)


def test_the_workbook_holds_the_same_rows_with_the_hxl_row():
    book = load_workbook(io.BytesIO(exports.funnel_file(ORIGINS, "xlsx").content))
    values = [[c.value for c in row] for row in book.active.iter_rows()]

    header = next(i for i, row in enumerate(values) if row[0] == "Governorate of origin code")
    assert values[header + 1][:3] == ["#adm1 +code +origin", "#adm1 +name +origin", "#affected +hh +num +registered"]
    assert values[header + 3] == ["SY12", "Dar'a", 12, "<5", "<5", "<5", "<5"]


def test_weeks_and_people_use_their_own_tags():
    weekly = table((FunnelRow("2026-W49", "2026-W49", cells(9, 8, 7, 6, 5)),), dimension=Dimension.WEEK, unit="people")

    source = hxl.data(io.BytesIO(exports.funnel_file(weekly, "csv").content))

    tags = [c.display_tag for c in source.columns]
    assert tags[0] == "#date+week" and tags[1] == "#affected+ind+num+registered"
    assert [r.values[0] for r in source] == ["2026-W49", "Total"]


def test_an_unsuppressed_table_may_not_leave_the_group():
    with pytest.raises(exports.UnsuppressedExport):
        exports.funnel_file(table(threshold=None), "csv")


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="format"):
        exports.funnel_file(ORIGINS, "pdf")
