"""How alike two name words (and two name parts) are, on the common representation.

Equal keys with compatible vowels are the same name: 1.0, whatever the scripts (محمد, Muhammad,
Mohammed and Mehmet). Equal keys with vowels that disagree (حسن/Hussein, Muhammad/Mahmoud) are
probably different names that sound alike. Otherwise a fuzzy score, from rapidfuzz's Jaro-Winkler
(C++) on the keys and, within one script, on the spellings: a typo scores high but below 1.0.
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import JaroWinkler

from sabeel.engines.text._forms import WordForm

# Same consonants, vowels that disagree: a different name that sounds alike (or a misspelling).
SAME_CONSONANTS = 0.85
# Fuzzy matches never reach the score of the same name.
FUZZY_CAP = 0.92
FUZZY_SCALE = 0.93
# Words that are only ever half of a name count less inside a part.
HALF_WORDS = frozenset({"abd", "din", "abu", "abou", "bin", "ibn", "bint", "ben", "عبد", "دين", "ابو", "بن", "بنت"})
HALF_WEIGHT = 0.35

_ARABIC_CLASSES = {"A": "a", "I": "i", "U": "u"}
_LATIN_CLASSES = {"a": "a", "i": "i", "u": "u", "e": "i"}
_WILD = frozenset("aiu")


def _latin_classes(slot: str) -> frozenset[str]:
    letters = slot.replace("'", "")
    if letters == "e":
        return _WILD  # a lone e stands for any vowel (Yousef, Mehmet, Adel)
    return frozenset(_LATIN_CLASSES[c] for c in letters if c in _LATIN_CLASSES)


def _arabic_classes(slot: str) -> frozenset[str]:
    return frozenset(_ARABIC_CLASSES[c] for c in slot if c in _ARABIC_CLASSES)


def _slot_ok(x: str, x_raw: bool, y: str, y_raw: bool) -> bool:
    if x_raw and y_raw:
        return _arabic_classes(x) == _arabic_classes(y)
    if x_raw or y_raw:
        arabic, latin = (x, y) if x_raw else (y, x)
        return _arabic_classes(arabic) <= _latin_classes(latin) or _latin_classes(latin) == _WILD
    cx, cy = _latin_classes(x), _latin_classes(y)
    return not cx or not cy or bool(cx & cy)


def _has_vowel(slot: str) -> bool:
    return any(c not in "'" for c in slot)


def _final_ok(a: WordForm, b: WordForm) -> bool:
    x, y = a.slots[-1], b.slots[-1]
    if a.tail or b.tail:
        return True
    if (not a.raw_arabic and x.replace("'", "") == "e") or (not b.raw_arabic and y.replace("'", "") == "e"):
        return True  # French silent e (Amine), Turkish final e (Emine)
    if _has_vowel(x) != _has_vowel(y):
        return False
    return _slot_ok(x, a.raw_arabic, y, b.raw_arabic)


def vowels_agree(a: WordForm, b: WordForm) -> bool:
    """Whether two words with the same key have compatible vowels (see ``_forms``)."""
    if len(a.slots) != len(b.slots):
        return False
    last = len(a.slots) - 1
    for index in range(last):
        if not _slot_ok(a.slots[index], a.raw_arabic, b.slots[index], b.raw_arabic):
            return False
    return _final_ok(a, b)


@lru_cache(maxsize=1 << 18)
def word_similarity(a: WordForm, b: WordForm) -> float:
    """0.0 to 1.0; 1.0 for the same name in either script. Symmetric."""
    if a.arabic == b.arabic and a.spelling == b.spelling:
        return 1.0
    if a.key == b.key:
        return 1.0 if vowels_agree(a, b) and vowels_agree(b, a) else SAME_CONSONANTS
    keys = JaroWinkler.similarity(a.key, b.key)
    if min(len(a.key), len(b.key)) < 3:
        keys *= 0.9  # a short key says little
    spelled = JaroWinkler.similarity(a.spelling, b.spelling) if a.arabic == b.arabic else 0.0
    return round(min(FUZZY_CAP, FUZZY_SCALE * max(keys, spelled)), 4)


def _weight(form: WordForm) -> float:
    return HALF_WEIGHT if form.spelling in HALF_WORDS else 1.0


@lru_cache(maxsize=1 << 17)
def part_similarity(a: tuple[WordForm, ...], b: tuple[WordForm, ...]) -> float:
    """How alike two name parts are (each one or more words, e.g. عبد الرحمن): word by word in
    order when they have as many words, else each word against its best partner on the other side
    (both ways); half-words (عبد, الدين, أبو) count less. Symmetric."""
    if not a or not b:
        return 0.0
    if len(a) == len(b):
        total = weight = 0.0
        for x, y in zip(a, b, strict=True):
            w = (_weight(x) + _weight(y)) / 2
            total += w * word_similarity(x, y)
            weight += w
        in_order = total / weight
        if len(a) == 1:
            return in_order
    else:
        in_order = 0.0
    total = weight = 0.0
    for x in a:
        total += _weight(x) * max(word_similarity(x, y) for y in b)
        weight += _weight(x)
    for y in b:
        total += _weight(y) * max(word_similarity(x, y) for x in a)
        weight += _weight(y)
    joined = 0.0
    if len(a) != len(b) and "".join(f.key for f in a) == "".join(f.key for f in b):
        joined = SAME_CONSONANTS  # "Abdulrahman" against "عبد الرحمن" split differently
    return round(max(in_order, total / weight, joined), 4)
