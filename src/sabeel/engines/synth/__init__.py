"""Synthetic Syrian refugee households for demos, load tests and measuring identity resolution.

Pure Python, standard library only, deterministic: the same seed gives byte-identical output. The
facts the generator is calibrated on (household sizes, origins by host country, name frequencies,
specific-needs rates) are approximate public figures written into ``_facts.py`` and ``_names.py``.
"""

from sabeel.engines.synth._generate import generate_households
from sabeel.engines.synth._overlap import generate_overlapping_list, iter_overlapping_list
from sabeel.engines.synth._rows import HOUSEHOLD_COLUMNS, PERSON_COLUMNS, household_row, person_row, write_csv
from sabeel.engines.synth._types import (
    DOCUMENTS,
    RELATIONSHIPS,
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
    "HOUSEHOLD_COLUMNS",
    "PERSON_COLUMNS",
    "RELATIONSHIPS",
    "SPECIFIC_NEEDS",
    "AdminUnitRef",
    "DuplicateList",
    "GroundTruth",
    "OverlapConfig",
    "SynthConfig",
    "SynthHousehold",
    "SynthPerson",
    "TruePair",
    "generate_households",
    "generate_overlapping_list",
    "household_row",
    "iter_overlapping_list",
    "person_row",
    "write_csv",
]
