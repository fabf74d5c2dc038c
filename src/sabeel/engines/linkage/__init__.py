"""Identity resolution on Splink: deduplicate a list, link two lists, find one record's matches.

The frozen dataclasses and the four functions below are the contract the identity app builds on.
Pure Python plus Splink (DuckDB by default, Spark when ``LinkageSettings.backend == "spark"``);
never imports Django or the Sabeel apps.

    model = train(records)                       # EM, no labels; a TrainedModel (JSON-serialisable)
    result = deduplicate(records, model=model)   # pairs >= settings.floor, clusters >= settings.threshold
    result = link(left, right, model=model)      # pairs across two lists
    index = RegistryIndex.build(registry, model=model)   # once; then per new record:
    matches = find_matches(record, index, model=model)   # best first, in milliseconds

What each part does: ``_features`` turns a record into script-independent columns with the name
model of ``engines.text``; ``_model`` writes the comparisons, blocking rules and training for both
SQL dialects; ``_backends`` makes the DuckDB or Spark database API; ``_index`` is the prepared
registry for ``find_matches`` (the model's blocking rules as hash tables and its comparison levels
scored in Python with Splink's own weights: the pairs and match weights ``deduplicate`` gives);
``_api`` runs Splink (clusters are the connected components of the pairs at or above the
threshold, computed in Python so that both backends give the same).

Tests: ``.venv/bin/pytest -q -p no:cacheprovider src/sabeel/engines/linkage/tests`` (the Spark
test starts a local JVM: about a minute). Measured by ``bench/identity_linkage.py``.
"""

from sabeel.engines.linkage._api import deduplicate, find_matches, link, train
from sabeel.engines.linkage._backends import spark_session
from sabeel.engines.linkage._index import RegistryIndex
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
    "RegistryIndex",
    "TrainedModel",
    "deduplicate",
    "find_matches",
    "link",
    "spark_session",
    "train",
]
