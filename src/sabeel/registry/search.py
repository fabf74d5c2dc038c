"""Finding a person: the name keys of the search index, and the search selector.

**Keys.** The keys of the name model (``engines.text.name_keys``, the scheme the linkage engine
blocks on): every name word and part in its common form, where Arabic script and English, French,
Turkish or chat-digit spellings meet (``w:mhmd`` for محمد, Mohammed and Mehmet; ``w:'bd+rhmn``),
and **pair keys** of two parts, order-free: first + father, first + family, father + family,
first + grandfather (``p:hr|mhmd``). A single key such as ``w:mhmd`` is shared by a third of the
people; a pair is a few hundred at a million, so a query of two or more name parts is answered
from a few thousand index entries at most. ``name_keys_for`` is pure and cached per distinct part.
The keys are stored (``NameKey``) when a person is saved or bulk loaded: a change of the key
scheme needs the index rebuilt for people saved before it.

**Search.** The query's words are taken in their common forms (``engines.text.query_forms``:
either script, any transliteration style, articles and glued articles off, Eastern Arabic digits);
every contiguous run of one to three of its words is a candidate name part, and every two runs
that do not overlap give a pair key; a Latin query, and a Latin record, with a c no letter explains
is keyed in its Turkish (c = ج) and French (soft c = س) readings as well (``engines.text.unexplained_c``),
and a query with ث ذ ظ ض (th, dh) also as Turkish and French spellings write them (s, z: ``engines.text.sibilant_interdentals``). The covering index, scoped to the actor's
working groups, is read for how many people each key has; a word whose pairs meet (almost)
nobody, or far fewer people than the other words meet together, is probably mistyped, so its
pairs are also tried one consonant edit away. Then one weighted read ranks people by the keys
they share (rare keys weigh more, typo keys half, keys too common to tell anyone apart are
skipped once rarer ones are taken; equal weights are cut in an order scrambled per query, not
by id); the best ``CANDIDATES`` get a cheap word-by-word score (``engines.text.word_similarity``
on the common forms, cached per pair of words), and the best ``RESCORE`` of those are ranked by the name model,
``engines.text.match_query`` over the person's readings (each script: the typed parts, the
generated reading of ``registry.readings`` filling the parts left empty, so a record in either
script is found from either script). Hits are ordered by the name model's score, equal scores by
how well the name order agrees (``order``), then by ``tie_break``, a stable hash of (query,
person): never by id, which would put the oldest registrations first. A year of birth, when the
officer gives one, is a second read of the same keys among the people born within
``YEAR_WINDOW`` years of it (the index holds each person's year, ``NameKey.born``), whose
candidates come first, and an order among equal names (``year_rank``) before the hash; it
never lifts a worse name above a better one. Only the page shown is read
in full. A single name word reads at most ``CANDIDATES`` entries of its key. A query that is a
registration number, a phone number or an external id is matched exactly on the normalised
value. Queries travel in POST bodies only; the audit trail keeps a keyed hash of the query.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from sabeel.core import audit
from sabeel.core.actors import Actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import assigned_only_groups, groups_for, is_narrowed, require, visible_to
from sabeel.engines.text import (
    KEY_PAIRS,
    PARTS,
    NameComparison,
    PartAgreement,
    WordForm,
    common_form,
    fold_digits,
    has_turkish_letters,
    match_query,
    pair_key,
    part_key,
    query_forms,
    sibilant_interdentals,
    soft_c,
    unexplained_c,
    word_forms,
    word_keys,
    word_similarity,
)
from sabeel.registry.fieldgroups import NAME_FIELDS_AR, NAME_FIELDS_LAT, allowed_fields, keep
from sabeel.registry.models import ExternalId, Household, Individual, NameKey, Phone
from sabeel.registry.numbers import external_id_normalise, phone_to_e164, registration_number_parse
from sabeel.registry.readings import person_readings
from sabeel.workgroups.models import WorkingGroup

__all__ = [
    "CANDIDATES",
    "FIRST_YEAR",
    "MAX_QUERY",
    "YEAR_WINDOW",
    "SearchHit",
    "SearchResult",
    "key_counts",
    "name_keys_for",
    "person_search",
    "query_keys",
    "tie_break",
    "weighted_candidates",
    "year_rank",
]

MAX_QUERY = 200
CANDIDATES = 300  # at a million people 300, 450 and 600 find the same share on the first page (measured)
MAX_QUERY_WORDS = 6
FIRST_YEAR = 1900  # the earliest year of birth a search accepts
MAX_SPAN = 3
# Words that are only ever half of a name (Abd al-Rahman, Nur al-Din, Abu Zaid), as the name model has them.
_HALF_WORDS = frozenset({"abd", "din", "abu", "abou", "bin", "ibn", "bint", "ben", "عبد", "دين", "ابو", "بن", "بنت"})
HALF_WORD_WEIGHT = 0.35
_KEY_LENGTH = 64
# The consonant classes of the name model's keys, for keys one edit away from a typed word, and
# the marks a key may start with (a vowel, y, w).
_KEY_LETTERS = "bdjhzsSkGflmnr"
_ONSETS = frozenset("'yw")


# --- keys ---------------------------------------------------------------------------------------


def _truncate(key: str) -> str:
    return key[:_KEY_LENGTH]


@lru_cache(maxsize=1 << 17)
def _part(text: str, turkish: bool) -> tuple[str, tuple[str, ...]]:
    """(the key of the whole part, its single keys) for one name field's value
    (``engines.text.part_key`` / ``word_keys``); ("", ()) when it has no letters."""
    return part_key(text, turkish=turkish), word_keys(text, turkish=turkish)


def name_keys_for(fields: Mapping[str, str]) -> set[str]:
    """The search-index keys of one person, from the values of the eight name fields
    (``first_name_ar`` … ``family_name_lat``; missing or empty fields are fine): the keys of the
    name model (``engines.text.name_keys``) over the Arabic and the Latin reading, cut to the
    column's length. Pure and cached per distinct part, so it costs a few microseconds per
    person in a bulk load."""
    keys: set[str] = set()
    for names in (NAME_FIELDS_AR, NAME_FIELDS_LAT):
        values = [fields.get(name) or "" for name in names]
        # A name with Turkish letters in any part is read the Turkish way in all (as the name model does).
        turkish = any(has_turkish_letters(value) for value in values)
        readings = [[_part(value, turkish) for value in values]]
        if names is NAME_FIELDS_LAT and unexplained_c(values):  # Casim: also جاسم; Kacem: also قاسم
            readings += [[_part(value, True) for value in values], [_part(soft_c(value), False) for value in values]]
        for reading in readings:
            parts = dict(zip(PARTS, reading, strict=True))
            for _whole, singles in parts.values():
                keys.update(singles)
            for x, y in KEY_PAIRS:
                if parts[x][0] and parts[y][0]:
                    keys.add(pair_key(parts[x][0], parts[y][0]))
    return {_truncate(key) for key in keys}


@dataclass(frozen=True)
class QueryKeys:
    """The index keys a name query is looked up by: ``forms`` are the query's words in the name
    model's common representation, ``words`` their spellings; ``pair_words`` says which words
    (positions in ``forms``) each pair key stands for."""

    words: tuple[str, ...]
    singles: tuple[str, ...]
    pairs: tuple[str, ...]
    spans: tuple[tuple[int, int, str], ...] = field(repr=False, default=())
    pair_words: Mapping[str, frozenset[int]] = field(repr=False, default_factory=dict)
    forms: tuple[WordForm, ...] = field(repr=False, default=())
    alternates: tuple[tuple[WordForm, ...], ...] = field(repr=False, default=())


def _alternates(query: str, forms: tuple[WordForm, ...]) -> tuple[tuple[WordForm, ...], ...]:
    """Other readings of a query: a Latin query whose c no letter explains read the Turkish way
    (c is ج: Cut, Casim, when the query has no Turkish letter to say so) and the French way (c
    before e/i is س: Kacem); a query with ث ذ ظ ض (or th, dh) as Turkish and French spellings
    write them (``engines.text.sibilant_interdentals``)."""
    readings = []
    if not has_turkish_letters(query) and unexplained_c([" ".join(f.spelling for f in forms if not f.arabic)]):
        readings += [word_forms(query, turkish=True), query_forms(soft_c(query))]
    interdentals = sibilant_interdentals(query)
    if interdentals != query:
        readings.append(query_forms(interdentals))
    keys = [tuple(f.key for f in forms)]
    out = []
    for reading in readings:
        alternate = tuple(f for f in reading if not f.spelling.isdigit())[:MAX_QUERY_WORDS]
        if len(alternate) == len(forms) and tuple(f.key for f in alternate) not in keys:
            keys.append(tuple(f.key for f in alternate))
            out.append(alternate)
    return tuple(out)


def query_keys(query: str) -> QueryKeys:
    """The single and pair keys of a name query (at most ``MAX_QUERY_WORDS`` words are used):
    every run of one to ``MAX_SPAN`` words is a candidate name part, every two runs that do not
    overlap a pair key; a Latin query with a c that could be read several ways is keyed in each
    reading (``_alternates``)."""
    forms = query_forms(query)[:MAX_QUERY_WORDS]
    alternates = _alternates(query, forms)
    spans: list[tuple[int, int, str]] = []
    for reading in (forms, *alternates):
        for start in range(len(reading)):
            for end in range(start + 1, min(start + MAX_SPAN, len(reading)) + 1):
                span = (start, end, "+".join(f.key for f in reading[start:end]))
                if span not in spans:
                    spans.append(span)
    singles = sorted({_truncate(f"w:{key}") for _s, _e, key in spans})
    pair_words: dict[str, frozenset[int]] = {}
    for a in spans:
        for b in spans:
            if a[1] <= b[0]:
                key = _truncate(pair_key(a[2], b[2]))
                pair_words[key] = pair_words.get(key, frozenset()) | frozenset(range(a[0], a[1])) | frozenset(range(b[0], b[1]))
    return QueryKeys(
        words=tuple(f.spelling for f in forms),
        singles=tuple(singles),
        pairs=tuple(sorted(pair_words)),
        spans=tuple(spans),
        pair_words=pair_words,
        forms=forms,
        alternates=alternates,
    )


def _one_edit(key: str) -> set[str]:
    """Keys one deletion, substitution, insertion or transposition of a consonant class away
    (the onset mark of a word that starts with a vowel, y or w is kept)."""
    onset = key[:1] if key[:1] in _ONSETS else ""
    body = key[len(onset) :]
    out: set[str] = set()
    n = len(body)
    for i in range(n):
        out.add(body[:i] + body[i + 1 :])
        for letter in _KEY_LETTERS:
            out.add(body[:i] + letter + body[i + 1 :])
        if i + 1 < n:
            out.add(body[:i] + body[i + 1] + body[i] + body[i + 2 :])
    for i in range(n + 1):
        for letter in _KEY_LETTERS:
            out.add(body[:i] + letter + body[i:])
    return {onset + s for s in out if s} - {key}


def fuzzy_pair_keys(keys: QueryKeys, suspects: Iterable[int] | None = None) -> tuple[str, ...]:
    """Pair keys with one of the two parts one edit away (single words only): a typo that changed
    a consonant still meets the person through the part typed right. Only the ``suspects``
    (query word positions) are varied, all single words when None."""
    singles = [(s, e, k) for s, e, k in keys.spans if e - s == 1 and not k.startswith("=")]
    vary = set(range(len(keys.words))) if suspects is None else set(suspects)
    variants = {s: _variants(keys.forms[s]) for s, _e, _k in singles if s in vary}
    found: set[str] = set()
    for a in singles:
        for b in singles:
            if a[1] > b[0]:
                continue
            found.update(_truncate(pair_key(variant, b[2])) for variant in variants.get(a[0], ()))
            found.update(_truncate(pair_key(a[2], variant)) for variant in variants.get(b[0], ()))
    return tuple(sorted(found - set(keys.pairs)))


@lru_cache(maxsize=1 << 14)
def _variants(form: WordForm) -> frozenset[str]:
    # One edit of the key, and the keys of the spelling with a letter dropped or two neighbours
    # swapped ("Kahlil": the swap broke the "kh" of Khalil).
    out = _one_edit(form.key)
    word = form.spelling
    for i in range(len(word)):
        out.add(common_form(word[:i] + word[i + 1 :]).replace(" ", "+"))
        if i + 1 < len(word):
            out.add(common_form(word[:i] + word[i + 1] + word[i] + word[i + 2 :]).replace(" ", "+"))
    out.discard(form.key)
    out.discard("")
    return frozenset(out)


def suspect_words(keys: QueryKeys, counts: Mapping[str, int]) -> set[int]:
    """Positions of the query words that meet (almost) nobody in a pair, or far fewer people
    than the other words meet together: probably mistyped, so worth varying by one edit."""
    best: dict[int, int] = dict.fromkeys(range(len(keys.words)), 0)
    for key, positions in keys.pair_words.items():
        for position in positions:
            best[position] = max(best[position], counts.get(key, 0))
    suspects = set()
    for position, count in best.items():
        others = max(
            (counts.get(k, 0) for k, positions in keys.pair_words.items() if position not in positions), default=0
        )
        if count < max(SUSPECT_BELOW, SUSPECT_SHARE * others):
            suspects.add(position)
    return suspects


# --- scoring ------------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 17)
def _name_forms(text: str) -> tuple[WordForm, ...]:
    return query_forms(text)


@lru_cache(maxsize=1 << 18)
def _best_in(form: WordForm, text: str) -> float:
    """The best score of a query word against the words of one name text (cached across
    searches: common names and query words recur)."""
    return max((word_similarity(form, other) for other in _name_forms(text)), default=0.0)


def name_score(words: Sequence[str], names: Iterable[str]) -> float:
    """How well a person's names (the values of their name fields, both scripts) cover the query
    words, 0.0 to 1.0: each word meets its best partner (``engines.text.word_similarity`` on the
    common forms), half-words (Abd, Abu, Din) weighing less."""
    return _Scorer(query_forms(" ".join(words))).score(names)


class _Scorer:
    """``name_score`` for many people against one query: each distinct name text (a field's
    value, shared by many people) is compared with the query words once per search; the cheap
    first cut before the name model's ``match_query``."""

    def __init__(self, forms: Sequence[WordForm], alternates: Sequence[Sequence[WordForm]] = ()) -> None:
        self.forms = tuple(forms)
        # Each query word with its other readings (``_alternates``): the best of them counts.
        self.options = tuple(tuple(dict.fromkeys((form, *(a[i] for a in alternates)))) for i, form in enumerate(self.forms))
        self.weights = tuple(HALF_WORD_WEIGHT if form.spelling in _HALF_WORDS else 1.0 for form in self.forms)
        self.weight = sum(self.weights)
        self.texts: dict[str, tuple[float, ...]] = {}

    def _best(self, text: str) -> tuple[float, ...]:
        found = self.texts.get(text)
        if found is None:
            found = self.texts[text] = tuple(max(_best_in(form, text) for form in options) for options in self.options)
        return found

    def score(self, names: Iterable[str]) -> float:
        rows = [self._best(text) for text in names if text]
        if not rows or not self.forms:
            return 0.0
        total = sum(weight * max(column) for weight, column in zip(self.weights, zip(*rows, strict=True), strict=True))
        return round(total / self.weight, 4)


# --- the selector -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    """One person found: ids, the household's number and status, the way they were found, a
    score (1.0 for an exact identifier match) and the person's redacted display values."""

    individual_id: int
    household_id: int
    registration_number: str
    working_group_id: int
    score: float
    matched_by: str  # "name", "registration_number", "phone", "external_id"
    values: dict[str, Any]  # typed names; the generated reading apart, under "generated_names"
    order: float = 1.0  # how well the query's name order agreed (engines.text.match_query)
    agreements: tuple[PartAgreement, ...] = ()  # which name parts met the query, and how well


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[SearchHit, ...]
    truncated: bool = False


def _digits_only(text: str) -> str:
    return "".join(c for c in fold_digits(text) if c.isdigit())


def _identifier_digits(text: str) -> int:
    """How many of the query's digits read as an identifier's: every digit of a word without
    letters (03 123 456) or with ``IDENTIFIER_DIGITS`` digits or more (LB-00012345-6, LB15C01234).
    One or two digits inside a word are chat-alphabet letters of a name (A7med, 3omar, Loua2i)."""
    count = 0
    for word in fold_digits(text).split():
        digits = sum(c.isdigit() for c in word)
        if digits and (digits >= IDENTIFIER_DIGITS or not any(c.isalpha() for c in word)):
            count += digits
    return count


MIN_SCORE = 0.65  # a name hit below this is noise
YEAR_WINDOW = 1  # given a year of birth, people born this many years either side are looked up first
# candidates ranked by the name model after the cheap word-by-word score: at a million people many
# share a cheap score of 1.0, and 50, 100 and 150 put the person sought on the first page for 0.935,
# 0.943 and 0.945 of 1,500 development queries (seed 13, not the benchmark's), 43, 51 and 57 ms each
RESCORE = 150
PRESCORE_FLOOR = 0.5  # below this cheap score a candidate is not worth the name model's time
IDENTIFIER_DIGITS = 3  # a query with this many identifier digits is matched as an identifier only
FUZZY_WEIGHT = 0.5  # a pair key one edit away from the query counts half
RARITY_SCALE = 1e7  # weight of a key: log(RARITY_SCALE / people who have it)
ROW_BUDGET = 50_000  # index entries read per search for the exact keys, at most (the rarest first)
FUZZY_ROW_BUDGET = 8_000  # and for the keys one edit away
SUSPECT_BELOW = 3  # a query word whose pairs meet fewer people than this is varied by one edit,
SUSPECT_SHARE = 0.05  # as is one whose pairs meet under 5 % of the people the other words meet
_HIT_FIELDS = (
    "id",
    "household_id",
    "household__registration_number",
    "household__working_group_id",
    "household__status",
    "sex",
    "date_of_birth",
    "dob_precision",
    "relationship",
    "status",
    *NAME_FIELDS_AR,
    *NAME_FIELDS_LAT,
    "generated_names",
)


def _query_error() -> ServiceError:
    message = _("Type a name, a registration number, a phone number or an id of 2 to %(max)d characters.") % {
        "max": MAX_QUERY
    }
    return ServiceError(message, fields={"query": [message]})


def _counts(groups: set[int], keys: Sequence[str], window: tuple[int, int] | None = None) -> dict[str, int]:
    if not keys:
        return {}
    rows = NameKey.objects.filter(working_group_id__in=groups, key__in=keys)
    if window is not None:
        rows = rows.filter(born__range=window)
    counted = rows.values("key").annotate(n=Count("key"))
    return {row["key"]: row["n"] for row in counted}


def _budgeted(counts: Mapping[str, int], budget: int, weight: float) -> dict[str, float]:
    """The rarest keys first, until ``budget`` index entries; a key's weight grows with rarity."""
    chosen: dict[str, float] = {}
    for key in sorted(counts, key=lambda k: (counts[k], k)):
        if counts[key] > budget and chosen:
            continue
        budget -= counts[key]
        chosen[key] = weight * math.log(RARITY_SCALE / counts[key])
    return chosen


def _name_candidates(groups: set[int], keys: QueryKeys, born: int | None = None) -> list[int]:
    """The people sharing the most, and the rarest, pair keys with the query, at most
    ``CANDIDATES``. Reads of the covering index only: how many people each key has (the exact
    keys; then, for words that meet nobody, the keys one edit away), then a weighted sum per
    person. Keys too common to tell anyone apart are skipped once rarer ones are taken. Given a
    year of birth, the same read among the people born within ``YEAR_WINDOW`` years of it comes
    first (a common name has thousands of namesakes, a few dozen of them born that year)."""
    if not keys.pairs or not groups:
        return []
    exact = _counts(groups, keys.pairs)
    suspects = suspect_words(keys, exact)
    fuzzy_keys = fuzzy_pair_keys(keys, suspects) if suspects else []
    scramble = " ".join(keys.words)
    passes: list[tuple[int, int] | None] = [None]
    if born is not None:
        passes.insert(0, (born - YEAR_WINDOW, born + YEAR_WINDOW))
    found: dict[int, None] = {}
    for window in passes:
        counts = exact if window is None else _counts(groups, keys.pairs, window)
        chosen = _budgeted(counts, ROW_BUDGET, 1.0)
        if fuzzy_keys:
            chosen.update(_budgeted(_counts(groups, fuzzy_keys, window), FUZZY_ROW_BUDGET, FUZZY_WEIGHT))
        found.update(dict.fromkeys(weighted_candidates(groups, chosen, scramble=scramble, window=window)))
    return list(found)[:CANDIDATES]


def key_counts(groups: set[int], keys: Sequence[str], window: tuple[int, int] | None = None) -> dict[str, float]:
    """Index keys → weight (rarer keys weigh more; keys too common to tell anyone apart skipped
    once rarer ones are taken), for ``weighted_candidates`` (in the same ``window`` of years of birth)."""
    return _budgeted(_counts(groups, keys, window), ROW_BUDGET, 1.0)


def weighted_candidates(
    groups: set[int], chosen: Mapping[str, float], *, scramble: str, limit: int = CANDIDATES, window: tuple[int, int] | None = None
) -> list[int]:
    """The people of ``groups`` with the highest sum of the weights of the keys they share, at
    most ``limit``; equal sums cut in an order scrambled by ``scramble``, never by id. With a
    ``window`` of years, only people born in it (from the index alone: it holds the year)."""
    if not chosen or not groups:
        return []
    table = NameKey._meta.db_table
    weights = ", ".join(["(%s, CAST(%s AS REAL))"] * len(chosen))
    in_groups = ", ".join(["%s"] * len(groups))
    sql = (
        f"WITH w(k, weight) AS (VALUES {weights}) "  # noqa: S608 - placeholders only; the table name is the model's
        f'SELECT nk.individual_id, SUM(w.weight) AS score FROM "{table}" nk JOIN w ON nk.key = w.k '
        f"WHERE nk.working_group_id IN ({in_groups}) "
        + ("AND nk.born BETWEEN %s AND %s " if window is not None else "")
        # Equal key scores are cut in an order scrambled per query (never the lowest or highest ids).
        + "GROUP BY nk.individual_id ORDER BY score DESC, (nk.individual_id * %s) %% 1000003 LIMIT %s"
    )
    params: list[Any] = [v for item in chosen.items() for v in item]
    params += sorted(groups)
    params += list(window or ())
    params += [_scramble(scramble), limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _candidates_by_singles(groups: set[int], singles: Sequence[str]) -> list[int]:
    # One limited read per key: a common single key (``s:mhmd``) is never read in full.
    found: dict[int, None] = {}
    for key in singles:
        ids = NameKey.objects.filter(working_group_id__in=groups, key=key).values_list("individual_id", flat=True)
        found.update(dict.fromkeys(ids[:CANDIDATES]))
    return list(found)


def _identifier_hits(
    text: str, *, phone_groups: dict[int, WorkingGroup], id_groups: set[int], all_groups: set[int]
) -> dict[int, str]:
    """Individual id → how it was matched, for a query that is a number or an identifier."""
    matched: dict[int, str] = {}
    households: dict[int, str] = {}
    number = registration_number_parse(text)
    if number is not None:
        for pk in Household.objects.filter(registration_number=number, working_group_id__in=all_groups).values_list(
            "pk", flat=True
        ):
            households[pk] = "registration_number"
    digits = _digits_only(text)
    has_letters = any(c.isalpha() for c in text)
    if not has_letters and 6 <= len(digits) <= 15 and phone_groups:
        numbers: set[str] = set()
        for group in phone_groups.values():
            with contextlib.suppress(ValueError):
                numbers.add(phone_to_e164(text, country=group.host_country or ""))
        if numbers:
            for pk in Phone.objects.filter(
                number__in=numbers, is_active=True, household__working_group_id__in=phone_groups
            ).values_list("household_id", flat=True):
                households.setdefault(pk, "phone")
    normalised = external_id_normalise(text)
    if id_groups and len(normalised) >= 4 and any(c.isdigit() for c in normalised):
        for household_id, individual_id in ExternalId.objects.filter(
            normalised=normalised, household__working_group_id__in=id_groups
        ).values_list("household_id", "individual_id"):
            if individual_id is not None:
                matched.setdefault(individual_id, "external_id")
            else:
                households.setdefault(household_id, "external_id")
    if households:
        for pk, household_id in Individual.objects.filter(household_id__in=households).values_list("pk", "household_id"):
            matched.setdefault(pk, households[household_id])
    return matched


def _rows(ids: Iterable[int], groups: set[int]) -> dict[int, dict[str, Any]]:
    ids = list(ids)
    if not ids:
        return {}
    rows = Individual.objects.filter(pk__in=ids, household__working_group_id__in=groups).values(*_HIT_FIELDS)
    return {row["id"]: row for row in rows}


def _scramble(text: str) -> int:
    """A multiplier from 1 to 1,000,002 derived from the query, for the candidates' cut."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") % 1_000_002 + 1


def tie_break(query: str, individual_id: int) -> int:
    """The last sort key of a name hit, after the score and the name order: a stable hash of
    (query, person), so that equal hits come in an order that is the same for the same query but
    follows neither the ids nor the registration order (lowest-id-first flatters recall)."""
    return int.from_bytes(hashlib.blake2b(f"{query}\x00{individual_id}".encode(), digest_size=8).digest(), "big")


def _score_names(text: str, keys: QueryKeys, ids: Sequence[int]) -> dict[int, NameComparison]:
    """The candidates' names compared with the query by the name model (``rank_names``). Read
    without the households: the ids come from the actor's groups' index, and the hits shown are
    read again with the group filter."""
    if not ids:
        return {}
    rows = {row[0]: row for row in _name_rows(ids)}
    # In the candidates' order (most and rarest keys shared first): equal cheap scores keep it.
    return rank_names(text, keys.forms, [rows[pk] for pk in ids if pk in rows], keys.alternates)


_NAME_COLUMNS = (*NAME_FIELDS_AR, *NAME_FIELDS_LAT)


def _name_rows(ids: Sequence[int]) -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
    """(id, typed name fields, generated names) of the people ``ids``: one plain read of the
    nine columns (the ORM's per-row work doubled this read's time at 600 candidates)."""
    meta = Individual._meta
    quote = connection.ops.quote_name
    column = {f.name: str(f.column) for f in meta.concrete_fields}
    columns = ", ".join(quote(column[name]) for name in ("id", *_NAME_COLUMNS, "generated_names"))
    placeholders = ", ".join(["%s"] * len(ids))
    sql = f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {quote(column['id'])} IN ({placeholders})"  # noqa: S608 - names from the model, values as parameters
    out = []
    with connection.cursor() as cursor:
        cursor.execute(sql, list(ids))
        for row in cursor.fetchall():
            generated = row[-1]
            if isinstance(generated, (str, bytes)):
                generated = json.loads(generated)
            out.append((row[0], dict(zip(_NAME_COLUMNS, row[1:-1], strict=True)), generated if isinstance(generated, dict) else {}))
    return out


def rank_names(
    text: str,
    forms: Sequence[WordForm],
    people: Iterable[tuple[int, Mapping[str, Any], Mapping[str, Any] | None]],
    alternates: Sequence[Sequence[WordForm]] = (),
) -> dict[int, NameComparison]:
    """(id, typed name fields, generated names) of candidates → the name model's comparison with
    the query (``match_query`` over the person's readings: each script, typed parts with the
    generated reading filling the empty ones). A cheap word-by-word score (cached per pair of
    words) first picks the ``RESCORE`` best (equal cheap scores in the order ``people`` come, for
    the search the order of the index's key weights), which the name model then ranks. Pure."""
    scorer = _Scorer(forms, alternates)
    readings: dict[int, tuple[Mapping[str, Any], Mapping[str, Any] | None]] = {}
    prescores: dict[int, float] = {}
    for pk, typed, generated in people:
        readings[pk] = (typed, generated)
        # The typed names and the generated ones (which only ever fill fields left empty).
        names = [*typed.values(), *(v for v in (generated or {}).values() if isinstance(v, str))]
        prescores[pk] = scorer.score(names)
    # A stable sort: equal cheap scores stay in the order given (the cheap score ignores roles and
    # lets one typed word answer two query words, so many candidates reach 1.0).
    best = sorted(prescores, key=lambda pk: -prescores[pk])[:RESCORE]
    out: dict[int, NameComparison] = {}
    for pk in best:
        if prescores[pk] >= PRESCORE_FLOOR:
            theirs = person_readings(*readings[pk])
            out[pk] = max((match_query(f, theirs) for f in (forms, *alternates)), key=lambda c: (c.score, c.order))
    return out


def person_search(*, actor: Actor, query: str, limit: int = 25, born: int | None = None) -> SearchResult:
    """People of the actor's working groups (those where the actor may ``person.search``) best
    matching ``query``: a name or name parts in either script, a registration number, a phone
    number or an external id. Audited with a keyed hash of the query and the result count;
    names are matched only in groups where the actor sees names, identifiers only where the actor
    sees that identifier's field group. Each hit's values are redacted. ``born``, a year of birth
    if the officer knows it, looks up the people born near it first and, among names that agree
    equally well, puts those born that year first (``year_rank``): it never outranks the name."""
    require(actor, "person.search")
    text = " ".join((query or "").split())
    if not 2 <= len(text) <= MAX_QUERY:
        raise _query_error()
    if born is not None and not FIRST_YEAR <= born <= timezone.now().year:
        message = _("Write the year of birth as four digits, from %(first)d to this year.") % {"first": FIRST_YEAR}
        raise ServiceError(message, fields={"born": [message]})
    limit = max(1, min(limit, 100))
    group_ids = groups_for(actor, "person.search")
    groups = {g.pk: g for g in WorkingGroup.objects.filter(pk__in=group_ids)}
    allowed = {pk: allowed_fields(actor, group) for pk, group in groups.items()}
    name_groups = {pk for pk, fields in allowed.items() if "first_name_ar" in fields}
    id_groups = {pk for pk, fields in allowed.items() if "external_ids" in fields}

    exact = _identifier_hits(
        text,
        phone_groups={pk: groups[pk] for pk in name_groups},
        id_groups=id_groups,
        all_groups=set(groups),
    )
    scores: dict[int, NameComparison] = {}
    keys = query_keys(text)
    # A query with an identifier's digits is an identifier, never a name; digits inside name words
    # (the chat alphabet: Mu7ammed 3omar) do not count.
    if keys.words and name_groups and _identifier_digits(text) < IDENTIFIER_DIGITS:
        # A monitor's groups: the members of the households assigned to them are the candidates
        # (a few), not the group's best name matches, which may all be other households.
        assigned = assigned_only_groups(actor, "person.search") & name_groups
        everyone = name_groups - assigned
        candidates = _name_candidates(everyone, keys, born) if everyone else []
        if not candidates and everyone:  # in an order that is no one's id order (see ``rank_names``)
            candidates = sorted(_candidates_by_singles(everyone, keys.singles), key=lambda pk: tie_break(text, pk))
        if assigned:
            members = visible_to(actor, Individual.objects.filter(household__working_group_id__in=assigned), "person.search")
            candidates = list(dict.fromkeys([*members.order_by("pk").values_list("pk", flat=True)[:CANDIDATES], *candidates]))
        scores = _score_names(text, keys, candidates)

    # Identifier matches first (one household's members in registration order), then the names by
    # the name model's score, ties by how well the name order agrees, then ``tie_break``.
    ranked: list[tuple[tuple[Any, ...], int, str, NameComparison | None]] = [
        ((0, 0.0, 0.0, index), pk, how, None) for index, (pk, how) in enumerate(exact.items())
    ]
    years = _birth_years(scores) if born is not None else {}
    ranked += [
        ((1, -c.score, -c.order, year_rank(born, years.get(pk)), tie_break(text, pk)), pk, "name", c)
        for pk, c in scores.items()
        if pk not in exact and c.score >= MIN_SCORE
    ]
    ranked.sort(key=lambda r: r[0])
    if is_narrowed(actor, "person.search"):  # a monitor: the households assigned to them only
        reachable = visible_to(actor, Individual.objects.filter(pk__in=[pk for _key, pk, _how, _c in ranked]), "person.search")
        kept = set(reachable.values_list("pk", flat=True))
        ranked = [r for r in ranked if r[1] in kept]
    shown = ranked[:limit]
    rows = _rows([pk for _key, pk, _how, _c in shown], set(groups))
    hits = tuple(_hit(rows[pk], allowed, how, comparison) for _key, pk, how, comparison in shown if pk in rows)
    only_group = next(iter(groups)) if len(groups) == 1 else None
    audit.record_search(
        actor=actor,
        scope="person",
        query=text,
        result_count=len(hits),
        working_group_id=only_group,
        ids=[hit.individual_id for hit in hits],
    )
    return SearchResult(hits=hits, truncated=len(ranked) > limit)


def year_rank(born: int | None, date_of_birth: dt.date | None) -> int:
    """How a person's date of birth agrees with the year asked for, as a sort key: 0 the same
    year, 1 a year apart, 2 unknown on either side, 3 further apart."""
    if born is None or date_of_birth is None:
        return 2
    gap = abs(date_of_birth.year - born)
    return gap if gap <= 1 else 3


def _birth_years(ids: Iterable[int]) -> dict[int, dt.date | None]:
    return dict(Individual.objects.filter(pk__in=list(ids)).values_list("pk", "date_of_birth"))


def _hit(row: dict[str, Any], allowed: dict[int, frozenset[str]], how: str, comparison: NameComparison | None) -> SearchHit:
    group_id = row["household__working_group_id"]
    values = {
        name: row[name]
        for name in (
            *NAME_FIELDS_AR, *NAME_FIELDS_LAT, "generated_names", "sex", "date_of_birth", "dob_precision", "relationship", "status",
        )
    }  # fmt: skip
    values["household_status"] = row["household__status"]
    # A search hit carries no protection-case field, so it is redacted against its working group
    # (the same answer as against the household, without a case-assignment query per hit).
    return SearchHit(
        individual_id=row["id"],
        household_id=row["household_id"],
        registration_number=row["household__registration_number"],
        working_group_id=group_id,
        score=comparison.score if comparison is not None else 1.0,
        matched_by=how,
        values=keep(values, allowed[group_id]),
        order=comparison.order if comparison is not None else 1.0,
        agreements=comparison.agreements if comparison is not None else (),
    )
