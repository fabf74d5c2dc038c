"""Reading an uploaded table: a CSV file or the first sheet of an .xlsx workbook, as text cells.

The one reader behind every upload of rows (the identity app's lists, the survey exports of
return intentions). It returns the header and the non-empty rows, each with its row number in the
file (the header being row 1), every cell as stripped text; it refuses a file it cannot or should
not read with ``Unreadable``, whose ``problem`` is a code (``PROBLEMS``) that ``problem_message``
puts in words. Neither the code nor the words ever quote a cell: cells can be people's names.

What each library does for us (all of them already in the project):

- ``zipfile`` (standard library) reads an .xlsx's central directory without expanding anything, so
  a part too large once expanded, too compressed or too many parts refuse the file before openpyxl
  opens it (a zip bomb is never expanded); zipfile never expands a part past the size its
  directory declares, so a lying directory cannot get round the check.
- ``openpyxl`` parses the workbook in read-only mode (the sheet's XML streamed row by row, never
  held as a tree), ``data_only`` gives the values Excel last computed rather than formulas,
  ``keep_links=False`` leaves external links unread; it turns date-formatted numbers into
  ``datetime`` and tells each cell's number format (``is_datetime``), which is how a date-only
  cell is written as a date (``1985-03-21``) and a date-and-time cell with its time. Its XML goes
  through the standard library's expat, which resolves no external entity and, since expat 2.4.1,
  refuses entity-expansion bombs ("billion laughs").
- ``codecs`` gives the byte-order marks the encoding is read from: UTF-8 with or without its mark,
  UTF-16 (little- or big-endian) with it, which is Excel's "Unicode text". Nothing is guessed: a
  legacy code page guessed wrong (cp1256 read as cp1252) would garble every Arabic name without
  a word, so any other encoding is refused (``encoding``) and the user saves the file as UTF-8.
- ``csv`` (standard library) splits quoted fields; its field size limit (131,072 characters)
  refuses a runaway quoted cell.

Limits (``Limits``) are the caller's, checked before the work they protect: the size and the
.xlsx's zip directory before any parsing (``file_problem``, cheap enough for the request that
uploads the file), columns and cells on each row as it is read, rows as they are kept.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

__all__ = [
    "PROBLEMS",
    "Limits",
    "Table",
    "Unreadable",
    "file_problem",
    "problem_message",
    "read_table",
]

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The most a caller reads of one upload. The .xlsx limits apply to the zip's directory:
    the parts' declared sizes added up, each part's compression ratio (parts under 1 MB cannot
    make a bomb and are not held to it), the number of parts."""

    max_bytes: int = 10 * MB
    max_rows: int = 20_000
    max_columns: int = 500
    max_cells: int = 2_000_000
    max_xlsx_uncompressed: int = 100 * MB
    max_xlsx_ratio: int = 100
    max_xlsx_parts: int = 1000


class Unreadable(Exception):
    """The file cannot be read at all; ``problem`` is one of ``PROBLEMS`` (never a cell's value)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number in the file, the header being row 1; cells)


# The problem codes, in words. ``%(max)s`` is the limit that was passed (MB for sizes).
PROBLEMS: dict[str, Promise] = {
    "file_too_large": gettext_lazy("The file is larger than %(max)s MB."),
    "xls_not_supported": gettext_lazy("Old Excel files (.xls) are not read; save the file as .xlsx or CSV."),
    "xlsx_too_large": gettext_lazy(
        "The Excel file would be too large once unpacked (more than %(max)s MB, or unusually compressed); export it as CSV or in parts."
    ),
    "file_unreadable": gettext_lazy("The file could not be read as CSV or Excel (.xlsx)."),
    "encoding": gettext_lazy("The CSV file is not in UTF-8; export it again in UTF-8."),
    "file_empty": gettext_lazy("The file has no rows under its header."),
    "too_many_rows": gettext_lazy("The file has more than %(max)s rows; import it in parts."),
    "too_many_columns": gettext_lazy("The file has more than %(max)s columns."),
    "too_many_cells": gettext_lazy("The file has more than %(max)s cells; import it in parts."),
}


def problem_message(problem: str, *, limits: Limits) -> str:
    """A problem code in words, in the active language (an unknown code reads as ``file_unreadable``)."""
    maximum = {
        "file_too_large": limits.max_bytes // MB,
        "xlsx_too_large": limits.max_xlsx_uncompressed // MB,
        "too_many_rows": limits.max_rows,
        "too_many_columns": limits.max_columns,
        "too_many_cells": limits.max_cells,
    }.get(problem, "")
    return str(PROBLEMS.get(problem, PROBLEMS["file_unreadable"])) % {"max": maximum}


_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0"  # an old .xls (and any other Office 97-2003 document)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# The first bytes of files people upload by mistake: PDF, PNG, JPEG, GIF, WebP/RIFF, a Word
# document saved as RTF, gzip, RAR, 7-Zip.
_NOT_TABLES = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF", b"{\\rtf", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
_RATIO_FLOOR = 1 * MB  # parts smaller than this cannot make a bomb under the total limit
# What openpyxl and zipfile raise on a damaged or hostile workbook (an XML ParseError is a
# SyntaxError; zlib.error is a damaged deflate stream; NotImplementedError an unknown compression;
# RuntimeError an encrypted part): the file is unreadable, not the server broken.
_BROKEN_XLSX = (
    zipfile.BadZipFile,
    zlib.error,
    SyntaxError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    ValueError,
    OSError,
    EOFError,
    NotImplementedError,
    RuntimeError,
)
# An HXL hashtag with its attributes (hxlstandard.org; case does not matter), as in "#adm1+code".
_HASHTAG = re.compile(r"#[a-z][a-z0-9_]*(\s*\+[a-z][a-z0-9_]*)*", re.IGNORECASE)


def _zip_problem(content: bytes, limits: Limits) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "file_unreadable"
    if len(parts) > limits.max_xlsx_parts:
        return "xlsx_too_large"
    if sum(p.file_size for p in parts) > limits.max_xlsx_uncompressed:
        return "xlsx_too_large"
    for part in parts:
        if part.file_size > _RATIO_FLOOR and part.file_size > limits.max_xlsx_ratio * max(part.compress_size, 1):
            return "xlsx_too_large"
    return None


def file_problem(content: bytes, *, limits: Limits) -> str | None:
    """What refuses the file before any parsing (its size, an old .xls, an .xlsx too large once
    expanded, a PDF, a picture or another binary file), as a problem code; ``None`` when it may be
    read. Reads the zip's directory at most: cheap enough for the request that uploads the file."""
    if len(content) > limits.max_bytes:
        return "file_too_large"
    if content.startswith(_OLE2):
        return "xls_not_supported"
    if content.startswith(_ZIP):
        return _zip_problem(content, limits)
    if content.startswith(_NOT_TABLES) or (b"\0" in content[:4096] and not content.startswith(_UTF16_BOMS)):
        return "file_unreadable"  # not text: say so rather than "not UTF-8"
    return None


def _csv_rows(content: bytes) -> Generator[list[str], None, None]:
    encoding = "utf-16" if content.startswith(_UTF16_BOMS) else "utf-8-sig"  # both drop their mark
    try:
        text = content.decode(encoding)
    except UnicodeDecodeError:
        raise Unreadable("encoding") from None
    if "\0" in text:
        raise Unreadable("file_unreadable")
    first_line = text.split("\n", 1)[0]
    # The separator the header uses most: Kobo's CSV export uses ";", Excel's "Unicode text" a tab.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error:
        raise Unreadable("file_unreadable") from None  # the parser's message may quote the file


def _xlsx_text(cell: Any) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from openpyxl.styles.numbers import is_datetime

        shown = is_datetime(cell.number_format or "General")
        if shown == "date" or (shown is None and value.time() == dt.time()):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(content: bytes) -> Generator[list[str], None, None]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True, keep_links=False)
    except _BROKEN_XLSX:
        raise Unreadable("file_unreadable") from None
    try:
        if not workbook.worksheets:
            return
        # The first sheet holds the rows; Kobo and ODK put repeat groups on further sheets.
        for row in workbook.worksheets[0].iter_rows():
            yield [_xlsx_text(cell) for cell in row]
    except _BROKEN_XLSX:
        raise Unreadable("file_unreadable") from None  # openpyxl's message may quote a cell
    finally:
        workbook.close()


def _hashtag_row(cells: list[str]) -> bool:
    return any(cells) and all(_HASHTAG.fullmatch(c) for c in cells if c)


def read_table(content: bytes, *, limits: Limits, skip_hxl: bool = False) -> Table:
    """The header and the non-empty rows of a CSV (comma, semicolon or tab separated; UTF-8 or
    UTF-16 with its mark) or of the first sheet of an .xlsx. ``skip_hxl``: a row of HXL hashtags
    right under the header (as Kobo's exports have) is not a row of data. Raises ``Unreadable``."""
    problem = file_problem(content, limits=limits)
    if problem:
        raise Unreadable(problem)
    raw = _xlsx_rows(content) if content.startswith(_ZIP) else _csv_rows(content)
    with contextlib.closing(raw):  # an early refusal closes the workbook at once
        header = next(raw, None)
        if header is None:
            raise Unreadable("file_empty")
        if len(header) > limits.max_columns:
            raise Unreadable("too_many_columns")
        headers = [h.strip() for h in header]
        rows: list[tuple[int, list[str]]] = []
        cells_read = len(header)
        for number, cells in enumerate(raw, start=2):
            if len(cells) > limits.max_columns:
                raise Unreadable("too_many_columns")
            cells_read += len(cells)
            if cells_read > limits.max_cells:
                raise Unreadable("too_many_cells")
            cells = [c.strip() for c in cells]
            if not any(cells):
                continue
            if skip_hxl and number == 2 and _hashtag_row(cells):
                continue
            if len(rows) == limits.max_rows:
                raise Unreadable("too_many_rows")
            rows.append((number, cells))
    if not any(headers) or not rows:
        raise Unreadable("file_empty")
    return Table(headers, rows)
