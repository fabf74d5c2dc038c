"""The rows a reference set is read into, the problems found, and the report of a run."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any

from django.utils.translation import gettext as _

from sabeel.core.exceptions import ServiceError
from sabeel.geo.choices import Country, Level

GAZETTEER_SOURCE = "gazetteer"
SYRIA_FILES = ("syria/sy_admin1_governorates.csv", "syria/sy_admin2_districts.csv", "syria/sy_admin3_subdistricts.csv")
ALIASES_FILE = "syria/sy_admin_name_aliases.csv"
HOSTS_FILE = "hosts/host_admin1_admin2_pcodes.csv"
JORDAN_FILES = ("hosts/jor_admin1_governorates.csv", "hosts/jor_admin2_districts.csv", "hosts/jor_admin3_subdistricts.csv")
CROSSINGS_FILE = "borders/border_crossings.csv"
ISO3 = {"SYR": Country.SYRIA, "LBN": Country.LEBANON, "JOR": Country.JORDAN, "TUR": Country.TURKIYE, "IRQ": Country.IRAQ, "EGY": Country.EGYPT}
_SY_PCODE = {Level.ADMIN1: re.compile(r"^SY\d{2}$"), Level.ADMIN2: re.compile(r"^SY\d{4}$"), Level.ADMIN3: re.compile(r"^SY\d{6}$")}
_QID = re.compile(r"^Q\d+$")
_HOST_PCODE = re.compile(r"^[A-Z]{2,3}[A-Z0-9]+$")
_MAX_NAME = 200


@dataclass(frozen=True)
class Problem:
    """A bad row: the file (relative to the set's directory), its line (1 is the header) and why."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ReferenceSetRefused(ServiceError):
    """The file set has bad rows; nothing was loaded."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        fields_: dict[str, list[str]] = {}
        for problem in problems:
            fields_.setdefault(problem.file, []).append(f"{problem.line}: {problem.message}")
        super().__init__(
            _("The reference set was refused (%(count)d problems); nothing was loaded.") % {"count": len(problems)},
            fields=fields_,
        )


@dataclass(frozen=True)
class UnitRow:
    key: str
    key_kind: str
    country: str
    level: int
    parent_key: str | None
    name_en: str
    name_ar: str
    iso_code: str = ""
    wikidata: str = ""
    lat: float | None = None
    lon: float | None = None
    note: str = ""
    source: str = ""
    line: int = 0


@dataclass(frozen=True)
class NameRow:
    unit_key: str
    name: str
    lang: str
    name_type: str
    source: str = ""
    line: int = 0
    level: int | None = None


@dataclass(frozen=True)
class CrossingRow:
    key: str
    name_en: str
    name_ar: str
    syria_side_name_ar: str
    neighbour_side_name_en: str
    neighbour_side_name_ar: str
    syria_keys: tuple[str, ...]
    neighbour_country_key: str
    neighbour_keys: tuple[str, ...]
    kind: str
    kind_note: str
    lat: float | None
    lon: float | None
    coordinates_note: str
    source: str
    line: int


@dataclass
class ReferenceSet:
    units: list[UnitRow] = field(default_factory=list)
    names: list[NameRow] = field(default_factory=list)
    crossings: list[CrossingRow] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    not_stored: list[str] = field(default_factory=list)
    boundaries: list[Any] = field(default_factory=list)  # _polygons.BoundaryRow
    unmatched_polygons: list[str] = field(default_factory=list)  # "file#feature" naming no key


@dataclass
class LoadReport:
    """What a run did. ``summary()`` is the one-line account the commands print."""

    source: str
    units_created: int = 0
    units_updated: int = 0
    units_unchanged: int = 0
    aliases_created: int = 0
    aliases_updated: int = 0
    aliases_unchanged: int = 0
    crossings_created: int = 0
    crossings_updated: int = 0
    crossings_unchanged: int = 0
    boundaries_stored: int = 0
    boundaries_unchanged: int = 0
    boundaries_unmatched: int = 0
    files: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    not_stored: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return _(
            "admin units: %(units_created)d added, %(units_updated)d updated, %(units_unchanged)d unchanged; "
            "names: %(aliases_created)d added, %(aliases_updated)d updated, %(aliases_unchanged)d unchanged; "
            "crossings: %(crossings_created)d added, %(crossings_updated)d updated, %(crossings_unchanged)d unchanged"
        ) % self.counts()

    def counts(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.type in ("int", int)}

    @property
    def changed(self) -> bool:
        counts = self.counts()
        return any(v for k, v in counts.items() if not k.endswith(("_unchanged", "_unmatched")))
