"""The one reader of uploaded tables: CSV in the encodings people's tools write, the first sheet of
an .xlsx with its dates as dates, the HXL row left out when asked, and every hostile or wrong file
refused with a code and words that never quote a cell."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import zipfile

import hxl
import pytest
from openpyxl import Workbook

from sabeel.core import tabular
from sabeel.core.tabular import Limits, Unreadable, file_problem, problem_message, read_table

LIMITS = Limits()
NAMES = "first_name;family_name\nعلي;الحريري\nMohamad;El Hariri\n"


def refused(content: bytes, limits: Limits = LIMITS, **options: bool) -> str:
    with pytest.raises(Unreadable) as caught:
        read_table(content, limits=limits, **options)
    # The code alone: no chained parser error (its message may quote the file) follows it into a log.
    assert str(caught.value) == caught.value.problem
    assert caught.value.__cause__ is None
    return caught.value.problem


def xlsx(*rows: list[object], formats: dict[str, str] | None = None, second_sheet: bool = False) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for coordinate, number_format in (formats or {}).items():
        sheet[coordinate].number_format = number_format
    if second_sheet:
        book.create_sheet("repeat").append(["not", "read"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zipped(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


# --- CSV: encodings and separators ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (NAMES.encode(), "UTF-8"),
        (NAMES.encode("utf-8-sig"), "UTF-8 with its mark, as Excel saves 'CSV UTF-8'"),
        (NAMES.replace(";", "\t").encode("utf-16"), "UTF-16 with its mark and tabs: Excel's 'Unicode text'"),
        (codecs.BOM_UTF16_BE + NAMES.encode("utf-16-be"), "big-endian UTF-16"),
        (NAMES.replace(";", ",").replace("\n", "\r\n").encode(), "commas and Windows line ends"),
    ],
)
def test_csv_in_every_unicode_encoding_and_separator_reads_the_same(content, why):
    table = read_table(content, limits=LIMITS)
    assert table.headers == ["first_name", "family_name"], why  # no byte-order mark left on the first header
    assert table.rows == [(2, ["علي", "الحريري"]), (3, ["Mohamad", "El Hariri"])], why


def test_csv_rows_keep_their_numbers_in_the_file_and_cells_are_stripped():
    table = read_table(b'a,b\n\n , \n x ,"y, z"\n', limits=LIMITS)
    assert table.rows == [(4, ["x", "y, z"])]  # blank rows are left out, not renumbered


def test_a_csv_in_a_legacy_code_page_is_refused_not_guessed():
    assert refused(NAMES.encode("cp1256")) == "encoding"


# --- files that are not tables --------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
        b"\xff\xd8\xff\xe0\0\x10JFIF",
        b"\x1f\x8b\x08\0" + b"\0" * 20,
        b"first_name\0family_name\n",
        b"first_name,family_name\n" + b"Ali,Haddad\n" * 500 + b"\0",  # a NUL past the first 4 KB
    ],
)
def test_a_binary_file_is_unreadable_not_a_wrong_encoding(content):
    assert refused(content) == "file_unreadable"


def test_refusals_before_parsing_come_from_the_bytes_alone(monkeypatch):
    import openpyxl

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("the file was parsed"))
    assert file_problem(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, limits=LIMITS) == "xls_not_supported"
    assert file_problem(b"a,b\n" * 100, limits=Limits(max_bytes=100)) == "file_too_large"
    assert file_problem(b"%PDF-1.4\n", limits=LIMITS) == "file_unreadable"
    assert file_problem(b"PK\x03\x04not really a zip", limits=LIMITS) == "file_unreadable"
    assert file_problem(NAMES.encode(), limits=LIMITS) is None


@pytest.mark.parametrize(
    ("content", "why"), [(b"", "nothing"), (b"first_name\n", "a header only"), (b"\n\nAli\n", "no header")]
)
def test_a_file_without_a_header_and_rows_is_empty(content, why):
    assert refused(content) == "file_empty", why


# --- .xlsx -------------------------------------------------------------------------------------------


def test_xlsx_dates_are_iso_dates_unless_the_cell_shows_a_time():
    content = xlsx(
        ["name", "born", "typed_date", "shown_as_date", "submitted", "size", "note"],
        [
            "خالد",
            dt.date(1979, 3, 4),
            dt.datetime(1980, 1, 2),
            dt.datetime(1981, 5, 6, 13, 45),
            dt.datetime(2025, 1, 16, 8, 30),
            3.0,
            2.5,
        ],
        formats={"C2": "dd/mm/yyyy", "D2": "d-mmm-yy"},
        second_sheet=True,
    )
    table = read_table(content, limits=LIMITS)
    assert table.headers == ["name", "born", "typed_date", "shown_as_date", "submitted", "size", "note"]
    # A date-only cell is a date whatever its display format (a hidden time included); a cell
    # formatted with its time keeps it; a whole number has no ".0". Only the first sheet is read.
    assert table.rows == [(2, ["خالد", "1979-03-04", "1980-01-02", "1981-05-06", "2025-01-16T08:30:00", "3", "2.5"])]


def test_a_damaged_or_foreign_zip_is_unreadable():
    workbook = xlsx(["name"], ["Ali"])
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:-40]  # cut short: broken XML
    assert refused(zipped(parts)) == "file_unreadable"
    assert refused(zipped({"word/document.xml": b"<w:document/>"})) == "file_unreadable"  # a .docx
    assert refused(workbook[: len(workbook) // 2]) == "file_unreadable"  # an interrupted upload


def test_a_zip_bomb_is_refused_from_its_directory_before_openpyxl_opens_it(monkeypatch):
    import openpyxl

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("the bomb was opened"))
    bomb = zipped({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"\0" * (20 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024  # 20 MB in about 20 KB
    assert refused(bomb) == "xlsx_too_large"
    small = xlsx(["name"], ["Ali"])
    assert refused(small, Limits(max_xlsx_uncompressed=1000)) == "xlsx_too_large"  # the parts added up
    assert refused(small, Limits(max_xlsx_parts=3)) == "xlsx_too_large"


# --- limits while reading -------------------------------------------------------------------------


@pytest.mark.parametrize("make", [lambda rows: "\n".join(",".join(r) for r in rows).encode(), lambda rows: xlsx(*rows)])
def test_rows_columns_and_cells_are_limited_while_reading(make):
    rows = [["a", "b", "c"], *([["1", "2", "3"]] * 4)]
    assert read_table(make(rows), limits=Limits(max_rows=4, max_columns=3, max_cells=15)).rows[-1] == (
        5,
        ["1", "2", "3"],
    )
    assert refused(make(rows), Limits(max_rows=3)) == "too_many_rows"
    assert refused(make(rows), Limits(max_columns=2)) == "too_many_columns"
    assert refused(make(rows), Limits(max_cells=14)) == "too_many_cells"
    assert (
        refused(make([["a"], ["1", "2", "3", "4"]]), Limits(max_columns=3)) == "too_many_columns"
    )  # a long row, not only the header


def test_a_runaway_quoted_cell_is_refused_without_quoting_it():
    assert refused(b'name\n"Mohamad ' + b"x" * 200_000 + b'"\n') == "file_unreadable"


# --- HXL ------------------------------------------------------------------------------------------

HXL = "adm1,households,name\n#adm1 +code,#affected+hh +num,\nSY04,12,حمص\n"


def test_the_hxl_row_under_the_header_is_left_out_when_asked():
    assert [c.display_tag for c in hxl.data(io.BytesIO(HXL.encode())).columns] == ["#adm1+code", "#affected+hh+num", ""]
    assert read_table(HXL.encode(), limits=LIMITS, skip_hxl=True).rows == [(3, ["SY04", "12", "حمص"])]
    assert read_table(HXL.encode(), limits=LIMITS).rows[0] == (2, ["#adm1 +code", "#affected+hh +num", ""])


def test_only_a_row_of_hashtags_right_under_the_header_is_taken_for_hxl():
    not_tags = "name,ref\n#1,#2\n"  # a hash and a number is not a hashtag
    assert read_table(not_tags.encode(), limits=LIMITS, skip_hxl=True).rows == [(2, ["#1", "#2"])]
    further_down = "name,ref\nAli,1\n#adm1,#affected\n"
    assert [n for n, _cells in read_table(further_down.encode(), limits=LIMITS, skip_hxl=True).rows] == [2, 3]


# --- words ----------------------------------------------------------------------------------------


def test_every_problem_has_words_with_the_limit_that_was_passed():
    limits = Limits(
        max_bytes=5 * tabular.MB, max_rows=300, max_columns=40, max_cells=9000, max_xlsx_uncompressed=50 * tabular.MB
    )
    words = {code: problem_message(code, limits=limits) for code in tabular.PROBLEMS}
    assert all(words.values()) and "%(" not in "".join(words.values())
    assert "5 MB" in words["file_too_large"] and "50 MB" in words["xlsx_too_large"]
    assert ("300" in words["too_many_rows"], "40" in words["too_many_columns"], "9000" in words["too_many_cells"]) == (
        True,
        True,
        True,
    )
    assert problem_message("no_such_code", limits=limits) == words["file_unreadable"]
