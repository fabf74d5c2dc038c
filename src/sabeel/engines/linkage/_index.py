"""The registry prepared for ``find_matches``: one new record against a million in milliseconds.

Running Splink for a single record costs a query plan per call (a few hundred milliseconds at
best), so the index does what Splink's prediction does, in Python, on features computed once:

* **blocking**: one hash table per blocking rule of ``_model.BLOCKING_RULES`` (the same equi-joins
  on the same common forms of the name model), so the candidates are exactly the records the
  rules would pair with the new one;
* **scoring**: each comparison level of ``_model`` evaluated on the two feature rows (the same
  conditions as the SQL, with SQL's NULL semantics: a comparison with a missing value is false),
  weighed with the trained model's match weights as Splink computes them (``Settings`` objects of
  Splink itself, so clamping, defaults and term-frequency adjustments are Splink's), the
  term frequencies counted over the registry plus the new record.

``tests/test_find_matches.py`` checks that the index gives the pairs and match weights Splink
gives (``deduplicate``) on the same records. Jaro-Winkler is rapidfuzz's, the same algorithm and
figures as DuckDB's ``jaro_winkler_similarity``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import JaroWinkler

from sabeel.engines.linkage import _features, _model
from sabeel.engines.linkage._types import Evidence, MatchPair, PersonRecord, TrainedModel

Row = tuple[Any, ...]
_COL = {name: i for i, name in enumerate(_features.COLUMNS)}
# The blocking rules as (columns of the registry record, columns of the new record) to look up.
_BLOCKS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("first", "family", "origin_governorate"), ("first", "family", "origin_governorate")),
    (("first", "father", "grandfather"), ("first", "father", "grandfather")),
    (("father", "grandfather", "family"), ("father", "grandfather", "family")),
    (("family", "birth_year", "birth_month"), ("family", "birth_year", "birth_month")),
    (("first", "birth_year", "origin"), ("first", "birth_year", "origin")),
    (("first", "father", "family"), ("father", "first", "family")),  # first and father swapped
    (("first", "head"), ("first", "head")),
)


def _jw(a: str | None, b: str | None) -> float:
    if a is None or b is None:
        return -1.0
    return float(JaroWinkler.similarity(a, b))


def _eq(a: Any, b: Any) -> bool:
    """SQL equality: false when either side is NULL."""
    return a is not None and b is not None and a == b


# --- the comparison levels of ``_model`` in Python (same order, same conditions) ----------------


def _swap(a: int, b: int, keep: int) -> Callable[[Row, Row], bool]:
    return lambda x, y: _eq(x[a], y[b]) and _eq(x[b], y[a]) and _eq(x[keep], y[keep])


def _name_levels(part: str) -> list[Callable[[Row, Row], bool]]:
    p, alt, ar = _COL[part], _COL[f"{part}_alt"], _COL[f"{part}_ar"]
    typed = _COL["ar_typed"]

    def exact(x: Row, y: Row) -> bool:
        return _eq(x[p], y[p]) or _eq(x[p], y[alt]) or _eq(x[alt], y[p]) or _eq(x[alt], y[alt])

    def best_jw(x: Row, y: Row) -> float:
        a_l, a_r = x[p], y[p]
        b_l = x[alt] if x[alt] is not None else a_l
        b_r = y[alt] if y[alt] is not None else a_r
        return max(_jw(a_l, a_r), _jw(b_l, a_r), _jw(a_l, b_r), _jw(b_l, b_r))

    levels: list[Callable[[Row, Row], bool]] = [
        lambda x, y: _eq(x[ar], y[ar]),
        lambda x, y: exact(x, y) and (x[ar] is None or y[ar] is None),
    ]
    if part == "first":
        levels.append(lambda x, y: exact(x, y) and bool(x[typed]) and bool(y[typed]))
    levels += [
        exact,
        lambda x, y: best_jw(x, y) >= _model.JW_HIGH,
        lambda x, y: best_jw(x, y) >= _model.JW_LOW,
    ]
    for other in _model._SWAPS[part]:
        (keep,) = {"first", "father", "grandfather"} - {part, other}
        a, b, k = _COL[part], _COL[other], _COL[keep]
        levels.append(_swap(a, b, k))
    levels.append(lambda x, y: True)
    return levels


def _name_null(part: str) -> Callable[[Row, Row], bool]:
    p = _COL[part]
    return lambda x, y: x[p] is None or y[p] is None


_Y, _M, _D = _COL["birth_year"], _COL["birth_month"], _COL["birth_day"]


def _birth_levels() -> list[Callable[[Row, Row], bool]]:
    def same_year(x: Row, y: Row) -> bool:
        return _eq(x[_Y], y[_Y])

    def apart(x: Row, y: Row) -> int:
        return abs(int(x[_Y]) - int(y[_Y]))

    return [
        lambda x, y: same_year(x, y) and _eq(x[_M], y[_M]) and _eq(x[_D], y[_D]),
        lambda x, y: same_year(x, y) and _eq(x[_M], y[_M]) and (x[_D] is None or y[_D] is None),
        lambda x, y: same_year(x, y) and (x[_M] is None or y[_M] is None),
        lambda x, y: same_year(x, y) and _eq(x[_M], y[_D]) and _eq(x[_D], y[_M]),
        same_year,
        lambda x, y: apart(x, y) <= 1,
        lambda x, y: apart(x, y) <= _model.FAR_YEARS,
        lambda x, y: True,
    ]


_SEX = _COL["sex"]
_HEAD, _ORIGIN, _SIZE = _COL["head"], _COL["origin"], _COL["household_size"]
_HOUSEHOLD = _COL["household_key"]


def _household_levels() -> list[Callable[[Row, Row], bool]]:
    def head(x: Row, y: Row) -> bool:
        return _eq(x[_HEAD], y[_HEAD])

    def similar_head(x: Row, y: Row) -> bool:
        return _jw(x[_HEAD], y[_HEAD]) >= 0.9

    def origin(x: Row, y: Row) -> bool:
        return x[_ORIGIN] is not None and y[_ORIGIN] is not None and x[_ORIGIN][:4] == y[_ORIGIN][:4]

    def size(x: Row, y: Row) -> bool:
        return x[_SIZE] is not None and y[_SIZE] is not None and abs(x[_SIZE] - y[_SIZE]) <= 1

    return [
        lambda x, y: _eq(x[_HOUSEHOLD], y[_HOUSEHOLD]),
        lambda x, y: head(x, y) and origin(x, y) and size(x, y),
        lambda x, y: head(x, y) and origin(x, y),
        lambda x, y: origin(x, y) and size(x, y) and similar_head(x, y),
        head,
        lambda x, y: origin(x, y) and size(x, y),
        origin,
        lambda x, y: True,
    ]


def household_conditions() -> tuple[Callable[[Row, Row], bool], list[tuple[str, Callable[[Row, Row], bool]]]]:
    """The household comparison's null condition and its other levels as (label, condition), in
    order, on feature rows (tuples in ``_features.COLUMNS`` order)."""
    comparison = _model.household_comparison(_model.DUCKDB)
    labels = [lv["label_for_charts"] for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
    is_null, checks = _conditions()["household"]
    return is_null, list(zip(labels, checks, strict=True))


def _conditions() -> dict[str, tuple[Callable[[Row, Row], bool], list[Callable[[Row, Row], bool]]]]:
    """For each comparison (by output column): its null condition and its other levels in order."""
    out: dict[str, tuple[Callable[[Row, Row], bool], list[Callable[[Row, Row], bool]]]] = {
        part: (_name_null(part), _name_levels(part)) for part in _features.NAME_COLUMNS
    }
    out["birth_date"] = (lambda x, y: x[_Y] is None or y[_Y] is None, _birth_levels())
    out["sex"] = (lambda x, y: x[_SEX] is None or y[_SEX] is None, [lambda x, y: _eq(x[_SEX], y[_SEX]), lambda x, y: True])
    out["household"] = (
        lambda x, y: (x[_HEAD] is None or y[_HEAD] is None) and (x[_ORIGIN] is None or y[_ORIGIN] is None),
        _household_levels(),
    )
    return out


@dataclass(frozen=True)
class _Level:
    label: str
    weight: float
    tf_column: int | None  # the feature column of the term-frequency adjustment, or None
    tf_weight: float
    log2_u: float


@dataclass(frozen=True)
class _Comparison:
    name: str
    is_null: Callable[[Row, Row], bool]
    null_label: str
    conditions: tuple[Callable[[Row, Row], bool], ...]
    levels: tuple[_Level, ...]


class _Scorer:
    """The trained model's comparisons with Splink's own weights."""

    def __init__(self, model: TrainedModel) -> None:
        from splink.internals.settings_creator import SettingsCreator

        settings = _model.for_dialect(model.settings, _model.DUCKDB, "dedupe_only")
        splink_settings = SettingsCreator.from_path_or_dict(settings).get_settings(_model.DUCKDB)
        conditions = _conditions()
        comparisons = []
        for comparison in splink_settings.comparisons:
            name = comparison.output_column_name
            is_null, checks = conditions[name]
            all_levels = comparison.comparison_levels
            null_label = next((lv.label_for_charts for lv in all_levels if lv.is_null_level), "missing")
            levels = []
            for level in (lv for lv in all_levels if not lv.is_null_level):
                tf_column = None
                log2_u = 0.0
                if level._has_tf_adjustments and level._tf_adjustment_weight != 0:
                    tf_column = _COL[level._tf_adjustment_input_column_name]
                    log2_u = math.log2(level._u_probability_corresponding_to_exact_match(all_levels))
                levels.append(
                    _Level(level.label_for_charts, float(level._match_weight), tf_column, float(level._tf_adjustment_weight), log2_u)
                )
            if len(levels) != len(checks):
                raise ValueError("the trained model does not fit this version of the linkage engine; train it again")
            comparisons.append(_Comparison(name, is_null, null_label, tuple(checks), tuple(levels)))
        self.comparisons = tuple(comparisons)
        prior = float(splink_settings._probability_two_random_records_match)
        self.prior_weight = math.log2(prior / (1 - prior))
        self.tf_columns = sorted({lv.tf_column for c in self.comparisons for lv in c.levels if lv.tf_column is not None})
        self.still_possible = [math.inf] * len(self.comparisons)

    def bound(self, min_frequency: float) -> None:
        """Prepare ``score``'s early exit: the most each comparison can still add, with term
        frequencies no lower than ``min_frequency`` (one occurrence in the registry)."""
        best = []
        for comparison in self.comparisons:
            top = 0.0  # the null level
            for level in comparison.levels:
                bonus = 0.0
                if level.tf_column is not None:
                    bonus = max(0.0, level.tf_weight * (level.log2_u - math.log2(min_frequency)))
                top = max(top, level.weight + bonus)
            best.append(top)
        self.still_possible = [sum(best[k + 1 :]) for k in range(len(best))]

    def score(
        self, x: Row, y: Row, tf: Callable[[int, Any], float | None], floor_weight: float = -math.inf
    ) -> tuple[float, tuple[Evidence, ...]] | None:
        """The match weight of a pair and its evidence; None as soon as the weight cannot reach
        ``floor_weight`` whatever the remaining comparisons say (exact: a bound, not a guess)."""
        total = self.prior_weight
        evidence: list[tuple[str, str, float]] = []
        for k, comparison in enumerate(self.comparisons):
            if comparison.is_null(x, y):
                evidence.append((comparison.name, comparison.null_label, 0.0))
            else:
                level = next(lv for check, lv in zip(comparison.conditions, comparison.levels, strict=True) if check(x, y))
                weight = level.weight
                if level.tf_column is not None:
                    tf_x, tf_y = tf(level.tf_column, x[level.tf_column]), tf(level.tf_column, y[level.tf_column])
                    if tf_x is not None or tf_y is not None:
                        frequency = max(f for f in (tf_x, tf_y) if f is not None)
                        weight += level.tf_weight * (level.log2_u - math.log2(frequency))
                total += weight
                evidence.append((comparison.name, level.label, weight))
            if total + self.still_possible[k] < floor_weight - 1e-9:
                return None
        return total, tuple(Evidence(comparison=name, level=label, weight=round(w, 4)) for name, label, w in evidence)


def probability(match_weight: float) -> float:
    """Splink's match probability of a match weight."""
    if match_weight >= 0:
        return 1.0 / (1.0 + 2.0 ** (-match_weight))
    bayes = 2.0**match_weight
    return bayes / (1.0 + bayes)


class RegistryIndex:
    """The registry's feature rows, one hash table per blocking rule and the term frequencies of
    the columns the model adjusts for, built once (``build``); ``find`` scores one new record
    against the candidates its blocking keys bring. Holds no names beyond their common forms and
    normalised Arabic spellings (the features), and the record ids."""

    def __init__(self, rows: Sequence[Row], model: TrainedModel) -> None:
        self._rows = list(rows)
        self._ids = {row[_COL["unique_id"]]: i for i, row in enumerate(self._rows)}
        self.model = model
        self._scorer = _Scorer(model)
        self._blocks: list[dict[tuple[Any, ...], list[int]]] = []
        for registry_columns, _query_columns in _BLOCKS:
            indices = [_COL[c] for c in registry_columns]
            table: dict[tuple[Any, ...], list[int]] = {}
            for i, row in enumerate(self._rows):
                key = tuple(row[j] for j in indices)
                if None not in key:
                    table.setdefault(key, []).append(i)
            self._blocks.append(table)
        self._counts: dict[int, Counter[Any]] = {}
        self._totals: dict[int, int] = {}
        for column in self._scorer.tf_columns:
            counts = Counter(row[column] for row in self._rows if row[column] is not None)
            self._counts[column] = counts
            self._totals[column] = sum(counts.values())
        self._scorer.bound(1.0 / (max(self._totals.values(), default=0) + 1))

    @classmethod
    def build(cls, records: Iterable[PersonRecord], *, model: TrainedModel) -> RegistryIndex:
        """The index of ``records`` (record ids must be unique) for ``model``."""
        rows: list[Row] = []
        seen: set[str] = set()
        for record in records:
            if record.record_id in seen:
                raise ValueError(f"record id {record.record_id!r} appears twice; record ids must be unique")
            seen.add(record.record_id)
            feature = _features.feature_row(record, "registry")
            rows.append(tuple(feature[name] for name in _features.COLUMNS))
        return cls(rows, model)

    def __len__(self) -> int:
        return len(self._rows)

    def candidates(self, record: PersonRecord) -> list[int]:
        """Positions of the registry records the blocking rules pair with ``record`` (its own id excluded)."""
        query = self._row(record)
        found: set[int] = set()
        for (_registry_columns, query_columns), table in zip(_BLOCKS, self._blocks, strict=True):
            key = tuple(query[_COL[c]] for c in query_columns)
            if None not in key:
                found.update(table.get(key, ()))
        own = self._ids.get(record.record_id)
        found.discard(own if own is not None else -1)
        return sorted(found)

    @staticmethod
    def _row(record: PersonRecord) -> Row:
        feature = _features.feature_row(record, "query")
        return tuple(feature[name] for name in _features.COLUMNS)

    def find(self, record: PersonRecord, *, floor: float) -> tuple[MatchPair, ...]:
        """Registry records that are the same person as ``record`` with probability at or above
        ``floor``, best first; ``left_id`` is the new record's id."""
        query = self._row(record)
        own = self._ids.get(record.record_id)

        def tf(column: int, value: Any) -> float | None:
            # counted over the registry plus the new record (as Splink would count its input)
            if value is None:
                return None
            count = self._counts[column].get(value, 0)
            total = self._totals[column]
            if own is None and query[column] is not None:
                total += 1
                count += value == query[column]
            return count / total if count else None

        pairs = []
        floor_weight = -math.inf if floor <= 0 else math.inf if floor >= 1 else math.log2(floor / (1 - floor))
        for i in self.candidates(record):
            row = self._rows[i]
            scored = self._scorer.score(query, row, tf, floor_weight)
            if scored is None:
                continue
            weight, evidence = scored
            p = probability(weight)
            if p >= floor:
                pairs.append(
                    MatchPair(
                        left_id=record.record_id,
                        right_id=str(row[_COL["unique_id"]]),
                        probability=p,
                        match_weight=weight,
                        evidence=evidence,
                    )
                )
        pairs.sort(key=lambda pair: (-pair.probability, pair.right_id))
        return tuple(pairs)
