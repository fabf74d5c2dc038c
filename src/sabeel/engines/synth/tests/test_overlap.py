"""A second agency's list that overlaps the first, with ground truth for identity resolution."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sabeel.engines.synth import (
    DuplicateList,
    OverlapConfig,
    SynthHousehold,
    SynthPerson,
    generate_households,
    generate_overlapping_list,
    iter_overlapping_list,
)
from sabeel.engines.synth.tests.gazetteer import make_config

CONFIG = make_config("LBN", 1500, seed=21)
PARTS = ("first_name", "father_name", "grandfather_name", "family_name")


@pytest.fixture(scope="module")
def first_list() -> list[SynthHousehold]:
    return list(generate_households(CONFIG))


@pytest.fixture(scope="module")
def second(first_list: list[SynthHousehold]) -> DuplicateList:
    return generate_overlapping_list(first_list, config=CONFIG, overlap=OverlapConfig(seed=5))


def people(households: list[SynthHousehold] | tuple[SynthHousehold, ...]) -> dict[str, SynthPerson]:
    return {p.person_id: p for h in households for p in h.members}


def test_every_true_pair_refers_to_real_records_in_both_lists(first_list: list[SynthHousehold], second: DuplicateList) -> None:
    left, right = people(first_list), people(second.households)
    truth = second.ground_truth
    assert truth.person_pairs
    for pair in truth.person_pairs:
        assert pair.left_id in left and pair.right_id in right
        assert truth.same_person(pair.left_id, pair.right_id)
    assert len({p.left_id for p in truth.person_pairs}) == len(truth.person_pairs)
    assert len({p.right_id for p in truth.person_pairs}) == len(truth.person_pairs)
    left_households = {h.household_id for h in first_list}
    right_households = {h.household_id for h in second.households}
    household_pairs = {(p.left_id, p.right_id) for p in truth.household_pairs}
    for pair in truth.household_pairs:
        assert pair.left_id in left_households and pair.right_id in right_households
    for pair in truth.person_pairs:
        assert (left[pair.left_id].household_id, right[pair.right_id].household_id) in household_pairs
    assert not left.keys() & right.keys()


def test_a_configurable_share_is_registered_again_alongside_new_households(first_list: list[SynthHousehold], second: DuplicateList) -> None:
    duplicated = len(second.ground_truth.household_pairs)
    assert 0.25 <= duplicated / len(first_list) <= 0.35
    new = len(second.households) - duplicated
    assert new == int(0.3 * len(first_list)) or abs(new - 0.3 * len(first_list)) <= 1
    paired = {p.right_id for p in second.ground_truth.household_pairs}
    newcomers = [h for h in second.households if h.household_id not in paired]
    assert all(h.host_country == "LBN" and h.members for h in newcomers)


def test_the_second_list_is_not_in_the_order_of_the_first(second: DuplicateList) -> None:
    lefts = [p.left_id for p in second.ground_truth.household_pairs]
    assert lefts != sorted(lefts)
    assert [h.household_id for h in second.households] == sorted(h.household_id for h in second.households)


def test_recorded_perturbations_were_actually_applied(first_list: list[SynthHousehold], second: DuplicateList) -> None:
    left, right = people(first_list), people(second.households)
    kinds: Counter[str] = Counter()
    for pair in second.ground_truth.person_pairs:
        a, b = left[pair.left_id], right[pair.right_id]
        applied = set(pair.perturbations)
        kinds.update(x.split(":")[0] for x in applied)
        touched = {x.split(":")[1].removesuffix("_lat").removesuffix("_ar") for x in applied if ":" in x}
        touched |= {x.split(":")[2] for x in applied if x.startswith("swap:")}
        if "grandfather_missing" in applied:
            assert b.grandfather_name_ar == b.grandfather_name_lat == ""
            touched.add("grandfather_name")
        for part in PARTS:
            if part not in touched:
                assert getattr(a, part + "_ar") == getattr(b, part + "_ar")
                assert getattr(a, part + "_lat") == getattr(b, part + "_lat")
        for item in applied:
            kind, _, part = item.partition(":")
            if kind == "transliteration":
                assert getattr(a, part + "_lat") != getattr(b, part + "_lat") or any(x.startswith("swap") for x in applied)
            if kind == "typo" and not any(x.startswith("swap") for x in applied):
                field = part
                assert getattr(b, field) != getattr(a, field) or "grandfather" in field
        if "birth_date_missing" in applied:
            assert b.birth_date is None and b.birth_date_precision is None
        elif "birth_date_year_only" in applied:
            assert b.birth_date_precision == "year" and b.birth_date is not None and a.birth_date is not None
            assert (b.birth_date.year, b.birth_date.month, b.birth_date.day) == (a.birth_date.year, 1, 1)
        elif "birth_date_day_month_swapped" in applied:
            assert b.birth_date is not None and a.birth_date is not None
            assert (b.birth_date.month, b.birth_date.day) == (a.birth_date.day, a.birth_date.month)
        elif "birth_date_year_shifted" in applied:
            assert b.birth_date is not None and a.birth_date is not None
            assert abs(b.birth_date.year - a.birth_date.year) == 1
        else:
            assert (b.birth_date, b.birth_date_precision) == (a.birth_date, a.birth_date_precision)
        if not applied:
            assert (a.sex, a.first_name_lat, a.family_name_ar) == (b.sex, b.first_name_lat, b.family_name_ar)
    for kind in ("transliteration", "typo", "swap", "arabic_orthography", "grandfather_missing", "birth_date_missing", "birth_date_year_only"):
        assert kinds[kind] > 0, kind
    assert kinds["transliteration"] > kinds["typo"]


def test_households_change_phone_lose_members_and_swap_heads(first_list: list[SynthHousehold], second: DuplicateList) -> None:
    households = {h.household_id: h for h in first_list}
    again = {h.household_id: h for h in second.households}
    changes: Counter[str] = Counter()
    for pair in second.ground_truth.household_pairs:
        a, b = households[pair.left_id], again[pair.right_id]
        changes.update(pair.perturbations)
        assert sum(p.relationship == "head" for p in b.members) == 1
        assert b.members[0].relationship == "head"
        if "member_missing" in pair.perturbations:
            assert b.size == a.size - 1
        else:
            assert b.size == a.size
        if "phone_changed" in pair.perturbations:
            assert b.phones and b.phones != a.phones
        if "head_swap" in pair.perturbations:
            assert b.head.sex == "F" and a.head.sex == "M"
        if "case_number_missing" in pair.perturbations:
            assert a.unhcr_case_number and b.unhcr_case_number is None
        if not pair.perturbations:
            assert (a.phones, a.unhcr_case_number, a.current_location_code) == (b.phones, b.unhcr_case_number, b.current_location_code)
    for change in ("phone_changed", "member_missing", "head_swap", "case_number_missing", "moved", "origin_coarsened"):
        assert changes[change] > 0, change


def test_the_same_seeds_give_the_same_second_list(first_list: list[SynthHousehold], second: DuplicateList) -> None:
    assert generate_overlapping_list(first_list, config=CONFIG, overlap=OverlapConfig(seed=5)) == second
    other = generate_overlapping_list(first_list, config=CONFIG, overlap=OverlapConfig(seed=6))
    assert other.ground_truth != second.ground_truth


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32), share=st.floats(0.0, 1.0), ratio=st.floats(0.0, 2.0))
def test_streamed_truth_is_consistent_for_any_share(seed: int, share: float, ratio: float) -> None:
    config = make_config("JOR", 40, seed=seed)
    source = list(generate_households(config))
    left = people(source)
    overlap = OverlapConfig(seed=seed, duplicate_share=share, new_household_ratio=ratio)
    seen: set[str] = set()
    for household, truth in iter_overlapping_list(source, config=config, overlap=overlap):
        assert household.household_id not in seen
        seen.add(household.household_id)
        ids = {p.person_id for p in household.members}
        assert len(truth.household_pairs) <= 1
        for pair in truth.person_pairs:
            assert pair.left_id in left and pair.right_id in ids
        if not truth.household_pairs:
            assert not truth.person_pairs
    if share == 1.0:
        assert len(seen) >= len(source)


def test_a_second_agency_can_write_in_other_styles_and_one_script(first_list: list[SynthHousehold]) -> None:
    overlap = OverlapConfig(
        seed=5, latin_styles=(("french", 1.0), ("turkish", 1.0)), arabic_only_rate=0.3, latin_only_rate=0.3,
    )
    styled = generate_overlapping_list(first_list, config=CONFIG, overlap=overlap)
    left, right = people(first_list), people(styled.households)
    paired = {p.right_id for p in styled.ground_truth.household_pairs}
    again = [h for h in styled.households if h.household_id in paired]
    assert {h.latin_style for h in again} == {"french", "turkish"}
    assert {h.scripts for h in again} == {"arabic", "latin", "both"}
    respelled = 0
    for pair in styled.ground_truth.person_pairs:
        a, b = left[pair.left_id], right[pair.right_id]
        assert b.true_person == a.true_person
        if b.first_name_lat and b.first_name_lat != a.first_name_lat:
            respelled += 1
            recorded = {"transliteration:first_name", "typo:first_name_lat"} & set(pair.perturbations)
            assert recorded or any(x.startswith("swap") for x in pair.perturbations)
        if "arabic_only" in pair.perturbations:
            assert b.first_name_lat == b.family_name_lat == ""
        if "latin_only" in pair.perturbations:
            assert b.first_name_ar == b.family_name_ar == ""
    assert respelled > 0.3 * len(styled.ground_truth.person_pairs)
