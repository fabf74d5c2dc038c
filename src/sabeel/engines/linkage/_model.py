"""The Splink model: comparisons, blocking rules and training, written once for both SQL dialects.

Every comparison is plain SQL over the columns of ``_features`` (equality, ``substr``, ``abs``,
``greatest``, ``coalesce`` and Jaro-Winkler, whose function name is the only thing that differs
between DuckDB and Spark), so the settings for a dialect are generated here and a model trained on
DuckDB carries its parameters over to Spark level by level (``for_dialect``).
"""

from __future__ import annotations

import copy
from typing import Any

from sabeel.engines.linkage._features import NAME_COLUMNS

DUCKDB = "duckdb"
SPARK = "spark"
_JW = {DUCKDB: "jaro_winkler_similarity", SPARK: "jaro_winkler"}

NAME_LABELS = {"first": "first name", "father": "father's name", "grandfather": "grandfather's name", "family": "family name"}
# Jaro-Winkler thresholds on common forms (short consonant skeletons: one letter off is ~0.9).
JW_HIGH = 0.92
JW_LOW = 0.8
# Order swaps the generators and registrations show: first <-> father, father <-> grandfather.
_SWAPS = {"first": ("father",), "father": ("first", "grandfather"), "grandfather": ("father",), "family": ()}


def _level(sql: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **extra}


def _best_jw(part: str, jw: str) -> str:
    a_l, a_r = f'"{part}_l"', f'"{part}_r"'
    b_l, b_r = f'coalesce("{part}_alt_l", "{part}_l")', f'coalesce("{part}_alt_r", "{part}_r")'
    return f"greatest({jw}({a_l}, {a_r}), {jw}({b_l}, {a_r}), {jw}({a_l}, {b_r}), {jw}({b_l}, {b_r}))"


def _swapped(a: str, b: str) -> str:
    """Two parts written in each other's place, the rest agreeing: a first/father swap keeps the
    grandfather, a father/grandfather swap keeps the first name. (A son named after his
    grandfather looks like a first/father swap of his father, except that the grandfather
    differs.)"""
    (keep,) = {"first", "father", "grandfather"} - {a, b}
    same = f'("{keep}_l" = "{keep}_r" OR "{keep}_l" IS NULL OR "{keep}_r" IS NULL)'
    if keep == "first":
        same = f'"{keep}_l" = "{keep}_r"'
    return f'"{a}_l" = "{b}_r" AND "{b}_l" = "{a}_r" AND {same}'


def name_comparison(part: str, dialect: str) -> dict[str, Any]:
    jw = _JW[dialect]
    label = NAME_LABELS[part]
    exact = (
        f'"{part}_l" = "{part}_r" OR "{part}_l" = "{part}_alt_r" OR "{part}_alt_l" = "{part}_r"'
        f' OR "{part}_alt_l" = "{part}_alt_r"'
    )
    levels = [
        _level(f'"{part}_l" IS NULL OR "{part}_r" IS NULL', f"{label} missing", is_null_level=True),
        _level(
            exact, "same in common form", tf_adjustment_column=part, tf_adjustment_weight=1.0,
            disable_tf_exact_match_detection=True,  # the level is an OR of equalities: use its own u
        ),
        _level(f"{_best_jw(part, jw)} >= {JW_HIGH}", "nearly the same"),
        _level(f"{_best_jw(part, jw)} >= {JW_LOW}", "similar"),
    ]
    for other in _SWAPS[part]:
        levels.append(_level(_swapped(part, other), f"swapped with {NAME_LABELS[other]}"))
    levels.append(_level("ELSE", "different"))
    return {"output_column_name": part, "comparison_description": label, "comparison_levels": levels}


def birth_date_comparison() -> dict[str, Any]:
    y, m, d = ('"birth_year_l"', '"birth_year_r"'), ('"birth_month_l"', '"birth_month_r"'), ('"birth_day_l"', '"birth_day_r"')
    same_year = f"{y[0]} = {y[1]}"
    levels = [
        _level(f"{y[0]} IS NULL OR {y[1]} IS NULL", "date of birth missing", is_null_level=True),
        _level(f"{same_year} AND {m[0]} = {m[1]} AND {d[0]} = {d[1]}", "same date"),
        _level(f"{same_year} AND {m[0]} = {m[1]} AND ({d[0]} IS NULL OR {d[1]} IS NULL)", "same year and month"),
        _level(f"{same_year} AND ({m[0]} IS NULL OR {m[1]} IS NULL)", "same year (one side year only)"),
        _level(f"{same_year} AND {m[0]} = {d[1]} AND {d[0]} = {m[1]}", "same year, day and month swapped"),
        _level(same_year, "same year, different day or month"),
        _level(f"abs({y[0]} - {y[1]}) <= 1", "a year apart"),
        _level("ELSE", "different"),
    ]
    return {"output_column_name": "birth_date", "comparison_description": "date of birth", "comparison_levels": levels}


def sex_comparison() -> dict[str, Any]:
    levels = [
        _level('"sex_l" IS NULL OR "sex_r" IS NULL', "sex missing", is_null_level=True),
        _level('"sex_l" = "sex_r"', "same"),
        _level("ELSE", "different"),
    ]
    return {"output_column_name": "sex", "comparison_description": "sex", "comparison_levels": levels}


def head_comparison(dialect: str) -> dict[str, Any]:
    jw = _JW[dialect]
    levels = [
        _level('"head_l" IS NULL OR "head_r" IS NULL', "head missing", is_null_level=True),
        _level('"head_l" = "head_r"', "same head's name"),
        _level(f'{jw}("head_l", "head_r") >= 0.9', "similar head's name"),
        _level("ELSE", "different"),
    ]
    return {"output_column_name": "head", "comparison_description": "household head", "comparison_levels": levels}


def household_size_comparison() -> dict[str, Any]:
    levels = [
        _level('"household_size_l" IS NULL OR "household_size_r" IS NULL', "size missing", is_null_level=True),
        _level('"household_size_l" = "household_size_r"', "same size"),
        _level('abs("household_size_l" - "household_size_r") <= 1', "size one apart"),
        _level("ELSE", "different"),
    ]
    return {"output_column_name": "household_size", "comparison_description": "household size", "comparison_levels": levels}


def origin_comparison() -> dict[str, Any]:
    levels = [
        _level('"origin_l" IS NULL OR "origin_r" IS NULL', "origin missing", is_null_level=True),
        _level('"origin_l" = "origin_r"', "same origin"),
        _level('substr("origin_l", 1, 4) = substr("origin_r", 1, 4)', "same governorate"),
        _level("ELSE", "different"),
    ]
    return {"output_column_name": "origin", "comparison_description": "origin", "comparison_levels": levels}


def comparisons(dialect: str) -> list[dict[str, Any]]:
    return [
        *(name_comparison(part, dialect) for part in NAME_COLUMNS),
        birth_date_comparison(),
        sex_comparison(),
        head_comparison(dialect),
        household_size_comparison(),
        origin_comparison(),
    ]


def _rule(sql: str, dialect: str) -> dict[str, Any]:
    return {"blocking_rule": sql, "sql_dialect": dialect}


def _on(*columns: str) -> str:
    return " AND ".join(f'l."{c}" = r."{c}"' for c in columns)


# Candidate pairs: any rule that agrees. Each is an equi-join on common forms, so a record whose
# first name is mistyped is still found by its father's and family name, and so on; measured in
# the tests (blocking recall on synthetic duplicates) and in bench/identity_linkage.py.
BLOCKING_RULES: tuple[str, ...] = (
    _on("first", "family"),
    _on("first", "father"),
    _on("father", "grandfather", "family"),
    _on("family", "birth_year", "birth_month"),
    _on("first", "birth_year", "origin"),
    'l."first" = r."father" AND l."father" = r."first" AND l."family" = r."family"',
    _on("first", "head"),
)
# Deterministic rules (few false positives) for the prior probability that two records match.
DETERMINISTIC_RULES: tuple[str, ...] = (_on("first", "father", "grandfather", "family", "birth_year"),)
# Blocking for the two EM sessions: each trains the comparisons it does not block on.
TRAINING_RULES: tuple[str, ...] = (_on("first", "family"), _on("birth_year", "birth_month", "birth_day"))


def settings_dict(dialect: str, link_type: str) -> dict[str, Any]:
    return {
        "link_type": link_type,
        "comparisons": comparisons(dialect),
        "blocking_rules_to_generate_predictions": [_rule(sql, dialect) for sql in BLOCKING_RULES],
        "probability_two_random_records_match": 1e-5,
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "unique_id_column_name": "unique_id",
        "source_dataset_column_name": "source_dataset",
        "em_convergence": 0.001,
        "max_iterations": 20,
    }


def for_dialect(trained: dict[str, Any], dialect: str, link_type: str) -> dict[str, Any]:
    """The trained parameters of ``trained`` (any dialect) on this dialect's SQL and link type."""
    out = settings_dict(dialect, link_type)
    out["probability_two_random_records_match"] = trained["probability_two_random_records_match"]
    by_name = {c["output_column_name"]: c for c in trained["comparisons"]}
    for comparison in out["comparisons"]:
        source = by_name.get(comparison["output_column_name"])
        if source is None or len(source["comparison_levels"]) != len(comparison["comparison_levels"]):
            raise ValueError("the trained model does not fit this version of the linkage engine; train it again")
        for level, learned in zip(comparison["comparison_levels"], source["comparison_levels"], strict=True):
            for key in ("m_probability", "u_probability"):
                if key in learned:
                    level[key] = learned[key]
    return copy.deepcopy(out)
