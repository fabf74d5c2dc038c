"""Identity resolution on Splink: deduplicate a list, link two lists, find one record's matches.

FIRST CUT (interface fixed, engine to be written): the frozen dataclasses and the three functions
below are the contract the identity app builds on. Pure Python plus Splink (DuckDB by default,
Spark when ``LinkageSettings.backend == "spark"``); never imports Django or the Sabeel apps.
"""

from sabeel.engines.linkage._api import deduplicate, find_matches, link, train
from sabeel.engines.linkage._types import (
    Backend,
    Cluster,
    Evidence,
    LinkageResult,
    LinkageSettings,
    MatchPair,
    PersonRecord,
    Progress,
    TrainedModel,
)

__all__ = [
    "Backend",
    "Cluster",
    "Evidence",
    "LinkageResult",
    "LinkageSettings",
    "MatchPair",
    "PersonRecord",
    "Progress",
    "TrainedModel",
    "deduplicate",
    "find_matches",
    "link",
    "train",
]
