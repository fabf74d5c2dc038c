"""The export writers: HXL-tagged CSV that libhxl reads back, Excel that openpyxl reads back, and
no cell a spreadsheet would run."""

from __future__ import annotations

import io

import hxl
import pytest
from openpyxl import load_workbook

from sabeel.core.exports import Column, to_hxl_csv, to_xlsx

COLUMNS = [Column("gov", "Governorate", "#adm1 +code"), Column("name", "Name", "#adm1 +name"), Column("n", "Households", "#affected +hh +num")]
ROWS = [{"gov": "SY04", "name": "حمص", "n": 12}, {"gov": "SY03", "name": "=HYPERLINK(1)", "n": None}]


def test_hxl_csv_is_read_by_libhxl_with_its_tags_and_values():
    data = to_hxl_csv(COLUMNS, ROWS, notes=["Counted from records, as of 2026-12-06"])
    assert data.startswith("\ufeff".encode())

    source = hxl.data(io.BytesIO(data))
    assert [c.display_tag for c in source.columns] == ["#adm1+code", "#adm1+name", "#affected+hh+num"]
    rows = [r.values for r in source]
    assert rows[0] == ["SY04", "حمص", "12"]
    assert rows[1] == ["SY03", "'=HYPERLINK(1)", ""]


def test_xlsx_round_trips_and_defuses_formulas():
    book = load_workbook(io.BytesIO(to_xlsx(COLUMNS, ROWS, title="Funnel", right_to_left=True)))
    sheet = book.active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["Governorate", "Name", "Households"]
    assert values[1] == ["#adm1 +code", "#adm1 +name", "#affected +hh +num"]
    assert values[2] == ["SY04", "حمص", 12]
    assert values[3][1] == "'=HYPERLINK(1)"
    assert sheet.sheet_view.rightToLeft


def test_a_column_without_a_hashtag_is_refused():
    with pytest.raises(ValueError, match="HXL"):
        Column("x", "X", "households")
