"""The common representation of one name word, whatever the script or transliteration style.

A name word becomes a ``WordForm``: its **key** (the consonants, reduced to classes that every
transliteration style agrees on, with a mark for how the word starts) and its **slots** (the
vowel material between the consonants, which decides whether two words with the same key are
really the same name: حسن/Hasan against حسين/Hussein, محمد/Muhammad against محمود/Mahmoud).

Libraries and what they do for us:

- ``pyarabic.araby`` strips tashkeel (harakat, shadda, tanwin) and tatweel from Arabic text;
- ``anyascii`` folds whatever Latin letters remain after our own rules (accents of French and
  German spellings, Vietnamese or Polish letters typed by mistake) to ASCII. Turkish and French
  letters that carry information are read *before* it: ş→sh, ç→ch, ğ→gh, and a word with
  Turkish letters has its c read as j (Cemal = جمال);
- ``rapidfuzz`` (C++) gives the Jaro-Winkler and Levenshtein scores of the fuzzy fallback
  (``_person``), replacing the hand-written ``jaro_winkler`` in the hot paths.

CAMeL Tools (Arabic morphology and transliteration) was considered and rejected: it pulls in
torch and transformers (several GB) for what a few tables and rules do here.

Consonant classes (both scripts map to the same letters):

=====  ================================  ==========================================
class  Arabic                            Latin (English, French, Turkish, chat digits)
=====  ================================  ==========================================
b      ب پ                               b p
d      ت ط ث د ض                         t d th (Turkish writes final d as t: Ahmet)
j      ج چ                               j g dj, c (Turkish: Cemal, Hatice)
h      ح خ ه                             h kh 7 5 (Turkish writes خ as h: Halil)
z      ز ذ ظ                             z dh
s      س ص                               s x(ks)
S      ش                                 sh ch ş sch
k      ك ق                               k q ck 9
G      غ                                 gh ğ 3'
f      ف                                 f ph
l m n r                                  l m n r
=====  ================================  ==========================================

The key starts with ``'`` when the word starts with a vowel, ا أ إ آ or ع (Ahmad, Omar, Ibrahim),
``y`` when it starts with ي/y (Yahya), ``w`` when with و/w/ou+vowel/Turkish v (Walid, Oualid,
Vahit). Inside the word ي و and y w are vowel material; v is w (Turkish and Kurdish). Repeated
consonants count once (Muhammad/محمد). A final h-class letter (ة ه ح, Latin -ah/-eh) is taken off
the key on both sides (``tail``): Latin cannot tell Saleh (صالح) from Hamzeh (حمزة).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from anyascii import anyascii
from pyarabic import araby

from sabeel.engines.text._digits import fold_digits
from sabeel.engines.text._syrian_names import ARABIC_TO_LATIN, LATIN_WORDS, NAMES_WITH_AL

# --- Arabic ---------------------------------------------------------------------------------------

_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3\u06a4\u06af\u067e\u0686\u0698\u06cc\u06a9]")
_ARABIC_WORDS = re.compile("[\u0621-\u064a\u0671-\u06d3]+")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# Letters folded before anything else: Persian/Urdu/Kurdish forms to the Arabic letters.
_ARABIC_FOLD = str.maketrans({"ی": "ي", "ې": "ي", "ک": "ك", "ۀ": "ة", "ە": "ة", "ٱ": "ا", "ڤ": "و", "پ": "ب", "چ": "ج", "ژ": "ز", "گ": "ك"})
# Letters as consonant classes; the rest (ا و ي ى ع ء and hamza seats, ة) are vowel material.
_ARABIC_CLASS = {
    "ب": "b", "ت": "d", "ث": "d", "ج": "j", "ح": "h", "خ": "h", "د": "d", "ذ": "z", "ر": "r", "ز": "z",
    "س": "s", "ش": "S", "ص": "s", "ض": "d", "ط": "d", "ظ": "z", "غ": "G", "ف": "f", "ق": "k", "ك": "k",
    "ل": "l", "م": "m", "ن": "n", "ه": "h",
}  # fmt: skip
_ARABIC_VOWEL = {"ا": "A", "أ": "A", "إ": "A", "آ": "A", "ى": "A", "و": "U", "ي": "I", "ع": "'", "ء": "'", "ئ": "'", "ؤ": "'", "ة": "A"}
_ALEFS = frozenset("اأإآ")
# Spelling habits that do not make a different word, for the form kept as the spelling.
_ARABIC_SPELLING = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})


def arabic_words(text: str) -> list[str]:
    """The words of an Arabic-script name part, with tashkeel and tatweel gone (pyarabic), Persian
    letter forms folded, the article ال taken off (not from names that start with it, إلهام,
    إلياس) and عبدال… written together split in two. Hamza seats are kept (إلهام is not ال+هام)."""
    text = araby.strip_tatweel(araby.strip_tashkeel(_INVISIBLE.sub("", unicodedata.normalize("NFKC", text))))
    text = text.translate(_ARABIC_FOLD)
    words: list[str] = []
    for raw in _ARABIC_WORDS.findall(text):
        if raw.startswith("عبدال") and len(raw) > 6:
            words.append("عبد")
            raw = raw[3:]
        words.append(_strip_arabic_article(raw))
    if len(words) > 1 and words[-1] == "الله":  # عبد الله: the article is part of the name
        words[-1] = "له"
    return [w for w in words if w]


def _strip_arabic_article(word: str) -> str:
    if word == "الله":
        return "له"
    if word.startswith("ال") and len(word) > 3 and arabic_spelling(word) not in NAMES_WITH_AL:
        return word[2:]
    if word.startswith("لل") and len(word) > 3:  # rare clerk's spelling of the article after ل
        return word[2:]
    return word


def arabic_spelling(word: str) -> str:
    """The word with hamza seats, ى and ة folded: what two clerks write differently."""
    return word.translate(_ARABIC_SPELLING).replace("ء", "")


# --- Latin ----------------------------------------------------------------------------------------

_TURKISH_LETTERS = frozenset("şğıİçöüŞĞÇÖÜ")
# Letters that carry information lost by a plain ASCII fold; applied before anyascii.
_LATIN_BEFORE_ASCII = str.maketrans(
    {"ş": "sh", "Ş": "sh", "ç": "ch", "Ç": "ch", "ğ": "gh", "Ğ": "gh", "ı": "i", "İ": "i", "ʿ": "'", "ʾ": "'", "’": "'", "‘": "'", "`": "'", "´": "'"}
)
_LATIN_WORDS = re.compile(r"[a-z0-9']+")
_ARTICLES = frozenset({"al", "el", "il", "ul", "as", "es", "ash", "esh", "ad", "ed", "ar", "er", "an", "en", "at", "et", "az", "ez", "adh", "ath"})
_ABD_ALONE = frozenset({"abdul", "abdel", "abdal", "abdol", "abdoul", "abdil", "abdu", "abde", "abdi"})
_ABD_GLUED = re.compile(r"^abd(?:oul|ul|el|al|ol|il|ur|us|un|ut|ud|ar|er|ir|ou|u|e|a|o|i)?(?=[a-z']{3,}$)")
_DIN_GLUED = re.compile(r"^([a-z]{3,}?)(?:[aeiou]?d)?(?:din|dine|deen|dinne)$")
_DIN_ALONE = frozenset({"eddin", "eddine", "uddin", "addin", "iddin", "aldin", "eldin", "ud-din", "edin"})
_GLUED_ARTICLE = re.compile(r"^(?:al|el)(?=[a-z]{4,}$)")
# Chat-alphabet digits: 7=ح, 3=ع, 2=ء, 5=خ, 6=ط, 9=ق, 8=غ; 3' is غ.
_CHAT = (("3'", "gh"), ("7", "h"), ("5", "kh"), ("6", "t"), ("9", "q"), ("8", "gh"), ("3", "'"), ("2", "'"))


def latin_words(text: str) -> tuple[list[str], bool]:
    """The words of a Latin-script name part, lower case, letters and apostrophes only (chat
    digits read as letters), articles dropped, ``abd``/``din`` compounds split; and whether the
    text is Turkish-style (Turkish letters seen)."""
    turkish = any(c in _TURKISH_LETTERS for c in text)
    text = fold_digits(unicodedata.normalize("NFKC", text)).translate(_LATIN_BEFORE_ASCII)
    text = anyascii(text).lower()
    raw = _LATIN_WORDS.findall(text)
    words: list[str] = []
    for token in raw:
        if any(c.isdigit() for c in token):
            if token.isdigit():
                continue
            for digit, letters in _CHAT:
                token = token.replace(digit, letters)
            token = "".join(c for c in token if not c.isdigit())
        token = token.strip("'")
        if not token:
            continue
        words.extend(_split_latin(token))
    kept = [w for w in words if w not in _ARTICLES]
    return (kept or words), turkish


def _split_latin(token: str) -> list[str]:
    plain = token.replace("'", "")
    if plain in LATIN_WORDS:
        return [plain]
    if plain in _ABD_ALONE:
        return ["abd"]
    if plain in _DIN_ALONE:
        return ["din"]
    glued = _ABD_GLUED.match(plain)
    if glued:
        return ["abd", _unglue(plain[glued.end() :])]
    if len(plain) >= 7:
        din = _DIN_GLUED.match(plain)
        if din and din.group(1) not in _ARTICLES:
            return [_unglue(din.group(1)), "din"]
    return [_unglue(token)]


def _unglue(token: str) -> str:
    """The word without an article written onto it ("Alkhatib", "Elhariri")."""
    if token in LATIN_WORDS:
        return token
    glued = _GLUED_ARTICLE.match(token)
    return token[glued.end() :] if glued else token


# --- the common form ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WordForm:
    """One name word in the common representation.

    ``spelling`` is the word folded in its own script (for typos within one script); ``key`` the
    onset mark and consonant classes; ``slots`` the vowel material around them (one more than the
    consonants after the onset); ``raw_arabic`` whether the slots come from Arabic letters (long
    vowels only; short vowels are not written) rather than a Latin spelling or reading; ``tail``
    whether a final h-class letter was taken off the key."""

    spelling: str
    arabic: bool
    key: str
    slots: tuple[str, ...]
    raw_arabic: bool
    tail: bool
    # Computed once: forms are the keys of the name model's caches, hashed millions of times per search.
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.spelling, self.arabic, self.key, self.slots, self.raw_arabic, self.tail)))

    def __hash__(self) -> int:
        return self._hash


_LATIN_CLASS = {
    "b": "b", "p": "b", "t": "d", "d": "d", "j": "j", "g": "j", "h": "h", "z": "z", "s": "s", "k": "k",
    "q": "k", "f": "f", "l": "l", "m": "m", "n": "n", "r": "r", "c": "j", "x": "s",
}  # fmt: skip
_LATIN_DIGRAPHS = {"sh": "S", "ch": "S", "kh": "h", "gh": "G", "th": "d", "dh": "z", "dj": "j", "ph": "f", "ck": "k"}
_VOWELS = frozenset("aeiou")


def _latin_symbols(word: str, turkish: bool) -> list[str]:
    """Consonant classes (one letter each, upper or lower) and vowels (``a e i u '``) in order."""
    out: list[str] = []
    i = 0
    n = len(word)
    # Onset: a vowel, y, w, "ou"+vowel (French Oualid), v (Turkish Vahit).
    if n >= 3 and word.startswith("ou") and word[2] in _VOWELS:
        out.append("w")
        i = 2
    elif word[0] in "yw":
        out.append(word[0])
        i = 1
    elif word[0] == "v":
        out.append("w")
        i = 1
    elif word[0] in _VOWELS or word[0] == "'":
        out.append("'")
    while i < n:
        c = word[i]
        pair = word[i : i + 2]
        if word.startswith("sch", i):
            out.append("S")
            i += 3
            continue
        if pair in _LATIN_DIGRAPHS and not (pair == "ch" and turkish):
            out.append(_LATIN_DIGRAPHS[pair])
            i += 2
            continue
        if c in _VOWELS:
            out.append("u" if c == "o" else c)
        elif c == "y":
            out.append("i")
        elif c in "wv":
            out.append("u")
        elif c == "'":
            out.append("'")
        elif c == "c" and not turkish and i + 1 < n and word[i + 1] in "aou":
            out.append("k")  # French/English c before a, o, u (Yacoub)
        elif c == "x":
            out.extend(("k", "s"))
        elif c in _LATIN_CLASS:
            out.append(_LATIN_CLASS[c])
        i += 1
    return out


def _arabic_symbols(word: str) -> list[str]:
    out: list[str] = []
    for index, char in enumerate(word):
        if index == 0:
            if char in _ALEFS or char in "عءئؤ":
                out.append("'")
                continue
            if char == "ي":
                out.append("y")
                continue
            if char == "و":
                out.append("w")
                continue
        if char in _ARABIC_CLASS:
            out.append(_ARABIC_CLASS[char])
        elif char in _ARABIC_VOWEL:
            out.append(_ARABIC_VOWEL[char])
    return out


def _is_consonant(symbol: str) -> bool:
    return symbol not in ("a", "e", "i", "u", "'", "A", "I", "U")


def _shape(symbols: list[str]) -> tuple[str, tuple[str, ...], bool]:
    """(key, slots, tail) from symbols; repeated consonants count once, a final h-class
    consonant is taken off when another consonant remains."""
    key: list[str] = []
    slots: list[str] = [""]
    onset = bool(symbols) and symbols[0] in ("'", "y", "w")
    start = 0
    if onset:
        key.append(symbols[0])
        start = 1
    for symbol in symbols[start:]:
        if _is_consonant(symbol):
            if len(key) > int(onset) and key[-1] == symbol:
                # A doubled consonant counts once (Arabic writes it once): Muhammad, Mamdouh,
                # Kinan; vowels between the two are dropped so that كنان and Kinan agree.
                slots[-1] = ""
                continue
            key.append(symbol)
            slots.append("")
        else:
            slots[-1] += symbol
    tail = False
    consonants = len(key) - int(onset)
    if consonants >= 2 and key[-1] == "h":
        # A final ه/ة/ح (Latin -ah, -eh): its vowels join the slot before it.
        key.pop()
        last = slots.pop()
        slots[-1] += last
        tail = True
    return "".join(key), tuple(slots), tail


@lru_cache(maxsize=1 << 16)
def arabic_form(word: str) -> WordForm:
    """The common form of one Arabic-script word (already split by ``arabic_words``). A word in
    the table of common names takes its vowels from the table's reading."""
    reading = ARABIC_TO_LATIN.get(arabic_spelling(word))
    key, slots, tail = _shape(_arabic_symbols(word))
    if reading is not None:
        latin = latin_form(reading.lower())
        if latin.key == key:
            return WordForm(arabic_spelling(word), True, key, latin.slots, False, tail or latin.tail)
    return WordForm(arabic_spelling(word), True, key or "=" + arabic_spelling(word), slots, True, tail)


# Abbreviations and the few spellings no rule reads: Mhd is Muhammad; Turkish Osman is عثمان; the
# h of Adham, Fathi, Ishaq is a letter of its own (أدهم, فتحي, إسحاق), not part of dh, th, sh.
_ABBREVIATIONS = {
    "mhd": "muhammad", "mohd": "muhammad", "muhd": "muhammad", "allah": "lah", "osman": "othman",
    "adham": "ad'ham", "fathi": "fat'hi", "fathy": "fat'hy", "ishaq": "is'haq", "eshaq": "es'haq",
    "medhat": "med'hat", "midhat": "mid'hat", "fathallah": "fat'hallah", "mishal": "mis'hal",
}  # fmt: skip


@lru_cache(maxsize=1 << 16)
def latin_form(word: str, turkish: bool = False) -> WordForm:
    """The common form of one Latin-script word (already split by ``latin_words``)."""
    word = _ABBREVIATIONS.get(word, word)
    plain = word.replace("'", "")
    key, slots, tail = _shape(_latin_symbols(word, turkish)) if plain else ("", ("",), False)
    return WordForm(plain, False, key or "=" + plain, slots, False, tail)


def word_forms(text: str, *, turkish: bool = False) -> tuple[WordForm, ...]:
    """The common forms of the words of a name part or query, in order (either script, or both).
    ``turkish``: read Latin words the Turkish way even without Turkish letters in ``text`` (another
    part of the same name has them: Cut in "Cut Abdülkadir" is جود)."""
    return _word_forms(text, turkish)


@lru_cache(maxsize=1 << 16)
def _word_forms(text: str, turkish: bool = False) -> tuple[WordForm, ...]:
    forms: list[WordForm] = []
    position = 0
    for match in _ARABIC_RUN.finditer(text):
        if match.start() > position:
            forms.extend(_latin_run(text[position : match.start()], turkish))
        forms.extend(arabic_form(w) for w in arabic_words(match.group()))
        position = match.end()
    if position < len(text):
        forms.extend(_latin_run(text[position:], turkish))
    return tuple(forms)


_ARABIC_RUN = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]+(?:[\\s\u200c\u200d]+[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]+)*")


def _latin_run(text: str, turkish: bool = False) -> list[WordForm]:
    words, marked = latin_words(text)
    return [latin_form(w, turkish or marked) for w in words]


def has_turkish_letters(text: str) -> bool:
    """Whether a text has letters only Turkish spellings use (ş ğ ı İ ç ö ü)."""
    return any(c in _TURKISH_LETTERS for c in text)


def common_form(word: str) -> str:
    """The script-independent key of a name word or part (its words' keys joined by spaces):
    ``محمد``, ``Mohammed``, ``Mehmet`` and ``Muhammad`` all give ``mhmd``; ``يحيى``, ``Yahya`` and
    ``Yehia`` give ``yh``; ``الخطيب``, ``Al-Khatib``, ``El Hatip``, ``Alkhatib`` give ``hdb``.
    Equal keys are necessary, not sufficient, for the same name (the vowels decide: see
    ``word_similarity``)."""
    return " ".join(f.key for f in word_forms(word))
