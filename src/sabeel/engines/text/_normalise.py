from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from sabeel.engines.text._arabic import _MARKS, arabic_tokens
from sabeel.engines.text._digits import fold_digits
from sabeel.engines.text._latin import latin_tokens

_ARABIC_RANGES = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff"
_ARABIC_RUN = re.compile(f"[{_ARABIC_RANGES}]+(?:[\\s\u200c\u200d]+[{_ARABIC_RANGES}]+)*")
_ARABIC_LETTER = re.compile(f"[{_ARABIC_RANGES}]")

# Arabic letters and Latin transliteration digraphs reduced to one consonant class each; long
# vowels (ا و ي) and the Latin vowels, w and y are left out, as is ع (written ', a or nothing).
_ARABIC_SKELETON = str.maketrans(
    {
        "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "x", "د": "d", "ذ": "z", "ر": "r",
        "ز": "z", "س": "s", "ش": "S", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "G",
        "ف": "f", "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "", "ي": "",
        "ا": "",
    }
)  # fmt: skip
_LATIN_SKELETON: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile("x"), "ks"),
    (re.compile("sh"), "S"),
    (re.compile("kh"), "x"),
    (re.compile("gh"), "G"),
    (re.compile("th"), "t"),
    (re.compile("g"), "j"),
    (re.compile("c"), "k"),
    (re.compile("p"), "b"),
    (re.compile("v"), "f"),
    (re.compile("[aeiouyw]"), ""),
)
_FINAL_H = re.compile("h$")
_REPEAT = re.compile(r"(.)\1+")


class Script(StrEnum):
    """The writing system of a text: Arabic, Latin (any non-Arabic letters), both, or none."""

    ARABIC = "arabic"
    LATIN = "latin"
    MIXED = "mixed"
    NONE = "none"


@dataclass(frozen=True)
class NormalisedText:
    """A text folded for comparison.

    ``tokens`` are folded in the text's own script (Arabic stays Arabic); ``skeleton`` is a
    script-independent consonant key, so that ``حمص`` and ``Homs`` meet."""

    original: str
    script: Script
    tokens: tuple[str, ...]
    skeleton: tuple[str, ...]

    @property
    def key(self) -> str:
        return " ".join(self.tokens)

    @property
    def joined(self) -> str:
        return "".join(self.tokens)

    @property
    def skeleton_key(self) -> str:
        return "".join(self.skeleton)


def detect_script(text: str) -> Script:
    """Arabic, Latin, mixed, or none (digits and punctuation only)."""
    arabic = latin = False
    for char in text:
        if not unicodedata.category(char).startswith("L"):
            continue
        if _ARABIC_LETTER.match(char):
            arabic = True
        else:
            latin = True
    if arabic and latin:
        return Script.MIXED
    if arabic:
        return Script.ARABIC
    return Script.LATIN if latin else Script.NONE


def _skeleton_token(token: str, *, arabic: bool) -> str:
    if arabic:
        token = token.translate(_ARABIC_SKELETON)
    else:
        for pattern, replacement in _LATIN_SKELETON:
            token = pattern.sub(replacement, token)
    return _REPEAT.sub(r"\1", _FINAL_H.sub("", token))


def _runs(text: str) -> list[tuple[str, bool]]:
    runs: list[tuple[str, bool]] = []
    position = 0
    for match in _ARABIC_RUN.finditer(text):
        if match.start() > position:
            runs.append((text[position : match.start()], False))
        runs.append((match.group(), True))
        position = match.end()
    if position < len(text):
        runs.append((text[position:], False))
    return runs


def normalise(text: str) -> NormalisedText:
    """Fold a name or place typed in Arabic or Latin script (or both) for comparison: see
    ``normalise_arabic`` and ``normalise_latin``; digits become ASCII in both."""
    # Arabic vowel marks and tatweel are not letters: drop them before splitting the text into
    # script runs, so that a stray mark inside a Latin word does not split it.
    text = _MARKS.sub("", fold_digits(unicodedata.normalize("NFKC", text)))
    tokens: list[str] = []
    skeleton: list[str] = []
    for run, arabic in _runs(text):
        run_tokens = arabic_tokens(run) if arabic else latin_tokens(run)
        tokens.extend(run_tokens)
        skeleton.extend(s for s in (_skeleton_token(t, arabic=arabic) for t in run_tokens) if s)
    return NormalisedText(original=text, script=detect_script(text), tokens=tuple(tokens), skeleton=tuple(skeleton))


def skeleton(text: str) -> str:
    """The script-independent consonant key of a name (``"محمد"`` and ``"Mohammed"`` → ``"mhmd"``)."""
    return " ".join(normalise(text).skeleton)
