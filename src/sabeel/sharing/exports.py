"""Person-level exports of the household list, under a data-sharing agreement.

An export needs ``person.export`` in the agreement's working group (``core.throttle.export_require``)
and an active, unexpired agreement covering the field groups exported and the recipient
(``services.agreement_require``). It carries only the field groups the actor may see in that group
*and* the agreement covers (never the protection-sensitive case), and, where the agreement requires
it, only the people who gave their own consent to share (``services.people_covered``); a household
whose members did not all consent appears with the members who did. A person registered twice and
merged (``identity.links``) leaves once, as the surviving record.

It runs in the background (``core.runs``, kind ``sharing.household_export``): the service checks
and queues; the worker checks again (an agreement revoked meanwhile stops it), writes the file
(Excel or HXL-tagged CSV, ``core.exports``) onto a private ``ExportFile`` that only its requester
may download, once, and records the export in the trail (``audit.record_export``) and the share
log (``services.share_record``). The partner API (``sharing.api``) builds its rows here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sabeel.core import audit, runs, throttle
from sabeel.core.actors import Actor
from sabeel.core.exceptions import NotPermitted, NotSignedIn, ServiceError
from sabeel.core.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, Column, to_hxl_csv, to_xlsx
from sabeel.core.permissions import visible_field_groups, visible_to
from sabeel.core.roles import FieldGroup
from sabeel.core.runs import Run
from sabeel.registry.choices import MemberStatus
from sabeel.registry.filters import HouseholdFilterForm, households_filter
from sabeel.registry.models import Household, Individual, Phone
from sabeel.sharing.choices import ShareKind
from sabeel.sharing.models import Agreement, ExportFile
from sabeel.sharing.services import AgreementRefused, agreement_require, people_covered, share_record
from sabeel.workgroups.models import Organisation

__all__ = [
    "EXPORT_RUN_KIND",
    "FORMATS",
    "columns_for",
    "export_download",
    "export_field_groups",
    "export_files_purge",
    "export_run_get",
    "household_export_run",
    "household_export_start",
    "people_for",
    "person_rows",
]

EXPORT_RUN_KIND = "sharing.household_export"
FORMATS = ("xlsx", "csv")
# A file of names not fetched within this time is dropped: it is not kept waiting in the database.
KEEP_HOURS = 24
_CHUNK = 1000

BASE_COLUMNS = (
    Column("household", gettext_lazy("Registration number"), "#meta +household +id"),
    Column("person", gettext_lazy("Person id"), "#meta +person +id"),
    Column("relationship", gettext_lazy("Relationship to the head"), "#beneficiary +relationship"),
    Column("sex", gettext_lazy("Sex"), "#beneficiary +sex"),
    Column("date_of_birth", gettext_lazy("Date of birth"), "#date +birth"),
    Column("dob_precision", gettext_lazy("Date of birth known to"), "#date +birth +precision"),
    Column("location", gettext_lazy("Lives in (code)"), "#loc +current +code"),
    Column("origin", gettext_lazy("Comes from (code)"), "#loc +origin +code"),
)
GROUP_COLUMNS: dict[FieldGroup, tuple[Column, ...]] = {
    FieldGroup.NAMES_CONTACTS: (
        Column("first_name_ar", gettext_lazy("First name (Arabic)"), "#beneficiary +name +first +ar"),
        Column("father_name_ar", gettext_lazy("Father's name (Arabic)"), "#beneficiary +name +father +ar"),
        Column("grandfather_name_ar", gettext_lazy("Grandfather's name (Arabic)"), "#beneficiary +name +grandfather +ar"),
        Column("family_name_ar", gettext_lazy("Family name (Arabic)"), "#beneficiary +name +family +ar"),
        Column("first_name_lat", gettext_lazy("First name (Latin)"), "#beneficiary +name +first +en"),
        Column("father_name_lat", gettext_lazy("Father's name (Latin)"), "#beneficiary +name +father +en"),
        Column("grandfather_name_lat", gettext_lazy("Grandfather's name (Latin)"), "#beneficiary +name +grandfather +en"),
        Column("family_name_lat", gettext_lazy("Family name (Latin)"), "#beneficiary +name +family +en"),
        Column("phone", gettext_lazy("Household phone"), "#contact +phone"),
    ),
    FieldGroup.DOCUMENTS: (
        Column("documents_held", gettext_lazy("Civil documents held"), "#beneficiary +documents +held"),
        Column("documents_missing", gettext_lazy("Civil documents missing"), "#beneficiary +documents +missing"),
    ),
    FieldGroup.SPECIFIC_NEEDS: (
        Column("specific_needs", gettext_lazy("Specific needs (codes)"), "#beneficiary +needs +code"),
    ),
}
_FIELDS: dict[FieldGroup, tuple[str, ...]] = {
    FieldGroup.NAMES_CONTACTS: tuple(c.key for c in GROUP_COLUMNS[FieldGroup.NAMES_CONTACTS] if c.key != "phone"),
    FieldGroup.DOCUMENTS: ("documents_held", "documents_missing"),
    FieldGroup.SPECIFIC_NEEDS: ("specific_needs",),
}
_ORDER = (FieldGroup.NAMES_CONTACTS, FieldGroup.DOCUMENTS, FieldGroup.SPECIFIC_NEEDS)


def export_field_groups(actor: Actor, agreement: Agreement) -> frozenset[FieldGroup]:
    """The field groups that leave: those the actor may see in the agreement's group and the
    agreement covers (the protection-sensitive case never)."""
    covered = {FieldGroup(c) for c in agreement.categories}
    return frozenset(visible_field_groups(actor, agreement.working_group) & covered) - {FieldGroup.PROTECTION_CASE}


def columns_for(groups: Iterable[FieldGroup]) -> list[Column]:
    chosen = set(groups)
    return [*BASE_COLUMNS, *(c for g in _ORDER if g in chosen for c in GROUP_COLUMNS[g])]


def _households(actor: Actor, agreement: Agreement, filter_data: Mapping[str, Any]) -> QuerySet[Household]:
    form = HouseholdFilterForm({name: filter_data.get(name) for name in HouseholdFilterForm.base_fields if filter_data.get(name)})
    if not form.is_valid():
        raise ServiceError(_("Some filters are not valid."), fields={k: [str(m) for m in v] for k, v in form.errors.items()})
    filters = form.filters()
    group = agreement.working_group
    households = visible_to(actor, Household.objects.filter(working_group=group), "person.view")
    if filters.get("need"):
        filters["need_groups"] = {group.pk} if FieldGroup.SPECIFIC_NEEDS in visible_field_groups(actor, group) else set()
    return households_filter(households, **filters)


def people_for(
    *, agreement: Agreement, households: QuerySet[Household], groups: Iterable[FieldGroup], recipient: Organisation | None
) -> QuerySet[Individual]:
    """The current members of ``households`` whose data may leave under ``agreement`` (consenting
    people only where it requires consent), by id. One row per person: a record merged into
    another while the merge is in effect is not a member on its own (docs/eligibility.md rule 18),
    its person leaves as the surviving record, covered by a consent of either record."""
    from sabeel.identity.links import merged_away

    people = Individual.objects.filter(household__in=households.values("pk"), status=MemberStatus.ACTIVE).exclude(
        pk__in=merged_away()
    )
    return people_covered(agreement, people, recipient=recipient, categories=[g.value for g in groups]).order_by("pk")


def _joined(value: Any) -> str:
    return ";".join(str(v) for v in value or [])


def person_rows(people: Iterable[Individual | int], groups: Iterable[FieldGroup]) -> list[dict[str, Any]]:
    """One dict per person with the base columns and the columns of ``groups`` only (others are
    not read at all)."""
    chosen = set(groups)
    fields = ["pk", "household_id", "household__registration_number", "relationship", "sex", "date_of_birth", "dob_precision",
              "household__current_location__key", "household__origin__key"]
    for group in _ORDER:
        if group in chosen:
            fields += _FIELDS[group]
    ids = [p.pk if isinstance(p, Individual) else int(p) for p in people]
    values = list(Individual.objects.filter(pk__in=ids).order_by("pk").values(*fields))
    phones: dict[int, str] = {}
    if FieldGroup.NAMES_CONTACTS in chosen:
        for phone in Phone.objects.filter(household_id__in={v["household_id"] for v in values}, is_active=True).order_by(
            "-is_primary", "pk"
        ):
            phones.setdefault(phone.household_id, phone.number)
    rows = []
    for v in values:
        row: dict[str, Any] = {
            "household": v["household__registration_number"],
            "person": v["pk"],
            "relationship": v["relationship"],
            "sex": v["sex"],
            "date_of_birth": v["date_of_birth"].isoformat() if v["date_of_birth"] else "",
            "dob_precision": v["dob_precision"],
            "location": v["household__current_location__key"] or "",
            "origin": v["household__origin__key"] or "",
        }
        for group in _ORDER:
            if group not in chosen:
                continue
            for name in _FIELDS[group]:
                row[name] = _joined(v[name]) if isinstance(v[name], list) else v[name]
        if FieldGroup.NAMES_CONTACTS in chosen:
            row["phone"] = phones.get(v["household_id"], "")
        rows.append(row)
    return rows


# --- the background export ------------------------------------------------------------------------


def _check(actor: Actor, agreement: Agreement, recipient: Organisation) -> frozenset[FieldGroup]:
    throttle.export_require(actor, agreement.working_group)
    groups = export_field_groups(actor, agreement)
    agreement_require(
        actor,
        agreement_id=agreement.pk,
        working_group=agreement.working_group,
        purpose=None,
        categories=[g.value for g in groups],
        recipient=recipient,
    )
    return groups


def household_export_start(
    *, actor: Actor, agreement: Agreement, recipient: Organisation, fmt: str, filter_data: Mapping[str, Any]
) -> Run:
    """Check and queue an export of the household list of the agreement's group (the filters of
    ``HouseholdFilterForm``) for ``recipient``; returns its run. Refused (``NotPermitted``,
    ``AgreementRefused`` or ``ServiceError``) before anything is queued."""
    _check(actor, agreement, recipient)
    export_files_purge()
    if fmt not in FORMATS:
        raise ServiceError(_("Choose Excel or CSV."), fields={"format": [_("Choose Excel or CSV.")]})
    _households(actor, agreement, filter_data)  # the filters are valid
    from sabeel.sharing.tasks import household_export_task

    filters = {name: str(filter_data.get(name)) for name in HouseholdFilterForm.base_fields if filter_data.get(name)}
    with transaction.atomic():
        run = runs.run_create(
            actor=actor,
            kind=EXPORT_RUN_KIND,
            working_group_id=agreement.working_group_id,
            params={"agreement_id": agreement.pk, "organisation_id": recipient.pk, "format": fmt, "filters": filters},
        )
        transaction.on_commit(lambda: household_export_task.enqueue(run_id=run.pk))
    return run


def household_export_run(*, run_id: int) -> Run | None:
    """The worker's side; never raises (a failure is the run's status)."""
    return runs.run_execute(run_id=run_id, work=_work)


def _work(run: Run) -> None:
    actor = runs.run_actor(run)
    agreement = Agreement.objects.select_related("working_group").filter(pk=run.params.get("agreement_id") or 0).first()
    recipient = Organisation.objects.filter(pk=run.params.get("organisation_id") or 0).first()
    try:
        if agreement is None or recipient is None:
            raise NotPermitted
        groups = _check(actor, agreement, recipient)
        households = _households(actor, agreement, run.params.get("filters") or {})
    except AgreementRefused:
        runs.run_fail(run=run, failure="agreement_refused")
        return
    except (NotPermitted, NotSignedIn, Http404, ServiceError):
        runs.run_fail(run=run, failure="not_permitted")
        return
    people = people_for(agreement=agreement, households=households, groups=groups, recipient=recipient)
    ids = list(people.values_list("pk", flat=True))
    runs.run_progress(run=run, done=0, total=len(ids))
    rows: list[dict[str, Any]] = []
    for start in range(0, len(ids), _CHUNK):
        rows += person_rows(ids[start : start + _CHUNK], groups)
        if not runs.run_progress(run=run, done=len(rows)):
            return
    columns = columns_for(groups)
    notes = [
        _("Person-level export under data-sharing agreement %(reference)s; onward transfer %(onward)s; keep for %(days)d days.")
        % {
            "reference": agreement.reference,
            "onward": _("banned") if agreement.onward_transfer_banned else _("allowed"),
            "days": agreement.retention_days,
        }
    ]
    fmt = run.params.get("format")
    if fmt == "xlsx":
        content, content_type = to_xlsx(columns, rows, title=agreement.reference, notes=notes), XLSX_CONTENT_TYPE
    else:
        content, content_type = to_hxl_csv(columns, rows, notes=notes), CSV_CONTENT_TYPE
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    with transaction.atomic():
        ExportFile.objects.create(
            run=run,
            agreement=agreement,
            file_name=f"households-{agreement.working_group.code}-{stamp}.{'xlsx' if fmt == 'xlsx' else 'csv'}",
            content_type=content_type,
            content=content,
        )
        audit.record_export(
            actor=actor,
            scope="sharing.households",
            ids=ids,
            working_group_id=agreement.working_group_id,
            data={"agreement_id": agreement.pk, "run_id": run.pk, "organisation_ids": [recipient.pk]},
        )
        share_record(
            actor=actor,
            kind=ShareKind.EXPORT,
            agreement=agreement,
            recipient=recipient,
            individual_ids=ids,
            categories=[g.value for g in groups],
            run_id=run.pk,
        )
        runs.run_finish(run=run, counts={"people": len(ids), "households": len({r["household"] for r in rows})})


def export_files_purge() -> int:
    """Drop the content of export files not downloaded within ``KEEP_HOURS``; returns how many.
    Called at every new export and at a late download; a scheduler may call it too."""
    cutoff = timezone.now() - dt.timedelta(hours=KEEP_HOURS)
    return ExportFile.objects.filter(created_at__lt=cutoff, content__isnull=False).update(content=None, updated_at=timezone.now())


def export_run_get(*, actor: Actor, pk: int) -> Run:
    """One export run of the actor's own (another person's run is not revealed: 404)."""
    from sabeel.core.actors import as_actor

    who = as_actor(actor)
    if not who.is_authenticated:
        raise NotSignedIn
    run = Run.objects.filter(pk=pk, kind=EXPORT_RUN_KIND, started_by_id=who.user_id).defer("payload").first() if who.user_id else None
    if run is None:
        raise Http404
    return run


def export_download(*, actor: Actor, run: Run) -> tuple[str, str, bytes]:
    """The file of the actor's finished export, handed over once: (name, content type, bytes).
    The content is dropped from the database as it is handed over, or when it is asked for after
    ``KEEP_HOURS`` (``ServiceError`` then, as for a second download)."""
    run = export_run_get(actor=actor, pk=run.pk)
    with transaction.atomic():
        file = ExportFile.objects.select_for_update().filter(run=run).first()
        if file is None or file.content is None:
            problem = _("This export was already downloaded, or has no file.")
        elif file.created_at < timezone.now() - dt.timedelta(hours=KEEP_HOURS):
            file.content = None
            file.save(update_fields=["content", "updated_at"])
            problem = _("This export was not downloaded within %(hours)d hours and is no longer kept; export again.") % {
                "hours": KEEP_HOURS
            }
        else:
            content = bytes(file.content)
            file.content = None
            file.downloaded_at = timezone.now()
            file.save(update_fields=["content", "downloaded_at", "updated_at"])
            audit.record(
                actor=actor,
                action="sharing.export_downloaded",
                working_group_id=run.working_group_id,
                data={"run_id": run.pk, "agreement_id": file.agreement_id},
            )
            return file.file_name, file.content_type, content
    raise ServiceError(problem, code="conflict")
