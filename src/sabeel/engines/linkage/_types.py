"""The linkage engine's boundary: frozen dataclasses in and out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sabeel.engines.text import PersonName


class Backend(StrEnum):
    DUCKDB = "duckdb"
    SPARK = "spark"


@dataclass(frozen=True)
class PersonRecord:
    """One person as the engine sees them. ``names`` holds every reading (officer-typed and
    generated, either script). Dates of birth are partial: any of year, month, day may be None
    (and a registered "1 January" is often only a year: ``birth_day_known``/``birth_month_known``
    say whether the day and month were really recorded). Household context: the household's id,
    its size, the head's names, and the origin sub-district's p-code."""

    record_id: str
    names: tuple[PersonName, ...]
    sex: str = ""  # "M", "F" or "" (unknown)
    birth_year: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None
    household_id: str = ""
    household_size: int | None = None
    head_names: tuple[PersonName, ...] = ()
    origin: str = ""  # sub-district p-code, or ""
    source: str = ""  # which list the record came from ("left"/"right" for link, or a group id)


@dataclass(frozen=True)
class Evidence:
    """What one comparison said about a pair: its name (``"first_name"``, ``"birth_date"``, …),
    the level reached (a readable label, e.g. ``"same in common form"``) and its match weight."""

    comparison: str
    level: str
    weight: float


@dataclass(frozen=True)
class MatchPair:
    """Two records scored as the same person with ``probability`` (0.0 to 1.0)."""

    left_id: str
    right_id: str
    probability: float
    match_weight: float
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Cluster:
    cluster_id: str
    record_ids: tuple[str, ...]


@dataclass(frozen=True)
class LinkageResult:
    pairs: tuple[MatchPair, ...]
    clusters: tuple[Cluster, ...]
    model: TrainedModel | None = None


@dataclass(frozen=True)
class TrainedModel:
    """A trained Splink model, as Splink's settings dictionary (JSON-serialisable, so the platform
    can store it and predict with it later, on either backend)."""

    settings: dict[str, Any] = field(hash=False)


@dataclass(frozen=True)
class Progress:
    """Reported to an optional callback while a run works: ``done`` of ``total`` steps."""

    stage: str
    done: int
    total: int


@dataclass(frozen=True)
class LinkageSettings:
    """How a run works. ``spark_session`` is an existing ``pyspark.sql.SparkSession`` for the Spark
    backend (None: a local one is made, with Splink's similarity jar); ``threads`` caps DuckDB's
    threads (None: all cores); ``seed`` makes the random sampling of training repeatable;
    ``training_pairs`` is how many random pairs estimate the u probabilities."""

    backend: Backend = Backend.DUCKDB
    threshold: float = 0.9  # pairs at or above join a cluster
    floor: float = 0.5  # pairs below are not returned at all
    on_progress: Callable[[Progress], None] | None = field(default=None, compare=False, hash=False)
    spark_session: Any = field(default=None, compare=False, hash=False, repr=False)
    threads: int | None = None
    seed: int = 9
    training_pairs: int = 1_000_000  # Splink's examples sample a million

    def __post_init__(self) -> None:
        if not 0.0 <= self.floor <= self.threshold <= 1.0:
            raise ValueError(f"need 0 <= floor <= threshold <= 1, got floor={self.floor}, threshold={self.threshold}")
