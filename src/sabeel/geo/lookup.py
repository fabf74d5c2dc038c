"""Finding admin units by a place name typed in Arabic or Latin script.

The Django side of ``sabeel.engines.text``: it turns unit names and aliases into index
candidates (cached until the geography changes), runs the engine and explains ties between
levels — "Homs" is a governorate, a district and a sub-district — instead of hiding them."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import Count, Max
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from sabeel.engines.text import Candidate, NameIndex
from sabeel.geo.models import AdminUnit, AdminUnitName

MIN_SCORE = 0.8
MAX_LIMIT = 50
MAX_QUERY = 200
_TIE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class UnitMatch:
    unit: AdminUnit
    score: float
    matched_name: str
    exact: bool

    @property
    def level(self) -> int:
        return self.unit.level


@dataclass(frozen=True)
class LookupResult:
    """The best-matching units, best first; ``tied`` holds every unit sharing the top score, and
    ``explanation`` says in words what was found (and why several units are shown)."""

    query: str
    matches: tuple[UnitMatch, ...]
    tied: tuple[UnitMatch, ...]
    explanation: str

    @property
    def is_tie(self) -> bool:
        return len(self.tied) > 1


_lock = threading.Lock()
_cache: dict[str | None, tuple[tuple[object, ...], NameIndex]] = {}


def _signature() -> tuple[object, ...]:
    units = AdminUnit.objects.aggregate(n=Count("pk"), top=Max("pk"), last=Max("updated_at"))
    names = AdminUnitName.objects.aggregate(n=Count("pk"), top=Max("pk"), last=Max("updated_at"))
    return (units["n"], units["top"], units["last"], names["n"], names["top"], names["last"])


def _build(country: str | None) -> NameIndex:
    units = AdminUnit.objects.all()
    names = AdminUnitName.objects.all()
    if country:
        units, names = units.filter(country=country), names.filter(unit__country=country)
    candidates: list[Candidate] = []
    for pk, name_en, name_ar in units.values_list("pk", "name_en", "name_ar"):
        candidates.extend(Candidate(str(pk), n) for n in (name_en, name_ar) if n)
    candidates.extend(Candidate(str(unit_id), name) for unit_id, name in names.values_list("unit_id", "name"))
    return NameIndex(candidates)


def name_index(country: str | None = None) -> NameIndex:
    """The index of unit names and aliases (of one country, or all), rebuilt when the geography changed."""
    signature = _signature()
    cached = _cache.get(country)
    if cached is not None and cached[0] == signature:
        return cached[1]
    with _lock:
        index = _build(country)
        _cache[country] = (signature, index)
    return index


def _describe(match: UnitMatch) -> str:
    unit = match.unit
    values = {"name": unit.local_name, "level": unit.get_level_display(), "key": unit.key}
    if unit.parent is not None and unit.parent.level > 0:
        return _("%(name)s — %(level)s, %(key)s, in %(parent)s") % {**values, "parent": unit.parent.local_name}
    return _("%(name)s — %(level)s, %(key)s") % values


def _explain(query: str, matches: tuple[UnitMatch, ...], tied: tuple[UnitMatch, ...]) -> str:
    if not matches:
        return _("No admin unit matches “%(query)s”.") % {"query": query}
    if len(tied) == 1:
        best = tied[0]
        return _("Best match: %(unit)s (score %(score)s).") % {"unit": _describe(best), "score": f"{best.score:.2f}"}
    units = get_text_list([_describe(m) for m in tied], _("and"))
    values = {"query": query, "count": len(tied), "units": units, "score": f"{tied[0].score:.2f}"}
    if len({m.level for m in tied}) > 1:
        return (
            _(
                "“%(query)s” matches %(count)d units equally well (score %(score)s), at different levels: "
                "%(units)s. Choose the level you mean."
            )
            % values
        )
    return (
        _(
            "“%(query)s” matches %(count)d units of the same level equally well (score %(score)s): %(units)s. "
            "Choose by the unit above."
        )
        % values
    )


def lookup(query: str, *, country: str | None = None, level: int | None = None, limit: int = 10) -> LookupResult:
    """The units whose names best match ``query``; every unit tied with the best is kept, even
    beyond ``limit``."""
    query = query.strip()
    limit = max(1, min(limit, MAX_LIMIT))
    found = name_index(country or None).search(query, limit=MAX_LIMIT * 4, min_score=MIN_SCORE)
    units = AdminUnit.objects.select_related("parent").in_bulk([int(m.key) for m in found])
    matches = [
        UnitMatch(unit=units[int(m.key)], score=m.score, matched_name=m.text, exact=m.exact)
        for m in found
        if int(m.key) in units and (level is None or units[int(m.key)].level == level)
    ]
    matches.sort(key=lambda m: (-m.score, not m.exact, m.unit.level, m.unit.key))
    tied = tuple(m for m in matches if matches[0].score - m.score < _TIE_TOLERANCE) if matches else ()
    kept = tuple(matches[: max(limit, len(tied))])
    return LookupResult(query=query, matches=kept, tied=tied, explanation=_explain(query, kept, tied))
