"""The public functions (first cut: signatures only, the engine is being written)."""

from __future__ import annotations

from collections.abc import Iterable

from sabeel.engines.linkage._types import LinkageResult, LinkageSettings, MatchPair, PersonRecord, TrainedModel

_DEFAULT = LinkageSettings()


def train(records: Iterable[PersonRecord], *, settings: LinkageSettings = _DEFAULT) -> TrainedModel:
    """Estimate the model's parameters without labels (EM) on ``records``."""
    raise NotImplementedError


def deduplicate(
    records: Iterable[PersonRecord], *, model: TrainedModel | None = None, settings: LinkageSettings = _DEFAULT
) -> LinkageResult:
    """Pairs and clusters of records in one list that are the same person (trains when no model)."""
    raise NotImplementedError


def link(
    left: Iterable[PersonRecord],
    right: Iterable[PersonRecord],
    *,
    model: TrainedModel | None = None,
    settings: LinkageSettings = _DEFAULT,
) -> LinkageResult:
    """Pairs of records across two lists that are the same person."""
    raise NotImplementedError


def find_matches(
    record: PersonRecord, registry: Iterable[PersonRecord], *, model: TrainedModel, settings: LinkageSettings = _DEFAULT
) -> tuple[MatchPair, ...]:
    """One new record against the registry, best first."""
    raise NotImplementedError
