"""The demo fund for ``manage.py demo_load``: donors, exchange rates, pledges (one earmarked for
water, one for Aleppo), implementers, projects in three sub-districts with a dependency, cash
received, commitments, disbursements, expenditure and a completed substation whose power service
shows in the area conditions register. Works with the built-in gazetteer alone (the three
sub-districts are added under their governorates when the full geography is not loaded).
Idempotent: a second run adds nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from sabeel.geo.choices import Country, KeyKind, Level
from sabeel.geo.models import AdminUnit
from sabeel.workgroups.models import Organisation, OrganisationKind

# (sub-district p-code, district p-code, governorate p-code, English, Arabic)
PLACES = (
    ("SY020000", "SY0200", "SY02", "Jebel Saman", "جبل سمعان"),
    ("SY040000", "SY0400", "SY04", "Homs", "حمص"),
    ("SY070000", "SY0700", "SY07", "Dar'a", "درعا"),
)


def _subdistrict(key: str, district: str, governorate: str, name_en: str, name_ar: str) -> AdminUnit:
    found = AdminUnit.objects.filter(key=key).first()
    if found is not None:
        return found
    gov = AdminUnit.objects.get(key=governorate)
    dist = AdminUnit.objects.get_or_create(key=district, defaults={
        "key_kind": KeyKind.PCODE, "country": Country.SYRIA, "level": Level.ADMIN2, "parent": gov,
        "name_en": name_en, "name_ar": name_ar, "source": "demo"})[0]
    return AdminUnit.objects.create(key=key, key_kind=KeyKind.PCODE, country=Country.SYRIA, level=Level.ADMIN3, parent=dist,
                                    name_en=name_en, name_ar=name_ar, source="demo")


def _org(name: str, name_ar: str, kind: str) -> Organisation:
    return Organisation.objects.get_or_create(name=name, defaults={"name_ar": name_ar, "kind": kind})[0]


@transaction.atomic
def demo_fund_load(*, cast: Any) -> str:
    from sabeel.fund import services
    from sabeel.fund.models import Donor

    group = cast.groups["jrg"]
    if Donor.objects.filter(working_group=group).exists():
        return "Fund: the demo fund is already loaded."
    finance, planner = cast.users["jrg_finance_officer"], cast.users["jrg_reconstruction_planner"]
    today = timezone.now().date()
    start = today - dt.timedelta(days=120)
    units = {key: _subdistrict(key, d, g, en, ar) for key, d, g, en, ar in PLACES}
    for currency, rate in (("EUR", "1.08"), ("GBP", "1.27")):
        services.exchange_rate_record(actor=finance, currency=currency, as_of=start, usd_per_unit=rate, source="Central bank reference rate (demo)")
    donors = {
        "gov": services.donor_record(actor=finance, working_group=group, organisation=cast.organisations["donor"], iati_ref="XM-DAC-DEMO-1"),
        "eu": services.donor_record(actor=finance, working_group=group, organisation=_org("European Donor (demo)", "مانح أوروبي (تجريبي)", OrganisationKind.DONOR)),
        "gulf": services.donor_record(actor=finance, working_group=group, organisation=_org("Gulf Development Fund (demo)", "صندوق الخليج للتنمية (تجريبي)", OrganisationKind.DONOR)),
    }
    builders = services.implementer_record(actor=planner, working_group=group, organisation=cast.organisations["ngo"], max_projects=6)
    engineers = services.implementer_record(actor=planner, working_group=group,
                                            organisation=_org("Syrian Engineers Cooperative (demo)", "تعاونية المهندسين السوريين (تجريبي)", OrganisationKind.NGO),
                                            max_budget_usd=3_000_000)
    specs = [
        ("JS-PWR-01", "Jebel Saman substation", "محطة تحويل جبل سمعان", "power", "SY020000", 450_000, 8, builders, []),
        ("JS-HLT-01", "Jebel Saman health centre", "مركز صحي جبل سمعان", "health", "SY020000", 320_000, 10, builders, ["JS-PWR-01"]),
        ("JS-WAT-01", "Jebel Saman water network", "شبكة مياه جبل سمعان", "water", "SY020000", 600_000, 12, engineers, []),
        ("JS-EDU-01", "Jebel Saman primary school", "مدرسة جبل سمعان الابتدائية", "education", "SY020000", 280_000, 9, engineers, []),
        ("HO-WAT-01", "Homs water station", "محطة مياه حمص", "water", "SY040000", 700_000, 14, engineers, []),
        ("HO-DOC-01", "Homs civil registry office", "مكتب السجل المدني في حمص", "civil_documentation", "SY040000", 90_000, 4, builders, []),
        ("DA-RD-01", "Dar'a access road", "طريق الوصول في درعا", "roads", "SY070000", 380_000, 6, engineers, []),
        ("DA-HSG-01", "Dar'a housing repair", "إصلاح مساكن درعا", "housing_repair", "SY070000", 520_000, 12, builders, []),
    ]
    projects: dict[str, Any] = {}
    for code, title, title_ar, sector, unit, cost, months, implementer, requires in specs:
        projects[code] = services.project_record(actor=planner, working_group=group, code=code, title=title, title_ar=title_ar, sector=sector,
                                                 subdistrict=units[unit], cost_usd=cost, duration_months=months, implementer=implementer,
                                                 requires=[projects[r] for r in requires])
    general = services.pledge_record(actor=finance, donor=donors["gov"], amount=1_500_000, currency="USD", pledged_on=start,
                                     conditions="Quarterly financial report; IATI publication.", reference="DEMO-GOV-2025")
    water = services.pledge_record(actor=finance, donor=donors["eu"], amount=1_000_000, currency="EUR", pledged_on=start,
                                   sectors=["water"], reference="DEMO-EU-WATER")
    aleppo = services.pledge_record(actor=finance, donor=donors["gulf"], amount=600_000, currency="GBP", pledged_on=start,
                                    governorates=["SY02"], reference="DEMO-GULF-ALEPPO")
    day = start + dt.timedelta(days=20)
    services.receipt_record(actor=finance, pledge=general, amount=1_000_000, received_on=day)
    services.receipt_record(actor=finance, pledge=water, amount=600_000, received_on=day)
    services.receipt_record(actor=finance, pledge=aleppo, amount=600_000, received_on=day)
    day += dt.timedelta(days=10)
    services.commitment_record(actor=planner, project=projects["JS-PWR-01"], pledge=aleppo, usd_cents=450_000_00, committed_on=day)
    services.commitment_record(actor=planner, project=projects["JS-WAT-01"], pledge=water, usd_cents=600_000_00, committed_on=day)
    services.commitment_record(actor=planner, project=projects["HO-DOC-01"], pledge=general, usd_cents=90_000_00, committed_on=day)
    day += dt.timedelta(days=10)
    services.disbursement_record(actor=finance, project=projects["JS-PWR-01"], pledge=aleppo, usd_cents=450_000_00, disbursed_on=day)
    services.disbursement_record(actor=finance, project=projects["JS-WAT-01"], pledge=water, usd_cents=200_000_00, disbursed_on=day)
    services.progress_record(actor=finance, project=projects["JS-WAT-01"], reported_on=day + dt.timedelta(days=30), percent_complete=35,
                             status="in_progress", text="Main pipe laid on 3 km of 9.", evidence="Site photos, monitoring visit report (demo)")
    services.expenditure_record(actor=finance, project=projects["JS-PWR-01"], amount=430_000, currency="USD", reported_on=day + dt.timedelta(days=50),
                                text="Transformer, switchgear and cabling", evidence="Invoices and handover certificate (demo)")
    services.progress_record(actor=finance, project=projects["JS-PWR-01"], reported_on=day + dt.timedelta(days=40), percent_complete=60,
                             status="in_progress", text="Transformer installed.", evidence="Photos (demo)")
    services.progress_record(actor=finance, project=projects["JS-PWR-01"], reported_on=day + dt.timedelta(days=60), percent_complete=100,
                             status="completed", text="Substation energised and handed over.", evidence="Handover certificate (demo)")
    return (f"Fund: {len(donors)} donors, 3 pledges (USD, EUR, GBP), {len(projects)} projects; "
            "the Jebel Saman substation is completed and its power service is in the area conditions register.")
