from __future__ import annotations

import dataclasses

import pytest

import sabeel.engines.synth as synth
from sabeel.engines.synth.tests.gazetteer import make_config

EXPECTED = {
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
}


def test_public_api_is_exactly_the_documented_names() -> None:
    assert set(synth.__all__) == EXPECTED
    assert len(synth.__all__) == len(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_public_name_is_importable(name: str) -> None:
    assert getattr(synth, name) is not None


def test_results_are_frozen_dataclasses() -> None:
    household = next(synth.generate_households(make_config(households=1)))
    for value in (household, household.members[0], make_config()):
        assert dataclasses.is_dataclass(value)
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, dataclasses.fields(value)[0].name, "changed")


def test_configs_refuse_what_cannot_be_generated() -> None:
    with pytest.raises(ValueError, match="host_country"):
        make_config(host="JOR", households=1).__class__(
            seed=1, host_country="TUR", households=1, syria_units=make_config().syria_units, host_units=make_config().host_units
        )
    with pytest.raises(ValueError, match="Syrian admin unit"):
        dataclasses.replace(make_config(), syria_units=())
    with pytest.raises(ValueError, match="host admin unit"):
        dataclasses.replace(make_config(), host_units=())
    with pytest.raises(ValueError, match="negative"):
        dataclasses.replace(make_config(), households=-1)
    with pytest.raises(ValueError, match="shared_phone_rate"):
        dataclasses.replace(make_config(), shared_phone_rate=1.5)
    with pytest.raises(ValueError, match="typo_rate"):
        synth.OverlapConfig(seed=1, typo_rate=-0.1)
    with pytest.raises(ValueError, match="weight"):
        synth.AdminUnitRef("SY01", 1, None, -3)
