from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date

from sabeel.engines.synth._generate import HouseholdGenerator, Weighted, draw_registration
from sabeel.engines.synth._names import FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES, arabic_variant, spelling_variant, typo
from sabeel.engines.synth._second import name_of
from sabeel.engines.synth._styles import ENGLISH, chat_digits, latin_in_style, style_spelling
from sabeel.engines.synth._types import (
    DuplicateList,
    GroundTruth,
    OverlapConfig,
    SynthConfig,
    SynthHousehold,
    SynthPerson,
    TruePair,
)

_SPELLINGS: dict[str, tuple[str, ...]] = {}
for _name in (*MALE_NAMES, *FEMALE_NAMES, *FAMILY_NAMES):
    _SPELLINGS[_name.arabic] = tuple(dict.fromkeys((*_SPELLINGS.get(_name.arabic, ()), *_name.latin)))

_PARTS = ("first_name", "father_name", "grandfather_name", "family_name")
_SHUFFLE_BUFFER = 256


class _OverlapGenerator:
    def __init__(self, config: SynthConfig, overlap: OverlapConfig):
        self.overlap = overlap
        self.rng = random.Random(overlap.seed)
        fresh = replace(config, seed=self.rng.getrandbits(64), households=0, id_prefix="~")
        self.fresh = HouseholdGenerator(fresh)
        self.fresh_index = 0
        self.index = 0
        self.syria_codes = self.fresh.places.tree.by_code
        # the second agency's styles and scripts come from a stream of their own (defaults: the old lists)
        self.style_rng = random.Random(f"overlap-styles:{overlap.seed}")
        self.styles = Weighted(list(overlap.latin_styles))

    def run(self, source: Iterable[SynthHousehold]) -> Iterator[tuple[SynthHousehold, GroundTruth]]:
        rng = self.rng
        overlap = self.overlap
        buffer: list[SynthHousehold | None] = []
        credit = 0.0
        for household in source:
            if rng.random() < overlap.duplicate_share:
                buffer.append(household)
            credit += overlap.new_household_ratio
            while credit >= 1.0:
                buffer.append(None)
                credit -= 1.0
            while len(buffer) > _SHUFFLE_BUFFER:
                yield self._emit(self._pop(buffer))
        while buffer:
            yield self._emit(self._pop(buffer))

    def _pop(self, buffer: list[SynthHousehold | None]) -> SynthHousehold | None:
        i = self.rng.randrange(len(buffer))
        buffer[i], buffer[-1] = buffer[-1], buffer[i]
        return buffer.pop()

    def _emit(self, source: SynthHousehold | None) -> tuple[SynthHousehold, GroundTruth]:
        self.index += 1
        household_id = f"{self.overlap.id_prefix}{self.index:07d}"
        if source is None:
            self.fresh_index += 1
            fresh = self.fresh.household(self.fresh_index)
            members = tuple(
                replace(p, person_id=f"{household_id}-{p.line_no:02d}", household_id=household_id) for p in fresh.members
            )
            return replace(fresh, household_id=household_id, members=members), GroundTruth((), ())
        return self._duplicate(source, household_id)

    def _duplicate(self, source: SynthHousehold, household_id: str) -> tuple[SynthHousehold, GroundTruth]:
        rng = self.rng
        overlap = self.overlap
        changes: list[str] = []
        people = list(source.members)
        if len(people) > 1 and rng.random() < overlap.member_missing_rate:
            del people[rng.randrange(1, len(people))]
            changes.append("member_missing")
        relationships = {p.person_id: p.relationship for p in people}
        spouse = next((p for p in people if p.relationship == "spouse"), None)
        if spouse is not None and rng.random() < overlap.head_swap_rate:
            relationships[people[0].person_id] = "spouse"
            relationships[spouse.person_id] = "head"
            people.remove(spouse)
            people.insert(0, spouse)
            changes.append("head_swap")
        members: list[SynthPerson] = []
        pairs: list[TruePair] = []
        spellings: dict[str, str] = {}  # the other agency spells a name the same way for the whole family
        registration = draw_registration(
            self.style_rng, self.styles, overlap.chat_digits_rate, overlap.arabic_only_rate, overlap.latin_only_rate
        )
        for line, person in enumerate(people, start=1):
            twin, applied = self._person(person, household_id, line, relationships[person.person_id], spellings, registration)
            members.append(twin)
            pairs.append(TruePair(person.person_id, twin.person_id, applied))
        phones = source.phones
        roll = rng.random()
        if roll < overlap.phone_change_rate:
            phones = (self.fresh._new_phone(),)
            changes.append("phone_changed")
        elif roll < overlap.phone_change_rate + 0.1 and phones:
            phones = ()
            changes.append("phone_missing")
        case_number = source.unhcr_case_number
        if case_number is not None and rng.random() >= overlap.case_number_kept_rate:
            case_number = None
            changes.append("case_number_missing")
        host_id = source.host_government_id
        if host_id is not None and rng.random() < 0.5:
            host_id = None
            changes.append("host_government_id_missing")
        location = source.current_location_code
        if rng.random() < overlap.moved_rate:
            moved = self.fresh.host_places.pick(rng).code
            if moved != location:
                location = moved
                changes.append("moved")
        origin, origin_level = source.origin_code, source.origin_level
        governorate = self.syria_codes.get(origin[:4])
        if origin_level > 1 and governorate is not None and rng.random() < 0.15:
            origin, origin_level = governorate.code, governorate.level
            changes.append("origin_coarsened")
        household = SynthHousehold(
            household_id, source.host_country, case_number, host_id, phones, source.arrival_year, location,
            origin, origin_level, source.destination_code, tuple(members), registration[0], registration[2],
        )
        return household, GroundTruth(tuple(pairs), (TruePair(source.household_id, household_id, tuple(changes)),))

    def _person(
        self, person: SynthPerson, household_id: str, line: int, relationship: str, spellings: dict[str, str],
        registration: tuple[str, bool, str] = (ENGLISH, False, "both"),
    ) -> tuple[SynthPerson, tuple[str, ...]]:
        rng = self.rng
        overlap = self.overlap
        applied: list[str] = []
        style, digits, scripts = registration
        arabic = [person.first_name_ar, person.father_name_ar, person.grandfather_name_ar, person.family_name_ar]
        latin = [person.first_name_lat, person.father_name_lat, person.grandfather_name_lat, person.family_name_lat]
        styled = style != ENGLISH or digits
        if styled or scripts != "both":
            truth = person.true_person
            arabic = [truth.first_name_ar, truth.father_name_ar, truth.grandfather_name_ar, truth.family_name_ar]
            latin = [truth.first_name_lat, truth.father_name_lat, truth.grandfather_name_lat, truth.family_name_lat]
        if styled:
            latin = [self._styled(arabic[k], latin[k], k, person.sex, style, digits, spellings) for k in range(4)]
            applied += [f"transliteration:{_PARTS[k]}" for k in range(4) if latin[k] != getattr(person, f"{_PARTS[k]}_lat")]
        if rng.random() < overlap.name_swap_rate:
            i, j = (0, 1) if rng.random() < 0.5 else (1, 2)
            if arabic[i] != arabic[j]:
                arabic[i], arabic[j] = arabic[j], arabic[i]
                latin[i], latin[j] = latin[j], latin[i]
                applied.append(f"swap:{_PARTS[i]}:{_PARTS[j]}")
        for k in range(4):
            respelled = spellings.get(latin[k])
            if respelled is None:
                respelled = latin[k]
                if rng.random() < overlap.transliteration_rate:
                    respelled = spelling_variant(latin[k], rng, arabic[k]) if styled else self._respell(latin[k], arabic[k])
                spellings[latin[k]] = respelled
            if respelled != latin[k]:
                latin[k] = respelled
                if f"transliteration:{_PARTS[k]}" not in applied:
                    applied.append(f"transliteration:{_PARTS[k]}")
        if rng.random() < overlap.arabic_orthography_rate:
            k = rng.randrange(4)
            written = arabic_variant(arabic[k], rng)
            if written != arabic[k]:
                arabic[k] = written
                applied.append(f"arabic_orthography:{_PARTS[k]}")
        if rng.random() < overlap.typo_rate:
            k = rng.randrange(4)
            if rng.random() < 0.7:
                latin[k] = typo(latin[k], rng, arabic=False)
                applied.append(f"typo:{_PARTS[k]}_lat")
            else:
                arabic[k] = typo(arabic[k], rng, arabic=True)
                applied.append(f"typo:{_PARTS[k]}_ar")
        if rng.random() < overlap.grandfather_missing_rate and arabic[2]:
            arabic[2] = latin[2] = ""
            applied.append("grandfather_missing")
        original_ar = (person.first_name_ar, person.father_name_ar, person.grandfather_name_ar, person.family_name_ar)
        original_lat = (person.first_name_lat, person.father_name_lat, person.grandfather_name_lat, person.family_name_lat)
        for k, part in enumerate(_PARTS):
            # a later change can undo an earlier one (a typo restoring a letter): record net changes only
            if latin[k] == original_lat[k]:
                applied = [x for x in applied if x not in (f"transliteration:{part}", f"typo:{part}_lat")]
            if arabic[k] == original_ar[k]:
                applied = [x for x in applied if x not in (f"arabic_orthography:{part}", f"typo:{part}_ar")]
        if scripts == "arabic" and any(latin):
            latin = ["", "", "", ""]
            applied = [x for x in applied if not x.startswith("transliteration:") and not x.endswith("_lat")]
            applied.append("arabic_only")
        elif scripts == "latin" and any(arabic):
            arabic = ["", "", "", ""]
            applied = [x for x in applied if not x.startswith("arabic_orthography:") and not x.endswith("_ar")]
            applied.append("latin_only")
        birth_date, precision = person.birth_date, person.birth_date_precision
        roll = rng.random()
        if birth_date is not None:
            if roll < overlap.birth_date_missing_rate:
                birth_date = precision = None
                applied.append("birth_date_missing")
            elif roll < overlap.birth_date_missing_rate + overlap.birth_date_year_only_rate:
                if precision != "year":
                    birth_date, precision = date(birth_date.year, 1, 1), "year"
                    applied.append("birth_date_year_only")
            elif roll < overlap.birth_date_missing_rate + overlap.birth_date_year_only_rate + overlap.birth_date_error_rate:
                if precision == "day" and birth_date.day <= 12 and birth_date.day != birth_date.month:
                    birth_date = date(birth_date.year, birth_date.day, birth_date.month)
                    applied.append("birth_date_day_month_swapped")
                else:
                    year = birth_date.year + (1 if rng.random() < 0.5 else -1)
                    day = birth_date.day if (birth_date.month, birth_date.day) != (2, 29) else 28
                    birth_date = date(year, birth_date.month, day)
                    applied.append("birth_date_year_shifted")
        twin = SynthPerson(
            f"{household_id}-{line:02d}", household_id, line, relationship, person.sex,
            arabic[0], arabic[1], arabic[2], arabic[3], latin[0], latin[1], latin[2], latin[3],
            birth_date, precision, person.documents_held, person.documents_missing, person.specific_needs,
            person.true_person,
        )
        return twin, tuple(applied)

    def _styled(self, arabic: str, english: str, part: int, sex: str, style: str, digits: bool, cache: dict[str, str]) -> str:
        """A name as the second agency writes it in its style (the same way for the whole household)."""
        key = f"style:{arabic}"
        written = cache.get(key)
        if written is None:
            srng = self.style_rng
            name = name_of(arabic, part, sex)
            if name is not None:
                written = style_spelling(name, english or name.spell(srng), style, srng)
            else:
                written = latin_in_style(english, arabic, style, srng)
            if digits:
                written = chat_digits(written, arabic, srng)
            cache[key] = written
        return written

    def _respell(self, current: str, arabic: str) -> str:
        rng = self.rng
        known = _SPELLINGS.get(arabic, ())
        others = [s for s in known if s != current]
        if others and rng.random() < 0.7:
            return others[rng.randrange(len(others))]
        return spelling_variant(current, rng, arabic)


def iter_overlapping_list(
    source: Iterable[SynthHousehold], *, config: SynthConfig, overlap: OverlapConfig
) -> Iterator[tuple[SynthHousehold, GroundTruth]]:
    """Stream a second agency's list overlapping ``source``: each household with its part of the ground
    truth (empty for a household that is not in ``source``).

    About ``overlap.duplicate_share`` of the source households are registered again, with their members'
    names respelled, mistyped, reordered or cut short and birth dates coarsened, dropped or mistaken as
    the rates say; the household may lose a member, change phone, lose its case number or move.
    New households, drawn from ``config``'s units and facts with another seed, are mixed in. The order
    is shuffled within a window of 256 households. Deterministic for a given source and seeds."""
    return _OverlapGenerator(config, overlap).run(source)


def generate_overlapping_list(
    source: Iterable[SynthHousehold], *, config: SynthConfig, overlap: OverlapConfig
) -> DuplicateList:
    """The whole second list and its ground truth (see ``iter_overlapping_list``)."""
    households: list[SynthHousehold] = []
    person_pairs: list[TruePair] = []
    household_pairs: list[TruePair] = []
    for household, truth in iter_overlapping_list(source, config=config, overlap=overlap):
        households.append(household)
        person_pairs.extend(truth.person_pairs)
        household_pairs.extend(truth.household_pairs)
    return DuplicateList(tuple(households), GroundTruth(tuple(person_pairs), tuple(household_pairs)))
