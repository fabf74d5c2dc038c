"""Reading the files of a reference set (and the gazetteer's facts) into rows, with the
problems of single rows."""

from __future__ import annotations

import csv
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from sabeel.geo import gazetteer
from sabeel.geo.choices import Country, CrossingKind, KeyKind, Level, NameLanguage, NameType
from sabeel.geo.loader._polygons import read_boundaries
from sabeel.geo.loader._rows import (
    _HOST_PCODE,
    _MAX_NAME,
    _QID,
    _SY_PCODE,
    ALIASES_FILE,
    CROSSINGS_FILE,
    GAZETTEER_SOURCE,
    HOSTS_FILE,
    ISO3,
    JORDAN_FILES,
    SYRIA_FILES,
    CrossingRow,
    NameRow,
    Problem,
    ReferenceSet,
    UnitRow,
)


class _Reader:
    """Reads one CSV file, collecting problems with their line numbers."""

    def __init__(self, directory: Path, relative: str, problems: list[Problem]) -> None:
        self.directory = directory
        self.relative = relative
        self.problems = problems
        self.line = 1

    def problem(self, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(self.relative, self.line if line is None else line, message))

    def rows(self, required: tuple[str, ...]) -> Iterator[dict[str, str]]:
        path = self.directory / self.relative
        try:
            handle = path.open(encoding="utf-8-sig", newline="")
        except OSError as exc:
            self.problem(_("cannot be read: %(error)s") % {"error": exc.strerror or exc}, line=0)
            return
        with handle:
            reader = csv.DictReader(handle)
            try:
                header = reader.fieldnames or []
                missing = [c for c in required if c not in header]
                if missing:
                    self.problem(_("missing columns: %(columns)s") % {"columns": ", ".join(missing)}, line=1)
                    return
                for row in reader:
                    self.line = reader.line_num
                    if None in row:
                        self.problem(_("more fields than the header has"))
                        continue
                    yield {k: (v or "").strip() for k, v in row.items()}
            except (csv.Error, UnicodeDecodeError) as exc:
                self.problem(_("not a readable UTF-8 CSV file: %(error)s") % {"error": exc})

    def text(self, row: dict[str, str], column: str, *, required: bool = False, label: str | None = None) -> str:
        value = row.get(column, "")
        if required and not value:
            self.problem(_("%(column)s is empty") % {"column": label or column})
        if len(value) > _MAX_NAME:
            self.problem(_("%(column)s is longer than %(max)d characters") % {"column": column, "max": _MAX_NAME})
            return value[:_MAX_NAME]
        return value

    def coordinates(self, row: dict[str, str], lat_column: str, lon_column: str) -> tuple[float | None, float | None]:
        raw_lat, raw_lon = row.get(lat_column, ""), row.get(lon_column, "")
        if not raw_lat and not raw_lon:
            return None, None
        if not raw_lat or not raw_lon:
            self.problem(_("give both %(lat)s and %(lon)s, or neither") % {"lat": lat_column, "lon": lon_column})
            return None, None
        try:
            lat, lon = float(raw_lat), float(raw_lon)
        except ValueError:
            self.problem(_("%(lat)s/%(lon)s are not numbers") % {"lat": lat_column, "lon": lon_column})
            return None, None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            self.problem(_("coordinates out of range: %(lat)s, %(lon)s") % {"lat": raw_lat, "lon": raw_lon})
            return None, None
        return lat, lon


def _exists(directory: Path, relative: str) -> bool:
    return (directory / relative).is_file()


def _read_syria(directory: Path, ref: ReferenceSet, problems: list[Problem]) -> None:
    specs = (
        (SYRIA_FILES[0], Level.ADMIN1, "adm1_pcode", "adm1_name_en_ocha", "adm1_name_en_alt", "adm1_name_ar", None),
        (SYRIA_FILES[1], Level.ADMIN2, "adm2_pcode", "adm2_name_en_ocha", "adm2_name_en_alt", "adm2_name_ar", "adm1_pcode"),
        (SYRIA_FILES[2], Level.ADMIN3, "adm3_pcode", "adm3_name_en", None, "adm3_name_ar", "adm2_pcode"),
    )
    for relative, level, code_col, en_col, alt_col, ar_col, parent_col in specs:
        reader = _Reader(directory, relative, problems)
        required = tuple(c for c in (code_col, en_col, ar_col, parent_col) if c)
        for row in reader.rows(required):
            key = reader.text(row, code_col, required=True)
            if key and not _SY_PCODE[level].match(key):
                reader.problem(_("%(code)s is not a level-%(level)d Syrian p-code") % {"code": key, "level": level})
            parent = reader.text(row, parent_col, required=True) if parent_col else Country.SYRIA.value
            if parent_col and key and parent and not key.startswith(parent):
                reader.problem(
                    _("%(code)s does not start with its parent's code %(parent)s") % {"code": key, "parent": parent}
                )
            if level == Level.ADMIN3 and key and row.get("adm1_pcode") and not key.startswith(row["adm1_pcode"]):
                reader.problem(
                    _("%(code)s does not start with its governorate's code %(parent)s")
                    % {"code": key, "parent": row["adm1_pcode"]}
                )
            name_en = reader.text(row, en_col)
            name_ar = reader.text(row, ar_col, required=True)
            lat, lon = reader.coordinates(row, "centroid_lat", "centroid_lon")
            wikidata = row.get("wikidata", "")
            ref.units.append(
                UnitRow(
                    key=key, key_kind=KeyKind.PCODE, country=Country.SYRIA, level=level, parent_key=parent,
                    name_en=name_en, name_ar=name_ar, iso_code=row.get("iso3166_2", ""),
                    wikidata=wikidata if _QID.match(wikidata) else "", lat=lat, lon=lon, source=relative, line=reader.line,
                )
            )  # fmt: skip
            _unit_names(ref, key, relative, reader.line, name_en, name_ar, reader.text(row, alt_col) if alt_col else "")
        ref.files.append(relative)


def _unit_names(ref: ReferenceSet, key: str, source: str, line: int, name_en: str, name_ar: str, alt_en: str = "") -> None:
    for name, lang, kind in (
        (name_en, NameLanguage.ENGLISH, NameType.PRIMARY),
        (name_ar, NameLanguage.ARABIC, NameType.PRIMARY),
        (alt_en, NameLanguage.ENGLISH, NameType.ALTERNATE_SPELLING),
    ):
        if name:
            ref.names.append(NameRow(key, name, lang, kind, source, line))


def _read_aliases(directory: Path, ref: ReferenceSet, problems: list[Problem]) -> None:
    reader = _Reader(directory, ALIASES_FILE, problems)
    types, langs = set(NameType.values), set(NameLanguage.values)
    for row in reader.rows(("pcode", "admin_level", "name", "lang", "name_type")):
        key = reader.text(row, "pcode", required=True)
        name = reader.text(row, "name", required=True)
        if row["lang"] not in langs:
            reader.problem(_("language %(lang)s is not one of %(langs)s") % {"lang": row["lang"], "langs": ", ".join(sorted(langs))})
        if row["name_type"] not in types:
            reader.problem(_("type %(type)s is not one of %(types)s") % {"type": row["name_type"], "types": ", ".join(sorted(types))})
        level = int(row["admin_level"]) if row["admin_level"].isdigit() else None
        if level is None:
            reader.problem(_("admin_level %(level)s is not a number") % {"level": row["admin_level"]})
        ref.names.append(NameRow(key, name, row["lang"], row["name_type"], ALIASES_FILE, reader.line, level))
    ref.files.append(ALIASES_FILE)


def _read_hosts(directory: Path, ref: ReferenceSet, problems: list[Problem]) -> None:
    reader = _Reader(directory, HOSTS_FILE, problems)
    hosts = {k: v for k, v in ISO3.items() if v not in (Country.SYRIA, Country.JORDAN)}
    for row in reader.rows(("iso3", "admin_level", "pcode", "name_en", "parent_pcode")):
        country = hosts.get(row["iso3"])
        if country is None:
            reader.problem(_("country %(iso3)s is not one of %(known)s") % {"iso3": row["iso3"], "known": ", ".join(hosts)})
            continue
        level = {"1": Level.ADMIN1, "2": Level.ADMIN2}.get(row["admin_level"])
        if level is None:
            reader.problem(_("admin_level %(level)s is not 1 or 2") % {"level": row["admin_level"]})
            continue
        key = reader.text(row, "pcode", required=True)
        if key and not _HOST_PCODE.match(key):
            reader.problem(_("%(code)s is not a p-code") % {"code": key})
        parent = reader.text(row, "parent_pcode", required=True)
        if level == Level.ADMIN1:
            if parent != row["iso3"]:
                reader.problem(_("a first-level unit's parent must be its country %(iso3)s") % {"iso3": row["iso3"]})
            parent = country.value
        name_en = reader.text(row, "name_en", required=True)
        ref.units.append(
            UnitRow(key, KeyKind.PCODE, country, level, parent, name_en, "", source=HOSTS_FILE, line=reader.line)
        )
        _unit_names(ref, key, HOSTS_FILE, reader.line, name_en, "")
    ref.files.append(HOSTS_FILE)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:48]


def generated_key(country: str, parent_key: str, name_en: str) -> str:
    """A stable key for a unit whose source has neither a p-code nor a Wikidata id."""
    return f"{country}-{parent_key}-{_slug(name_en)}"


def _read_jordan(directory: Path, ref: ReferenceSet, problems: list[Problem]) -> None:
    specs = (
        (JORDAN_FILES[0], Level.ADMIN1, None, None),
        (JORDAN_FILES[1], Level.ADMIN2, "adm1_wikidata", None),
        (JORDAN_FILES[2], Level.ADMIN3, "adm2_wikidata", "adm1_wikidata"),
    )
    parents: dict[str, str | None] = {}
    for relative, level, parent_col, grandparent_col in specs:
        if not _exists(directory, relative):
            ref.absent.append(relative)
            continue
        reader = _Reader(directory, relative, problems)
        required = tuple(c for c in ("wikidata", "name_en", "name_ar", parent_col) if c)
        for row in reader.rows(required):
            parent = reader.text(row, parent_col, required=True) if parent_col else Country.JORDAN.value
            name_en = reader.text(row, "name_en")
            name_ar = reader.text(row, "name_ar")
            qid = row["wikidata"]
            if qid and not _QID.match(qid):
                reader.problem(_("%(code)s is not a Wikidata id") % {"code": qid})
            if qid:
                key, kind = qid, KeyKind.WIKIDATA
            elif level == Level.ADMIN3 and name_en and parent:
                key, kind = generated_key(Country.JORDAN, parent, name_en), KeyKind.GENERATED
            else:
                reader.problem(_("wikidata is empty (a key can be generated only for a sub-district with an English name)"))
                continue
            if grandparent_col and row.get(grandparent_col) and parents.get(parent, row[grandparent_col]) != row[grandparent_col]:
                reader.problem(
                    _("%(parent)s is not in governorate %(grandparent)s") % {"parent": parent, "grandparent": row[grandparent_col]}
                )
            if not name_en and not name_ar:
                reader.problem(_("the unit has neither an English nor an Arabic name"))
            lat, lon = reader.coordinates(row, "centroid_lat", "centroid_lon")
            parents[key] = parent
            ref.units.append(
                UnitRow(
                    key=key, key_kind=kind, country=Country.JORDAN, level=level, parent_key=parent, name_en=name_en,
                    name_ar=name_ar, iso_code=row.get("iso3166_2", ""), wikidata=qid, lat=lat, lon=lon,
                    note=row.get("qa_note", ""), source=relative, line=reader.line,
                )
            )  # fmt: skip
            _unit_names(ref, key, relative, reader.line, name_en, name_ar)
        ref.files.append(relative)


def _crossing_kind(raw: str) -> str:
    lowered = raw.lower()
    if lowered.startswith("official"):
        return CrossingKind.OFFICIAL
    if lowered.startswith("informal"):
        return CrossingKind.INFORMAL
    return CrossingKind.OTHER


def _read_crossings(directory: Path, ref: ReferenceSet, problems: list[Problem]) -> None:
    reader = _Reader(directory, CROSSINGS_FILE, problems)
    required = ("crossing_id", "name_en", "neighbour_iso3", "lat", "lon", "sy_adm1_pcode", "sy_adm2_pcode", "sy_adm3_pcode")
    for row in reader.rows(required):
        key = reader.text(row, "crossing_id", required=True)
        country = ISO3.get(row["neighbour_iso3"])
        if country is None or country == Country.SYRIA:
            reader.problem(_("neighbour country %(iso3)s is not known") % {"iso3": row["neighbour_iso3"]})
            continue
        syria_keys = tuple(row.get(c, "") for c in ("sy_adm1_pcode", "sy_adm2_pcode", "sy_adm3_pcode"))
        if not syria_keys[0]:
            reader.problem(_("sy_adm1_pcode is empty"))
        for parent, child in itertools.pairwise(syria_keys):
            if child and not child.startswith(parent or "-"):
                reader.problem(_("%(code)s does not start with its parent's code %(parent)s") % {"code": child, "parent": parent})
        neighbour_keys = tuple(row.get(c, "") for c in ("nb_adm1_code", "nb_adm2_code"))
        if neighbour_keys[1] and not neighbour_keys[0]:
            reader.problem(_("nb_adm2_code is given without nb_adm1_code"))
        lat, lon = reader.coordinates(row, "lat", "lon")
        ref.crossings.append(
            CrossingRow(
                key=key, name_en=reader.text(row, "name_en"), name_ar=reader.text(row, "name_ar"),
                syria_side_name_ar=reader.text(row, "syria_side_name_ar"),
                neighbour_side_name_en=reader.text(row, "neighbour_side_name"),
                neighbour_side_name_ar=reader.text(row, "neighbour_side_name_ar"),
                syria_keys=tuple(k for k in syria_keys if k), neighbour_country_key=country.value,
                neighbour_keys=tuple(k for k in neighbour_keys if k), kind=_crossing_kind(row.get("crossing_kind", "")),
                kind_note=reader.text(row, "crossing_kind")[:100], lat=lat, lon=lon,
                coordinates_note=row.get("coord_precision", "")[:100], source=CROSSINGS_FILE, line=reader.line,
            )
        )  # fmt: skip
    ref.files.append(CROSSINGS_FILE)


def read_reference_set(directory: Path | str) -> tuple[ReferenceSet, list[Problem]]:
    """Read every file of the set that is present (the Syrian admin files must be); return the rows
    and the problems found in single rows."""
    directory = Path(directory)
    ref = ReferenceSet()
    problems: list[Problem] = []
    if not directory.is_dir():
        problems.append(Problem(str(directory), 0, _("is not a directory")))
        return ref, problems
    ref.units.extend(_fact_row(fact) for fact in gazetteer.COUNTRIES)
    for relative in SYRIA_FILES:
        if not _exists(directory, relative):
            problems.append(Problem(relative, 0, _("the file is missing; the Syrian admin units are required")))
    if problems:
        return ref, problems
    _read_syria(directory, ref, problems)
    optional: tuple[tuple[str, Callable[[Path, ReferenceSet, list[Problem]], None]], ...] = (
        (ALIASES_FILE, _read_aliases),
        (HOSTS_FILE, _read_hosts),
    )
    for relative, read in optional:
        if _exists(directory, relative):
            read(directory, ref, problems)
        else:
            ref.absent.append(relative)
    _read_jordan(directory, ref, problems)
    if _exists(directory, CROSSINGS_FILE):
        _read_crossings(directory, ref, problems)
    else:
        ref.absent.append(CROSSINGS_FILE)
    ref.boundaries, polygon_files, ref.not_stored, ref.unmatched_polygons = read_boundaries(directory, problems)
    ref.files.extend(polygon_files)
    return ref, problems


def _fact_row(fact: gazetteer.Fact) -> UnitRow:
    return UnitRow(
        key=fact.key, key_kind=fact.key_kind, country=fact.country, level=fact.level, parent_key=fact.parent_key,
        name_en=fact.name_en, name_ar=fact.name_ar, iso_code=fact.iso_code,
        wikidata=fact.key if fact.key_kind == KeyKind.WIKIDATA else "", lat=fact.lat, lon=fact.lon,
        source=GAZETTEER_SOURCE,
    )  # fmt: skip


def gazetteer_set() -> ReferenceSet:
    ref = ReferenceSet(units=[_fact_row(f) for f in gazetteer.FACTS], files=[GAZETTEER_SOURCE])
    for fact in gazetteer.FACTS:
        _unit_names(ref, fact.key, GAZETTEER_SOURCE, 0, fact.name_en, fact.name_ar)
        ref.names.extend(NameRow(fact.key, a, NameLanguage.ENGLISH, NameType.ALIAS, GAZETTEER_SOURCE) for a in fact.aliases_en)
        ref.names.extend(NameRow(fact.key, a, NameLanguage.ARABIC, NameType.FORMAL, GAZETTEER_SOURCE) for a in fact.aliases_ar)
    return ref
