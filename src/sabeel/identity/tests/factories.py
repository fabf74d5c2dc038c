"""Data for the identity tests.

``registry_fill`` writes a registry large enough for the linkage engine to train on (EM needs a
few thousand records with duplicates among them) straight into the tables, in bulk: registering
two thousand people through ``household_create`` would take minutes. Its households are drawn
from small pools of names (Arabic with a Latin spelling); a share of them is registered a second
time as another household, as a second agency would: the same people, sometimes in Latin script
only, sometimes with only the year of birth. It returns the pairs of person ids that are the same
person (the truth the tests measure against).

``run_make`` makes a finished run with chosen pairs without the engine, for the page and API
tests that are about the queue, not about the comparison.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from sabeel.core.models import ActorKind, Run, RunStatus
from sabeel.identity.models import Band, CandidatePair, LinkageRun, ListRecord, RunKind
from sabeel.registry.choices import DatePrecision, MemberStatus, Relationship
from sabeel.registry.models import Household, Individual
from sabeel.workgroups.testing import Cast

FIRST_MALE = [
    ("محمد", "Mohammad"), ("أحمد", "Ahmad"), ("خالد", "Khaled"), ("عمر", "Omar"), ("علي", "Ali"),
    ("حسن", "Hasan"), ("يوسف", "Yousef"), ("سعيد", "Saeed"), ("محمود", "Mahmoud"), ("إبراهيم", "Ibrahim"),
    ("مصطفى", "Mustafa"), ("عبدالله", "Abdullah"), ("سامر", "Samer"), ("وليد", "Walid"), ("ماهر", "Maher"),
]
FIRST_FEMALE = [
    ("فاطمة", "Fatima"), ("عائشة", "Aisha"), ("خديجة", "Khadija"), ("مريم", "Mariam"), ("سارة", "Sara"),
    ("نور", "Nour"), ("ليلى", "Layla"), ("هدى", "Huda"), ("رنا", "Rana"), ("سلمى", "Salma"),
    ("زينب", "Zeinab"), ("رغد", "Raghad"), ("آمنة", "Amina"), ("دعاء", "Duaa"), ("لمى", "Lama"),
]
FAMILY = [
    ("الحريري", "Al Hariri"), ("الزعبي", "Al Zoubi"), ("العلي", "Al Ali"), ("حداد", "Haddad"), ("الخطيب", "Al Khatib"),
    ("المصري", "Al Masri"), ("الشامي", "Al Shami"), ("الحلبي", "Al Halabi"), ("النجار", "Al Najjar"), ("الأحمد", "Al Ahmad"),
    ("السيد", "Al Sayed"), ("العمر", "Al Omar"), ("الحسن", "Al Hasan"), ("القاسم", "Al Qasem"), ("البكري", "Al Bakri"),
    ("الرفاعي", "Al Rifai"), ("الدروبي", "Al Droubi"), ("السقا", "Al Saqqa"), ("الطويل", "Al Tawil"), ("الكردي", "Al Kurdi"),
    ("الجاسم", "Al Jasem"), ("الحمصي", "Al Homsi"), ("الديري", "Al Deiri"), ("الصالح", "Al Saleh"), ("العبدالله", "Al Abdullah"),
]

_numbers = iter(range(90_000_000, 99_999_999))


def _number(group: str) -> str:
    return f"{group.upper()}-{next(_numbers):08d}-0"


def _person(rng: random.Random, relationship: str, family: tuple[str, str], father: tuple[str, str]) -> dict[str, Any]:
    female = relationship in (Relationship.SPOUSE, Relationship.DAUGHTER)
    first = rng.choice(FIRST_FEMALE if female else FIRST_MALE)
    grandfather = rng.choice(FIRST_MALE)
    born = dt.date(rng.randint(1950, 2015), rng.randint(1, 12), rng.randint(1, 28))
    return {
        "relationship": relationship,
        "sex": "F" if female else "M",
        "first": first,
        "father": father,
        "grandfather": grandfather,
        "family": family,
        "date_of_birth": born,
    }


def _fields(person: dict[str, Any], *, arabic: bool = True, latin: bool = True) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in ("first", "father", "grandfather", "family"):
        ar, lat = person[part]
        out[f"{part}_name_ar"] = ar if arabic else ""
        out[f"{part}_name_lat"] = lat if latin else ""
    return out


def registry_fill(cast: Cast, group: str = "lb", *, households: int = 700, duplicate_rate: float = 0.3, seed: int = 9) -> list[tuple[int, int]]:
    """Write ``households`` households (1 to 5 people) and their second registrations; returns
    the (person id, person id) pairs of the same person registered twice."""
    rng = random.Random(seed)
    working_group = cast.groups[group]
    country = working_group.host_country or "LB"
    families: list[tuple[list[dict[str, Any]], bool]] = []
    for _ in range(households):
        family = rng.choice(FAMILY)
        head = _person(rng, Relationship.HEAD, family, rng.choice(FIRST_MALE))
        members = [head]
        if rng.random() < 0.7:
            members.append(_person(rng, Relationship.SPOUSE, rng.choice(FAMILY), rng.choice(FIRST_MALE)))
        for _child in range(rng.randint(0, 3)):
            members.append(_person(rng, rng.choice([Relationship.SON, Relationship.DAUGHTER]), family, head["first"]))
        families.append((members, False))
        if rng.random() < duplicate_rate:
            families.append((members, True))
    created = Household.objects.bulk_create(
        [Household(registration_number=_number(group), working_group=working_group, host_country=country) for _ in families]
    )
    if created[0].pk is None:
        created = list(Household.objects.filter(working_group=working_group).order_by("pk"))[-len(families) :]
    people: list[Individual] = []
    keys: list[tuple[int, int, bool]] = []  # (family index, member index, second registration)
    for index, ((members, second), household) in enumerate(zip(families, created, strict=True)):
        latin_only = second and rng.random() < 0.3
        year_only = second and rng.random() < 0.2
        for member_index, person in enumerate(members):
            people.append(
                Individual(
                    household=household,
                    relationship=person["relationship"],
                    sex=person["sex"],
                    date_of_birth=person["date_of_birth"].replace(month=1, day=1) if year_only else person["date_of_birth"],
                    dob_precision=DatePrecision.YEAR if year_only else DatePrecision.DAY,
                    status=MemberStatus.ACTIVE,
                    **_fields(person, arabic=not latin_only),
                )
            )
            keys.append((index if not second else index - 1, member_index, second))
    Individual.objects.bulk_create(people, batch_size=500)
    ids = list(Individual.objects.filter(household__in=created).order_by("pk").values_list("pk", flat=True))
    first: dict[tuple[int, int], int] = {}
    pairs: list[tuple[int, int]] = []
    for (family_index, member_index, second), pk in zip(keys, ids, strict=True):
        if second:
            pairs.append((first[(family_index, member_index)], pk))
        else:
            first[(family_index, member_index)] = pk
    return pairs


def run_make(
    cast: Cast,
    group: str = "lb",
    *,
    kind: RunKind = RunKind.REGISTRY,
    status: RunStatus = RunStatus.SUCCEEDED,
    user: str = "registration_officer",
) -> LinkageRun:
    """A finished run of ``group`` (no pairs yet: see ``pair_make``)."""
    working_group = cast.groups[group]
    starter = cast[f"{group}_{user}"]
    now = timezone.now()
    run = Run.objects.create(
        kind="identity.linkage",
        status=status,
        working_group_id=working_group.pk,
        actor_kind=ActorKind.USER,
        actor_id=str(starter.pk),
        started_by=starter,
        done=10,
        total=10,
        started_at=now,
        finished_at=now if status in (RunStatus.SUCCEEDED, RunStatus.FAILED) else None,
    )
    return LinkageRun.objects.create(run=run, working_group=working_group, kind=kind, stage="finished")


def pair_make(
    linkage_run: LinkageRun,
    left: Individual,
    right: Individual | ListRecord,
    probability: float,
    *,
    evidence: Sequence[dict[str, Any]] = (),
) -> CandidatePair:
    is_row = isinstance(right, ListRecord)
    return CandidatePair.objects.create(
        linkage_run=linkage_run,
        left=left,
        right_individual=None if is_row else right,
        right_record=right if is_row else None,
        probability=probability,
        match_weight=round((probability - 0.5) * 20, 3),
        uncertainty=abs(probability - 0.5),
        evidence=list(evidence)
        or [
            {"comparison": "first", "level": "same in common form", "weight": 4.2},
            {"comparison": "birth_date", "level": "different", "weight": -3.1},
        ],
        band=Band.LIKELY if probability >= linkage_run.threshold else Band.UNCERTAIN,
    )


def individuals(household: Household) -> list[Individual]:
    return list(household.members.order_by("pk"))
