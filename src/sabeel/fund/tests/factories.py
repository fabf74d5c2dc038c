"""A small fund for tests: donors, implementers, projects in Aleppo and Homs sub-districts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sabeel.geo.choices import Country, KeyKind, Level
from sabeel.geo.models import AdminUnit
from sabeel.workgroups.models import Organisation, OrganisationKind, WorkingGroup

DAY = dt.date(2025, 3, 1)


def places() -> dict[str, AdminUnit]:
    """Aleppo's Jebel Saman and Tall Ad-daman (SY02) and a Homs sub-district (SY04)."""
    from sabeel.conditions.tests.factories import places_load

    units = places_load()
    if "SY040000" not in units:
        units["SY040000"] = AdminUnit.objects.create(
            key="SY040000", key_kind=KeyKind.PCODE, country=Country.SYRIA, level=Level.ADMIN3,
            parent=units["SY0400"], name_en="Homs", name_ar="حمص",
        )
    return units


def organisation(name: str, kind: str = OrganisationKind.DONOR) -> Organisation:
    return Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0]


def fund_make(cast: Any, group: str = "jrg") -> dict[str, Any]:
    """Donors (the cast's donor organisation and another), an implementer and four projects."""
    from sabeel.fund import services

    wg: WorkingGroup = cast.groups[group]
    finance = cast[f"{group}_finance_officer"]
    planner = cast[f"{group}_reconstruction_planner"] if f"{group}_reconstruction_planner" in cast.users else None
    from sabeel.core.actors import system

    plan_actor = planner or system("test")
    units = places()
    donor = services.donor_record(actor=finance, working_group=wg, organisation=cast.organisations["donor"])
    other = services.donor_record(actor=finance, working_group=wg, organisation=organisation("Other Donor (test)"))
    builder = services.implementer_record(actor=plan_actor, working_group=wg, organisation=organisation("Builders (test)", OrganisationKind.NGO))
    power = services.project_record(actor=plan_actor, working_group=wg, code=f"{group}-PWR-1", title="Jebel Saman substation",
                                    sector="power", subdistrict=units["SY020000"], cost_usd=1000, duration_months=6, implementer=builder)
    clinic = services.project_record(actor=plan_actor, working_group=wg, code=f"{group}-HLT-1", title="Jebel Saman clinic",
                                     sector="health", subdistrict=units["SY020000"], cost_usd=800, duration_months=9,
                                     implementer=builder, requires=[power])
    water = services.project_record(actor=plan_actor, working_group=wg, code=f"{group}-WAT-1", title="Homs water network",
                                    sector="water", subdistrict=units["SY040000"], cost_usd=1500, duration_months=12, implementer=builder)
    school = services.project_record(actor=plan_actor, working_group=wg, code=f"{group}-EDU-1", title="Tall Ad-daman school",
                                     sector="education", subdistrict=units["SY020100"], cost_usd=700, duration_months=8, implementer=builder)
    return {"group": wg, "donor": donor, "other": other, "implementer": builder, "power": power, "clinic": clinic,
            "water": water, "school": school, "units": units, "finance": finance, "planner": plan_actor}


def usd_pledge(fund: dict[str, Any], amount: int | str | Decimal, *, donor: str = "donor", **earmarks: Any) -> Any:
    from sabeel.fund import services

    return services.pledge_record(actor=fund["finance"], donor=fund[donor], amount=amount, currency="USD", pledged_on=DAY, **earmarks)
