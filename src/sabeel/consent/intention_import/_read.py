"""Reading the export: CSV (comma, semicolon or tab; UTF-8) or the first sheet of an .xlsx, the
header mapped to the survey's questions."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sabeel.consent.intention_import._fields import (
    COLUMN_NAMES,
    FIELDS,
    MAX_BYTES,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_XLSX_PARTS,
    MAX_XLSX_RATIO,
    MAX_XLSX_UNCOMPRESSED,
    REQUIRED,
    Kind,
    column_key,
    entry,
    field_of_column,
)

_RATIO_FLOOR = 1024 * 1024  # parts smaller than this cannot make a bomb under the total limit


class Unreadable(Exception):
    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number in the file, the header being row 1; cells)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unreadable("encoding") from exc
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)  # Kobo's CSV export uses ";"
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            yield list(row)
    except csv.Error as exc:
        raise Unreadable("file_unreadable") from exc


def _zip_problem(content: bytes) -> str | None:
    """Read the zip's directory only: a part too large once expanded, too compressed or too
    many parts refuses the file before anything is decompressed. (Python's zipfile never expands
    a part past the size its directory declares, so a lying directory cannot get round this.)"""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "file_unreadable"
    if len(parts) > MAX_XLSX_PARTS:
        return "xlsx_too_large"
    if sum(p.file_size for p in parts) > MAX_XLSX_UNCOMPRESSED:
        return "xlsx_too_large"
    for part in parts:
        if part.file_size > _RATIO_FLOOR and part.file_size > MAX_XLSX_RATIO * max(part.compress_size, 1):
            return "xlsx_too_large"
    return None


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, EOFError) as exc:
        raise Unreadable("file_unreadable") from exc
    try:
        if not workbook.worksheets:
            return
        # The first sheet holds the submissions; Kobo and ODK put repeat groups on further sheets.
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield [_cell(v) for v in row]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        raise Unreadable("file_unreadable") from exc
    finally:
        workbook.close()


def file_problem(content: bytes) -> str | None:
    """What refuses the file before any parsing (size, old Excel, an .xlsx too large once
    expanded), as a report problem code; ``None`` when it may be read. Cheap enough for the
    request that uploads it; the worker checks again."""
    if len(content) > MAX_BYTES:
        return "file_too_large"
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls_not_supported"
    if content.startswith(b"PK\x03\x04"):
        return _zip_problem(content)
    return None


def read_table(content: bytes) -> Table:
    problem = file_problem(content)
    if problem:
        raise Unreadable(problem)
    raw = _xlsx_rows(content) if content.startswith(b"PK\x03\x04") else _csv_rows(content)
    header = next(raw, None)
    if header is None:
        raise Unreadable("file_empty")
    if len(header) > MAX_COLUMNS:
        raise Unreadable("too_many_columns")
    headers = [h.strip() for h in header]
    rows: list[tuple[int, list[str]]] = []
    cells_read = len(header)
    for index, cells in enumerate(raw, start=2):
        if len(cells) > MAX_COLUMNS:
            raise Unreadable("too_many_columns")
        cells_read += len(cells)
        if cells_read > MAX_CELLS:
            raise Unreadable("too_many_cells")
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if index == 2 and all(c.startswith("#") for c in cells if c):
            continue  # the HXL hashtag row Kobo can put under the header
        if len(rows) == MAX_ROWS:
            raise Unreadable("too_many_rows")
        rows.append((index, cells))
    if not any(headers) or not rows:
        raise Unreadable("file_empty")
    return Table(headers, rows)


@dataclass
class Columns:
    # question → [(cell index, the header as in the file)], in order of preference
    by_field: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def value(self, cells: Sequence[str], name: str) -> tuple[str, str]:
        """The first non-empty cell of the question's columns, and that column's header."""
        columns = self.by_field.get(name, [])
        for index, header in columns:
            if index < len(cells) and cells[index]:
                return cells[index], header
        return "", columns[0][1] if columns else COLUMN_NAMES.get(name, name)

    def has(self, name: str) -> bool:
        return name in self.by_field


def map_columns(headers: Sequence[str]) -> tuple[Columns, list[dict[str, Any]]]:
    found: dict[str, dict[str, list[tuple[int, str]]]] = {}
    for index, header in enumerate(headers):
        name = field_of_column(header)
        if name is None:
            continue
        key = column_key(header)
        alias = key if key in FIELDS[name] else key.rsplit("-", 1)[-1]
        found.setdefault(name, {}).setdefault(alias, []).append((index, header))
    columns = Columns()
    problems: list[dict[str, Any]] = []
    for name, by_alias in found.items():
        ordered: list[tuple[int, str]] = []
        for alias in FIELDS[name]:
            matches = by_alias.get(alias, [])
            if len(matches) > 1:
                problems.append(entry(None, matches[1][1], Kind.INVALID, "column_ambiguous"))
            ordered.extend(matches[:1])
        columns.by_field[name] = ordered
    for name in REQUIRED:
        if name not in columns.by_field:
            problems.append(entry(1, COLUMN_NAMES[name], Kind.INVALID, "column_missing"))
    if not problems and "date" not in columns.by_field:
        problems.append(entry(None, "end", Kind.NOTE, "no_date_column"))
    return columns, problems
