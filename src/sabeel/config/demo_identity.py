"""Identity resolution in ``make demo``: people registered twice, and a duplicate run to review.

In each host-country working group, ``DEMO_TWICE_HOUSEHOLDS`` synthetic households
(``engines.synth``, seeded) are registered twice, as two agencies would: once **in Arabic script
only** (agency A), once again by another agency **in Latin script only, in the French or Turkish
style** (``generate_overlapping_list``: every household re-registered, names respelled and now and
then mistyped, reordered or cut short, dates coarsened, a member or the phone missing …). Each
registration goes through ``registry.services.household_create`` like any other (versions, the
generated other-script reading of every name, the search index, one audit row per household),
so search finds either record from either script.

Then one duplicate run over the whole registry of the Lebanon working group is **queued** (a few
tens of thousands of people take a minute or more: the worker of ``make serve`` does it), started
by the group's registration officer, so that the review queue has likely and uncertain pairs.

Idempotent: a group whose twice-registered households exist is left alone (the versions written
by the two demo agencies say so), and no run is queued while the group has a registry run already.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.db import transaction

from sabeel.core.actors import as_actor, system
from sabeel.core.exceptions import ServiceError
from sabeel.core.models import ActorKind
from sabeel.engines.synth import (
    OverlapConfig,
    SynthHousehold,
    SynthPerson,
    generate_households,
    generate_overlapping_list,
)
from sabeel.registry.bulk import synth_config
from sabeel.registry.choices import DatePrecision
from sabeel.registry.models import Household, RecordVersion
from sabeel.registry.needs import is_sensitive
from sabeel.registry.services import ExternalIdInput, MemberInput, household_create
from sabeel.workgroups.models import User, WorkingGroup

__all__ = [
    "AGENCY_ARABIC",
    "AGENCY_LATIN",
    "DEMO_IDENTITY_SEED",
    "DEMO_RUN_GROUP",
    "DEMO_TWICE_GROUPS",
    "DEMO_TWICE_HOUSEHOLDS",
    "TwiceRegistered",
    "demo_identity_load",
    "demo_run_queue",
    "demo_twice_register",
    "second_agency",
    "twice_registered",
]

DEMO_IDENTITY_SEED = 9009
DEMO_TWICE_HOUSEHOLDS = 30  # per group: each registered once in Arabic, once in Latin script
DEMO_TWICE_GROUPS = ("lb", "jo")
DEMO_RUN_GROUP = "lb"
# The two registering agencies of the demo, as named in the versions and the audit trail.
AGENCY_ARABIC = "demo_agency_arabic"
AGENCY_LATIN = "demo_agency_latin"


def second_agency(seed: int) -> OverlapConfig:
    """How the second agency registers the households again: every one of them, in Latin script
    only, in the French or Turkish style, a little more carelessly than the generator's defaults
    (typos, a grandfather's name left out, year-only or mistaken dates), so that some true pairs
    land among the uncertain ones."""
    return OverlapConfig(
        seed=seed,
        duplicate_share=1.0,
        new_household_ratio=0.0,
        id_prefix="L",
        latin_styles=(("french", 0.5), ("turkish", 0.5)),
        latin_only_rate=1.0,
        typo_rate=0.25,
        grandfather_missing_rate=0.3,
        birth_date_year_only_rate=0.25,
        birth_date_error_rate=0.1,
    )


@dataclass(frozen=True)
class TwiceRegistered:
    """The synthetic households of one group: the Arabic-only registrations and the second
    agency's Latin-only ones (each member's ``true_person`` says who is who)."""

    arabic: tuple[SynthHousehold, ...]
    latin: tuple[SynthHousehold, ...]


def twice_registered(working_group: WorkingGroup, *, households: int = DEMO_TWICE_HOUSEHOLDS) -> TwiceRegistered:
    """The households registered twice in ``working_group`` (deterministic per group)."""
    seed = DEMO_IDENTITY_SEED + zlib.crc32(working_group.code.encode())
    config = replace(
        synth_config(working_group=working_group, seed=seed, households=households), arabic_only_rate=1.0, id_prefix="A"
    )
    first = tuple(generate_households(config))
    second = generate_overlapping_list(first, config=config, overlap=second_agency(seed))
    return TwiceRegistered(first, second.households)


def _member(person: SynthPerson) -> MemberInput:
    return MemberInput(
        relationship=person.relationship,
        sex=person.sex,
        first_name_ar=person.first_name_ar,
        father_name_ar=person.father_name_ar,
        grandfather_name_ar=person.grandfather_name_ar,
        family_name_ar=person.family_name_ar,
        first_name_lat=person.first_name_lat,
        father_name_lat=person.father_name_lat,
        grandfather_name_lat=person.grandfather_name_lat,
        family_name_lat=person.family_name_lat,
        date_of_birth=person.birth_date,
        dob_precision=person.birth_date_precision or DatePrecision.UNKNOWN,
        documents_held=person.documents_held,
        documents_missing=person.documents_missing,
        # Protection-sensitive needs are recorded later by an assigned protection officer.
        specific_needs=tuple(code for code in person.specific_needs if not is_sensitive(code)),
    )


def _register(household: SynthHousehold, *, agency: str, working_group: WorkingGroup) -> Household:
    ids = [("unhcr_case", household.unhcr_case_number), ("host_government", household.host_government_id)]
    return household_create(
        actor=system(agency),
        working_group=working_group,
        members=[_member(p) for p in household.members],
        phones=household.phones,
        external_ids=[ExternalIdInput(scheme, value) for scheme, value in ids if value],
        current_location=household.current_location_code,
        origin=household.origin_code,
        destination=household.destination_code,
    )


def _already(working_group: WorkingGroup) -> bool:
    return RecordVersion.objects.filter(
        household__working_group=working_group,
        actor_kind=ActorKind.SYSTEM,
        actor_id__in=(AGENCY_ARABIC, AGENCY_LATIN),
        action="household.created",
    ).exists()


def demo_twice_register(*, groups: Sequence[str] = DEMO_TWICE_GROUPS, households: int = DEMO_TWICE_HOUSEHOLDS) -> str:
    """Register the twice-registered households of each group (see the module docstring); a group
    that has them already is left alone. Returns a line per group."""
    lines = []
    for group in WorkingGroup.objects.filter(code__in=groups).order_by("code"):
        if _already(group):
            lines.append(f"Registered twice, {group.name}: already there, none added.")
            continue
        twice = twice_registered(group, households=households)
        with transaction.atomic():
            for household in twice.arabic:
                _register(household, agency=AGENCY_ARABIC, working_group=group)
            for household in twice.latin:
                _register(household, agency=AGENCY_LATIN, working_group=group)
        people = sum(len(h.members) for h in twice.latin)
        lines.append(
            f"Registered twice, {group.name}: {len(twice.arabic)} households in Arabic script only, and again "
            f"({people} people) in Latin script only, French or Turkish style, by another agency."
        )
    return "\n".join(lines)


def demo_run_queue(*, group_code: str = DEMO_RUN_GROUP, officer: User | None = None) -> str:
    """Queue one duplicate run over the whole registry of the group, started by its registration
    officer (``officer``), unless the group has a registry run already."""
    from sabeel.identity.models import LinkageRun, RunKind
    from sabeel.identity.runs import registry_run_start

    group = WorkingGroup.objects.filter(code=group_code).first()
    officer = officer or User.objects.filter(username=f"{group_code}_registration_officer").first()
    if group is None or officer is None:
        return "Duplicate run: no working group or officer to start it; none queued."
    if LinkageRun.objects.filter(working_group=group, kind=RunKind.REGISTRY).exists():
        return f"Duplicate run, {group.name}: a registry run exists already; none queued."
    try:
        run = registry_run_start(actor=as_actor(officer), working_group=group)
    except ServiceError as error:  # too few people to train on: the demo goes on without a run
        return f"Duplicate run, {group.name}: none queued ({error})."
    return (
        f"Duplicate run, {group.name}: the whole registry queued (run {run.pk}, started by {officer.username}); "
        "the worker of `make serve` does it in a few minutes (the run page shows its progress), then the review queue has its pairs."
    )


def demo_identity_load(*, officer: User | None = None) -> str:
    """``make demo``: the twice-registered households, then the queued duplicate run."""
    return "\n".join(filter(None, [demo_twice_register(), demo_run_queue(officer=officer)]))
