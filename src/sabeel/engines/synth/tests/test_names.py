"""Names: Arabic script with realistic frequencies, and the spread of Latin spellings real lists have."""

from __future__ import annotations

import random
import re
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from sabeel.engines.synth import SynthHousehold
from sabeel.engines.synth._names import (
    FAMILY_NAMES,
    FEMALE_NAMES,
    MALE_NAMES,
    arabic_variant,
    expand_latin,
    spelling_variant,
    typo,
)

ARABIC = re.compile(r"^[\u0621-\u064A]+( [\u0621-\u064A]+)*$")
LATIN_OR_ARABIZI = re.compile(r"^[A-Za-z0-9' -]+$")


def test_the_name_tables_hold_a_few_hundred_names_in_both_scripts() -> None:
    assert len(MALE_NAMES) >= 150 and len(FEMALE_NAMES) >= 100 and len(FAMILY_NAMES) >= 100
    for name in (*MALE_NAMES, *FEMALE_NAMES, *FAMILY_NAMES):
        assert ARABIC.match(name.arabic), name.arabic
        assert name.latin and all(re.match(r"^[A-Za-z][A-Za-z' -]*$", s) for s in name.latin), name.latin
    assert len({n.arabic for n in MALE_NAMES}) == len(MALE_NAMES)
    assert len({n.arabic for n in FEMALE_NAMES}) == len(FEMALE_NAMES)


def test_mohammed_is_by_far_the_most_common_male_name(sample: list[SynthHousehold]) -> None:
    men = Counter(p.first_name_ar for h in sample for p in h.members if p.sex == "M")
    (top, top_count), (_, second_count) = men.most_common(2)
    assert top == "محمد"
    assert top_count > 1.7 * second_count
    assert 0.06 < top_count / sum(men.values()) < 0.15


def test_fathers_and_grandfathers_names_are_male_names(sample: list[SynthHousehold]) -> None:
    male = {n.arabic for n in MALE_NAMES}
    for household in sample[:500]:
        for person in household.members:
            assert person.father_name_ar in male
            assert person.grandfather_name_ar in male


def test_one_name_is_spelled_many_ways_across_households(sample: list[SynthHousehold]) -> None:
    spellings: dict[str, set[str]] = {}
    for household in sample:
        for person in household.members:
            spellings.setdefault(person.first_name_ar, set()).add(person.first_name_lat)
            spellings.setdefault(person.family_name_ar, set()).add(person.family_name_lat)
    assert {"Mohammed", "Muhammad", "Mohamad", "Mohammad"} <= spellings["محمد"]
    assert {"Abdulrahman", "Abd al-Rahman", "Abdel Rahman"} <= spellings["عبد الرحمن"]
    zoubi = spellings["الزعبي"]
    assert {"Al-Zoubi", "Zoubi", "El-Zoubi", "Al Zoubi"} <= zoubi


def test_old_and_young_generations_carry_different_names(sample: list[SynthHousehold]) -> None:
    older = Counter(p.first_name_ar for h in sample for p in h.members if p.birth_date and p.birth_date.year < 1970 and p.sex == "F")
    young = Counter(p.first_name_ar for h in sample for p in h.members if p.birth_date and p.birth_date.year >= 2010 and p.sex == "F")
    assert older["فاطمة"] / sum(older.values()) > 2 * young["فاطمة"] / sum(young.values())
    assert young["رهف"] / sum(young.values()) > 2 * older["رهف"] / max(1, sum(older.values()))


def test_family_names_follow_the_place_of_origin(jordan_sample: list[SynthHousehold]) -> None:
    def zoubi_share(households: list[SynthHousehold]) -> float:
        return sum(h.head.family_name_ar in ("الزعبي", "الحريري", "المسالمة") for h in households) / len(households)

    from_daraa = [h for h in jordan_sample if h.origin_code.startswith("SY12")]
    elsewhere = [h for h in jordan_sample if not h.origin_code.startswith("SY12")]
    assert zoubi_share(from_daraa) > 4 * zoubi_share(elsewhere)


def test_compound_and_article_names_expand_to_the_usual_spellings() -> None:
    spellings, weights = expand_latin("@Rahman")
    assert spellings[0] == "Abdulrahman" and "Abd al-Rahman" in spellings and "Abdel Rahman" in spellings
    assert len(spellings) == len(weights)
    spellings, _ = expand_latin("^Haj Ali")
    assert {"Al-Haj Ali", "Alhaj Ali", "El-Haj Ali", "Haj Ali"} <= set(spellings)


@given(seed=st.integers(0, 2**32), index=st.integers(0, len(MALE_NAMES) - 1))
def test_spelling_variants_stay_latin_and_typos_always_change_the_name(seed: int, index: int) -> None:
    rng = random.Random(seed)
    name = MALE_NAMES[index]
    latin = name.spell(rng)
    variant = spelling_variant(latin, rng, name.arabic)
    assert LATIN_OR_ARABIZI.match(variant) and variant.strip() == variant
    assert typo(latin, rng, arabic=False) != latin
    assert typo(name.arabic, rng, arabic=True) != name.arabic
    assert re.match(r"^[\u0621-\u064A ]+$", arabic_variant(name.arabic, rng))


def test_arabic_variants_are_the_ones_clerks_write() -> None:
    rng = random.Random(1)
    assert {arabic_variant("أحمد", rng) for _ in range(20)} == {"احمد"}
    assert {arabic_variant("فاطمة", rng) for _ in range(20)} == {"فاطمه"}
    assert {arabic_variant("مصطفى", rng) for _ in range(20)} == {"مصطفي"}
    assert {arabic_variant("عبد الله", rng) for _ in range(20)} == {"عبدالله"}
