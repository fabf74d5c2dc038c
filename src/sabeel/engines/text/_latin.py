from __future__ import annotations

import re
import unicodedata

from sabeel.engines.text._digits import fold_digits

_SPECIAL = str.maketrans({"ı": "i", "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l", "ħ": "h"})
# Apostrophes and the marks used for ayn and hamza are dropped inside a word: "Dar'a" → "dara".
_MARKS = re.compile("['\u2018\u2019\u201b`\u00b4\u02bb\u02bc\u02bd\u02be\u02bf]")
_NON_WORD = re.compile(r"[\W_]+")
_ARTICLES = frozenset(
    ["al", "el", "il", "ul", "as", "es", "us", "ad", "ed", "ud", "ash", "esh", "ush", "ar", "er", "ur", "an", "en", "un", "at", "et", "ut", "az", "ez", "uz", "ath", "adh"]
)
_ABD_ALONE = frozenset({"abdul", "abdel", "abdal", "abdol", "abdoul", "abdil", "abdu", "abde"})
_ABD_GLUED = re.compile(r"^abd(?:oul|ul|el|al|ol|il|u|e|a|o)?(?=[a-z]{3,}$)")
# "Nureddin", "Salahuddin", "Alaeddine": the "-ad-din" suffix written as one word.
_DIN_GLUED = re.compile(r"^([a-z]{3,}?)(?:[aeiou]?d)?dine?$")
# Whole-word spelling variants of common names, after accents and apostrophes are gone.
_NAME_VARIANTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^m[ou]h?[ae]m+[ae]d$"), "muhamad"),
    (re.compile(r"^ahm[ae]d$"), "ahmad"),
    (re.compile(r"^m[ae]hm[ou]+d$"), "mahmud"),
    (re.compile(r"^h[ou]s+[ae]i?[iyn]n?$|^h[ou]s+[ae]y?n$"), "husain"),
    (re.compile(r"^y[ou]+s+[eiu]f$"), "yusuf"),
    (re.compile(r"^[ou]thm[ae]n$|^[ou]sm[ae]n$"), "uthman"),
    (re.compile(r"^m[ou]st[ae]f[ae]$"), "mustafa"),
    (re.compile(r"^[ou]m[ae]r$"), "umar"),
)
# Spelling habits of English and French transliteration, applied in this order.
_SPELLING: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile("ou|oo"), "u"),
    (re.compile("ee"), "i"),
    (re.compile("ph"), "f"),
    (re.compile("dh"), "z"),
    (re.compile("dj"), "j"),
    (re.compile("ch"), "sh"),
    (re.compile("ck|q"), "k"),
    (re.compile(r"(.)\1+"), r"\1"),
    (re.compile(r"(?<=[^aeiou])y$"), "i"),
    (re.compile(r"(?<=[aeiou])h$"), ""),
)


def _ascii_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", fold_digits(text).casefold().translate(_SPECIAL))
    return "".join(c for c in text if not unicodedata.combining(c))


def _split_compounds(token: str) -> list[str]:
    if token in _ABD_ALONE:
        return ["abd"]
    glued = _ABD_GLUED.match(token)
    if glued:
        return ["abd", token[glued.end() :]]
    if len(token) >= 7:
        din = _DIN_GLUED.match(token)
        if din:
            return [din.group(1), "din"]
    return [token]


def _respell(token: str) -> str:
    for pattern, canonical in _NAME_VARIANTS:
        if pattern.match(token):
            return canonical
    for pattern, replacement in _SPELLING:
        token = pattern.sub(replacement, token)
    return token


def latin_tokens(text: str) -> list[str]:
    raw = _NON_WORD.split(_MARKS.sub("", _ascii_fold(text)))
    tokens = [part for token in raw if token for part in _split_compounds(token)]
    kept = [t for t in tokens if t not in _ARTICLES]
    if not kept:  # a name that is only an article-like word stays as it is
        kept = tokens
    return [t for t in (_respell(t) for t in kept) if t]


def normalise_latin(text: str) -> str:
    """A Latin transliteration folded for comparison: lower case, no accents or apostrophes, no
    article (al-, el-, as-, ad-, ash-, …), spelling variants of common names made one
    (Mohammed/Muhammad, Abdulrahman/Abd al-Rahman) and habits such as ou/u, ee/i, q/k, dh/z
    reduced; ASCII digits."""
    return " ".join(latin_tokens(text))
