"""The name model: a person's name as parts with roles, compared as people are compared.

FIRST CUT (interface fixed, internals to be improved): the signatures and dataclasses below are the
contract the registry search, the linkage engine and the identity app build on. Keep them; improve
what is inside.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise

from sabeel.engines.text._normalise import Script, detect_script, normalise
from sabeel.engines.text._similarity import name_similarity


class Part(StrEnum):
    """The role of a name part: first name, father's, grandfather's, family name."""

    FIRST = "first"
    FATHER = "father"
    GRANDFATHER = "grandfather"
    FAMILY = "family"


PARTS: tuple[Part, ...] = (Part.FIRST, Part.FATHER, Part.GRANDFATHER, Part.FAMILY)


@dataclass(frozen=True)
class PersonName:
    """One way a person's name is written: up to four parts in one script.

    ``generated`` marks a reading the platform produced in the other script (never typed by an
    officer)."""

    first: str = ""
    father: str = ""
    grandfather: str = ""
    family: str = ""
    generated: bool = False

    def part(self, role: Part) -> str:
        return str(getattr(self, role.value))

    def parts(self) -> tuple[tuple[Part, str], ...]:
        """The non-empty parts with their roles, in order."""
        return tuple((role, value) for role in PARTS if (value := self.part(role).strip()))

    @property
    def script(self) -> Script:
        return detect_script(" ".join(value for _role, value in self.parts()))

    @classmethod
    def from_fields(cls, fields: Mapping[str, str | None], suffix: str, *, generated: bool = False) -> PersonName:
        """From registry-style fields: ``first_name<suffix>`` … ``family_name<suffix>`` (suffix
        ``"_ar"`` or ``"_lat"``)."""
        return cls(
            first=fields.get(f"first_name{suffix}") or "",
            father=fields.get(f"father_name{suffix}") or "",
            grandfather=fields.get(f"grandfather_name{suffix}") or "",
            family=fields.get(f"family_name{suffix}") or "",
            generated=generated,
        )


@dataclass(frozen=True)
class PartAgreement:
    """One part of one name that met a part (or query word) of the other: which, and how well
    (0.0 to 1.0). ``other`` is None when the other side is a free-text query."""

    part: Part
    other: Part | None
    score: float


@dataclass(frozen=True)
class NameComparison:
    """How alike two names are: ``score`` 0.0 to 1.0 (cross-script can reach 1.0), ``order`` 1.0
    when the parts met in their own roles and order, lower when they met out of order (a tie
    breaker, and a small penalty already inside ``score``), and which parts agreed."""

    score: float
    order: float
    agreements: tuple[PartAgreement, ...] = field(default=())


ORDER_PENALTY = 0.03


def common_form(word: str) -> str:
    """A script-independent representation of one name word (Arabic script or any Latin
    transliteration style map to the same string when they are the same name)."""
    folded = normalise(word)
    return "".join(folded.skeleton) or "".join(folded.tokens)


def _best(a: str, b: str) -> float:
    return name_similarity(a, b)


def compare_names(a: PersonName | Sequence[PersonName], b: PersonName | Sequence[PersonName]) -> NameComparison:
    """Compare two people's names part by part (each side may have several readings, in either
    script: the best pair of readings counts)."""
    left = (a,) if isinstance(a, PersonName) else tuple(a)
    right = (b,) if isinstance(b, PersonName) else tuple(b)
    best = NameComparison(0.0, 0.0)
    for x in left:
        for y in right:
            result = _compare_one(x, y)
            if (result.score, result.order) > (best.score, best.order):
                best = result
    return best


def _compare_one(x: PersonName, y: PersonName) -> NameComparison:
    xp, yp = x.parts(), y.parts()
    if not xp or not yp:
        return NameComparison(0.0, 0.0)
    agreements: list[PartAgreement] = []
    total = 0.0
    in_role = 0
    for role, value in xp:
        score, other = max(((_best(value, v), r) for r, v in yp), key=lambda item: item[0])
        agreements.append(PartAgreement(role, other, round(score, 4)))
        total += score
        in_role += other == role
    order = in_role / len(xp)
    score = total / max(len(xp), len(yp)) - ORDER_PENALTY * (1 - order)
    return NameComparison(round(max(score, 0.0), 4), round(order, 4), tuple(agreements))


def match_query(query: str, names: Sequence[PersonName]) -> NameComparison:
    """How well a free-text query (name words in any order, either script) matches a person's
    readings; ``order`` says how well the query's word order follows first → father →
    grandfather → family (the search's tie breaker)."""
    words = normalise(query).tokens
    best = NameComparison(0.0, 0.0)
    for name in names:
        parts = name.parts()
        if not parts or not words:
            continue
        agreements: list[PartAgreement] = []
        positions: list[int] = []
        total = 0.0
        for word in words:
            score, index = max(((_best(word, v), i) for i, (_r, v) in enumerate(parts)), key=lambda item: item[0])
            agreements.append(PartAgreement(parts[index][0], None, round(score, 4)))
            positions.append(index)
            total += score
        ordered = sum(1 for p, q in pairwise(positions) if q > p)
        order = ordered / (len(positions) - 1) if len(positions) > 1 else 1.0
        result = NameComparison(round(total / len(words), 4), round(order, 4), tuple(agreements))
        if (result.score, result.order) > (best.score, best.order):
            best = result
    return best


def other_script_reading(name: PersonName) -> PersonName | None:
    """The name generated in the other script (Arabic → Latin, Latin → Arabic), marked
    ``generated``; None when it cannot be produced (no parts, or mixed scripts)."""
    return None


class NameFrequencies:
    """How common each name word is (by ``common_form``), so that common names count less."""

    def __init__(self, counts: Mapping[str, int] | None = None) -> None:
        self._counts = dict(counts or {})
        self._total = sum(self._counts.values())

    def share(self, word: str) -> float:
        """The share of names with this word (0.0 when unknown)."""
        if not self._total:
            return 0.0
        return self._counts.get(common_form(word), 0) / self._total
