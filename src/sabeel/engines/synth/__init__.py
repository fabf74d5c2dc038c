"""Synthetic Syrian refugee households for demos, load tests and measuring identity resolution.

Pure Python, standard library only, deterministic: the same seed gives byte-identical output. The
facts the generator is calibrated on (household sizes, origins by host country, name frequencies,
specific-needs rates) are approximate public figures written into ``_facts.py`` and ``_names.py``.

Public API (frozen: ``tests/test_frozen.py`` pins a digest of the output for fixed seeds)::

    generate_households(SynthConfig(seed=…, host_country="LBN", households=N, syria_units=…, host_units=…))
        # households one at a time; new config fields (defaults keep the old output):
        #   latin_styles=(("english", .4), ("french", .3), ("turkish", .3)): the style a household's
        #     agency writes Latin names in; chat_digits_rate: share of households typed with 7/3/2;
        #   arabic_only_rate / latin_only_rate: share registered in one script only (other fields "").
        # household.latin_style, household.scripts say how each was registered;
        # person.true_person (person.truth) is the full record (both scripts, English spelling).
    second_record(person, seed=…, variation=Variation(), style=None, scripts=None) -> SecondRecord
        # another agency's independently varied record of the same person (another style/script,
        # respellings, typos, swapped or missing parts, year-only / 1 January birth dates), for
        # search queries and linkage ground truth; deterministic per (seed, person id).
    latin_spelling(arabic, style, *, part="first_name", sex="M", seed=0) -> str
        # one name of the tables spelled in a style ("Khalil" → "Halil" in Turkish).
    generate_overlapping_list(source, config=…, overlap=OverlapConfig(seed=…)) -> DuplicateList
    iter_overlapping_list(...)  # the same, streamed, with each household's part of the ground truth
    LATIN_STYLES = ("english", "french", "turkish", "german"); STYLES adds the held-back style
        (German was held back until the name model turned out to know its spellings: seen now.)
    HELD_BACK_STYLE ("dutch": sj for ش, dj, ch for خ, oe for u, j for y), HELD_BACK_SEED: NEVER used for tuning;
        only the benchmarks (``bench/``) use them, in rows of their own (a test fails if
        ``engines/text`` or ``engines/linkage`` mentions them).
    write_csv / household_row / person_row: CSV rows for bulk loading.
"""

from sabeel.engines.synth._generate import generate_households
from sabeel.engines.synth._overlap import generate_overlapping_list, iter_overlapping_list
from sabeel.engines.synth._rows import HOUSEHOLD_COLUMNS, PERSON_COLUMNS, household_row, person_row, write_csv
from sabeel.engines.synth._second import SecondRecord, Variation, latin_spelling, second_record
from sabeel.engines.synth._styles import HELD_BACK_SEED, HELD_BACK_STYLE, LATIN_STYLES, STYLES
from sabeel.engines.synth._types import (
    DOCUMENTS,
    RELATIONSHIPS,
    SCRIPTS,
    SPECIFIC_NEEDS,
    AdminUnitRef,
    DuplicateList,
    GroundTruth,
    OverlapConfig,
    SynthConfig,
    SynthHousehold,
    SynthPerson,
    TruePair,
)

__all__ = [
    "DOCUMENTS",
    "HELD_BACK_SEED",
    "HELD_BACK_STYLE",
    "HOUSEHOLD_COLUMNS",
    "LATIN_STYLES",
    "PERSON_COLUMNS",
    "RELATIONSHIPS",
    "SCRIPTS",
    "SPECIFIC_NEEDS",
    "STYLES",
    "AdminUnitRef",
    "DuplicateList",
    "GroundTruth",
    "OverlapConfig",
    "SecondRecord",
    "SynthConfig",
    "SynthHousehold",
    "SynthPerson",
    "TruePair",
    "Variation",
    "generate_households",
    "generate_overlapping_list",
    "household_row",
    "iter_overlapping_list",
    "latin_spelling",
    "person_row",
    "second_record",
    "write_csv",
]
