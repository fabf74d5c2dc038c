"""A second, independently varied record of a person: what another agency writes down when it
registers the same person again (for search queries and linkage ground truth)."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date

from sabeel.engines.synth._names import (
    FAMILY_NAMES,
    FEMALE_NAMES,
    MALE_NAMES,
    Name,
    arabic_variant,
    spelling_variant,
    typo,
)
from sabeel.engines.synth._styles import ENGLISH, FRENCH, STYLES, TURKISH, chat_digits, latin_in_style, style_spelling
from sabeel.engines.synth._types import SCRIPTS, SynthPerson, _check_rate, _check_styles

_PARTS = ("first_name", "father_name", "grandfather_name", "family_name")


def _index(*tables: tuple[Name, ...]) -> dict[str, Name]:
    index: dict[str, Name] = {}
    for table in tables:
        for name in table:
            index.setdefault(name.arabic, name)
    return index


_MALE = _index(MALE_NAMES)
_FEMALE = _index(FEMALE_NAMES)
_FAMILY = _index(FAMILY_NAMES)
_ANY = _index(MALE_NAMES, FEMALE_NAMES, FAMILY_NAMES)


@dataclass(frozen=True, slots=True)
class Variation:
    """How a second agency's record of a person differs from the first. The style and scripts are drawn
    per record from ``latin_styles`` (weights) and the two one-script rates (the rest record both);
    ``chat_digits_rate`` of records use the chat alphabet's digits. The other rates are per record
    (``respelling_rate`` and ``arabic_orthography_rate`` per name part): another spelling of a part
    (a vowel, a doubled letter, ou/u …), another Arabic orthography (hamza dropped, ة as ه …), one
    typing error, two parts swapped (first/father, father/grandfather, or the family name written
    first), a part left out, and the birth date missing, cut to the year (1 January, precision
    ``year``) or written as 1 January as if the day were known (precision ``day``)."""

    latin_styles: tuple[tuple[str, float], ...] = ((ENGLISH, 0.4), (FRENCH, 0.3), (TURKISH, 0.3))
    arabic_only_rate: float = 0.5
    latin_only_rate: float = 0.5
    chat_digits_rate: float = 0.05
    respelling_rate: float = 0.15
    arabic_orthography_rate: float = 0.15
    typo_rate: float = 0.15
    name_swap_rate: float = 0.06
    grandfather_missing_rate: float = 0.3
    father_missing_rate: float = 0.05
    family_missing_rate: float = 0.04
    birth_date_missing_rate: float = 0.05
    birth_date_year_only_rate: float = 0.2
    birth_date_january_first_rate: float = 0.1

    def __post_init__(self) -> None:
        _check_styles("latin_styles", self.latin_styles)
        for name in self.__dataclass_fields__:
            if name.endswith("_rate"):
                _check_rate(name, getattr(self, name))
        if self.arabic_only_rate + self.latin_only_rate > 1.0:
            raise ValueError("arabic_only_rate and latin_only_rate must not add up to more than 1")
        dates = self.birth_date_missing_rate + self.birth_date_year_only_rate + self.birth_date_january_first_rate
        if dates > 1.0:
            raise ValueError("the birth-date rates must not add up to more than 1")


@dataclass(frozen=True, slots=True)
class SecondRecord:
    """A second agency's record of a person: the record (``person.truth`` is the true person), the
    Latin style and the scripts it was written in, whether chat digits were used, and what was changed
    beyond the style and script (``typo:first_name_lat``, ``swap:first_name:father_name``,
    ``missing:grandfather_name``, ``birth_date_year_only`` …)."""

    person: SynthPerson
    style: str
    scripts: str
    chat_digits: bool
    changes: tuple[str, ...]


def _pick(shares: tuple[tuple[str, float], ...], rng: random.Random) -> str:
    total = sum(w for _, w in shares)
    roll = rng.random() * total
    for style, weight in shares:
        roll -= weight
        if roll < 0:
            return style
    return shares[-1][0]


def name_of(arabic: str, part: int, sex: str) -> Name | None:
    if part == 0:
        table = _MALE if sex == "M" else _FEMALE
    elif part == 3:
        table = _FAMILY
    else:
        table = _MALE
    return table.get(arabic) or _ANY.get(arabic)


def second_record(
    person: SynthPerson,
    *,
    seed: int,
    variation: Variation | None = None,
    style: str | None = None,
    scripts: str | None = None,
    person_id: str | None = None,
    household_id: str | None = None,
) -> SecondRecord:
    """Another agency's registration of ``person``, varied independently of the record given: written
    afresh from the true person's names (``person.true_person``) in a Latin style and scripts drawn
    from ``variation`` (or the ``style`` and ``scripts`` given: ``both``, ``arabic``, ``latin``), with
    respellings, typos, swapped or missing parts and a coarser birth date as its rates say.

    Deterministic: the same person id, seed and variation give the same record, whatever else was
    generated before (the random stream is seeded with ``seed`` and the person's id). The record's id
    is ``person_id`` (default ``{id}~{seed}``), its household ``household_id`` (default the person's)."""
    variation = variation or Variation()
    truth = person.true_person
    rng = random.Random(f"second-record:{seed}:{truth.person_id}")
    chosen_style = style or _pick(variation.latin_styles, rng)
    roll = rng.random()
    if scripts is None:
        scripts = (
            "arabic" if roll < variation.arabic_only_rate
            else "latin" if roll < variation.arabic_only_rate + variation.latin_only_rate
            else "both"
        )
    if scripts not in SCRIPTS:
        raise ValueError(f"scripts must be one of {SCRIPTS}, not {scripts!r}")
    if chosen_style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}, not {chosen_style!r}")
    digits = rng.random() < variation.chat_digits_rate
    changes: list[str] = []
    arabic = [truth.first_name_ar, truth.father_name_ar, truth.grandfather_name_ar, truth.family_name_ar]
    english = [truth.first_name_lat, truth.father_name_lat, truth.grandfather_name_lat, truth.family_name_lat]
    latin: list[str] = []
    for k in range(4):
        name = name_of(arabic[k], k, truth.sex)
        if name is not None:
            written = style_spelling(name, name.spell(rng), chosen_style, rng)
        else:
            written = latin_in_style(english[k], arabic[k], chosen_style, rng)
        if digits:
            written = chat_digits(written, arabic[k], rng)
        if written and rng.random() < variation.respelling_rate:
            respelled = spelling_variant(written, rng, arabic[k])
            if respelled != written:
                written = respelled
                changes.append(f"respelling:{_PARTS[k]}_lat")
        latin.append(written)
        if arabic[k] and rng.random() < variation.arabic_orthography_rate:
            varied = arabic_variant(arabic[k], rng)
            if varied != arabic[k]:
                arabic[k] = varied
                changes.append(f"arabic_orthography:{_PARTS[k]}_ar")
    if rng.random() < variation.typo_rate:
        k = rng.randrange(4)
        in_arabic = scripts == "arabic" or (scripts == "both" and rng.random() < 0.4)
        target = arabic if in_arabic else latin
        if target[k]:
            target[k] = typo(target[k], rng, arabic=in_arabic)
            changes.append(f"typo:{_PARTS[k]}_{'ar' if in_arabic else 'lat'}")
    if rng.random() < variation.name_swap_rate:
        i, j = ((0, 1), (1, 2), (0, 3))[rng.randrange(3)]
        if arabic[i] != arabic[j]:
            arabic[i], arabic[j] = arabic[j], arabic[i]
            latin[i], latin[j] = latin[j], latin[i]
            changes.append(f"swap:{_PARTS[i]}:{_PARTS[j]}")
    for k, rate in ((2, variation.grandfather_missing_rate), (1, variation.father_missing_rate), (3, variation.family_missing_rate)):
        if rng.random() < rate and (arabic[k] or latin[k]):
            arabic[k] = latin[k] = ""
            changes.append(f"missing:{_PARTS[k]}")
    if scripts == "arabic":
        latin = ["", "", "", ""]
    elif scripts == "latin":
        arabic = ["", "", "", ""]
    born, precision = truth.birth_date, truth.birth_date_precision
    dates_total = variation.birth_date_missing_rate + variation.birth_date_year_only_rate + variation.birth_date_january_first_rate
    roll = rng.random()
    if born is not None:
        if roll < variation.birth_date_missing_rate:
            born = precision = None
            changes.append("birth_date_missing")
        elif roll < variation.birth_date_missing_rate + variation.birth_date_year_only_rate:
            if precision != "year":
                born, precision = date(born.year, 1, 1), "year"
                changes.append("birth_date_year_only")
        elif roll < dates_total and (born.month, born.day, precision) != (1, 1, "day"):
            born, precision = date(born.year, 1, 1), "day"
            changes.append("birth_date_january_first")
    record = replace(
        truth,
        person_id=person_id or f"{truth.person_id}~{seed}",
        household_id=household_id or truth.household_id,
        first_name_ar=arabic[0], father_name_ar=arabic[1], grandfather_name_ar=arabic[2], family_name_ar=arabic[3],
        first_name_lat=latin[0], father_name_lat=latin[1], grandfather_name_lat=latin[2], family_name_lat=latin[3],
        birth_date=born, birth_date_precision=precision,
        truth=truth,
    )
    return SecondRecord(record, chosen_style, scripts, digits, tuple(changes))



def latin_spelling(arabic: str, style: str, *, part: str = "first_name", sex: str = "M", seed: int = 0) -> str:
    """One name of the generator's tables (``arabic``, a ``part`` of a person of ``sex``) as an agency
    writing in ``style`` spells it; ``seed`` picks among the style's usual spellings. A name not in the
    tables raises ``KeyError``."""
    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}, not {style!r}")
    name = name_of(arabic, _PARTS.index(part), sex)
    if name is None:
        raise KeyError(arabic)
    rng = random.Random(f"latin-spelling:{seed}:{style}:{arabic}")
    return style_spelling(name, name.latin[0] if seed == 0 else name.spell(rng), style, rng)
