"""The generated population looks like the registered Syrian refugee population (approximate public
figures, checked over a few thousand households within generous tolerances)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sabeel.engines.synth import SynthHousehold
from sabeel.engines.synth.tests.gazetteer import make_config

REFERENCE = make_config().reference_date


def people(sample: list[SynthHousehold]) -> list[tuple[SynthHousehold, int]]:
    return [(h, p.age_on(REFERENCE) or 0) for h in sample for p in h.members]


def test_households_average_between_four_and_a_half_and_five_people(sample: list[SynthHousehold]) -> None:
    mean = sum(h.size for h in sample) / len(sample)
    assert 4.4 <= mean <= 5.1
    sizes = Counter(h.size for h in sample)
    assert sizes[1] > 0 and max(sizes) >= 10


def test_about_half_of_the_people_are_children(sample: list[SynthHousehold]) -> None:
    ages = [age for _, age in people(sample)]
    assert 0.44 <= sum(age < 18 for age in ages) / len(ages) <= 0.56


def test_few_people_are_sixty_or_older(sample: list[SynthHousehold]) -> None:
    ages = [age for _, age in people(sample)]
    assert 0.015 <= sum(age >= 60 for age in ages) / len(ages) <= 0.06


def test_a_fifth_to_a_third_of_households_are_headed_by_women(jordan_sample: list[SynthHousehold], lebanon_sample: list[SynthHousehold]) -> None:
    jordan = sum(h.head.sex == "F" for h in jordan_sample) / len(jordan_sample)
    lebanon = sum(h.head.sex == "F" for h in lebanon_sample) / len(lebanon_sample)
    assert 0.2 <= jordan <= 0.3
    assert 0.15 <= lebanon <= 0.25
    assert jordan > lebanon


def test_most_refugees_in_jordan_come_from_daraa(jordan_sample: list[SynthHousehold]) -> None:
    governorates = Counter(h.origin_code[:4] for h in jordan_sample)
    assert 0.56 <= governorates["SY12"] / len(jordan_sample) <= 0.68
    top = [code for code, _ in governorates.most_common(3)]
    assert top[0] == "SY12" and set(top[1:]) == {"SY04", "SY03"}  # then Homs and Rural Damascus, about 10 % each


def test_refugees_in_lebanon_come_mostly_from_homs_aleppo_idleb_rural_damascus_and_hama(lebanon_sample: list[SynthHousehold]) -> None:
    governorates = Counter(h.origin_code[:4] for h in lebanon_sample)
    assert governorates.most_common(1)[0][0] == "SY04"
    assert {code for code, _ in governorates.most_common(5)} == {"SY04", "SY02", "SY03", "SY07", "SY05"}
    assert governorates["SY12"] / len(lebanon_sample) < 0.05


def test_a_realistic_share_of_birth_dates_is_known_only_to_the_year(sample: list[SynthHousehold]) -> None:
    persons = [p for h in sample for p in h.members]
    year_only = [p for p in persons if p.birth_date_precision == "year"]
    assert 0.07 <= len(year_only) / len(persons) <= 0.2
    assert all(p.birth_date is not None and (p.birth_date.month, p.birth_date.day) == (1, 1) for p in year_only)
    month_only = [p for p in persons if p.birth_date_precision == "month"]
    assert month_only and all(p.birth_date is not None and p.birth_date.day == 1 for p in month_only)
    # older people more often know only their year of birth
    older = [p for p in persons if (p.age_on(REFERENCE) or 0) >= 50]
    assert sum(p.birth_date_precision == "year" for p in older) / len(older) > len(year_only) / len(persons)
    # and some full dates are 1 January because the papers say so
    assert any(p.birth_date_precision == "day" and p.birth_date == date(p.birth_date.year, 1, 1) for p in persons)


def test_specific_needs_come_at_realistic_rates_and_to_the_right_people(sample: list[SynthHousehold]) -> None:
    persons = [(p, p.age_on(REFERENCE) or 0) for h in sample for p in h.members]
    total = len(persons)
    with_needs = sum(bool(p.specific_needs) for p, _ in persons)
    assert 0.12 <= with_needs / total <= 0.35
    older = [p for p, age in persons if age >= 60]
    assert 0.2 <= sum("SM-CI" in p.specific_needs for p in older) / len(older) <= 0.4
    assert 0.015 <= sum(any(c.startswith("DS-") for c in p.specific_needs) for p, _ in persons) / total <= 0.05
    for person, age in persons:
        families = {code[:2] for code in person.specific_needs}
        if "ER" in families:
            assert age >= 60
        if families & {"SC", "CR"}:
            assert age < 18
        if "WR" in families:
            assert person.sex == "F" and person.relationship == "head"
        if "SP" in families:
            assert person.relationship == "head"
        if "CR-CS" in person.specific_needs:
            assert person.relationship == "spouse"
    codes = Counter(code for p, _ in persons for code in p.specific_needs)
    for code in ("SM-CI", "DS-PM", "ER-NF", "WR-SF", "SP-PT", "LP-ND", "CR-CL", "TR-PI", "SV-VO", "SC-SC"):
        assert codes[code] > 0, code


def test_single_mothers_are_flagged_as_single_parents(sample: list[SynthHousehold]) -> None:
    single_mothers = [
        h.head for h in sample
        if h.head.sex == "F" and not any(p.relationship == "spouse" for p in h.members)
        and any(p.relationship in ("son", "daughter") and (p.age_on(REFERENCE) or 99) < 18 for p in h.members)
    ]
    assert single_mothers
    assert sum("SP-PT" in head.specific_needs for head in single_mothers) / len(single_mothers) > 0.8


def test_some_civil_documents_are_missing(sample: list[SynthHousehold]) -> None:
    adults = [p for h in sample for p in h.members if (p.age_on(REFERENCE) or 0) >= 18]
    without_id = sum("national_id" in p.documents_missing for p in adults) / len(adults)
    assert 0.2 <= without_id <= 0.45
    host_born = [p for h in sample for p in h.members if p.birth_date and p.birth_date.year > h.arrival_year]
    assert any("birth_certificate" in p.documents_missing for p in host_born)
