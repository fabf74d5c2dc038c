"""The Splink model: comparisons, blocking rules and training, written once for both SQL dialects.

Every comparison is plain SQL over the columns of ``_features`` (equality, ``substr``, ``abs``,
``greatest``, ``coalesce`` and Jaro-Winkler, whose function name is the only thing that differs
between DuckDB and Spark), so the settings for a dialect are generated here and a model trained on
DuckDB carries its parameters over to Spark level by level (``for_dialect``).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from sabeel.engines.linkage._features import NAME_COLUMNS

DUCKDB = "duckdb"
SPARK = "spark"
_JW = {DUCKDB: "jaro_winkler_similarity", SPARK: "jaro_winkler"}

NAME_LABELS = {"first": "first name", "father": "father's name", "grandfather": "grandfather's name", "family": "family name"}
# Jaro-Winkler thresholds on common forms (short consonant skeletons: one letter off is ~0.9).
JW_HIGH = 0.92
JW_LOW = 0.8
FIRST_NAME_DIFFERENT_M = 1e-9
# A first name only "similar" (Jaro-Winkler of the common forms between JW_LOW and JW_HIGH) is, on
# short consonant skeletons, far more often a sibling's name than a typo; and two typed Arabic first
# names that differ while sharing a coarse common form (محمد/محمود) are two names: fixed, unlikely.
FIRST_NAME_SIMILAR_M = 1e-6
# EM puts m at 0 for a level its sample never showed among matches (a weight of -100 or worse);
# no level is impossible for the same person, so m is floored here after training.
M_FLOOR = 1e-4
# Order swaps the generators and registrations show: first <-> father, father <-> grandfather.
_SWAPS = {"first": ("father",), "father": ("first", "grandfather"), "grandfather": ("father",), "family": ()}
# A swap shows in two comparisons at once (first/father in both), which are not independent: it
# is weighed once, in the first of the two parts, and is neutral (m = u, weight 0) in the other.
_NEUTRAL_SWAPS = {("father", "first"), ("grandfather", "father")}
NEUTRAL_PROBABILITY = 0.001
# Recorded years of birth of one person more than this far apart: fixed, very unlikely (EM's
# sample rarely holds enough to estimate it, and siblings and parents share everything else).
FAR_YEARS = 10
FAR_YEARS_M = 1e-5


def _level(sql: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **extra}


def _best_jw(part: str, jw: str) -> str:
    a_l, a_r = f'"{part}_l"', f'"{part}_r"'
    b_l, b_r = f'coalesce("{part}_alt_l", "{part}_l")', f'coalesce("{part}_alt_r", "{part}_r")'
    # Most records have one form a part (alt NULL): one Jaro-Winkler then, not four.
    return (
        f'(CASE WHEN "{part}_alt_l" IS NULL AND "{part}_alt_r" IS NULL THEN {jw}({a_l}, {a_r}) '
        f"ELSE greatest({jw}({a_l}, {a_r}), {jw}({b_l}, {a_r}), {jw}({a_l}, {b_r}), {jw}({b_l}, {b_r})) END)"
    )


def _swapped(a: str, b: str) -> str:
    """Two parts written in each other's place, the rest agreeing: a first/father swap keeps the
    grandfather, a father/grandfather swap keeps the first name. (A son named after his
    grandfather looks like a first/father swap of his father, except that the grandfather
    differs; so the third part must be there on both sides and agree.)"""
    (keep,) = {"first", "father", "grandfather"} - {a, b}
    return f'"{a}_l" = "{b}_r" AND "{b}_l" = "{a}_r" AND "{keep}_l" = "{keep}_r"'


def name_comparison(part: str, dialect: str) -> dict[str, Any]:
    jw = _JW[dialect]
    label = NAME_LABELS[part]
    exact = (
        f'"{part}_l" = "{part}_r" OR "{part}_l" = "{part}_alt_r" OR "{part}_alt_l" = "{part}_r"'
        f' OR "{part}_alt_l" = "{part}_alt_r"'
    )
    tf = {
        "tf_adjustment_column": part,
        "tf_adjustment_weight": 1.0,
        "disable_tf_exact_match_detection": True,  # the levels are not plain equalities: use their own u
    }
    levels = [
        _level(f'"{part}_l" IS NULL OR "{part}_r" IS NULL', f"{label} missing", is_null_level=True),
        _level(f'"{part}_ar_l" = "{part}_ar_r"', "same Arabic spelling", **tf),
        _level(f'({exact}) AND ("{part}_ar_l" IS NULL OR "{part}_ar_r" IS NULL)', "same in common form", **tf),
        *(
            [
                _level(
                    f'({exact}) AND "ar_typed_l" AND "ar_typed_r"',
                    "same common form, another typed Arabic spelling",
                    m_probability=FIRST_NAME_SIMILAR_M,
                    fix_m_probability=True,
                )
            ]
            if part == "first"
            else []
        ),
        _level(exact, "same common form, another Arabic spelling"),
        _level(f"{_best_jw(part, jw)} >= {JW_HIGH}", "nearly the same"),
        _level(
            f"{_best_jw(part, jw)} >= {JW_LOW}",
            "similar",
            **({"m_probability": FIRST_NAME_SIMILAR_M, "fix_m_probability": True} if part == "first" else {}),
        ),
    ]
    for other in _SWAPS[part]:
        neutral: dict[str, Any] = {}
        if (part, other) in _NEUTRAL_SWAPS:
            neutral = {
                "m_probability": NEUTRAL_PROBABILITY,
                "u_probability": NEUTRAL_PROBABILITY,
                "fix_m_probability": True,
                "fix_u_probability": True,
            }
        levels.append(_level(_swapped(part, other), f"swapped with {NAME_LABELS[other]}", **neutral))
    if part == "first":
        # Siblings share everything a person's record says about their family (father, grandfather,
        # family name, head, household, origin; twins even the date of birth), so only the first
        # name tells them apart: a first name that is not the same name in any reading, spelling
        # or order must outweigh all of that. Fixed, not estimated (EM would put it at the
        # weight of whatever sample it saw).
        levels.append(_level("ELSE", "different", m_probability=FIRST_NAME_DIFFERENT_M, fix_m_probability=True))
    else:
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
        _level(f"abs({y[0]} - {y[1]}) <= {FAR_YEARS}", f"2 to {FAR_YEARS} years apart"),
        _level("ELSE", f"more than {FAR_YEARS} years apart", m_probability=FAR_YEARS_M, fix_m_probability=True),
    ]
    return {"output_column_name": "birth_date", "comparison_description": "date of birth", "comparison_levels": levels}


def sex_comparison() -> dict[str, Any]:
    levels = [
        _level('"sex_l" IS NULL OR "sex_r" IS NULL', "sex missing", is_null_level=True),
        _level('"sex_l" = "sex_r"', "same"),
        _level("ELSE", "different"),
    ]
    return {"output_column_name": "sex", "comparison_description": "sex", "comparison_levels": levels}


def household_comparison(dialect: str) -> dict[str, Any]:
    """The household context as one comparison: the head's name, the household's size and its
    origin say the same thing (same household), so counting them separately would give siblings
    three times the weight of one piece of evidence.

    The context depends on the names: a child's head is usually the father, so two people whose
    father's and family names agree share a head far more often than two random people. Its u
    probabilities are therefore not the random-pair ones but are estimated among people who agree
    on father's and family name (``conditional_household_u``); otherwise a same-named head would
    count as a dozen bits of fresh evidence on top of the names it repeats."""
    jw = _JW[dialect]
    # The head's name is compared whole, on common forms. Jaro-Winkler on the joined "first father
    # family" string is high whenever the first two words agree (its prefix bonus), so a head that
    # is only similar is a level of its own, weighed by what it is worth among namesakes.
    same_head = '"head_l" = "head_r"'
    similar_head = f'{jw}("head_l", "head_r") >= 0.9'
    origin = 'substr("origin_l", 1, 4) = substr("origin_r", 1, 4)'
    size = 'abs("household_size_l" - "household_size_r") <= 1'
    levels = [
        _level(
            '("head_l" IS NULL OR "head_r" IS NULL) AND ("origin_l" IS NULL OR "origin_r" IS NULL)',
            "household not known",
            is_null_level=True,
        ),
        # Two members of one registered household agree on head, origin and size by construction:
        # neutral (m = u, weight 0), so the household context never vouches for siblings.
        _level(
            '"household_key_l" = "household_key_r"',
            "same registered household",
            m_probability=NEUTRAL_PROBABILITY,
            u_probability=NEUTRAL_PROBABILITY,
            fix_m_probability=True,
            fix_u_probability=True,
        ),
        # cheap conditions first: conjunctions stop at the first false one
        _level(f"{origin} AND {size} AND {same_head}", "same head, origin and size"),
        _level(f"{origin} AND {same_head}", "same head and origin"),
        _level(f"{origin} AND {size} AND {similar_head}", "similar head, same origin and size"),
        _level(same_head, "same head"),
        _level(f"{origin} AND {size}", "same origin and size"),
        _level(origin, "same origin"),
        _level("ELSE", "different"),
    ]
    return {"output_column_name": "household", "comparison_description": "household", "comparison_levels": levels}


def conditional_household_u(trained: dict[str, Any], shares: dict[str, float]) -> dict[str, Any]:
    """``trained`` with the household levels' u probabilities fixed at ``shares`` (by label: the
    share of each level among pairs of people of one father's and family name, see
    ``household_comparison``); a level the sample never showed keeps its random-pair u."""
    out = copy.deepcopy(trained)
    for comparison in out["comparisons"]:
        if comparison["output_column_name"] != "household":
            continue
        for level in comparison["comparison_levels"]:
            share = shares.get(level["label_for_charts"])
            if level.get("is_null_level") or level.get("fix_u_probability") or not share:
                continue
            level["u_probability"] = share
            level["fix_u_probability"] = True
    return out


def comparisons(dialect: str) -> list[dict[str, Any]]:
    return [
        *(name_comparison(part, dialect) for part in NAME_COLUMNS),
        birth_date_comparison(),
        sex_comparison(),
        household_comparison(dialect),
    ]


def _rule(sql: str, dialect: str) -> dict[str, Any]:
    return {"blocking_rule": sql, "sql_dialect": dialect}


def _on(*columns: str) -> str:
    return " AND ".join(f'l."{c}" = r."{c}"' for c in columns)


# Candidate pairs: any rule that agrees. Each is an equi-join on common forms, so a record whose
# first name is mistyped is still found by its father's and family name, and so on; measured in
# the tests (blocking recall on synthetic duplicates) and in bench/identity_linkage.py.
BLOCKING_RULES: tuple[str, ...] = (
    # first + family name alone brought 91 million candidate pairs at a million people (two
    # thirds of all); within the origin governorate, 40 million, and no true pair was lost that no
    # other rule finds (bench/identity_linkage.py). Records without an origin block with each
    # other here (``_features.UNKNOWN_ORIGIN``), and with everyone through the other rules.
    _on("first", "family", "origin_governorate"),
    # first + father alone brought half the candidate pairs at 100,000 people for 0.4% of the true
    # pairs no other rule found (bench/identity_linkage.py): the grandfather narrows it
    _on("first", "father", "grandfather"),
    _on("father", "grandfather", "family"),
    _on("family", "birth_year", "birth_month"),
    _on("first", "birth_year", "origin"),
    'l."first" = r."father" AND l."father" = r."first" AND l."family" = r."family"',
    _on("first", "head"),
)
# Deterministic rules (few false positives) for the prior probability that two records match.
DETERMINISTIC_RULES: tuple[str, ...] = (_on("first", "father", "grandfather", "family", "birth_year"),)
# Blocking for the two EM sessions: each trains the comparisons it does not block on.
# The first also asks that the Arabic spellings of the first name agree where both exist, so that
# names sharing a coarse common form (علي/علا) do not teach EM that siblings are one person.
# It also asks for the same origin governorate where both origins are known: people of one full
# name from different governorates are namesakes far more often than one person, and at a million people enough of
# them agree on all four names to teach EM that a person's recorded years of birth lie years apart.
# (The household comparison, which reads the origin, is then trained in the second session only.)
_NAMES_TRAINING = (
    _on("first", "father", "grandfather", "family")
    + ' AND (l."first_ar" = r."first_ar" OR l."first_ar" IS NULL OR r."first_ar" IS NULL)'
)
TRAINING_RULES: tuple[str, ...] = (
    _NAMES_TRAINING + ' AND (substr(l."origin", 1, 4) = substr(r."origin", 1, 4) OR l."origin" IS NULL OR r."origin" IS NULL)',
    _on("birth_year", "birth_month", "birth_day"),
)
# The fallback when EM fails the strict way on a small list (``_api._train``).
PLAIN_TRAINING_RULES: tuple[str, ...] = (_NAMES_TRAINING, TRAINING_RULES[1])


_QUOTED = re.compile(r'"([a-z_]+)"')


def in_dialect(sql: str, dialect: str) -> str:
    """SQL written here (DuckDB's double-quoted identifiers) for ``dialect``: Spark quotes
    identifiers with backticks (a double-quoted word is a string there)."""
    return _QUOTED.sub(r"`\1`", sql) if dialect == SPARK else sql


def _quoted_for(settings: dict[str, Any], dialect: str) -> dict[str, Any]:
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            level["sql_condition"] = in_dialect(level["sql_condition"], dialect)
    for rule in settings["blocking_rules_to_generate_predictions"]:
        rule["blocking_rule"] = in_dialect(rule["blocking_rule"], dialect)
    return settings


def settings_dict(dialect: str, link_type: str) -> dict[str, Any]:
    return _quoted_for(_settings_dict(dialect, link_type), dialect)


def _settings_dict(dialect: str, link_type: str) -> dict[str, Any]:
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


def floor_m(trained: dict[str, Any]) -> dict[str, Any]:
    """``trained`` with every estimated m probability at least ``M_FLOOR`` (renormalised)."""
    out = copy.deepcopy(trained)
    for comparison in out["comparisons"]:
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        free = [level for level in levels if not level.get("fix_m_probability")]
        if not free:
            continue
        for level in free:
            level["m_probability"] = max(float(level.get("m_probability") or 0.0), M_FLOOR)
        free_ids = {id(level) for level in free}
        fixed = sum(float(level.get("m_probability") or 0.0) for level in levels if id(level) not in free_ids)
        scale = (1.0 - fixed) / sum(float(level["m_probability"]) for level in free)
        for level in free:
            level["m_probability"] = float(level["m_probability"]) * scale
    return out


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
