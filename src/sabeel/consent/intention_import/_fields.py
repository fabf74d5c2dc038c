"""What the import reads: the questions and their column names, the survey's choices, the limits,
and the kinds of report entries."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sabeel.consent.intentions import ReturnObstacle
from sabeel.consent.models import Answer
from sabeel.geo.choices import Country

# Limits, checked before the work they protect: the upload's size in the request; an .xlsx's
# declared uncompressed size, compression ratio and number of parts from the zip's directory,
# before openpyxl opens it (a zip bomb is never expanded); rows, columns and cells while reading,
# stopping at the first one over.
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 500
MAX_CELLS = 2_000_000
MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_XLSX_RATIO = 100
MAX_XLSX_PARTS = 1000
FILE_NAME_MAX = 200
SUBMISSION_ID_MAX = 100


class Kind(StrEnum):
    INVALID = "invalid"  # blocks the import
    UNMATCHED = "unmatched"  # blocks the import
    ALREADY_IMPORTED = "already_imported"
    DUPLICATE = "duplicate"
    SKIPPED = "skipped"
    NOTE = "note"


BLOCKING = frozenset({Kind.INVALID, Kind.UNMATCHED})

# Question → the column names it may have once group prefixes are removed (lower case), in order
# of preference.
FIELDS: dict[str, tuple[str, ...]] = {
    "submission_id": ("instanceid", "_uuid", "key"),
    "registration_number": ("registration_number", "sabeel_registration_number", "reg_number", "sabeel_number"),
    "consent": ("consent",),
    "asylum_country": ("asylum_country",),
    "intends": ("intends_return_12m",),
    "hopes": ("hopes_to_return",),
    "adm1": ("origin_adm1",),
    "adm3": ("origin_adm3",),
    "needs": ("needs",),
    "reasons": ("reasons",),
    "obstacles": ("obstacles",),
    "go_and_see": ("go_and_see", "go_and_see_interest"),
    "decision_maker": ("decision_maker",),
    "date": ("end", "start", "_submission_time", "submissiondate"),
}
COLUMN_NAMES = {
    "submission_id": "meta/instanceID, _uuid, KEY",
    "registration_number": "registration_number",
    "intends": "intends_return_12m",
}
REQUIRED = ("submission_id", "registration_number", "intends")

# The survey's choices (names, and the English and Arabic labels a "labels" export carries).
YES_NO_DK: dict[str, str] = {
    "yes": Answer.YES,
    "no": Answer.NO,
    "dk": Answer.UNSURE,
    "unsure": Answer.UNSURE,
    "don't know": Answer.UNSURE,
    "dont_know": Answer.UNSURE,
    "نعم": Answer.YES,
    "لا": Answer.NO,
    "لا أعرف": Answer.UNSURE,
}
ASYLUM_COUNTRIES = {
    "LBN": Country.LEBANON,
    "JOR": Country.JORDAN,
    "TUR": Country.TURKIYE,
    "IRQ": Country.IRAQ,
    "EGY": Country.EGYPT,
}
NEEDS_AS_OBSTACLES = {
    "shelter": ReturnObstacle.SHELTER,
    "documents": ReturnObstacle.DOCUMENTS,
    "livelihood": ReturnObstacle.LIVELIHOOD,
}


def column_key(header: str) -> str:
    return header.strip().rsplit("/", 1)[-1].strip().lower()


def field_of_column(header: str) -> str | None:
    key = column_key(header)
    for candidate in (key, key.rsplit("-", 1)[-1]):
        for name, aliases in FIELDS.items():
            if candidate in aliases:
                return name
    return None


def entry(row: int | None, column: str, kind: Kind, problem: str, **extra: Any) -> dict[str, Any]:
    return {"row": row, "column": column, "kind": str(kind), "problem": problem, **extra}
