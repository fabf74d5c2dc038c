"""The public functions: ``train``, ``deduplicate``, ``link`` and ``find_matches``.

A run turns the records into features (``_features``), registers them with the backend, builds a
Splink ``Linker`` from the model's settings for that backend's SQL dialect (``_model``), predicts
the pairs the blocking rules bring together, keeps those at or above ``settings.floor`` and
clusters those at or above ``settings.threshold`` (connected components). Models are trained with
no labels: u probabilities from random pairs (the household comparison's among people of one
father's and family name, ``household_shares``), m probabilities by expectation maximisation in two
sessions (blocked on the four names within one origin governorate, then on the full date of
birth: ``_model.TRAINING_RULES``), and the prior that two records match from a strict
deterministic rule.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from sabeel.engines.linkage import _features, _model
from sabeel.engines.linkage._backends import db_api, dialect
from sabeel.engines.linkage._index import RegistryIndex
from sabeel.engines.linkage._types import (
    Cluster,
    Evidence,
    LinkageResult,
    LinkageSettings,
    MatchPair,
    PersonRecord,
    Progress,
    TrainedModel,
)

_DEFAULT = LinkageSettings()
_DEDUPE = "dedupe_only"
_LINK = "link_only"
# Splink logs every SQL step at INFO; the engine reports progress through settings.on_progress.
logging.getLogger("splink").setLevel(logging.WARNING)
logger = logging.getLogger(__name__)


class _Reporter:
    def __init__(self, settings: LinkageSettings, stages: Sequence[str]) -> None:
        self.callback = settings.on_progress
        self.stages = tuple(stages)
        self.done = 0

    def __call__(self, stage: str) -> None:
        if self.callback is not None:
            self.callback(Progress(stage=stage, done=self.done, total=len(self.stages)))
        self.done += 1

    def finish(self) -> None:
        if self.callback is not None:
            self.callback(Progress(stage="done", done=len(self.stages), total=len(self.stages)))


def _linker(tables: Any, settings_dict: dict[str, Any]) -> Any:
    from splink import Linker

    return Linker(tables, settings_dict, log_level=None)


_TRAIN_STAGES = ("features", "prior", "u probabilities", "m probabilities (names)", "m probabilities (dates)")


TRAIN_ATTEMPTS = 3


def _train(table: Any, settings: LinkageSettings, report: _Reporter) -> TrainedModel:
    """``_train_once``, again with the next seeds of the random pairs when Splink's EM refuses an
    m probability that underflowed to 0.0 (seen on small lists, depending on which random pairs
    estimated the u probabilities); then, if every seed failed, once more the plain way (names-only
    EM session, household u from random pairs: ``strict=False``), which small lists that the
    strict way starves of pairs train on. The progress is reported once."""
    failed: ValueError | None = None
    attempts = [(settings.seed + attempt, True) for attempt in range(TRAIN_ATTEMPTS)] + [(settings.seed, False)]
    for i, (seed, strict) in enumerate(attempts):
        try:
            return _train_once(table, replace(settings, seed=seed), report if i == 0 else _silent(settings), strict=strict)
        except ValueError as exc:
            failed = exc
            logger.warning("linkage training failed with seed %s%s (%s); trying again", seed, "" if strict else ", plain", type(exc).__name__)
    raise ValueError(f"training failed with {TRAIN_ATTEMPTS} seeds of the random pairs and the plain way") from failed


def _silent(settings: LinkageSettings) -> _Reporter:
    return _Reporter(replace(settings, on_progress=None), ())


HOUSEHOLD_U_PAIRS = 200_000


def household_shares(table: Any, *, seed: int, pairs: int = HOUSEHOLD_U_PAIRS) -> dict[str, float]:
    """The share of each household level (by label) among pairs of records whose father's and
    family names agree (common forms), from different registered households and with different
    first names (so that almost none is one person): the u probabilities of the household
    comparison given the names it depends on (``_model.household_comparison``). Pairs are drawn
    uniformly from all such pairs (seeded); empty when the list has none."""
    import random

    from sabeel.engines.linkage._index import household_conditions

    father, family, first = (table.column(c).to_pylist() for c in ("father", "family", "first"))
    groups: dict[tuple[str, str], list[int]] = {}
    for i, key in enumerate(zip(father, family, strict=True)):
        if key[0] is not None and key[1] is not None:
            groups.setdefault(key, []).append(i)
    members = [g for g in groups.values() if len(g) > 1]
    if not members:
        return {}
    rng = random.Random(seed)
    weights = [len(g) * (len(g) - 1) // 2 for g in members]
    drawn: list[tuple[int, int]] = []
    for group in rng.choices(members, weights=weights, k=pairs):
        a, b = rng.sample(group, 2)
        if first[a] is None or first[a] != first[b]:
            drawn.append((a, b))
    indices = sorted({i for pair in drawn for i in pair})
    rows = dict(zip(indices, (tuple(r.values()) for r in table.take(indices).to_pylist()), strict=True))
    is_null, labelled = household_conditions()
    counts: dict[str, int] = {}
    seen = 0
    for a, b in drawn:
        x, y = rows[a], rows[b]
        if is_null(x, y):
            continue
        label = next(label for label, check in labelled if check(x, y))
        if label == "same registered household":
            continue
        counts[label] = counts.get(label, 0) + 1
        seen += 1
    return {label: n / seen for label, n in counts.items()} if seen else {}


def _train_once(table: Any, settings: LinkageSettings, report: _Reporter, *, strict: bool = True) -> TrainedModel:
    """One training. ``strict``: the household u among people of one father's and family name
    (``household_shares``) and the names EM session within one origin governorate
    (``_model.TRAINING_RULES``); otherwise random-pair u and ``_model.PLAIN_TRAINING_RULES``."""
    api = db_api(settings)
    name = dialect(settings)
    shares = household_shares(table, seed=settings.seed) if strict else {}
    linker = _linker(api.register(table), _model.conditional_household_u(_model.settings_dict(name, _DEDUPE), shares))
    report("prior")
    deterministic = [_model.in_dialect(rule, name) for rule in _model.DETERMINISTIC_RULES]
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.6)
    report("u probabilities")
    linker.training.estimate_u_using_random_sampling(max_pairs=settings.training_pairs, seed=settings.seed)
    for stage, rule in zip(_TRAIN_STAGES[3:], _model.TRAINING_RULES if strict else _model.PLAIN_TRAINING_RULES, strict=True):
        report(stage)
        linker.training.estimate_parameters_using_expectation_maximisation(
            _model.in_dialect(rule, name), estimate_without_term_frequencies=True
        )
    trained = linker.misc.save_model_to_json()
    # Stored backend-neutral in spirit: the settings are regenerated for whichever dialect predicts.
    return TrainedModel(settings=_model.floor_m(_model.for_dialect(trained, _model.DUCKDB, _DEDUPE)))


def train(records: Iterable[PersonRecord], *, settings: LinkageSettings = _DEFAULT) -> TrainedModel:
    """Estimate the model's parameters without labels (EM) on ``records`` (a few thousand records
    at least: the u probabilities come from random pairs and EM needs duplicates to learn from)."""
    report = _Reporter(settings, _TRAIN_STAGES)
    report("features")
    table = _features.feature_table(records)
    if table.num_rows < 2:
        raise ValueError("training needs at least two records (a few thousand for a useful model)")
    model = _train(table, settings, report)
    report.finish()
    return model


def _levels(model: TrainedModel) -> dict[str, dict[int, str]]:
    """For each comparison, its levels' labels by Splink's comparison-vector value (null level -1,
    then counting down to 0 for the last)."""
    out: dict[str, dict[int, str]] = {}
    for comparison in model.settings["comparisons"]:
        levels = comparison["comparison_levels"]
        non_null = [level for level in levels if not level.get("is_null_level")]
        labels = {-1: next((level["label_for_charts"] for level in levels if level.get("is_null_level")), "missing")}
        for i, level in enumerate(non_null):
            labels[len(non_null) - 1 - i] = level["label_for_charts"]
        out[comparison["output_column_name"]] = labels
    return out


def _weight(row: dict[str, Any], name: str) -> float:
    """The comparison's match weight (log2 Bayes factor), term-frequency adjustment included."""
    return round(float(row.get(f"mw_{name}") or 0.0) + float(row.get(f"mw_tf_adj_{name}") or 0.0), 4)


def _pairs(predictions: Any, model: TrainedModel, *, swap_source: str | None = None) -> list[MatchPair]:
    labels = _levels(model)
    table = predictions.as_pyarrow_table()
    pairs: list[MatchPair] = []
    for row in table.to_pylist():
        left, right = str(row["unique_id_l"]), str(row["unique_id_r"])
        if swap_source is not None and row.get("source_dataset_l") == swap_source:
            left, right = right, left
        evidence = tuple(
            Evidence(comparison=name, level=levels.get(int(row[f"gamma_{name}"]), "?"), weight=_weight(row, name))
            for name, levels in labels.items()
        )
        pairs.append(
            MatchPair(
                left_id=left,
                right_id=right,
                probability=float(row["match_probability"]),
                match_weight=float(row["match_weight"]),
                evidence=evidence,
            )
        )
    pairs.sort(key=lambda p: (-p.probability, p.left_id, p.right_id))
    return pairs


def clusters_of(pairs: Iterable[MatchPair], threshold: float) -> list[Cluster]:
    """Connected components of the pairs at or above ``threshold`` (what Splink's
    ``cluster_pairwise_predictions_at_threshold`` computes), in Python on the pairs already read:
    the same on both backends, and without Spark's iterative joins (minutes in local mode for
    a few hundred pairs). Clusters of two or more records, numbered in order of their smallest id."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        if pair.probability >= threshold:
            a, b = root(pair.left_id), root(pair.right_id)
            if a != b:
                parent[max(a, b)] = min(a, b)
    members: dict[str, list[str]] = {}
    for record_id in parent:
        members.setdefault(root(record_id), []).append(record_id)
    groups = sorted(tuple(sorted(ids)) for ids in members.values() if len(ids) > 1)
    return [Cluster(cluster_id=f"c{i + 1}", record_ids=ids) for i, ids in enumerate(groups)]


_RUN_STAGES = ("features", *_TRAIN_STAGES[1:], "pairs", "clusters")


def deduplicate(
    records: Iterable[PersonRecord], *, model: TrainedModel | None = None, settings: LinkageSettings = _DEFAULT
) -> LinkageResult:
    """Pairs (probability at or above ``settings.floor``, best first) and clusters (records joined
    by pairs at or above ``settings.threshold``; only clusters of two or more records) of records
    in one list that are the same person. Trains on ``records`` when no model is given."""
    report = _Reporter(settings, _RUN_STAGES if model is None else ("features", "pairs", "clusters"))
    report("features")
    table = _features.feature_table(records, "records")
    if table.num_rows == 0:
        raise ValueError("no records to deduplicate")
    if model is None:
        model = _train(table, settings, report)
    report("pairs")
    api = db_api(settings)
    linker = _linker(api.register(table), _model.for_dialect(model.settings, dialect(settings), _DEDUPE))
    predictions = linker.inference.predict(threshold_match_probability=settings.floor, warning_mode="never")
    pairs = _pairs(predictions, model)
    report("clusters")
    clusters = clusters_of(pairs, settings.threshold)
    report.finish()
    return LinkageResult(pairs=tuple(pairs), clusters=tuple(clusters), model=model)


def link(
    left: Iterable[PersonRecord],
    right: Iterable[PersonRecord],
    *,
    model: TrainedModel | None = None,
    settings: LinkageSettings = _DEFAULT,
) -> LinkageResult:
    """Pairs of records across two lists that are the same person (``left_id`` from ``left``,
    ``right_id`` from ``right``), and the clusters they form. Record ids must not repeat across the
    two lists. Trains on both lists together when no model is given."""
    report = _Reporter(settings, _RUN_STAGES if model is None else ("features", "pairs", "clusters"))
    report("features")
    left_table = _features.feature_table(left, "left")
    right_table = _features.feature_table(right, "right")
    if left_table.num_rows == 0 or right_table.num_rows == 0:
        raise ValueError("both lists need at least one record to link")
    shared = set(left_table.column("unique_id").to_pylist()) & set(right_table.column("unique_id").to_pylist())
    if shared:
        raise ValueError(f"{len(shared)} record id(s) appear in both lists; record ids must be unique across them")
    if model is None:
        import pyarrow as pa

        model = _train(pa.concat_tables([left_table, right_table]), settings, report)
    report("pairs")
    api = db_api(settings)
    tables = [api.register(left_table, table_name="link_left"), api.register(right_table, table_name="link_right")]
    linker = _linker(tables, _model.for_dialect(model.settings, dialect(settings), _LINK))
    predictions = linker.inference.predict(threshold_match_probability=settings.floor, warning_mode="never")
    pairs = _pairs(predictions, model, swap_source="right")
    report("clusters")
    clusters = clusters_of(pairs, settings.threshold)
    report.finish()
    return LinkageResult(pairs=tuple(pairs), clusters=tuple(clusters), model=model)


def find_matches(
    record: PersonRecord,
    registry: RegistryIndex | Iterable[PersonRecord],
    *,
    model: TrainedModel,
    settings: LinkageSettings = _DEFAULT,
) -> tuple[MatchPair, ...]:
    """One new record against the registry, best first (pairs at or above ``settings.floor``;
    ``left_id`` is the new record's id). Pass a ``RegistryIndex`` built once
    (``RegistryIndex.build(records, model=model)``) to answer in milliseconds at a million
    people; a plain iterable of records is indexed on the spot (fine for small lists)."""
    index = registry if isinstance(registry, RegistryIndex) else RegistryIndex.build(registry, model=model)
    return index.find(record, floor=settings.floor)
