from __future__ import annotations

import re

from sabeel.engines.text._digits import fold_digits

# Harakat, Quranic annotation marks, superscript alef, and the tatweel (kashida).
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",  # Persian/Urdu yeh
        "ې": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ة": "ه",
        "ۀ": "ه",
        "ە": "ه",  # Kurdish ae
        "ک": "ك",  # Persian keheh
        "ڤ": "ف",
        "پ": "ب",
        "چ": "ج",
        "ژ": "ز",
        "ء": "",
        "،": " ",
        "؛": " ",
        "؟": " ",
        "٫": " ",
        "٬": " ",
    }
)
_NON_WORD = re.compile(r"[^\w]+")
# "عبدالرحمن" is "عبد الرحمن" written without the space.
_ABD = re.compile(r"^(عبد)(ال)(?=\w{2,})")
_ARTICLE = "ال"


def _strip_article(token: str) -> str:
    if token.startswith(_ARTICLE) and len(token) > len(_ARTICLE) + 1:
        return token[len(_ARTICLE) :]
    return token


def arabic_tokens(text: str, *, strip_article: bool = True) -> list[str]:
    text = _INVISIBLE.sub("", text)
    text = _MARKS.sub("", text)
    text = fold_digits(text).translate(_LETTERS)
    tokens: list[str] = []
    for raw in _NON_WORD.split(text.replace("_", " ")):
        if not raw:
            continue
        split = _ABD.sub(r"\1 \2", raw).split(" ")
        tokens.extend(_strip_article(t) if strip_article else t for t in split if t)
    return tokens


def normalise_arabic(text: str, *, strip_article: bool = True) -> str:
    """Arabic text folded for comparison: no tashkeel or tatweel, one alef, ى→ي, ة→ه, ؤ→و, ئ→ي,
    hamza dropped, ASCII digits, punctuation to spaces and (by default) the article ال dropped
    from the start of each word."""
    return " ".join(arabic_tokens(text, strip_article=strip_article))
