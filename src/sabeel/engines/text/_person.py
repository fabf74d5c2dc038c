"""The name model: a person's name as parts with roles, compared as people are compared.

The signatures and dataclasses here are the contract the registry search, the linkage engine and
the identity app build on. Words are compared on their common representation (``_forms``,
``_compare``): the same name scores 1.0 in either script and in any transliteration style.

- ``compare_names``: parts compared in their own roles (first, father, grandfather, family); a
  match found only with parts swapped costs ``SWAP_PENALTY``; a part present on one side only is
  weak, neutral-ish evidence (``MISSING_SCORE`` at ``MISSING_WEIGHT``); common names count less
  when ``NameFrequencies`` are given.
- ``match_query``: a free-text query (words in any order, either script, fewer parts, typos)
  against a person's readings; ``order`` is the search's tie breaker.
- ``name_keys``: blocking/index keys on the common forms (see the package docstring).
- ``NameFrequencies``: counts of common forms, an IDF-style ``weight``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise, permutations

from sabeel.engines.text._compare import HALF_WORDS, part_similarity, word_similarity
from sabeel.engines.text._forms import WordForm, common_form, has_turkish_letters, word_forms
from sabeel.engines.text._normalise import Script, detect_script
from sabeel.engines.text._readings import arabic_reading, latin_reading


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


# A match found only with two parts swapped (first name against father's name) costs this much.
SWAP_PENALTY = 0.06
# Within match_query the word order is mostly the tie breaker; out of order costs a little.
ORDER_PENALTY = 0.02
# A part present on one side only: weak evidence, a little below neutral.
MISSING_SCORE = 0.6
MISSING_WEIGHT = 0.25
# How much each role tells about a person (first and family most, the grandfather least).
ROLE_WEIGHT: Mapping[Part, float] = {Part.FIRST: 1.0, Part.FATHER: 0.8, Part.GRANDFATHER: 0.5, Part.FAMILY: 1.0}
# A part or word that met with at least this score is listed in ``agreements``.
AGREEMENT = 0.8
MAX_QUERY_WORDS = 8


@lru_cache(maxsize=1 << 17)
def _part_forms(text: str, turkish: bool = False) -> tuple[WordForm, ...]:
    return tuple(f for f in word_forms(text, turkish=turkish) if not f.spelling.isdigit())


def _turkish(name: PersonName) -> bool:
    """A name with Turkish letters in any part is read the Turkish way in every part (Cemal,
    Cut, Hatice: c is ج), whatever letters each part happens to have."""
    return any(has_turkish_letters(value) for _role, value in name.parts())


# A Latin c that no letter explains (not in ch or ck, and no Turkish letter in the name) is read
# three ways: English (k: Casim = قاسم), Turkish (ج: Cuma, Casim = جاسم) and French before e, i, y
# (س: Kacem = قاسم). ``unexplained_c`` and ``c_readings`` are shared by the search index and the
# query, so a record and a query written with such a c meet whichever way each was meant.
_UNEXPLAINED_C = re.compile(r"c(?![hk])", re.IGNORECASE)
_SOFT_C = re.compile(r"c(?=[eiy])", re.IGNORECASE)


def unexplained_c(values: Iterable[str]) -> bool:
    """Whether Latin name text has a c that could be read several ways (see above)."""
    texts = [v for v in values if v]
    return not any(has_turkish_letters(v) for v in texts) and any(_UNEXPLAINED_C.search(v) for v in texts)


def soft_c(text: str) -> str:
    """The French reading's spelling: c before e, i or y written as s."""
    return _SOFT_C.sub("s", text)


# How Turkish and French spellings write the Arabic interdentals and emphatics: ث as s (Heysam,
# Haisam for هيثم), ذ ظ ض as z (Huzeyfe for حذيفة, Rıza for رضا); English writes th and dh. A record
# registered in one of those styles keys s and z where an Arabic or English spelling keys d.
_INTERDENTALS_ARABIC = str.maketrans({"ث": "س", "ذ": "ز", "ظ": "ز", "ض": "ز"})
_INTERDENTALS_LATIN = ((re.compile("th", re.IGNORECASE), "s"), (re.compile("dh", re.IGNORECASE), "z"))


def sibilant_interdentals(text: str) -> str:
    """``text`` with ث/th written s and ذ ظ ض/dh written z, the Turkish and French way."""
    out = text.translate(_INTERDENTALS_ARABIC)
    for pattern, letter in _INTERDENTALS_LATIN:
        out = pattern.sub(letter, out)
    return out


def _readings_of(name: PersonName) -> tuple[tuple[tuple[Part, tuple[WordForm, ...]], ...], ...]:
    """The forms of a name's parts, once, or in each reading of an unexplained c."""
    plain = _forms_of(name)
    if name.script is not Script.LATIN or not unexplained_c(value for _role, value in name.parts()):
        return (plain,)
    turkish = tuple((role, forms) for role, value in name.parts() if (forms := _part_forms(value, True)))
    french = tuple((role, forms) for role, value in name.parts() if (forms := _part_forms(soft_c(value))))
    return tuple(dict.fromkeys((plain, turkish, french)))


def _forms_of(name: PersonName) -> tuple[tuple[Part, tuple[WordForm, ...]], ...]:
    turkish = _turkish(name)
    return tuple((role, forms) for role, value in name.parts() if (forms := _part_forms(value, turkish)))


def compare_names(
    a: PersonName | Sequence[PersonName],
    b: PersonName | Sequence[PersonName],
    *,
    frequencies: NameFrequencies | None = None,
) -> NameComparison:
    """Compare two people's names part by part (each side may have several readings, in either
    script: the best pair of readings counts). Symmetric; 1.0 for the same name."""
    left = (a,) if isinstance(a, PersonName) else tuple(a)
    right = (b,) if isinstance(b, PersonName) else tuple(b)
    best = NameComparison(0.0, 0.0)
    for x in left:
        fx = _forms_of(x)
        for y in right:
            result = _compare_one(fx, _forms_of(y), frequencies)
            if (result.score, result.order) > (best.score, best.order):
                best = result
    return best


def _role_weight(role: Part, forms: tuple[WordForm, ...], frequencies: NameFrequencies | None) -> float:
    weight = ROLE_WEIGHT[role]
    if frequencies is not None:
        weight *= frequencies.part_weight(forms)
    return weight


def _compare_one(
    xp: tuple[tuple[Part, tuple[WordForm, ...]], ...],
    yp: tuple[tuple[Part, tuple[WordForm, ...]], ...],
    frequencies: NameFrequencies | None,
) -> NameComparison:
    if not xp or not yp:
        return NameComparison(0.0, 0.0)
    xw = [_role_weight(r, f, frequencies) for r, f in xp]
    yw = [_role_weight(r, f, frequencies) for r, f in yp]
    sims = [[part_similarity(fx, fy) for _ry, fy in yp] for _rx, fx in xp]
    n, m = len(xp), len(yp)
    size = max(n, m)
    best: tuple[float, int, tuple[tuple[int, int], ...]] | None = None
    # Every one-to-one pairing of the parts (at most 4! = 24): the best total counts.
    for perm in permutations(range(size)):
        pairs = tuple((i, j) for i, j in enumerate(perm) if i < n and j < m)
        total = weight = 0.0
        in_role = 0
        for i, j in pairs:
            w = (xw[i] + yw[j]) / 2
            score = sims[i][j]
            if xp[i][0] != yp[j][0]:
                score -= SWAP_PENALTY
            else:
                in_role += 1
            total += w * score
            weight += w
        used_x = {i for i, _j in pairs}
        used_y = {j for _i, j in pairs}
        for i in range(n):
            if i not in used_x:
                total += xw[i] * MISSING_WEIGHT * MISSING_SCORE
                weight += xw[i] * MISSING_WEIGHT
        for j in range(m):
            if j not in used_y:
                total += yw[j] * MISSING_WEIGHT * MISSING_SCORE
                weight += yw[j] * MISSING_WEIGHT
        value = total / weight if weight else 0.0
        candidate = (round(value, 9), in_role, pairs)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    if best is None:  # pragma: no cover - permutations of a non-empty range are never empty
        return NameComparison(0.0, 0.0)
    value, _in_role, pairs = best
    agreeing = [(i, j) for i, j in pairs if sims[i][j] >= AGREEMENT]
    order = sum(1 for i, j in agreeing if xp[i][0] == yp[j][0]) / len(agreeing) if agreeing else 1.0
    agreements = tuple(PartAgreement(xp[i][0], yp[j][0], round(sims[i][j], 4)) for i, j in sorted(agreeing))
    return NameComparison(round(min(max(value, 0.0), 1.0), 4), round(order, 4), agreements)


def query_forms(query: str) -> tuple[WordForm, ...]:
    """The common forms of a free-text name query's words (digits dropped, at most 8 words)."""
    return _part_forms(query)[:MAX_QUERY_WORDS]


def match_query(
    query: str | Sequence[WordForm],
    names: Sequence[PersonName],
    *,
    frequencies: NameFrequencies | None = None,
) -> NameComparison:
    """How well a free-text query (name words in any order, either script) matches a person's
    readings: each query word meets its best person word (one-to-one), weighted (half-words and,
    with ``frequencies``, common names count less); ``order`` says how well the query's word
    order follows first → father → grandfather → family (the search's tie breaker), and out of
    order costs ``ORDER_PENALTY``. Pass ``query_forms(query)`` to reuse the query's forms across
    many candidates."""
    words = query_forms(query) if isinstance(query, str) else tuple(query)
    best = NameComparison(0.0, 0.0)
    if not words:
        return best
    weights = [_word_weight(w, frequencies) for w in words]
    total_weight = sum(weights)
    for name in names:
        for reading in _readings_of(name):  # a Latin name with an unexplained c: each reading
            person = [(role, index, form) for index, (role, forms) in enumerate(reading) for form in forms]
            if not person:
                continue
            result = _match_one(words, weights, total_weight, person)
            if (result.score, result.order) > (best.score, best.order):
                best = result
    return best


def _word_weight(form: WordForm, frequencies: NameFrequencies | None) -> float:
    weight = 0.35 if form.spelling in HALF_WORDS else 1.0
    if frequencies is not None:
        weight *= frequencies.form_weight(form)
    return weight


def _match_one(
    words: Sequence[WordForm], weights: Sequence[float], total_weight: float, person: list[tuple[Part, int, WordForm]]
) -> NameComparison:
    scored = sorted(
        ((word_similarity(q, p[2]), -qi, -pi) for qi, q in enumerate(words) for pi, p in enumerate(person)),
        reverse=True,
    )
    taken_q: dict[int, tuple[float, int]] = {}
    taken_p: set[int] = set()
    for score, nqi, npi in scored:
        qi, pi = -nqi, -npi
        if qi in taken_q or pi in taken_p:
            continue
        taken_q[qi] = (score, pi)
        taken_p.add(pi)
        if len(taken_q) == len(words) or len(taken_p) == len(person):
            break
    total = sum(weights[qi] * score for qi, (score, _pi) in taken_q.items())
    positions = [pi for qi in range(len(words)) if qi in taken_q and (pi := taken_q[qi][1]) is not None and taken_q[qi][0] >= AGREEMENT]
    # Order: the agreeing words follow the person's parts in order, and a query that starts with
    # an agreeing word starts with the first name (people type first, father, family): "Mohammed
    # Ali Hourani" is Mohammed son of Ali, not Mohammed's child (… | Mohammed | Ali | Hourani).
    checks = len(positions) - 1
    good = sum(_step(person, p, q) for p, q in pairwise(positions))
    if len(words) > 1 and 0 in taken_q and taken_q[0][0] >= AGREEMENT:
        checks += 1
        good += person[taken_q[0][1]][0] is Part.FIRST
    order = good / checks if checks > 0 else 1.0
    score = total / total_weight - ORDER_PENALTY * (1 - order)
    agreed: dict[Part, float] = {}
    for score_q, pi in taken_q.values():
        if score_q >= AGREEMENT:
            role = person[pi][0]
            agreed[role] = max(agreed.get(role, 0.0), score_q)
    agreements = tuple(PartAgreement(role, None, round(agreed[role], 4)) for role in PARTS if role in agreed)
    return NameComparison(round(min(max(score, 0.0), 1.0), 4), round(order, 4), agreements)


def _step(person: list[tuple[Part, int, WordForm]], before: int, after: int) -> float:
    """How well two query words that follow each other follow the person's parts: 1.0 in order
    (first + family, a left-out grandfather: usual), 0.5 from the first name to the grandfather's
    over a father's name the query left out (rare: more likely the father's name is meant), 0.0
    out of order."""
    if after <= before:
        return 0.0
    if person[after][0] is Part.GRANDFATHER and any(person[k][0] is Part.FATHER for k in range(before + 1, after)):
        return 0.5
    return 1.0


# Pairs of parts that make the pair keys (order-free): the combinations a query or a second
# record most often shares.
KEY_PAIRS: tuple[tuple[Part, Part], ...] = (
    (Part.FIRST, Part.FATHER),
    (Part.FIRST, Part.FAMILY),
    (Part.FATHER, Part.FAMILY),
    (Part.FIRST, Part.GRANDFATHER),
)


def part_key(text: str, *, turkish: bool = False) -> str:
    """The key of a whole name part: its words' common forms joined by ``+`` (``عبد الرحمن`` and
    ``Abdulrahman`` → ``'bd+rhmn``); "" when it has no letters. ``turkish``: another part of the
    same name has Turkish letters (``word_forms``)."""
    return "+".join(f.key for f in _part_forms(text, turkish))


def pair_key(a: str, b: str) -> str:
    """The order-free key of two part keys: ``p:<smaller>|<larger>``."""
    first, second = (a, b) if a <= b else (b, a)
    return f"p:{first}|{second}"


def word_keys(text: str, *, turkish: bool = False) -> tuple[str, ...]:
    """The single keys a part (or query span) is found by: ``w:<part key>`` and, for a part of
    several words, ``w:<word key>`` of each word that is not a half-word (عبد, الدين, أبو).
    ``turkish`` as for ``part_key``."""
    forms = _part_forms(text, turkish)
    if not forms:
        return ()
    keys = ["w:" + "+".join(f.key for f in forms)]
    if len(forms) > 1:
        keys.extend("w:" + f.key for f in forms if f.spelling not in HALF_WORDS)
    return tuple(dict.fromkeys(keys))


def name_keys(name: PersonName | Iterable[PersonName]) -> set[str]:
    """The blocking/index keys of a person (all readings): ``w:`` keys of every part (see
    ``word_keys``) and ``p:`` pair keys of the part keys of the ``KEY_PAIRS``. Script-independent:
    a person registered in Arabic and a query or record in any Latin style share keys."""
    names = (name,) if isinstance(name, PersonName) else tuple(name)
    keys: set[str] = set()
    for reading in names:
        parts = {role: value for role, value in reading.parts()}
        turkish = _turkish(reading)
        part_keys = {role: part_key(value, turkish=turkish) for role, value in parts.items()}
        for value in parts.values():
            keys.update(word_keys(value, turkish=turkish))
        for x, y in KEY_PAIRS:
            if part_keys.get(x) and part_keys.get(y):
                keys.add(pair_key(part_keys[x], part_keys[y]))
    return keys


def other_script_reading(name: PersonName) -> PersonName | None:
    """The name generated in the other script (Arabic → an English-style Latin reading, Latin of
    any style → Arabic), marked ``generated``; None when it cannot be produced (no parts, or
    mixed scripts). Deterministic; the reading has the same common forms as the name, so either
    finds the other."""
    parts = name.parts()
    if not parts:
        return None
    script = detect_script(" ".join(value for _role, value in parts))
    if script is Script.ARABIC:
        values = {role.value: latin_reading(value) for role, value in parts}
    elif script is Script.LATIN:
        values = {role.value: arabic_reading(value) for role, value in parts}
    else:
        return None
    if not any(values.values()):
        return None
    return PersonName(**values, generated=True)


# Weights never fall below this: even Muhammad says something.
MIN_WEIGHT = 0.15


class NameFrequencies:
    """How common each name word is (by its common form), so that common names count less.

    ``counts`` maps common forms (``common_form``/``WordForm.key``) to how many names have them;
    ``share`` is the term frequency (Splink's term-frequency adjustment wants it), ``weight`` an
    IDF-style weight from ``MIN_WEIGHT`` (the most common word) to 1.0 (rare or unknown)."""

    def __init__(self, counts: Mapping[str, int] | None = None) -> None:
        self._counts = {k: v for k, v in (counts or {}).items() if v > 0}
        self._total = sum(self._counts.values())
        self._max_idf = math.log(1 + self._total) if self._total else 1.0
        self._weights: dict[str, float] = {}

    @classmethod
    def from_names(cls, names: Iterable[PersonName]) -> NameFrequencies:
        """Counted over names (each reading once; count one reading per person for true shares):
        every word of every part, once per name."""
        counts: Counter[str] = Counter()
        for name in names:
            counts.update({f.key for _role, value in name.parts() for f in _part_forms(value) if f.spelling not in HALF_WORDS})
        return cls(counts)

    @property
    def counts(self) -> Mapping[str, int]:
        return dict(self._counts)

    @property
    def total(self) -> int:
        return self._total

    def count(self, word: str) -> int:
        return sum(self._counts.get(key, 0) for key in common_form(word).split())

    def share(self, word: str) -> float:
        """The share of names with this word (0.0 when unknown)."""
        if not self._total:
            return 0.0
        forms = _part_forms(word)
        if not forms:
            return 0.0
        return max(self._counts.get(f.key, 0) for f in forms) / self._total

    def key_weight(self, key: str) -> float:
        cached = self._weights.get(key)
        if cached is None:
            count = self._counts.get(key, 0)
            if not self._total or not count:
                cached = 1.0
            else:
                idf = math.log((1 + self._total) / count)
                cached = max(MIN_WEIGHT, min(1.0, idf / self._max_idf))
            self._weights[key] = cached
        return cached

    def form_weight(self, form: WordForm) -> float:
        return self.key_weight(form.key)

    def weight(self, word: str) -> float:
        """IDF-style weight of a word or part (its rarest word counts): ``MIN_WEIGHT`` to 1.0."""
        forms = _part_forms(word)
        return self.part_weight(forms) if forms else 1.0

    def part_weight(self, forms: Sequence[WordForm]) -> float:
        weights = [self.form_weight(f) for f in forms if f.spelling not in HALF_WORDS]
        return max(weights) if weights else 1.0
