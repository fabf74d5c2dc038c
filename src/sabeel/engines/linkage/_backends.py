"""The two Splink backends: DuckDB (in memory, the default) and Spark (local mode unless a session is
given). Spark needs Splink's similarity jar for ``jaro_winkler`` (Splink ships it,
``similarity_jar_location()``); the session built here registers it."""

from __future__ import annotations

import tempfile
from typing import Any

from sabeel.engines.linkage._model import DUCKDB, SPARK
from sabeel.engines.linkage._types import Backend, LinkageSettings

_SPARK_PARTITIONS = 4


def dialect(settings: LinkageSettings) -> str:
    return SPARK if settings.backend == Backend.SPARK else DUCKDB


def spark_session(*, cores: int = 2, memory: str = "2g", partitions: int = _SPARK_PARTITIONS) -> Any:
    """A local Spark session with Splink's similarity UDFs on the class path (reused when one is
    active). Spark writes its warehouse and checkpoints to a temporary directory, never the
    working directory. ``partitions``: shuffle partitions (1 for small lists: each partition of
    each of Splink's many steps is a task)."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    scratch = tempfile.mkdtemp(prefix="sabeel-spark-")
    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("sabeel-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", memory)
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.default.parallelism", str(partitions))
        .config("spark.sql.warehouse.dir", f"{scratch}/warehouse")
        .config("spark.local.dir", scratch)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setCheckpointDir(f"{scratch}/checkpoints")
    session.sparkContext.setLogLevel("ERROR")
    return session


def db_api(settings: LinkageSettings) -> Any:
    """A fresh Splink database API for the settings' backend."""
    if settings.backend == Backend.SPARK:
        from splink.backends.spark import SparkAPI

        session = settings.spark_session if settings.spark_session is not None else spark_session()
        partitions = int(session.conf.get("spark.sql.shuffle.partitions", str(_SPARK_PARTITIONS)))
        return SparkAPI(spark_session=session, break_lineage_method="persist", num_partitions_on_repartition=partitions)
    import duckdb
    from splink.backends.duckdb import DuckDBAPI

    connection = duckdb.connect(":memory:")
    if settings.threads:
        connection.execute(f"SET threads = {int(settings.threads)}")
    return DuckDBAPI(connection)
