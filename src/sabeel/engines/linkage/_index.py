"""The registry prepared for ``find_matches`` (being written)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sabeel.engines.linkage._types import MatchPair, PersonRecord, TrainedModel


class RegistryIndex:
    @classmethod
    def build(cls, records: Iterable[PersonRecord], *, model: TrainedModel) -> RegistryIndex:
        raise NotImplementedError

    def find(self, record: PersonRecord, *, floor: float) -> tuple[MatchPair, ...]:
        raise NotImplementedError

    def _unused(self) -> Any:
        return None
