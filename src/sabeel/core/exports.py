"""Tabular files for exports: Excel (openpyxl) and HXL-tagged CSV.

One description of the columns (``Column``: a key, a translated header and an HXL hashtag with its
attributes) serves both formats, so a list and an aggregate table leave the platform the same way.
HXL (the Humanitarian Exchange Language, hxlstandard.org) is a row of hashtags under the header
row that tools such as HDX, libhxl and the HXL Proxy read to know what a column means without
reading its language; the tests validate our files with libhxl.

These writers only shape bytes. Deciding *whether* a table may leave (person-level exports need
``person.export`` and a data-sharing agreement; aggregates are suppressed first) and recording that
it left is the caller's job.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.encoding import force_str

__all__ = ["CSV_CONTENT_TYPE", "XLSX_CONTENT_TYPE", "Column", "safe_cell", "to_hxl_csv", "to_xlsx"]

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_HXL = re.compile(r"^#[a-z][a-z0-9_]*(\s*\+[a-z][a-z0-9_]*)*$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str  # the row dict's key
    header: Any  # a (lazily) translated label
    hxl: str  # for example "#adm1 +code" or "#affected +hh +num"

    def __post_init__(self) -> None:
        if not _HXL.match(self.hxl):
            raise ValueError(f"not an HXL hashtag with attributes: {self.hxl!r}")


def safe_cell(value: Any) -> Any:
    """A value a spreadsheet will not run: text starting with = + - @ is prefixed with a quote
    (CSV injection). Numbers, dates and None pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return force_str(value)


def to_hxl_csv(columns: Sequence[Column], rows: Iterable[dict[str, Any]], *, notes: Sequence[str] = ()) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads Arabic): optional note lines, the header
    row, the HXL hashtag row, then the rows. Notes (provenance, suppression) come first, each a
    one-cell row, as HXL allows free text above the hashtag row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for note in notes:
        writer.writerow([force_str(note)])
    writer.writerow([force_str(c.header) for c in columns])
    writer.writerow([c.hxl for c in columns])
    for row in rows:
        writer.writerow([_text(safe_cell(row.get(c.key))) for c in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(
    columns: Sequence[Column],
    rows: Iterable[dict[str, Any]],
    *,
    title: str = "Sabeel",
    notes: Sequence[str] = (),
    right_to_left: bool = False,
) -> bytes:
    """An Excel workbook: one sheet with note lines, the header row, the HXL row and the rows
    (written in openpyxl's write-only mode, so a long list does not sit in memory twice)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sabeel")
    if right_to_left:
        sheet.sheet_view.rightToLeft = True
    for note in notes:
        sheet.append([force_str(note)])
    sheet.append([force_str(c.header) for c in columns])
    sheet.append([c.hxl for c in columns])
    for row in rows:
        sheet.append([safe_cell(_plain(row.get(c.key))) for c in columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return force_str(value)
