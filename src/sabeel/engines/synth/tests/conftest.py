from __future__ import annotations

import pytest

from sabeel.engines.synth import SynthHousehold, generate_households
from sabeel.engines.synth.tests.gazetteer import make_config

SAMPLE_SIZE = 4000


@pytest.fixture(scope="session")
def jordan_sample() -> list[SynthHousehold]:
    return list(generate_households(make_config("JOR", SAMPLE_SIZE, seed=11)))


@pytest.fixture(scope="session")
def lebanon_sample() -> list[SynthHousehold]:
    return list(generate_households(make_config("LBN", SAMPLE_SIZE, seed=12)))


@pytest.fixture(scope="session", params=["JOR", "LBN"])
def sample(request: pytest.FixtureRequest, jordan_sample: list[SynthHousehold], lebanon_sample: list[SynthHousehold]) -> list[SynthHousehold]:
    return jordan_sample if request.param == "JOR" else lebanon_sample
