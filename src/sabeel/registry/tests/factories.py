"""Households for tests, registered through the services as an officer of the given group."""

from __future__ import annotations

from typing import Any

from sabeel.registry.models import Household
from sabeel.registry.services import ExternalIdInput, MemberInput, household_create
from sabeel.workgroups.testing import Cast

LOCATIONS = {"lb": "LB2", "jo": "Q472788"}  # Bekaa, Amman
PHONES = {"lb": "03 123 456", "jo": "079 123 4567"}


def gazetteer() -> None:
    from sabeel.core.actors import system
    from sabeel.geo.models import AdminUnit

    if not AdminUnit.objects.filter(key="SY12").exists():
        from sabeel.geo.loader import load_gazetteer

        load_gazetteer(actor=system("test"))


def head(**values: Any) -> MemberInput:
    defaults: dict[str, Any] = {
        "relationship": "head",
        "sex": "M",
        "first_name_ar": "محمد",
        "father_name_ar": "أحمد",
        "grandfather_name_ar": "خالد",
        "family_name_ar": "الحريري",
        "first_name_lat": "Mohamad",
        "father_name_lat": "Ahmad",
        "grandfather_name_lat": "Khaled",
        "family_name_lat": "El Hariri",
        "date_of_birth": "1980",
        "documents_held": ["national_id"],
        "documents_missing": ["passport"],
        "specific_needs": ["SM-CI"],
    }
    return MemberInput(**{**defaults, **values})


def spouse(**values: Any) -> MemberInput:
    defaults: dict[str, Any] = {
        "relationship": "spouse",
        "sex": "F",
        "first_name_ar": "فاطمة",
        "father_name_ar": "علي",
        "family_name_ar": "الزعبي",
        "first_name_lat": "Fatima",
        "father_name_lat": "Ali",
        "family_name_lat": "Al-Zoubi",
        "date_of_birth": "1984-05-02",
    }
    return MemberInput(**{**defaults, **values})


def household_make(cast: Cast, group: str = "lb", *, members: list[MemberInput] | None = None, **values: Any) -> Household:
    gazetteer()
    defaults: dict[str, Any] = {
        "current_location": LOCATIONS[group],
        "origin": "SY12",
        "destination": "SY12",
        "phones": [PHONES[group]],
        "external_ids": [ExternalIdInput(scheme="unhcr_case", value=f"{group.upper()}-15C01234")],
    }
    return household_create(
        actor=cast[f"{group}_registration_officer"],
        working_group=cast.groups[group],
        members=members or [head(), spouse()],
        **{**defaults, **values},
    )
