"""The fund leaves the platform as IATI 2.03 activity XML (one activity per project, with its
incoming and outgoing commitments, disbursements and expenditure) and as an FTS-style flows CSV
with HXL hashtags (one row per flow from a donor, through the fund, to a project's implementer).

Figures are US dollars; a transaction that was reversed is left out, and so is its reversal (the
files show the money as it stands). No person's data is in either file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sabeel.core.exports import Column, to_hxl_csv
from sabeel.fund.models import Commitment, Disbursement, ExpenditureReport, Project, ProjectStatus
from sabeel.fund.services import governorate_of

ACTIVITY_STATUS = {
    ProjectStatus.CANDIDATE: "1",  # pipeline/identification
    ProjectStatus.APPROVED: "2",  # implementation
    ProjectStatus.IN_PROGRESS: "2",
    ProjectStatus.COMPLETED: "3",  # finalisation
    ProjectStatus.CANCELLED: "5",
}


def publisher() -> str:
    return str(getattr(settings, "SABEEL_FUND_IATI_PUBLISHER", "XM-DAC-00000-SABEEL"))


def _org_ref(organisation: Any, iati_ref: str = "") -> str:
    return iati_ref or f"{publisher()}-ORG-{organisation.pk}"


def _usd(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


def _narrative(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    ET.SubElement(element, "narrative").text = text
    return element


def _live(rows: QuerySet[Any]) -> list[Any]:
    """Documents whose transaction stands (not reversed)."""
    return list(rows.filter(transaction__reversed_by__isnull=True))


def _transaction(activity: ET.Element, code: str, day: dt.date, cents: int, *, provider: tuple[str, str] | None = None,
                 receiver: tuple[str, str] | None = None, description: str = "") -> None:
    txn = ET.SubElement(activity, "transaction")
    ET.SubElement(txn, "transaction-type", code=code)
    ET.SubElement(txn, "transaction-date", {"iso-date": day.isoformat()})
    ET.SubElement(txn, "value", {"currency": "USD", "value-date": day.isoformat()}).text = _usd(cents)
    if description:
        _narrative(txn, "description", description)
    if provider:
        _narrative(txn, "provider-org", provider[1], ref=provider[0])
    if receiver:
        _narrative(txn, "receiver-org", receiver[1], ref=receiver[0])


def _activity(root: ET.Element, project: Project, now: str) -> None:
    commitments = _live(Commitment.objects.filter(project=project).select_related("pledge__donor__organisation"))
    disbursements = _live(Disbursement.objects.filter(project=project))
    expenditures = _live(ExpenditureReport.objects.filter(project=project))
    activity = ET.SubElement(root, "iati-activity", {"last-updated-datetime": now, "{http://www.w3.org/XML/1998/namespace}lang": "en",
                                                     "default-currency": "USD", "humanitarian": "1"})
    ET.SubElement(activity, "iati-identifier").text = f"{publisher()}-{project.code}"
    _narrative(activity, "reporting-org", "Joint reconstruction fund (Sabeel)", ref=publisher(), type="40")
    title = ET.SubElement(activity, "title")
    ET.SubElement(title, "narrative").text = project.title
    if project.title_ar:
        ET.SubElement(title, "narrative", {"{http://www.w3.org/XML/1998/namespace}lang": "ar"}).text = project.title_ar
    _narrative(activity, "description", f"{project.get_sector_display()} — {project.subdistrict.name_en or project.subdistrict.key}", type="1")
    donors = {c.pledge.donor_id: c.pledge.donor for c in commitments}
    for donor in donors.values():
        _narrative(activity, "participating-org", donor.organisation.name, role="1", ref=_org_ref(donor.organisation, donor.iati_ref))
    _narrative(activity, "participating-org", "Joint reconstruction fund (Sabeel)", role="2", ref=publisher())
    implementer = project.implementer
    receiver = None
    if implementer is not None:
        receiver = (_org_ref(implementer.organisation), implementer.organisation.name)
        _narrative(activity, "participating-org", implementer.organisation.name, role="4", ref=receiver[0])
    ET.SubElement(activity, "activity-status", code=ACTIVITY_STATUS[ProjectStatus(project.status)])
    start = min((c.committed_on for c in commitments), default=project.created_at.date())
    ET.SubElement(activity, "activity-date", {"type": "1", "iso-date": start.isoformat()})
    if commitments:
        ET.SubElement(activity, "activity-date", {"type": "2", "iso-date": start.isoformat()})
    if project.completed_on:
        ET.SubElement(activity, "activity-date", {"type": "4", "iso-date": project.completed_on.isoformat()})
    ET.SubElement(activity, "recipient-country", code="SY", percentage="100")
    unit = project.subdistrict
    location = ET.SubElement(activity, "location", ref=unit.key)
    ET.SubElement(location, "location-reach", code="1")
    _narrative(location, "name", unit.name_en or unit.key)
    ET.SubElement(location, "administrative", vocabulary="G1", level="3", code=unit.key)
    if unit.lat is not None and unit.lon is not None:
        point = ET.SubElement(location, "point", srsName="http://www.opengis.net/def/crs/EPSG/0/4326")
        ET.SubElement(point, "pos").text = f"{unit.lat:.4f} {unit.lon:.4f}"
    ET.SubElement(location, "exactness", code="2")
    ET.SubElement(location, "feature-designation", code="ADM3")
    ET.SubElement(activity, "sector", vocabulary="1", code=project.dac_code, percentage="100")
    ET.SubElement(activity, "default-flow-type", code="10")
    ET.SubElement(activity, "default-finance-type", code="110")
    budget = ET.SubElement(activity, "budget", type="1", status="1")
    end = start + dt.timedelta(days=min(project.duration_months * 30, 360))
    ET.SubElement(budget, "period-start", {"iso-date": start.isoformat()})
    ET.SubElement(budget, "period-end", {"iso-date": end.isoformat()})
    ET.SubElement(budget, "value", {"currency": "USD", "value-date": start.isoformat()}).text = f"{project.cost_usd}.00"
    for c in commitments:
        donor = c.pledge.donor
        _transaction(activity, "11", c.committed_on, c.usd_cents, provider=(_org_ref(donor.organisation, donor.iati_ref), donor.organisation.name))
    for c in commitments:
        _transaction(activity, "2", c.committed_on, c.usd_cents, receiver=receiver)
    for d in disbursements:
        _transaction(activity, "3", d.disbursed_on, d.usd_cents, receiver=receiver)
    for e in expenditures:
        _transaction(activity, "4", e.reported_on, e.usd_cents, description=e.text[:500] or "Expenditure reported by the implementer")


def iati_xml(projects: Iterable[Project]) -> bytes:
    """IATI 2.03 ``iati-activities`` document for the given projects."""
    now = timezone.now().replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    root = ET.Element("iati-activities", {"version": "2.03", "generated-datetime": now})
    for project in projects:
        _activity(root, project, now)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


FLOW_COLUMNS = (
    Column("flow", _("Flow"), "#meta +type"),
    Column("date", _("Date"), "#date"),
    Column("source", _("Source organisation"), "#org +name +funder"),
    Column("destination", _("Destination organisation"), "#org +name +impl"),
    Column("project", _("Project"), "#activity +code"),
    Column("sector", _("Sector"), "#sector +name"),
    Column("dac", _("DAC code"), "#sector +code +dac"),
    Column("governorate", _("Governorate"), "#adm1 +code"),
    Column("subdistrict", _("Sub-district"), "#adm3 +code"),
    Column("usd", _("Amount (US dollars)"), "#value +usd"),
    Column("status", _("Project status"), "#status"),
)


def flows_rows(projects: Iterable[Project]) -> list[dict[str, Any]]:
    rows = []
    for project in projects:
        gov = governorate_of(project.subdistrict)
        base = {"project": project.code, "sector": project.get_sector_display(), "dac": project.dac_code,
                "governorate": gov.key if gov else "", "subdistrict": project.subdistrict.key, "status": project.get_status_display()}
        impl = project.implementer.organisation.name if project.implementer else ""
        for c in _live(Commitment.objects.filter(project=project).select_related("pledge__donor__organisation")):
            rows.append({**base, "flow": "commitment", "date": c.committed_on.isoformat(), "source": c.pledge.donor.organisation.name,
                         "destination": impl, "usd": _usd(c.usd_cents)})
        for d in _live(Disbursement.objects.filter(project=project).select_related("pledge__donor__organisation")):
            rows.append({**base, "flow": "disbursement", "date": d.disbursed_on.isoformat(), "source": d.pledge.donor.organisation.name,
                         "destination": impl, "usd": _usd(d.usd_cents)})
    return rows


def flows_csv(projects: Iterable[Project]) -> bytes:
    notes = [str(_("Joint reconstruction fund: flows from donors to implementers, in US dollars (counted from the fund's ledger)."))]
    return to_hxl_csv(FLOW_COLUMNS, flows_rows(projects), notes=notes)
