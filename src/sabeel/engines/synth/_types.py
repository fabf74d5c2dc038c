from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Final

from sabeel.engines.synth._facts import HOST_COUNTRIES
from sabeel.engines.synth._styles import ENGLISH, STYLES

RELATIONSHIPS: Final = (
    "head", "spouse", "son", "daughter", "parent", "sibling", "grandchild", "other_relative",
)
DOB_PRECISIONS: Final = ("day", "month", "year")
SCRIPTS: Final = ("both", "arabic", "latin")
DOCUMENTS: Final = ("national_id", "family_booklet", "passport", "birth_certificate", "marriage_certificate")

# UNHCR standardised specific-needs codes (families CR, DS, ER, FU, LP, SC, SM, SP, SV, TR, WR), the
# subset the generator assigns.
SPECIFIC_NEEDS: Final = MappingProxyType(
    {
        "CR-CS": "Child spouse",
        "CR-CL": "Child engaged in child labour",
        "CR-NE": "Child at risk of not attending school",
        "DS-BD": "Visual impairment",
        "DS-DF": "Hearing impairment",
        "DS-PM": "Physical disability, moderate",
        "DS-PS": "Physical disability, severe",
        "DS-MM": "Mental disability, moderate",
        "DS-MS": "Mental disability, severe",
        "ER-NF": "Older person unable to care for self",
        "ER-MC": "Older person with children",
        "ER-UR": "Unaccompanied older person",
        "FU-TR": "Family unity: tracing required",
        "FU-FR": "Family unity: reunification required",
        "LP-ND": "No legal documentation",
        "LP-DO": "Detained or held in country of origin",
        "LP-DT": "Detained or held in country of asylum",
        "SC-SC": "Separated child",
        "SC-UC": "Unaccompanied child",
        "SC-CH": "Child-headed household",
        "SM-CI": "Chronic illness",
        "SM-MI": "Mental illness",
        "SM-CC": "Critical medical condition",
        "SM-OT": "Other medical condition",
        "SP-PT": "Single parent",
        "SP-GP": "Single grandparent",
        "SV-VO": "Survivor of SGBV in country of origin",
        "SV-VA": "Survivor of SGBV in country of asylum",
        "TR-PI": "Psychological or physical impairment due to torture",
        "TR-WV": "Witness of violence to others",
        "WR-WR": "Single woman at risk",
        "WR-SF": "Single female household representative",
    }
)


def _check_rate(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, not {value!r}")


def _check_styles(name: str, shares: tuple[tuple[str, float], ...]) -> None:
    if not shares or any(style not in STYLES or weight < 0 for style, weight in shares) or sum(w for _, w in shares) <= 0:
        raise ValueError(f"{name} must be (style, weight) pairs with styles from {STYLES} and a positive total")


@dataclass(frozen=True, slots=True)
class AdminUnitRef:
    """An admin unit the generator may use: a Syrian unit by OCHA p-code (SY12, SY1200, SY120000) or a
    host-country unit. ``weight`` is its relative size among its siblings (population, or registered
    refugees for host units); ``None`` counts as equal shares."""

    code: str
    level: int
    parent_code: str | None = None
    weight: float | None = None

    def __post_init__(self) -> None:
        if not self.code:
            raise ValueError("an admin unit needs a code")
        if self.weight is not None and self.weight < 0:
            raise ValueError(f"weight of {self.code} must not be negative")


@dataclass(frozen=True, slots=True)
class SynthConfig:
    """What to generate: ``households`` households registered in ``host_country`` (``JOR`` or ``LBN``),
    coming from ``syria_units`` and living in ``host_units``. The same config always yields the same
    households. Ages and registration dates are computed at ``reference_date``.

    Each household is registered with one Latin spelling style drawn from ``latin_styles`` (weights;
    ``english``, ``french``, ``turkish``; the held-back style only in benchmarks), with the chat
    alphabet's digits in a ``chat_digits_rate`` share of households, and in one script only in an
    ``arabic_only_rate`` / ``latin_only_rate`` share (the other script's name fields empty). These
    choices come from a random stream of their own, so the defaults (English, both scripts, no digits)
    give exactly the households earlier versions gave."""

    seed: int
    host_country: str
    households: int
    syria_units: tuple[AdminUnitRef, ...]
    host_units: tuple[AdminUnitRef, ...]
    reference_date: date = date(2025, 6, 30)
    id_prefix: str = "H"
    origin_governorate_only_rate: float = 0.3
    origin_district_only_rate: float = 0.2
    destination_same_as_origin_rate: float = 0.85
    shared_phone_rate: float = 0.08
    latin_styles: tuple[tuple[str, float], ...] = ((ENGLISH, 1.0),)
    chat_digits_rate: float = 0.0
    arabic_only_rate: float = 0.0
    latin_only_rate: float = 0.0

    def __post_init__(self) -> None:
        _check_styles("latin_styles", self.latin_styles)
        if self.arabic_only_rate + self.latin_only_rate > 1.0:
            raise ValueError("arabic_only_rate and latin_only_rate must not add up to more than 1")
        if self.host_country not in HOST_COUNTRIES:
            raise ValueError(f"host_country must be one of {HOST_COUNTRIES}, not {self.host_country!r}")
        if self.households < 0:
            raise ValueError("households must not be negative")
        if not self.syria_units:
            raise ValueError("at least one Syrian admin unit is needed for origins")
        if not self.host_units:
            raise ValueError("at least one host admin unit is needed for current locations")
        for name in (
            "origin_governorate_only_rate", "origin_district_only_rate", "destination_same_as_origin_rate",
            "shared_phone_rate", "chat_digits_rate", "arabic_only_rate", "latin_only_rate",
        ):
            _check_rate(name, getattr(self, name))


@dataclass(frozen=True, slots=True)
class SynthPerson:
    """One registered individual. Names are in Arabic script (``*_ar``) and in the Latin spelling the
    registering agency used (``*_lat``); a part nobody recorded is an empty string. ``birth_date`` is
    the first day of the known period when ``birth_date_precision`` is ``month`` or ``year``; both are
    ``None`` when the date was not recorded. ``documents_missing`` lists the civil documents a person
    of that age and role would be expected to hold but does not. ``truth`` (not compared, not written to
    CSV) is the full record this registration was drawn from when it differs (another style or script,
    a second agency's record): ground truth for measuring, never input to a model."""

    person_id: str
    household_id: str
    line_no: int
    relationship: str
    sex: str
    first_name_ar: str
    father_name_ar: str
    grandfather_name_ar: str
    family_name_ar: str
    first_name_lat: str
    father_name_lat: str
    grandfather_name_lat: str
    family_name_lat: str
    birth_date: date | None
    birth_date_precision: str | None
    documents_held: tuple[str, ...] = ()
    documents_missing: tuple[str, ...] = ()
    specific_needs: tuple[str, ...] = ()
    truth: SynthPerson | None = field(default=None, compare=False, repr=False)

    @property
    def true_person(self) -> SynthPerson:
        """The person as the generator knows them: both scripts, English-style spelling, the full
        birth date (``truth`` when this record is a registration that differs from it, else itself)."""
        return self.truth if self.truth is not None else self

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True, slots=True)
class SynthHousehold:
    """A registered household: its members (the head first), identifiers, phones in E.164, where it lives
    now (a host unit code), where it comes from (a Syrian unit code, at ``origin_level``) and where it
    would return to. ``latin_style`` is the style its Latin names were written in and ``scripts`` which
    scripts were registered (``both``, ``arabic`` or ``latin``)."""

    household_id: str
    host_country: str
    unhcr_case_number: str | None
    host_government_id: str | None
    phones: tuple[str, ...]
    arrival_year: int
    current_location_code: str
    origin_code: str
    origin_level: int
    destination_code: str
    members: tuple[SynthPerson, ...]
    latin_style: str = ENGLISH
    scripts: str = "both"

    @property
    def head(self) -> SynthPerson:
        return next(p for p in self.members if p.relationship == "head")

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True, slots=True)
class OverlapConfig:
    """How a second agency's list overlaps the first: ``duplicate_share`` of the first list's households
    are registered again (with the perturbation rates below), and ``new_household_ratio`` new households
    per household of the first list are added that are not in it. Rates are per person for name and
    birth-date changes, per household otherwise.

    The second agency writes each re-registered household in a Latin style drawn from ``latin_styles``
    (respelled from the true names; the transliteration rate then adds variants within the style), with
    chat digits in ``chat_digits_rate`` of households and in one script only in the ``arabic_only_rate``
    / ``latin_only_rate`` shares, drawn from a stream of their own (the defaults give the old lists)."""

    seed: int
    duplicate_share: float = 0.3
    new_household_ratio: float = 0.3
    id_prefix: str = "B"
    transliteration_rate: float = 0.35
    arabic_orthography_rate: float = 0.15
    typo_rate: float = 0.12
    name_swap_rate: float = 0.04
    grandfather_missing_rate: float = 0.1
    birth_date_missing_rate: float = 0.05
    birth_date_year_only_rate: float = 0.15
    birth_date_error_rate: float = 0.05
    phone_change_rate: float = 0.4
    member_missing_rate: float = 0.1
    head_swap_rate: float = 0.05
    case_number_kept_rate: float = 0.5
    moved_rate: float = 0.1
    latin_styles: tuple[tuple[str, float], ...] = ((ENGLISH, 1.0),)
    chat_digits_rate: float = 0.0
    arabic_only_rate: float = 0.0
    latin_only_rate: float = 0.0

    def __post_init__(self) -> None:
        _check_styles("latin_styles", self.latin_styles)
        if self.arabic_only_rate + self.latin_only_rate > 1.0:
            raise ValueError("arabic_only_rate and latin_only_rate must not add up to more than 1")
        for name in self.__dataclass_fields__:
            if name.endswith(("_rate", "_share")):
                _check_rate(name, getattr(self, name))
        if self.new_household_ratio < 0:
            raise ValueError("new_household_ratio must not be negative")


@dataclass(frozen=True, slots=True)
class TruePair:
    """A record of the first list (``left_id``) and of the second (``right_id``) that are the same person
    or household, with what was changed between them (e.g. ``transliteration:first_name``)."""

    left_id: str
    right_id: str
    perturbations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GroundTruth:
    """The true matches between two lists, for identity resolution to be measured against."""

    person_pairs: tuple[TruePair, ...]
    household_pairs: tuple[TruePair, ...]
    _person_set: frozenset[tuple[str, str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_person_set", frozenset((p.left_id, p.right_id) for p in self.person_pairs))

    def same_person(self, left_id: str, right_id: str) -> bool:
        return (left_id, right_id) in self._person_set


@dataclass(frozen=True, slots=True)
class DuplicateList:
    """A second list overlapping the first, with the ground truth."""

    households: tuple[SynthHousehold, ...]
    ground_truth: GroundTruth
