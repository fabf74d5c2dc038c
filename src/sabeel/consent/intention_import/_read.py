"""Reading the export: CSV (comma, semicolon or tab; UTF-8 or UTF-16) or the first sheet of an
.xlsx, read by ``sabeel.core.tabular`` within the import's limits; the header mapped to the
survey's questions."""

from __future__ import annotations

from collections.abc import Sequence
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
from sabeel.core import tabular

# The reader is core's (``sabeel.core.tabular``: encodings, binary files, zip bombs, limits); the
# limits are the import's, read when a file is (tests lower them).
Unreadable = tabular.Unreadable
Table = tabular.Table


def _limits() -> tabular.Limits:
    return tabular.Limits(
        max_bytes=MAX_BYTES,
        max_rows=MAX_ROWS,
        max_columns=MAX_COLUMNS,
        max_cells=MAX_CELLS,
        max_xlsx_uncompressed=MAX_XLSX_UNCOMPRESSED,
        max_xlsx_ratio=MAX_XLSX_RATIO,
        max_xlsx_parts=MAX_XLSX_PARTS,
    )


def file_problem(content: bytes) -> str | None:
    """What refuses the file before any parsing (size, old Excel, an .xlsx too large once
    expanded, a binary file), as a report problem code; ``None`` when it may be read. Cheap enough
    for the request that uploads it; the worker checks again."""
    return tabular.file_problem(content, limits=_limits())


def read_table(content: bytes) -> Table:
    """The header and the rows of answers; the HXL hashtag row Kobo can put under the header is
    not one. Raises ``Unreadable``."""
    return tabular.read_table(content, limits=_limits(), skip_hxl=True)


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
