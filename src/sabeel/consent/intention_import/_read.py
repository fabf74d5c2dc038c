"""Reading the export: CSV (comma, semicolon or tab; UTF-8) or the first sheet of an .xlsx, the
header mapped to the survey's questions."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sabeel.consent.intention_import._fields import (
    COLUMN_NAMES,
    FIELDS,
    MAX_BYTES,
    MAX_ROWS,
    REQUIRED,
    Kind,
    column_key,
    entry,
    field_of_column,
)


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


def _csv_rows(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unreadable("encoding") from exc
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)  # Kobo's CSV export uses ";"
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise Unreadable("file_unreadable") from exc


def _xlsx_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise Unreadable("file_unreadable") from exc
    try:
        # The first sheet holds the submissions; Kobo and ODK put repeat groups on further sheets.
        sheet = workbook.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_table(content: bytes) -> Table:
    if len(content) > MAX_BYTES:
        raise Unreadable("file_too_large")
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise Unreadable("xls_not_supported")
    raw = _xlsx_rows(content) if content.startswith(b"PK\x03\x04") else _csv_rows(content)
    if not raw:
        raise Unreadable("file_empty")
    headers = [h.strip() for h in raw[0]]
    rows: list[tuple[int, list[str]]] = []
    for index, cells in enumerate(raw[1:], start=2):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if index == 2 and all(c.startswith("#") for c in cells if c):
            continue  # the HXL hashtag row Kobo can put under the header
        rows.append((index, cells))
    if not any(headers) or not rows:
        raise Unreadable("file_empty")
    if len(rows) > MAX_ROWS:
        raise Unreadable("too_many_rows")
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
