"""Origins, destinations and current locations use only the admin units the caller loaded."""

from __future__ import annotations

import dataclasses
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from sabeel.engines.synth import AdminUnitRef, SynthHousehold, generate_households
from sabeel.engines.synth.tests.gazetteer import HOSTS, SYRIA, make_config


@settings(max_examples=30, deadline=None)
@given(
    chosen=st.sets(st.sampled_from(SYRIA), min_size=1, max_size=12),
    hosts=st.sets(st.sampled_from(HOSTS["LBN"]), min_size=1, max_size=6),
    seed=st.integers(0, 2**32),
)
def test_origins_and_destinations_only_use_units_passed_in(chosen: set[AdminUnitRef], hosts: set[AdminUnitRef], seed: int) -> None:
    config = make_config("LBN", 60, seed=seed)
    config = dataclasses.replace(config, syria_units=tuple(chosen), host_units=tuple(hosts))
    syrian = {u.code: u for u in chosen}
    host_codes = {u.code for u in hosts}
    for household in generate_households(config):
        assert household.origin_code in syrian
        assert household.origin_level == syrian[household.origin_code].level
        assert household.destination_code in syrian
        assert household.current_location_code in host_codes


def test_origin_is_often_known_only_to_the_governorate(jordan_sample: list[SynthHousehold]) -> None:
    levels = Counter(h.origin_level for h in jordan_sample)
    share = levels[1] / len(jordan_sample)
    assert 0.3 <= share <= 0.7  # governorates without loaded districts also stay at level 1
    assert levels[2] > 0 and levels[3] > 0
    daraa = [h for h in jordan_sample if h.origin_code.startswith("SY12")]
    assert 0.2 <= sum(h.origin_level == 1 for h in daraa) / len(daraa) <= 0.4


def test_lower_levels_are_picked_under_the_chosen_governorate(jordan_sample: list[SynthHousehold]) -> None:
    parents = {u.code: u.parent_code for u in SYRIA}
    for household in jordan_sample:
        code = household.origin_code
        while parents[code] is not None:
            code = parents[code]  # type: ignore[assignment]
        assert code == household.origin_code[:4]


def test_people_mostly_want_to_return_home(sample: list[SynthHousehold]) -> None:
    same = sum(h.destination_code == h.origin_code for h in sample) / len(sample)
    assert 0.8 <= same <= 0.9
    assert any(h.destination_code[:4] != h.origin_code[:4] for h in sample)


def test_current_locations_follow_host_weights_down_to_the_deepest_level(lebanon_sample: list[SynthHousehold], jordan_sample: list[SynthHousehold]) -> None:
    lebanon = Counter(h.current_location_code for h in lebanon_sample)
    assert "LB2" not in lebanon and "LB25" in lebanon  # Bekaa has districts loaded, so never stop at it
    assert "LB3" in lebanon  # Mount Lebanon has none, so it is used as it is
    jordan = Counter(h.current_location_code for h in jordan_sample)
    assert jordan.most_common(1)[0][0] in ("Q472788", "Q854871")  # Amman or Mafraq
    assert jordan["Q472788"] > 20 * jordan["Q750259"]  # Amman far above Tafilah


def test_a_gazetteer_without_governorates_still_works() -> None:
    districts = tuple(u for u in SYRIA if u.level == 3)
    config = dataclasses.replace(make_config("JOR", 300, seed=4), syria_units=districts)
    origins = Counter(h.origin_code[:4] for h in generate_households(config))
    assert set(origins) <= {"SY12", "SY04", "SY02"}
    assert origins.most_common(1)[0][0] == "SY12"
