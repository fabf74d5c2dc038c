from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date
from itertools import accumulate
from typing import Generic, TypeVar

from sabeel.engines.synth import _facts as facts
from sabeel.engines.synth._attributes import birth_date, documents, specific_needs
from sabeel.engines.synth._geo import HostPlaces, SyrianPlaces
from sabeel.engines.synth._names import FEMALE_BY_ERA, MALE_BY_ERA, Name, era_of, family_table
from sabeel.engines.synth._styles import ENGLISH, chat_digits, style_spelling
from sabeel.engines.synth._types import SynthConfig, SynthHousehold, SynthPerson

T = TypeVar("T")
YEAR = 365.2425
_RELATION_ORDER = {
    "head": 0, "spouse": 1, "son": 2, "daughter": 2, "parent": 3, "sibling": 4, "other_relative": 5,
    "grandchild": 6,
}
_CHILD = {"M": "son", "F": "daughter"}


class Weighted(Generic[T]):
    __slots__ = ("cum", "items", "last", "total")

    def __init__(self, pairs: Sequence[tuple[T, float]]):
        self.items = [item for item, _ in pairs]
        self.cum = list(accumulate(float(weight) for _, weight in pairs))
        self.total = self.cum[-1]
        self.last = len(self.items) - 1

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect_right(self.cum, rng.random() * self.total, 0, self.last)]


def draw_registration(
    rng: random.Random, styles: Weighted[str], chat_digits_rate: float, arabic_only_rate: float, latin_only_rate: float
) -> tuple[str, bool, str]:
    """How a household is registered: its Latin style, whether its typist uses chat digits, and which
    scripts are recorded (``both``, ``arabic``, ``latin``)."""
    style = styles.pick(rng)
    digits = rng.random() < chat_digits_rate
    roll = rng.random()
    scripts = "arabic" if roll < arabic_only_rate else "latin" if roll < arabic_only_rate + latin_only_rate else "both"
    return style, digits, scripts


class _Lineage:
    """Father's name, grandfather's name and family name shared by a set of siblings."""

    __slots__ = ("family", "father", "grandfather")

    def __init__(self, father: Name, grandfather: Name, family: Name):
        self.father = father
        self.grandfather = grandfather
        self.family = family


class _Draft:
    __slots__ = ("born", "first", "host_born", "lineage", "relationship", "sex")

    def __init__(self, relationship: str, sex: str, born: int, first: Name, lineage: _Lineage):
        self.relationship = relationship
        self.sex = sex
        self.born = born
        self.first = first
        self.lineage = lineage
        self.host_born = False


class HouseholdGenerator:
    """Builds households one by one from a single seeded random stream (a private helper)."""

    def __init__(self, config: SynthConfig):
        host = config.host_country
        self.config = config
        self.rng = random.Random(config.seed)
        self.ref = config.reference_date.toordinal()
        self.ref_year = config.reference_date.year
        self.host = host
        self.kinds = Weighted(list(facts.HOUSEHOLD_KINDS[host].items()))
        arrivals = [(y, w) for y, w in facts.ARRIVAL_YEAR_SHARES[host].items() if y <= self.ref_year]
        self.arrival = Weighted(arrivals or [(self.ref_year, 1.0)])
        self.wanted = Weighted(list(facts.CHILDREN_WANTED[host].items()))
        self.head_ages = Weighted([((lo, hi), w) for lo, hi, w in facts.HEAD_AGE_BANDS[host]])
        self.phone_plans = Weighted([((prefix, digits), w) for prefix, digits, w in facts.PHONE_PREFIXES[host]])
        self.places = SyrianPlaces(
            config.syria_units,
            facts.ORIGIN_SHARES[host],
            stop={1: config.origin_governorate_only_rate, 2: config.origin_district_only_rate},
        )
        self.host_places = HostPlaces(config.host_units)
        self.phone_pool: list[str] = []
        self.case_serials: dict[int, int] = {}
        self.host_serial = 100_000_000 + self.rng.randrange(100_000_000)
        self.birth_registered = facts.HOST_BIRTH_REGISTERED[host]
        # styles, scripts and chat digits come from a stream of their own: the main stream, and so the
        # people, stay what they were before styles existed
        self.style_rng = random.Random(f"registration-styles:{config.seed}")
        self.styles = Weighted(list(config.latin_styles))

    def registration(self) -> tuple[str, bool, str]:
        """How the next household is registered (see ``draw_registration``)."""
        config = self.config
        return draw_registration(
            self.style_rng, self.styles, config.chat_digits_rate, config.arabic_only_rate, config.latin_only_rate
        )

    # --- people -------------------------------------------------------------------------------------

    def _born(self, age: float) -> int:
        return self.ref - int(age * YEAR)

    def _year(self, born: int) -> int:
        return date.fromordinal(born).year

    def _first(self, sex: str, born: int, avoid: Sequence[Name] = ()) -> Name:
        tables = MALE_BY_ERA if sex == "M" else FEMALE_BY_ERA
        table = tables[era_of(self._year(born))]
        name = table.pick(self.rng)
        for _ in range(3):
            if name not in avoid:
                break
            name = table.pick(self.rng)
        return name

    def _male(self, born: int) -> Name:
        return MALE_BY_ERA[era_of(self._year(born))].pick(self.rng)

    def _lineage(self, born: int, governorate: str) -> _Lineage:
        generation = int(29 * YEAR)  # father's and grandfather's names come from older cohorts
        return _Lineage(
            self._male(born - generation), self._male(born - 2 * generation), family_table(governorate).pick(self.rng)
        )

    def _person(self, relationship: str, sex: str, born: int, lineage: _Lineage, avoid: Sequence[Name] = ()) -> _Draft:
        return _Draft(relationship, sex, born, self._first(sex, born, avoid), lineage)

    def _children(
        self, mother_born: int, lineage: _Lineage, *, parent_relationship: str = "child"
    ) -> list[_Draft]:
        rng = self.rng
        count = self.wanted.pick(rng)
        age_first = 17.0 + rng.random() * 6.0 + (rng.random() * 8.0 if rng.random() < 0.1 else 0.0)
        t = mother_born + int(age_first * YEAR)
        limit = min(self.ref - 20, mother_born + int(46 * YEAR))
        kids: list[_Draft] = []
        names: list[Name] = []
        for _ in range(count):
            if t > limit:
                break
            sex = "M" if rng.random() < 0.515 else "F"
            relationship = parent_relationship if parent_relationship == "grandchild" else _CHILD[sex]
            first: Name | None = None
            if sex == "M" and not any(k.sex == "M" for k in kids) and rng.random() < 0.25:
                first = lineage.grandfather  # the eldest son is often named after his grandfather
            kid = _Draft(relationship, sex, t, first or self._first(sex, t, names), lineage)
            names.append(kid.first)
            kids.append(kid)
            t += int((1.0 + rng.expovariate(1 / 1.4)) * YEAR)
        staying = [k for k in kids if self._stays(k)]
        if not staying and kids and parent_relationship == "child":
            staying = kids[-1:]  # an unmarried grown child usually stays with the parents
        return staying

    def _stays(self, child: _Draft) -> bool:
        age = (self.ref - child.born) / YEAR
        if age < 18:
            return True
        if child.sex == "M":
            stay = 0.85 if age < 22 else 0.6 if age < 26 else 0.3 if age < 31 else 0.08
        else:
            stay = 0.65 if age < 21 else 0.4 if age < 25 else 0.2 if age < 31 else 0.08
        return self.rng.random() < stay

    def _head_age(self) -> float:
        lo, hi = self.head_ages.pick(self.rng)
        return lo + self.rng.random() * (hi - lo + 1)

    def _wife_born(self, husband_born: int) -> int:
        gap = self.rng.triangular(0.0, 12.0, 4.0)
        youngest = self.ref - int((16.0 + self.rng.random() * 4.0) * YEAR)
        return min(husband_born + int(gap * YEAR), youngest)

    # --- households ---------------------------------------------------------------------------------

    def _members(self, kind: str, governorate: str) -> list[_Draft]:
        rng = self.rng
        if kind in ("couple_children", "extended", "couple_no_children", "older_couple", "male_single_parent"):
            if kind == "couple_no_children":
                head_born = self._born(21.0 + rng.random() * 12.0)
            elif kind == "older_couple":
                head_born = self._born(60.0 + rng.random() * 20.0)
            elif kind == "male_single_parent":
                head_born = self._born(28.0 + rng.random() * 30.0)
            else:
                head_born = self._born(self._head_age())
            head_lineage = self._lineage(head_born, governorate)
            head = self._person("head", "M", head_born, head_lineage)
            wife_born = self._wife_born(head_born)
            wife_lineage = head_lineage if rng.random() < 0.2 else self._lineage(wife_born, governorate)
            if wife_lineage is head_lineage:
                # cousin marriage: same family, her own father
                wife_lineage = _Lineage(self._male(wife_born - int(29 * YEAR)), head_lineage.grandfather, head_lineage.family)
            members = [head]
            if kind != "male_single_parent":
                members.append(self._person("spouse", "F", wife_born, wife_lineage))
            child_lineage = _Lineage(head.first, head_lineage.father, head_lineage.family)
            if kind == "couple_no_children":
                return members
            kids = self._children(wife_born, child_lineage)
            if kind == "older_couple":
                kids = [k for k in kids if rng.random() < 0.3][:1]
            members.extend(kids)
            if kind == "extended":
                members.extend(self._relatives(head, head_lineage, child_lineage, kids, governorate))
            return members
        if kind in ("female_single_parent", "female_older"):
            if kind == "female_single_parent":
                age = rng.choice((20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0)) + rng.random() * 8.0
            else:
                age = 55.0 + rng.random() * 30.0
            head_born = self._born(age)
            head = self._person("head", "F", head_born, self._lineage(head_born, governorate))
            husband_born = head_born - int(rng.triangular(0.0, 14.0, 4.0) * YEAR)
            husband_lineage = self._lineage(husband_born, governorate)
            husband = self._male(husband_born)
            child_lineage = _Lineage(husband, husband_lineage.father, husband_lineage.family)
            kids = self._children(head_born, child_lineage)
            if kind == "female_older":
                kids = [k for k in kids if rng.random() < 0.6][:3]
            return [head, *kids]
        if kind == "male_single":
            head_born = self._born(18.0 + rng.random() * 17.0)
            lineage = self._lineage(head_born, governorate)
            members = [self._person("head", "M", head_born, lineage)]
            if rng.random() < 0.3:
                brother_born = head_born + int((1.0 + rng.random() * 5.0) * YEAR)
                if self.ref - brother_born > int(16 * YEAR):
                    members.append(self._person("sibling", "M", brother_born, lineage, (members[0].first,)))
            return members
        if kind == "grandparent_grandchildren":
            sex = "F" if rng.random() < 0.65 else "M"
            head_born = self._born(52.0 + rng.random() * 25.0)
            head_lineage = self._lineage(head_born, governorate)
            head = self._person("head", sex, head_born, head_lineage)
            son_born = head_born + int((20.0 + rng.random() * 10.0) * YEAR)
            if sex == "M":
                grandfather, family = head.first, head_lineage.family
            else:
                grandfather, family = self._male(head_born - int(4 * YEAR)), family_table(governorate).pick(rng)
            lineage = _Lineage(self._male(son_born), grandfather, family)
            mother_born = son_born + int(rng.random() * 6.0 * YEAR)
            kids = [k for k in self._children(mother_born, lineage, parent_relationship="grandchild") if self.ref - k.born < int(18 * YEAR)]
            if not kids:
                kids = [self._person("grandchild", "M" if rng.random() < 0.5 else "F", self._born(4.0 + rng.random() * 10.0), lineage)]
            return [head, *kids]
        # child-headed household: an adolescent with younger siblings and no adult
        head_born = self._born(15.0 + rng.random() * 2.9)
        sex = "M" if rng.random() < 0.6 else "F"
        lineage = self._lineage(head_born, governorate)
        members = [self._person("head", sex, head_born, lineage)]
        born = head_born
        for _ in range(rng.randrange(4)):
            born += int((1.5 + rng.random() * 2.5) * YEAR)
            if self.ref - born < int(1 * YEAR):
                break
            s = "M" if rng.random() < 0.5 else "F"
            members.append(self._person("sibling", s, born, lineage, [m.first for m in members]))
        return members

    def _relatives(
        self, head: _Draft, head_lineage: _Lineage, child_lineage: _Lineage, kids: list[_Draft], governorate: str
    ) -> list[_Draft]:
        rng = self.rng
        roll = rng.random()
        head_age = (self.ref - head.born) / YEAR
        married_son = next((k for k in kids if k.sex == "M" and (self.ref - k.born) / YEAR >= 20), None)
        if roll < 0.2 and married_son is not None:
            wife_born = self._wife_born(married_son.born)
            wife = self._person("other_relative", "F", wife_born, self._lineage(wife_born, governorate))
            lineage = _Lineage(married_son.first, head.first, child_lineage.family)
            grandkids = [k for k in self._children(wife_born, lineage, parent_relationship="grandchild") if k.born > married_son.born]
            return [wife, *grandkids]
        if roll < 0.4:
            born = head.born + int((rng.random() * 10.0 - 3.0) * YEAR)
            if self.ref - born > int(15 * YEAR):
                sex = "M" if rng.random() < 0.45 else "F"
                return [self._person("sibling", sex, born, head_lineage, (head.first,))]
        mother_born = head.born - int((18.0 + rng.random() * 17.0) * YEAR)
        if head_age + (head.born - mother_born) / YEAR > 95:
            return []
        mother = self._person("parent", "F", mother_born, self._lineage(mother_born, governorate))
        if roll < 0.9:
            return [mother]
        father_born = mother_born - int(rng.triangular(0.0, 12.0, 4.0) * YEAR)
        father_lineage = _Lineage(head_lineage.grandfather, self._male(father_born - int(29 * YEAR)), head_lineage.family)
        father = _Draft("parent", "M", father_born, head_lineage.father, father_lineage)
        return [father, mother] if (self.ref - father_born) / YEAR < 98 else [mother]

    def _phones(self) -> tuple[str, ...]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.03:
            return ()
        pool = self.phone_pool
        if roll < 0.03 + self.config.shared_phone_rate and pool:
            first = pool[rng.randrange(len(pool))]
        else:
            first = self._new_phone()
        if rng.random() < 0.12:
            second = self._new_phone()
            return (first, second) if second != first else (first,)
        return (first,)

    def _new_phone(self) -> str:
        prefix, digits = self.phone_plans.pick(self.rng)
        number = f"{prefix}{self.rng.randrange(10 ** (digits - 1), 10**digits)}"
        pool = self.phone_pool
        if len(pool) < 512:
            pool.append(number)
        else:
            pool[self.rng.randrange(512)] = number
        return number

    def _case_number(self, arrival: int) -> str | None:
        rng = self.rng
        year = min(arrival + (1 if rng.random() < 0.2 else 0), self.ref_year)
        if self.host == "LBN" and year > 2015:
            return None  # Lebanon suspended new registration in 2015
        if rng.random() > (0.93 if self.host == "LBN" else facts.CASE_NUMBER_SHARE[self.host]):
            return None
        serial = self.case_serials.get(year)
        if serial is None:
            serial = 1_000 + rng.randrange(4_000)
        serial += 1 if rng.random() < 0.75 else 2
        self.case_serials[year] = serial
        return f"{facts.CASE_OFFICE[self.host]}-{year % 100:02d}C{serial:05d}"

    def _host_id(self) -> str | None:
        if self.rng.random() >= facts.HOST_ID_SHARE[self.host]:
            return None
        self.host_serial += 1 + self.rng.randrange(40)
        if self.host == "JOR":
            return f"MOI-{self.host_serial:09d}"
        return f"GS-{self.host_serial % 100_000_000:08d}"

    def household(self, index: int) -> SynthHousehold:
        rng = self.rng
        config = self.config
        household_id = f"{config.id_prefix}{index:07d}"
        kind = self.kinds.pick(rng)
        origin = self.places.pick_origin(rng)
        destination = self.places.pick_destination(origin, rng, config.destination_same_as_origin_rate)
        arrival = self.arrival.pick(rng)
        arrived = date(arrival, 1, 1).toordinal() + rng.randrange(365)
        drafts = self._members(kind, origin.code[:4])
        drafts.sort(key=lambda d: (_RELATION_ORDER[d.relationship], d.born))
        for draft in drafts:
            draft.host_born = draft.born > arrived
        reference = self.config.reference_date
        dates = [birth_date(rng, d.born, d.host_born, (self.ref - d.born) / YEAR) for d in drafts]
        # ages as the registry will compute them, from the recorded (possibly year-only) birth date
        ages = [_age(born, reference) for born, _ in dates]
        has_spouse = any(d.relationship == "spouse" for d in drafts)
        adult_male = any(d.sex == "M" and age >= 18 for d, age in zip(drafts, ages, strict=True))
        minor_children = any(d.relationship in ("son", "daughter") and age < 18 for d, age in zip(drafts, ages, strict=True))
        context = (has_spouse, adult_male, minor_children, len(drafts))
        married = has_spouse or kind in ("female_single_parent", "male_single_parent", "female_older", "extended")
        marriage_papers = rng.random() < 0.7
        spellings: dict[str, str] = {}
        styled: dict[str, str] = {}
        style, digits, scripts = self.registration()
        members = []
        for line, (draft, age, (born, precision)) in enumerate(zip(drafts, ages, dates, strict=True), start=1):
            lineage = draft.lineage
            parts = (draft.first, lineage.father, lineage.grandfather, lineage.family)
            latin = []
            for name in parts:
                spelled = spellings.get(name.arabic)
                if spelled is None:
                    spelled = spellings[name.arabic] = name.spell(rng)
                latin.append(spelled)
            held, missing = documents(
                rng, relationship=draft.relationship, host_born=draft.host_born, age=age,
                married=married and age >= 15, marriage_papers=marriage_papers, birth_registered=self.birth_registered,
            )
            needs = specific_needs(
                rng, sex=draft.sex, relationship=draft.relationship, age=age, kind=kind, context=context, held=held
            )
            person = SynthPerson(
                f"{household_id}-{line:02d}", household_id, line, draft.relationship, draft.sex,
                parts[0].arabic, parts[1].arabic, parts[2].arabic, parts[3].arabic,
                latin[0], latin[1], latin[2], latin[3],
                born, precision, held, missing, needs,
            )
            if style != ENGLISH or digits or scripts != "both":
                person = self._registered(person, parts, latin, styled, style, digits, scripts)
            members.append(person)
        return SynthHousehold(
            household_id, self.host, self._case_number(arrival), self._host_id(), self._phones(), arrival,
            self.host_places.pick(rng).code, origin.code, origin.level, destination.code, tuple(members),
            style, scripts,
        )

    def _registered(
        self, person: SynthPerson, parts: tuple[Name, ...], english: list[str], styled: dict[str, str],
        style: str, digits: bool, scripts: str,
    ) -> SynthPerson:
        """``person`` as the household's agency registered them: in its style and scripts."""
        latin = []
        for name, spelled in zip(parts, english, strict=True):
            written = styled.get(name.arabic)
            if written is None:
                written = style_spelling(name, spelled, style, self.style_rng)
                if digits:
                    written = chat_digits(written, name.arabic, self.style_rng)
                styled[name.arabic] = written
            latin.append(written)
        arabic = [n.arabic for n in parts]
        if scripts == "arabic":
            latin = ["", "", "", ""]
        elif scripts == "latin":
            arabic = ["", "", "", ""]
        return replace(
            person,
            first_name_ar=arabic[0], father_name_ar=arabic[1], grandfather_name_ar=arabic[2], family_name_ar=arabic[3],
            first_name_lat=latin[0], father_name_lat=latin[1], grandfather_name_lat=latin[2], family_name_lat=latin[3],
            truth=person,
        )


def _age(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def generate_households(config: SynthConfig) -> Iterator[SynthHousehold]:
    """Yield ``config.households`` synthetic refugee households, one at a time.

    Deterministic: the same config yields equal households in the same order (one ``random.Random``
    seeded with ``config.seed``, nothing depends on string hashing). Household ids are
    ``{id_prefix}0000001`` onwards and person ids ``{household_id}-01`` onwards, the head first."""
    generator = HouseholdGenerator(config)
    for index in range(1, config.households + 1):
        yield generator.household(index)
