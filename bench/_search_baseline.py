"""The baseline of the search benchmark: the registry search **as it was at commit ffe4db5**, before
the name model (issue 9), frozen here so that it can be measured in the same run as the search of
today (``bench/registry_search.py``).

What is frozen and how:

* ``person_search`` and its helpers below are ``git show ffe4db5:src/sabeel/registry/search.py``,
  copied, with two changes only: the index table (see below) and the hits, built as today's
  ``registry.search.SearchHit`` so that today's API can serve them (``order`` and ``agreements``
  left at their defaults, which the old search did not have). Ranking is the old one: score, then
  identifier matches first, then **lowest id** (as it was).
* The string work it used (``normalise``, ``name_similarity``, ``detect_script``, ``fold_digits``,
  from ``engines/text``'s ``_digits``, ``_arabic``, ``_latin``, ``_normalise`` and ``_similarity``)
  is loaded from the same commit with ``git show ffe4db5:…`` into a private package
  (``_search_baseline_text``), so later changes to ``engines/text`` cannot move the baseline.
  (At the time of writing those five files are unchanged since ffe4db5; the copy makes sure.)
* **The index.** The ``NameKey`` table has the same columns as at ffe4db5
  (``git diff ffe4db5 -- src/sabeel/registry/models*`` adds only ``Individual.generated_names``),
  but its *keys* are not the old ones: the loader now indexes the typed names together with the
  generated other-script reading (``registry.readings``), and the key function is free to change
  with the name model. So the baseline builds **its own keys table in the bench database**,
  ``bench_search_baseline_key`` (same columns and covering index as ``NameKey``), filled with the
  old ``name_keys_for`` of each person's *typed* names only (there were no generated readings at
  ffe4db5), and its queries read that table. ``build_keys`` does it, after the registry is loaded.

Serving it over HTTP: ``wsgi()`` (a gunicorn app factory, ``_search_baseline:wsgi()``) is today's
``sabeel.config.wsgi`` application with the API's ``person_search`` replaced by a dispatcher: a
request with the header ``X-Bench-Search: baseline`` is answered by the frozen search, any other
by today's ``registry.search.person_search``, unchanged. Both go through the same middleware,
session, permission checks and read auditing, so the two can be timed interleaved, query by query,
against one server.
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib.util
import math
import re
import subprocess
import sys
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

FROZEN_AT = "ffe4db5"
ROOT = Path(__file__).resolve().parents[1]
TABLE = "bench_search_baseline_key"
HEADER = "HTTP_X_BENCH_SEARCH"  # the WSGI name of X-Bench-Search


# --- engines/text as it was at ffe4db5 ----------------------------------------------------------

_TEXT_MODULES = ("_digits", "_arabic", "_latin", "_normalise", "_similarity")
_PACKAGE = "_search_baseline_text"


def _frozen_text() -> types.ModuleType:
    """``engines/text``'s string modules at ``FROZEN_AT``, as the package ``_search_baseline_text``."""
    if _PACKAGE in sys.modules:
        return sys.modules[_PACKAGE]
    package = types.ModuleType(_PACKAGE)
    package.__path__ = []
    sys.modules[_PACKAGE] = package
    for name in _TEXT_MODULES:
        path = f"src/sabeel/engines/text/{name}.py"
        source = subprocess.run(
            ["git", "show", f"{FROZEN_AT}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout
        source = source.replace("sabeel.engines.text.", f"{_PACKAGE}.")
        spec = importlib.util.spec_from_loader(f"{_PACKAGE}.{name}", loader=None, origin=f"{FROZEN_AT}:{path}")
        assert spec is not None
        module = importlib.util.module_from_spec(spec)
        module.__file__ = f"{FROZEN_AT}:{path}"
        sys.modules[spec.name] = module
        exec(compile(source, f"{FROZEN_AT}:{path}", "exec"), module.__dict__)  # noqa: S102 - our own file at a fixed commit
        setattr(package, name, module)
    return package


_text = _frozen_text()
NormalisedText = _text._normalise.NormalisedText
Script = _text._normalise.Script
detect_script: Callable[[str], Any] = _text._normalise.detect_script
normalise: Callable[[str], Any] = _text._normalise.normalise
fold_digits: Callable[[str], str] = _text._digits.fold_digits
_name_similarity: Callable[[Any, Any], float] = _text._similarity.name_similarity

# --- search.py at ffe4db5 (keys) ----------------------------------------------------------------

MAX_QUERY = 200
CANDIDATES = 600
MAX_QUERY_WORDS = 6
MAX_SPAN = 3
# Pairs of name parts indexed together: (first, father), (first, family), (father, family).
_PAIRS = ((0, 1), (0, 3), (1, 3))
# Words that are only ever half of a name ("Abd" al-Rahman, Nur al-"Din", "Abu" Zaid).
_HALF_WORDS = frozenset({"abd", "din", "abu", "bin", "ibn", "bint", "ben", "عبد", "دين", "ابو", "بن", "بنت"})
_KEY_LENGTH = 64
_GLUED_ARTICLE = re.compile(r"^(?:al|el|il|ul)([a-z]{4,})$")
# The consonant classes of engines.text skeletons, for keys one edit away from a typed word.
_SKELETON_LETTERS = "bdfhjklmnrstzxSG"
NAME_FIELDS_AR = ("first_name_ar", "father_name_ar", "grandfather_name_ar", "family_name_ar")
NAME_FIELDS_LAT = ("first_name_lat", "father_name_lat", "grandfather_name_lat", "family_name_lat")


@lru_cache(maxsize=1 << 17)
def _token_skeleton(token: str) -> str:
    skeleton = "".join(normalise(token).skeleton)
    if not skeleton:
        # Skeletons drop a final h, which leaves "Yahya" / "يحيى" with nothing: keep it here (a
        # consonant appended and taken off again stops the rule).
        stop = "ب" if detect_script(token) is Script.ARABIC else "b"
        skeleton = "".join(normalise(token + stop).skeleton)[:-1]
    return skeleton


def _unit_key(tokens: Sequence[str]) -> str:
    # A name of vowels only ("Aya", "آية") has no skeleton: its folded spelling stands in.
    skeleton = "".join(_token_skeleton(t) for t in tokens)
    return skeleton or "=" + "".join(tokens)


def _words(text: str) -> tuple[str, ...]:
    return tuple(t for t in normalise(text).tokens if not t.isdigit())


def _glued_article(token: str) -> str:
    """The word without an article written onto it ("AlKhatib", "Elhariri"), or ""."""
    match = _GLUED_ARTICLE.match(token)
    return match.group(1) if match else ""


@lru_cache(maxsize=1 << 17)
def _part(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the keys of the whole part, the single keys it is found by) for one name field's value;
    a part written with its article glued on ("AlKhatib") has a second whole key without it."""
    tokens = _words(text)
    if not tokens:
        return (), ()
    wholes = [_unit_key(tokens)]
    if len(tokens) == 1 and _glued_article(tokens[0]):
        wholes.append(_unit_key((_glued_article(tokens[0]),)))
    singles = set(wholes)
    if len(tokens) > 1:
        singles.update(_unit_key((t,)) for t in tokens if t not in _HALF_WORDS)
    return tuple(dict.fromkeys(wholes)), tuple(sorted(singles))


def _pair_key(a: str, b: str) -> str:
    first, second = (a, b) if a <= b else (b, a)
    return f"p:{first}|{second}"[:_KEY_LENGTH]


def name_keys_for(fields: Mapping[str, str]) -> set[str]:
    """The search-index keys of one person, from the values of the eight name fields (ffe4db5)."""
    keys: set[str] = set()
    for names in (NAME_FIELDS_AR, NAME_FIELDS_LAT):
        parts = [_part(fields.get(name) or "") for name in names]
        for _whole, singles in parts:
            keys.update(f"s:{s}"[:_KEY_LENGTH] for s in singles)
        for i, j in _PAIRS:
            for a in parts[i][0]:
                for b in parts[j][0]:
                    keys.add(_pair_key(a, b))
    return keys


@dataclass(frozen=True)
class QueryKeys:
    words: tuple[str, ...]
    singles: tuple[str, ...]
    pairs: tuple[str, ...]
    spans: tuple[tuple[int, int, str], ...] = field(repr=False, default=())
    pair_words: Mapping[str, frozenset[int]] = field(repr=False, default_factory=dict)


def query_keys(query: str) -> QueryKeys:
    """The single and pair keys of a name query (at most ``MAX_QUERY_WORDS`` words are used)."""
    words = _words(query)[:MAX_QUERY_WORDS]
    spans: list[tuple[int, int, str]] = []
    for start in range(len(words)):
        for end in range(start + 1, min(start + MAX_SPAN, len(words)) + 1):
            spans.append((start, end, _unit_key(words[start:end])))
        glued = _glued_article(words[start])
        if glued:
            spans.append((start, start + 1, _unit_key((glued,))))
    singles = sorted({f"s:{key}"[:_KEY_LENGTH] for _s, _e, key in spans})
    pair_words: dict[str, frozenset[int]] = {}
    for a in spans:
        for b in spans:
            if a[1] <= b[0]:
                key = _pair_key(a[2], b[2])
                pair_words[key] = pair_words.get(key, frozenset()) | frozenset(range(a[0], a[1])) | frozenset(range(b[0], b[1]))
    return QueryKeys(
        words=words, singles=tuple(singles), pairs=tuple(sorted(pair_words)), spans=tuple(spans), pair_words=pair_words
    )


def _one_edit(skeleton: str) -> set[str]:
    """Skeletons one deletion, substitution, insertion or transposition away."""
    out: set[str] = set()
    n = len(skeleton)
    for i in range(n):
        out.add(skeleton[:i] + skeleton[i + 1 :])
        for letter in _SKELETON_LETTERS:
            out.add(skeleton[:i] + letter + skeleton[i + 1 :])
        if i + 1 < n:
            out.add(skeleton[:i] + skeleton[i + 1] + skeleton[i] + skeleton[i + 2 :])
    for i in range(n + 1):
        for letter in _SKELETON_LETTERS:
            out.add(skeleton[:i] + letter + skeleton[i:])
    out.discard(skeleton)
    return {s for s in out if s}


def fuzzy_pair_keys(keys: QueryKeys, suspects: Iterable[int] | None = None) -> tuple[str, ...]:
    singles = [(s, e, k) for s, e, k in keys.spans if e - s == 1 and not k.startswith("=")]
    vary = set(range(len(keys.words))) if suspects is None else set(suspects)
    variants = {s: _variants(keys.words[s], k) for s, _e, k in singles if s in vary}
    found: set[str] = set()
    for a in singles:
        for b in singles:
            if a[1] > b[0]:
                continue
            found.update(_pair_key(variant, b[2]) for variant in variants.get(a[0], ()))
            found.update(_pair_key(a[2], variant) for variant in variants.get(b[0], ()))
    return tuple(sorted(found - set(keys.pairs)))


def _variants(word: str, skeleton: str) -> set[str]:
    out = _one_edit(skeleton)
    for i in range(len(word)):
        out.add(_token_skeleton(word[:i] + word[i + 1 :]))
        if i + 1 < len(word):
            out.add(_token_skeleton(word[:i] + word[i + 1] + word[i] + word[i + 2 :]))
    out.discard(skeleton)
    out.discard("")
    return out


def suspect_words(keys: QueryKeys, counts: Mapping[str, int]) -> set[int]:
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


# --- scoring (ffe4db5) --------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def _folded(token: str) -> Any:
    return normalise(token)


@lru_cache(maxsize=1 << 19)
def _token_score(a: str, b: str) -> float:
    return _name_similarity(_folded(a), _folded(b))


@lru_cache(maxsize=1 << 17)
def _name_words(text: str) -> tuple[str, ...]:
    return _words(text)


class _Scorer:
    def __init__(self, words: Sequence[str]) -> None:
        self.words: list[tuple[str, int, dict[str, float]]] = [(word, len(word), {}) for word in words]
        self.weight = float(sum(len(word) for word in words))

    def score(self, names: Iterable[str]) -> float:
        candidates: set[str] = set()
        for text in names:
            if text:
                candidates.update(_name_words(text))
        if not self.words or not candidates:
            return 0.0
        total = 0.0
        for word, length, seen in self.words:
            best = 0.0
            for other in candidates:
                value = seen.get(other)
                if value is None:
                    value = seen[other] = _token_score(word, other)
                if value > best:
                    best = value
            total += best * length
        return round(total / self.weight, 4)


# --- the selector (ffe4db5; the index table is ``TABLE``) ---------------------------------------


def _digits_only(text: str) -> str:
    return "".join(c for c in fold_digits(text) if c.isdigit())


MIN_SCORE = 0.65
IDENTIFIER_DIGITS = 3
FUZZY_WEIGHT = 0.5
RARITY_SCALE = 1e7
ROW_BUDGET = 20_000
FUZZY_ROW_BUDGET = 8_000
SUSPECT_BELOW = 3
SUSPECT_SHARE = 0.05
_HIT_FIELDS = (
    "id", "household_id", "household__registration_number", "household__working_group_id", "household__status",
    "sex", "date_of_birth", "dob_precision", "relationship", "status", *NAME_FIELDS_AR, *NAME_FIELDS_LAT,
)  # fmt: skip


def _counts(groups: set[int], keys: Sequence[str]) -> dict[str, int]:
    from django.db import connection

    if not keys or not groups:
        return {}
    sql = (
        f'SELECT key, COUNT(*) FROM "{TABLE}" WHERE working_group_id = ANY(%s) AND key = ANY(%s) GROUP BY key'  # noqa: S608
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [sorted(groups), list(keys)])
        return {key: n for key, n in cursor.fetchall()}


def _budgeted(counts: Mapping[str, int], budget: int, weight: float) -> dict[str, float]:
    chosen: dict[str, float] = {}
    for key in sorted(counts, key=lambda k: (counts[k], k)):
        if counts[key] > budget and chosen:
            continue
        budget -= counts[key]
        chosen[key] = weight * math.log(RARITY_SCALE / counts[key])
    return chosen


def _name_candidates(groups: set[int], keys: QueryKeys) -> list[int]:
    from django.db import connection

    if not keys.pairs or not groups:
        return []
    exact = _counts(groups, keys.pairs)
    suspects = suspect_words(keys, exact)
    fuzzy = _counts(groups, fuzzy_pair_keys(keys, suspects)) if suspects else {}
    chosen = _budgeted(exact, ROW_BUDGET, 1.0)
    chosen.update(_budgeted(fuzzy, FUZZY_ROW_BUDGET, FUZZY_WEIGHT))
    if not chosen:
        return []
    weights = ", ".join(["(%s, CAST(%s AS REAL))"] * len(chosen))
    in_groups = ", ".join(["%s"] * len(groups))
    sql = (
        f"WITH w(k, weight) AS (VALUES {weights}) "  # noqa: S608 - placeholders only
        f'SELECT nk.individual_id, SUM(w.weight) AS score FROM "{TABLE}" nk JOIN w ON nk.key = w.k '
        f"WHERE nk.working_group_id IN ({in_groups}) "
        "GROUP BY nk.individual_id ORDER BY score DESC, nk.individual_id DESC LIMIT %s"
    )
    params: list[Any] = [v for item in chosen.items() for v in item]
    params += sorted(groups)
    params.append(CANDIDATES)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _candidates_by_singles(groups: set[int], singles: Sequence[str]) -> list[int]:
    from django.db import connection

    found: dict[int, None] = {}
    sql = f'SELECT individual_id FROM "{TABLE}" WHERE working_group_id = ANY(%s) AND key = %s LIMIT %s'  # noqa: S608
    with connection.cursor() as cursor:
        for key in singles:
            cursor.execute(sql, [sorted(groups), key, CANDIDATES])
            found.update(dict.fromkeys(row[0] for row in cursor.fetchall()))
    return list(found)


def _identifier_hits(text: str, *, phone_groups: dict[int, Any], id_groups: set[int], all_groups: set[int]) -> dict[int, str]:
    from sabeel.registry.models import ExternalId, Household, Individual, Phone
    from sabeel.registry.numbers import external_id_normalise, phone_to_e164, registration_number_parse

    matched: dict[int, str] = {}
    households: dict[int, str] = {}
    number = registration_number_parse(text)
    if number is not None:
        for pk in Household.objects.filter(registration_number=number, working_group_id__in=all_groups).values_list("pk", flat=True):
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
    from sabeel.registry.models import Individual

    ids = list(ids)
    if not ids:
        return {}
    rows = Individual.objects.filter(pk__in=ids, household__working_group_id__in=groups).values(*_HIT_FIELDS)
    return {row["id"]: row for row in rows}


def _score_names(words: Sequence[str], ids: Sequence[int]) -> dict[int, float]:
    from sabeel.registry.models import Individual

    if not ids:
        return {}
    scorer = _Scorer(words)
    rows = Individual.objects.filter(pk__in=list(ids)).values_list("id", *NAME_FIELDS_AR, *NAME_FIELDS_LAT)
    return {row[0]: scorer.score(row[1:]) for row in rows}


def person_search(*, actor: Any, query: str, limit: int = 25) -> Any:
    """``registry.search.person_search`` as it was at ffe4db5 (returns today's ``SearchResult``)."""
    from django.utils.translation import gettext as _

    from sabeel.core import audit
    from sabeel.core.exceptions import ServiceError
    from sabeel.core.permissions import groups_for, require
    from sabeel.registry.fieldgroups import allowed_fields
    from sabeel.registry.search import SearchResult
    from sabeel.workgroups.models import WorkingGroup

    require(actor, "person.search")
    text = " ".join((query or "").split())
    if not 2 <= len(text) <= MAX_QUERY:
        message = _("Type a name, a registration number, a phone number or an id of 2 to %(max)d characters.") % {"max": MAX_QUERY}
        raise ServiceError(message, fields={"query": [message]})
    limit = max(1, min(limit, 100))
    group_ids = groups_for(actor, "person.search")
    groups = {g.pk: g for g in WorkingGroup.objects.filter(pk__in=group_ids)}
    allowed = {pk: allowed_fields(actor, group) for pk, group in groups.items()}
    name_groups = {pk for pk, fields in allowed.items() if "first_name_ar" in fields}
    id_groups = {pk for pk, fields in allowed.items() if "external_ids" in fields}

    exact = _identifier_hits(text, phone_groups={pk: groups[pk] for pk in name_groups}, id_groups=id_groups, all_groups=set(groups))
    scores: dict[int, float] = {}
    keys = query_keys(text)
    if keys.words and name_groups and len(_digits_only(text)) < IDENTIFIER_DIGITS:
        candidates = _name_candidates(name_groups, keys)
        if not candidates:
            candidates = _candidates_by_singles(name_groups, keys.singles)
        scores = _score_names(keys.words, candidates)

    ranked: list[tuple[float, int, int, str]] = [(1.0, 0, pk, how) for pk, how in exact.items()]
    ranked += [(score, 1, pk, "name") for pk, score in scores.items() if pk not in exact and score >= MIN_SCORE]
    ranked.sort(key=lambda r: (-r[0], r[1], r[2]))  # ties by lowest id, as at ffe4db5
    shown = ranked[:limit]
    rows = _rows([pk for _score, _order, pk, _how in shown], set(groups))
    hits = tuple(_hit(rows[pk], allowed, score, how) for score, _order, pk, how in shown if pk in rows)
    only_group = next(iter(groups)) if len(groups) == 1 else None
    audit.record_search(
        actor=actor, scope="person", query=text, result_count=len(hits), working_group_id=only_group,
        ids=[hit.individual_id for hit in hits],
    )  # fmt: skip
    return SearchResult(hits=hits, truncated=len(ranked) > limit)


def _hit(row: dict[str, Any], allowed: dict[int, frozenset[str]], score: float, how: str) -> Any:
    from sabeel.registry.fieldgroups import keep
    from sabeel.registry.search import SearchHit

    group_id = row["household__working_group_id"]
    values = {
        name: row[name]
        for name in (*NAME_FIELDS_AR, *NAME_FIELDS_LAT, "sex", "date_of_birth", "dob_precision", "relationship", "status")
    }
    values["household_status"] = row["household__status"]
    return SearchHit(
        individual_id=row["id"], household_id=row["household_id"], registration_number=row["household__registration_number"],
        working_group_id=group_id, score=score, matched_by=how, values=keep(values, allowed[group_id]),
    )  # fmt: skip


# --- the baseline's own index table -------------------------------------------------------------


def build_keys() -> tuple[int, int, float]:
    """(Re)build ``TABLE`` from the typed names of every person in the database with the ffe4db5
    ``name_keys_for`` (COPY, then the covering index and ANALYZE). Returns (people, keys, seconds)."""
    import time

    from django.db import connection, transaction

    from sabeel.registry.models import Individual

    started = time.perf_counter()
    people = keys = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{TABLE}"')
        cursor.execute(f'CREATE TABLE "{TABLE}" (individual_id bigint NOT NULL, working_group_id bigint NOT NULL, key varchar(64) NOT NULL)')
        names = (*NAME_FIELDS_AR, *NAME_FIELDS_LAT)
        people_rows = Individual.objects.order_by("id").values_list("id", "household__working_group_id", *names)
        raw = cursor.cursor  # psycopg's cursor under Django's wrapper
        after = 0
        while True:  # in chunks of ids: the connection cannot read while a COPY is open
            chunk = list(people_rows.filter(id__gt=after)[:20_000])
            if not chunk:
                break
            after = chunk[-1][0]
            with raw.copy(f'COPY "{TABLE}" (individual_id, working_group_id, key) FROM STDIN') as copy:
                for row in chunk:
                    people += 1
                    for key in name_keys_for(dict(zip(names, row[2:], strict=True))):
                        copy.write_row((row[0], row[1], key))
                        keys += 1
        cursor.execute(f'CREATE INDEX "{TABLE}_lookup" ON "{TABLE}" (working_group_id, key, individual_id)')
        cursor.execute(f'ANALYZE "{TABLE}"')
    return people, keys, time.perf_counter() - started


# --- serving it next to today's search ----------------------------------------------------------

_use_baseline: contextvars.ContextVar[bool] = contextvars.ContextVar("use_baseline", default=False)


def wsgi() -> Callable[..., Any]:
    """A gunicorn app factory: today's application, with ``X-Bench-Search: baseline`` requests
    answered by the frozen search and every other one by today's, unchanged (the project's own
    WSGI module, with its garbage-collection settings)."""
    from sabeel.config.wsgi import application
    from sabeel.registry import api, search

    today = search.person_search

    def dispatch(*, born: int | None = None, **kwargs: Any) -> Any:
        # The baseline knows no year of birth (the bench sends it none).
        return person_search(**kwargs) if _use_baseline.get() else today(born=born, **kwargs)

    api.person_search = dispatch  # type: ignore[attr-defined]

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        token = _use_baseline.set(environ.get(HEADER) == "baseline")
        try:
            return application(environ, start_response)
        finally:
            _use_baseline.reset(token)

    return app
