"""A name's reading in the other script: Arabic → an English-style Latin reading, Latin (any
style) → Arabic script. Deterministic.

Common names come from the table in ``_syrian_names`` (محمد → Muhammad; Mehmet, Mohammed, Halil,
Hatice → محمد, خليل, خديجة through their common form). Other words are read by rules that keep
the common form (``_forms``) unchanged, so that a reading always finds the name it was read from:
Arabic letters map to the usual English letters with a short a where a syllable needs a vowel;
Latin long vowels (i, ee, ou, oo, aa) and final vowels become ي و ا, short a, e, o, u are not
written, a final -ah/-eh is ة.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pyarabic import araby

from sabeel.engines.text._compare import word_similarity
from sabeel.engines.text._forms import (
    _ARABIC_FOLD,
    _ARABIC_WORDS,
    _INVISIBLE,
    _strip_arabic_article,
    arabic_form,
    arabic_spelling,
    latin_form,
    latin_words,
)
from sabeel.engines.text._syrian_names import _NAMES, ARABIC_TO_LATIN, LATIN_TO_ARABIC

# --- Arabic → Latin -------------------------------------------------------------------------------

_CONSONANTS = {
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z",
    "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "غ": "gh", "ف": "f", "ق": "q", "ك": "k",
    "ل": "l", "م": "m", "ن": "n", "ه": "h",
}  # fmt: skip
_VOWEL_LETTERS = frozenset("اأإآىويئؤءعة")


def _arabic_word_to_latin(word: str) -> str:
    """An English-style reading of one Arabic word (no article) not in the table."""
    out: list[str] = []
    since_vowel = 0
    letters = list(word)
    for index, char in enumerate(letters):
        following = letters[index + 1] if index + 1 < len(letters) else ""
        last = index == len(letters) - 1
        if char in _CONSONANTS:
            latin = _CONSONANTS[char]
            # t+h, s+h, d+h, k+h, g+h written apart are two letters (Fat'hi, Is'haq).
            if char == "ه" and out and out[-1][-1:] in ("t", "s", "d", "k", "g", "c") and since_vowel:
                out.append("'")
            out.append(latin)
            since_vowel += 1
            if following and following not in _VOWEL_LETTERS and (index == 0 or since_vowel >= 2):
                out.append("a")
                since_vowel = 0
            continue
        if char in "اأآ":
            out.append("a")
        elif char == "إ":
            out.append("i")
        elif char in "ىة":
            out.append("a")
        elif char == "و":
            previous = letters[index - 1] if index else ""
            if index == 0 or (following and following in "اأآ") or (previous and previous in "اأآ"):
                out.append("w")
                since_vowel += 1
                continue
            out.append("ou" if not last else "u")
        elif char == "ي":
            if index == 0 or (following and following in "اأآ"):
                out.append("y")
                since_vowel += 1
                continue
            # After the first consonant and before another, mostly a diphthong (Zaid, Saif, Haidar).
            out.append("ai" if index == 1 and following and following not in _VOWEL_LETTERS else "i")
        elif char == "ع":
            if index == 0 or (out and out[-1][-1:] not in "aeiou'"):
                out.append("a")
            else:
                out.append("'")
        elif char in "ئؤء":
            out.append("'" if out and out[-1][-1:] in "aiu" else "a")
        since_vowel = 0
    text = "".join(out).strip("'")
    text = re.sub("'{2,}", "'", text)
    return text


@lru_cache(maxsize=1 << 15)
def _arabic_reading(word: str) -> str:
    reading = ARABIC_TO_LATIN.get(arabic_spelling(word))
    if reading is not None:
        return reading
    latin = _arabic_word_to_latin(word)
    # The rules keep the key; if a letter combination defeats them, the spelling stands anyway.
    return latin[:1].upper() + latin[1:]


def _arabic_part_to_latin(text: str) -> str:
    text = araby.strip_tatweel(araby.strip_tashkeel(_INVISIBLE.sub("", unicodedata.normalize("NFKC", text))))
    raw = _ARABIC_WORDS.findall(text.translate(_ARABIC_FOLD))
    words: list[tuple[str, bool]] = []
    for word in raw:
        if word.startswith("عبدال") and len(word) > 6:
            words.append(("عبد", False))
            word = word[3:]
        stem = _strip_arabic_article(word)
        words.append((stem, stem != word and word != "الله"))
    out: list[str] = []
    index = 0
    while index < len(words):
        stem, article = words[index]
        if arabic_spelling(stem) == "عبد" and index + 1 < len(words):
            following, _ = words[index + 1]
            if following in ("له", "الله"):
                out.append("Abdullah")
            else:
                out.append("Abdul" + _arabic_reading(following).lower())
            index += 2
            continue
        reading = _arabic_reading(stem)
        out.append("Al-" + reading if article else reading)
        index += 1
    return " ".join(out)


# --- Latin → Arabic -------------------------------------------------------------------------------

_TABLE_BY_KEY: dict[str, list[tuple[str, str]]] = {}
for _line in _NAMES.strip().splitlines():
    _arabic, _latin = _line.split("|")
    if " " not in _arabic:
        _TABLE_BY_KEY.setdefault(arabic_form(_arabic).key, []).append((_arabic, _latin))

_LATIN_DIGRAPHS = (("sch", "ش"), ("sh", "ش"), ("kh", "خ"), ("gh", "غ"), ("th", "ث"), ("dh", "ذ"), ("dj", "ج"), ("ph", "ف"), ("ck", "ك"))
_LATIN_LETTERS = {
    "b": "ب", "p": "ب", "t": "ت", "d": "د", "j": "ج", "g": "ج", "h": "ح", "z": "ز", "s": "س", "k": "ك",
    "q": "ق", "f": "ف", "l": "ل", "m": "م", "n": "ن", "r": "ر", "x": "كس", "v": "و", "w": "و", "y": "ي",
}  # fmt: skip
_INITIAL_VOWEL = {"a": "أ", "e": "إ", "i": "إ", "o": "أ", "u": "أ"}


def _latin_word_to_arabic(word: str, turkish: bool) -> str:
    """Arabic letters for one Latin word (no article) not matched in the table."""
    known = LATIN_TO_ARABIC.get(word)
    if known is not None:
        return known
    form = latin_form(word, turkish)
    for arabic, _latin in _TABLE_BY_KEY.get(form.key, ()):
        if word_similarity(form, arabic_form(arabic)) == 1.0:
            return arabic
    out: list[str] = []
    i = 0
    n = len(word)
    if n >= 3 and word.startswith("ou") and word[2] in "aeiou":
        out.append("و")
        i = 2
    elif word[0] in _INITIAL_VOWEL:
        out.append(_INITIAL_VOWEL[word[0]])
        i = 1
        while i < n and word[i] in "aeiou" and word[i] != "i":
            i += 1
        if i < n and word[i] == "i" and word[0] == "a":
            out.append("ي")
            i += 1
    while i < n:
        c = word[i]
        rest = word[i:]
        if c == "'":
            i += 1
            continue
        digraph = next(((d, a) for d, a in _LATIN_DIGRAPHS if rest.startswith(d)), None)
        if digraph and not (digraph[0] == "ch" and turkish):
            out.append(digraph[1])
            i += len(digraph[0])
            continue
        if rest.startswith("ch"):
            out.append("ش" if not turkish else "ج")
            i += 2
            continue
        if c == "c":
            out.append("ك" if not turkish and i + 1 < n and word[i + 1] in "aou" else "ج")
            i += 1
            continue
        if c in "aeiou":
            run = c
            while i + len(run) < n and word[i + len(run)] in "aeiou":
                run += word[i + len(run)]
            final = i + len(run) >= n
            tail_h = i + len(run) == n - 1 and word[-1] == "h"
            if tail_h and len(word) > 3 and run in ("a", "e"):
                out.append("ة")
                i = n
                continue
            if "i" in run or run == "ee":
                out.append("ي")
            elif "ou" in run or "oo" in run or "uu" in run or (final and run in ("u", "o")):
                out.append("و")
            elif run == "aa" or (final and run == "a"):
                out.append("ا")
            i += len(run)
            continue
        if c in _LATIN_LETTERS and not (i > 0 and word[i - 1] == c and c not in "wy"):
            out.append(_LATIN_LETTERS[c])
        i += 1
    return "".join(out)


_ARTICLE_AT_START = re.compile(r"^\s*(?:al|el)(?:[-\s']+|(?=[a-z]{4,}\b))", re.IGNORECASE)


def _latin_part_to_arabic(text: str) -> str:
    words, turkish = latin_words(text)
    article = bool(_ARTICLE_AT_START.match(text)) and not (len(words) == 1 and words[0] in ("al", "el"))
    out: list[str] = []
    after_abd = False
    for position, word in enumerate(words):
        if word == "abd":
            out.append("عبد")
            after_abd = True
            continue
        arabic = "دين" if word == "din" else _latin_word_to_arabic(word, turkish)
        # Abdullah, Abdallah, Abd Allah, Abdulla: after abd, a word of the common form "l" is Allah
        # (the table's word of that form is ليلى, Layla, which "Abd" never precedes).
        if arabic == "له" or (after_abd and latin_form(word).key == "l"):
            arabic = "الله"
        elif after_abd or word == "din" or (article and position == 0):
            arabic = "ال" + arabic
        out.append(arabic)
        after_abd = False
    return " ".join(out)


def latin_reading(text: str) -> str:
    """An English-style Latin reading of an Arabic-script name part."""
    return _arabic_part_to_latin(text)


def arabic_reading(text: str) -> str:
    """An Arabic-script reading of a Latin-script name part (any transliteration style)."""
    return _latin_part_to_arabic(text)
