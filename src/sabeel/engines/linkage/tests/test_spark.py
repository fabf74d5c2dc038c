"""The same trained model on Spark (local mode) and on DuckDB: the same pairs, the same match
weights, the same clusters, for ``deduplicate`` and for ``link``. One local session of one core and one shuffle partition (every step
of Splink is a Spark job; on a list this small more partitions only add tasks): about 30 s on an
idle 2-core machine, most of it starting the JVM."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from sabeel.engines.linkage import (
    Backend,
    LinkageResult,
    LinkageSettings,
    TrainedModel,
    deduplicate,
    link,
    spark_session,
)
from sabeel.engines.linkage.testing import SyntheticLists
from sabeel.engines.linkage.tests.conftest import SETTINGS

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java (17) on the PATH")


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = spark_session(cores=1, memory="1g", partitions=1)
    yield session
    logging.getLogger("py4j").setLevel(logging.WARNING)  # its INFO on closing would go to closed streams
    session.stop()


def test_spark_and_duckdb_give_equal_predictions(lists: SyntheticLists, model: TrainedModel, spark: Any) -> None:
    """Trained once (on DuckDB, by the fixture); predicted on both backends from the same input."""
    first = lists.first[:200]
    kept = {r.record_id for r in first}
    partners = {right for left, right in lists.truth if left in kept}
    records = (*first, *(r for r in lists.second if r.record_id in partners), *lists.second[:40])
    records = tuple({r.record_id: r for r in records}.values())
    duck = deduplicate(records, model=model, settings=SETTINGS)
    sparked = deduplicate(records, model=model, settings=LinkageSettings(backend=Backend.SPARK, spark_session=spark))
    _assert_equal(duck, sparked)


def test_spark_and_duckdb_link_two_lists_alike(lists: SyntheticLists, model: TrainedModel, spark: Any) -> None:
    first = lists.first[:150]
    kept = {r.record_id for r in first}
    partners = {right for left, right in lists.truth if left in kept}
    second = (*(r for r in lists.second if r.record_id in partners), *lists.second[:30])
    second = tuple({r.record_id: r for r in second}.values())
    duck = link(first, second, model=model, settings=SETTINGS)
    sparked = link(first, second, model=model, settings=LinkageSettings(backend=Backend.SPARK, spark_session=spark))
    assert all(p.left_id in kept for p in duck.pairs)  # left ids from the left list
    _assert_equal(duck, sparked)


def _assert_equal(duck: LinkageResult, sparked: LinkageResult) -> None:
    assert len(duck.pairs) > 20
    weights = {(p.left_id, p.right_id): p for p in duck.pairs}
    assert {(p.left_id, p.right_id) for p in sparked.pairs} == set(weights)
    for pair in sparked.pairs:
        same = weights[(pair.left_id, pair.right_id)]
        assert pair.match_weight == pytest.approx(same.match_weight, abs=1e-9)
        assert pair.probability == pytest.approx(same.probability, abs=1e-9)
        assert [(e.comparison, e.level) for e in pair.evidence] == [(e.comparison, e.level) for e in same.evidence]
    assert sparked.clusters == duck.clusters
