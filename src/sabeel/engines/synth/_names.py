"""Name tables, weighted choice among them, and the ways a name's spelling varies between lists
(data in ``_name_data.py``)."""

from __future__ import annotations

import random
from bisect import bisect_right
from itertools import accumulate

from sabeel.engines.synth._name_data import FAMILY, FEMALE, MALE

# Cohort multipliers for tagged first names: older cohorts (born before 1975), the middle ones, the young
# (born 2000 or later). A modelling choice: Fatima and Abdulqader are grandparents' names, Rahaf and
# Yazan children's.
ERA_MULTIPLIER = {"": (1.0, 1.0, 1.0), "o": (2.0, 1.0, 0.35), "y": (0.25, 1.0, 2.2)}


def era_of(birth_year: int) -> int:
    if birth_year < 1975:
        return 0
    return 1 if birth_year < 2000 else 2


# How the ``عبد`` compounds and the article are written, with relative frequencies in Latin lists.
_ABD_FORMS = (
    ("Abdul{l}", 30), ("Abd al-{s}", 18), ("Abdel {s}", 14), ("Abdel{l}", 10), ("Abdul {s}", 12),
    ("Abd Al{l}", 6), ("Abdal{l}", 5), ("Abd el-{s}", 5),
)
_ARTICLE_FORMS = (("Al-{s}", 36), ("Al {s}", 14), ("Al{l}", 10), ("El-{s}", 9), ("El {s}", 4), ("{s}", 27))


def _variant_weights(count: int) -> list[float]:
    return [0.62**i for i in range(count)]


def expand_latin(spec: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Expand a variant spec (``Mohammed,Mohamad``, ``@Rahman``, ``^Zoubi,Zubi``) into spellings
    and their relative weights."""
    if spec[0] in "@^":
        stems = spec[1:].split(",")
        forms = _ABD_FORMS if spec[0] == "@" else _ARTICLE_FORMS
        spellings: dict[str, float] = {}
        for stem, stem_weight in zip(stems, _variant_weights(len(stems)), strict=True):
            for form, form_weight in forms:
                text = form.format(s=stem, l=stem[0].lower() + stem[1:])
                spellings[text] = spellings.get(text, 0.0) + stem_weight * form_weight
        return tuple(spellings), tuple(spellings.values())
    variants = tuple(dict.fromkeys(spec.split(",")))
    return variants, tuple(_variant_weights(len(variants)))


class Name:
    """One Arabic name with its Latin spellings (a private helper)."""

    __slots__ = ("arabic", "cum", "latin", "spec", "tags", "total", "weight")

    def __init__(
        self, arabic: str, latin: tuple[str, ...], weights: tuple[float, ...], weight: float, tags: str, spec: str = ""
    ):
        self.arabic = arabic
        self.spec = spec
        self.latin = latin
        self.cum = tuple(accumulate(weights))
        self.total = self.cum[-1]
        self.weight = weight
        self.tags = tags

    def spell(self, rng: random.Random) -> str:
        if len(self.latin) == 1:
            return self.latin[0]
        return self.latin[bisect_right(self.cum, rng.random() * self.total, 0, len(self.latin) - 1)]


def _parse(block: str) -> tuple[Name, ...]:
    names = []
    for line in block.strip().splitlines():
        arabic, spec, weight, tags = line.split("|")
        latin, weights = expand_latin(spec)
        names.append(Name(arabic, latin, weights, float(weight), tags, spec))
    return tuple(names)


MALE_NAMES = _parse(MALE)
FEMALE_NAMES = _parse(FEMALE)
FAMILY_NAMES = _parse(FAMILY)


class Table:
    """Weighted choice among names (a private helper)."""

    __slots__ = ("cum", "items", "last", "total")

    def __init__(self, items: tuple[Name, ...], weights: list[float]):
        self.items = items
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]
        self.last = len(items) - 1

    def pick(self, rng: random.Random) -> Name:
        return self.items[bisect_right(self.cum, rng.random() * self.total, 0, self.last)]


def _era_tables(names: tuple[Name, ...]) -> tuple[Table, Table, Table]:
    old, middle, young = (Table(names, [n.weight * ERA_MULTIPLIER[n.tags][era] for n in names]) for era in range(3))
    return old, middle, young


MALE_BY_ERA = _era_tables(MALE_NAMES)
FEMALE_BY_ERA = _era_tables(FEMALE_NAMES)
_FAMILY_BY_GOVERNORATE: dict[str, Table] = {}


def family_table(governorate: str) -> Table:
    table = _FAMILY_BY_GOVERNORATE.get(governorate)
    if table is None:
        weights = []
        for name in FAMILY_NAMES:
            factor = 1.0
            for tag in name.tags.split(","):
                code, _, mult = tag.partition(":")
                if code == governorate:
                    factor = float(mult)
            weights.append(name.weight * factor)
        table = _FAMILY_BY_GOVERNORATE[governorate] = Table(FAMILY_NAMES, weights)
    return table


# Spelling shifts seen between lists kept by different agencies: vowels (ou/u, ee/i, o/u, e/a), q/k,
# French-style sh/ch and ou, doubled consonants, y/i at the end, Arabizi digits for ح/ع/ء.
_SHIFTS = (
    ("ou", "u"), ("u", "ou"), ("ee", "i"), ("i", "ee"), ("oo", "u"), ("o", "u"), ("e", "a"), ("a", "e"),
    ("q", "k"), ("k", "q"), ("sh", "ch"), ("ch", "sh"), ("mm", "m"), ("ss", "s"), ("dd", "d"), ("m", "mm"),
    ("aa", "a"), ("ei", "ay"), ("ai", "ei"), ("y", "i"), ("i", "y"), ("'", ""), ("-", " "), (" ", ""),
    ("z", "th"), ("th", "z"), ("dh", "z"), ("j", "g"),
)


def spelling_variant(text: str, rng: random.Random, arabic: str = "") -> str:
    """Another plausible Latin spelling of ``text`` (the same string when no rule applies)."""
    if arabic and rng.random() < 0.12:
        for letter, digit in (("ح", "7"), ("ع", "3")):
            if letter in arabic:
                source = "h" if digit == "7" else "a"
                index = _arabizi_position(text, source)
                if index >= 0:
                    return text[:index] + digit + text[index + 1 :]
    start = rng.randrange(len(_SHIFTS))
    for offset in range(len(_SHIFTS)):
        old, new = _SHIFTS[(start + offset) % len(_SHIFTS)]
        index = text.lower().find(old, 1)
        if index > 0:
            replaced = text[:index] + new + text[index + len(old) :]
            if replaced != text and replaced.strip() == replaced and replaced:
                return replaced
    return text


def _arabizi_position(text: str, letter: str) -> int:
    lower = text.lower()
    for index in range(1, len(lower)):
        if lower[index] == letter and lower[index - 1] not in "kstgdcz":
            return index
    return -1


_ARABIC_ORTHOGRAPHY = (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ة", "ه"), ("ى", "ي"), ("ي", "ى"), ("ؤ", "و"), ("ئ", "ي"))


def arabic_variant(text: str, rng: random.Random) -> str:
    """The same Arabic name as another clerk writes it: hamza dropped, ة as ه, ى/ي, joined عبد."""
    candidates = [(old, new) for old, new in _ARABIC_ORTHOGRAPHY if old in text and not (old == "ي" and not text.endswith("ي"))]
    if text.startswith("عبد "):
        candidates.append(("عبد ", "عبد"))
    if text.startswith("ال") and " " not in text and rng.random() < 0.3:
        candidates.append(("ال", ""))
    if not candidates:
        return text
    old, new = candidates[rng.randrange(len(candidates))]
    if old == "ي":
        return text[:-1] + new
    return text.replace(old, new, 1)


_LATIN_LETTERS = "abcdefghijklmnorstuwyz"
_ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def typo(text: str, rng: random.Random, *, arabic: bool) -> str:
    """One keying error: a letter dropped, doubled, replaced or two letters swapped."""
    if len(text) < 3:
        return text + (rng.choice(_ARABIC_LETTERS) if arabic else rng.choice(_LATIN_LETTERS))
    index = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    letters = _ARABIC_LETTERS if arabic else _LATIN_LETTERS
    if kind == 0:
        result = text[:index] + text[index + 1 :]
    elif kind == 1:
        result = text[:index] + text[index] + text[index:]
    elif kind == 2:
        result = text[:index] + rng.choice(letters) + text[index + 1 :]
    else:
        result = text[: index - 1] + text[index] + text[index - 1] + text[index + 1 :]
    result = " ".join(result.split())
    return result if result and result != text else text + text[-1]
