"""A completed project's service, observed in the area conditions register.

When a project is reported completed, its service (water, power, …) is observed functional in its
sub-district: a ``ServiceObservation`` row (which the portfolio optimiser reads as "already
functional") and a dated "observed" entry of the area conditions register about basic services
in that sub-district (``conditions.AreaObservation``), citing the project, written by the named
system actor ``fund.project_completion``. An observed entry has no status: the threshold statuses
are protection officers' judgements, which a completed project informs but never sets (the
information package shows it beside them)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from sabeel.conditions.models import Threshold
from sabeel.conditions.services import area_observation_record
from sabeel.core import audit
from sabeel.core.actors import system
from sabeel.fund.models import Project, Sector, ServiceObservation

SYSTEM_ACTOR = "fund.project_completion"


def minimum_services() -> list[str]:
    return list(getattr(settings, "SABEEL_FUND_MINIMUM_SERVICES", ["water", "power", "health", "education"]))


def functional_services(admin_unit_ids: list[int] | None = None) -> dict[int, set[str]]:
    """Sub-district id → the services observed functional there (completed fund projects)."""
    rows = ServiceObservation.objects.all()
    if admin_unit_ids is not None:
        rows = rows.filter(admin_unit_id__in=admin_unit_ids)
    out: dict[int, set[str]] = {}
    for unit_id, sector in rows.values_list("admin_unit_id", "sector"):
        out.setdefault(unit_id, set()).add(sector)
    return out


def _text(services: set[str], project: Project, language: str) -> str:
    with translation.override(language):
        names = ", ".join(str(Sector(s).label) for s in sorted(services))
        return str(
            _("Services observed functional: %(services)s. Latest: %(service)s, project %(code)s of the joint reconstruction fund, completed on %(date)s.")
            % {"services": names, "service": Sector(project.sector).label, "code": project.code, "date": project.completed_on.isoformat() if project.completed_on else ""}
        )


@transaction.atomic
def project_completed(*, project: Project) -> ServiceObservation:
    """Observe the project's service in its sub-district (once per project)."""
    existing = ServiceObservation.objects.filter(project=project).first()
    if existing is not None:
        return existing
    actor = system(SYSTEM_ACTOR)
    unit = project.subdistrict
    if project.completed_on is None:
        raise ValueError("the project is not completed")
    services = functional_services([unit.pk]).get(unit.pk, set()) | {project.sector}
    entry = area_observation_record(
        actor=actor,
        admin_unit=unit,
        threshold=Threshold.SERVICES,
        observed_on=project.completed_on,
        source=f"Project {project.code} completed (joint reconstruction fund)",
        text_en=_text(services, project, "en"),
        text_ar=_text(services, project, "ar"),
    )
    observation = ServiceObservation.objects.create(
        working_group_id=project.working_group_id, admin_unit=unit, sector=project.sector, observed_on=project.completed_on,
        project=project, area_observation=entry, system_actor=SYSTEM_ACTOR,
    )  # fmt: skip
    audit.record(
        actor=actor,
        action="fund.service_observed",
        target=observation,
        data={"project_id": project.pk, "admin_unit_id": unit.pk, "sector": project.sector, "area_observation_id": entry.pk},
    )
    return observation
