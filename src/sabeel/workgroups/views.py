from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sabeel.core.actors import Actor, request_actor
from sabeel.core.exports import CSV_CONTENT_TYPE, Column, to_hxl_csv
from sabeel.core.models import ActorKind
from sabeel.core.templatetags.sabeel import local_datetime
from sabeel.core.views_helpers import staff_view
from sabeel.workgroups import forms, selectors, services
from sabeel.workgroups.audit_labels import action_label, data_pairs


@staff_view
def working_group_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    groups = selectors.working_group_list(actor=actor)
    return render(request, "workgroups/working_group_list.html", {"groups": groups})


@staff_view
def working_group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    group = selectors.working_group_get(actor=actor, pk=pk)
    members = selectors.membership_list(actor=actor, working_group=group)
    return render(request, "workgroups/working_group_detail.html", {"group": group, "members": members})


PAGE_SIZE = 50
EXPORT_CHUNK = 2000


def _filter_form(request: HttpRequest, actor: Actor) -> forms.AuditFilterForm:
    groups = list(selectors.audit_groups(actor=actor))
    staff = selectors.audit_actor_choices(actor=actor)
    filter_keys = set(forms.AuditFilterForm.base_fields)
    data = request.GET if filter_keys & set(request.GET) else None
    return forms.AuditFilterForm(data, staff=staff, groups=groups)


def _entries(actor: Actor, reads: bool, filters: selectors.AuditFilters) -> QuerySet[Any]:
    if reads:
        return selectors.read_entries_filtered(actor=actor, filters=filters)
    return selectors.audit_entries_filtered(actor=actor, filters=filters)


def _share_log_url() -> str | None:
    """The data-sharing log, once the sharing part has wired it."""
    try:
        return reverse("sharing:share_log")
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class _Row:
    number: int
    at_local: str
    at_iso: str
    actor: str
    actor_kind: str
    action: str
    action_label: str
    target_type: str
    target_label: str
    target_id: str
    group: str
    count: int | None
    pairs: list[tuple[str, str]]
    # a staff actor's display name and organisations apart, so that the page can isolate a Latin
    # name inside Arabic text (<bdi>); ``actor`` joins them for the export
    actor_name: str = ""
    actor_organisations: tuple[str, ...] = ()

    def as_export(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "at": self.at_iso,
            "actor_kind": self.actor_kind,
            "actor": self.actor,
            "action": self.action,
            "action_label": self.action_label,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "group": self.group,
            "count": self.count,
            "data": "; ".join(f"{key}: {value}" if key else value for key, value in self.pairs),
        }


class _RowMaker:
    """Turns trail rows into readable rows: actor names (staff: display name and organisation;
    a refugee, a system job or an anonymous visitor as such), action labels, local times."""

    def __init__(self, actor: Actor, reads: bool, fallback_zone: str) -> None:
        self.actor = actor
        self.reads = reads
        # the language of the request: an export's rows are made while its answer streams
        self.language = translation.get_language()
        groups = list(selectors.audit_groups(actor=actor))
        self.zones = {g.pk: g.time_zone for g in groups}
        self.group_names = {g.pk: g.local_name for g in groups}
        self.fallback_zone = fallback_zone
        self.targets = {m._meta.label_lower: str(m._meta.verbose_name) for m in apps.get_models()}

    def rows(self, entries: Iterable[Any]) -> list[_Row]:
        entries = list(entries)
        user_ids = {int(e.actor_id) for e in entries if e.actor_kind == ActorKind.USER and str(e.actor_id).isdigit()}
        with translation.override(self.language):
            staff = selectors.staff_labels(actor=self.actor, user_ids=user_ids)
            return [self._row(e, staff) for e in entries]

    @staticmethod
    def _actor(entry: Any, label: selectors.StaffLabel | None) -> str:
        kind = entry.actor_kind
        if kind == ActorKind.USER:
            return str(label) if label is not None else gettext("Staff user (no longer on record)")
        if kind == ActorKind.REFUGEE:
            return gettext("Refugee (self-service), household %(id)s") % {"id": entry.actor_id}
        if kind == ActorKind.SYSTEM:
            return gettext("System job: %(job)s") % {"job": entry.actor_id}
        return gettext("Not signed in")

    def _row(self, entry: Any, staff: dict[int, selectors.StaffLabel]) -> _Row:
        label = staff.get(int(entry.actor_id)) if entry.actor_kind == ActorKind.USER and str(entry.actor_id).isdigit() else None
        zone = self.zones.get(entry.working_group_id or 0, self.fallback_zone)
        local = entry.at.astimezone(ZoneInfo(zone))
        return _Row(
            number=entry.id if self.reads else entry.seq,
            at_local=local_datetime(entry.at, zone),
            at_iso=local.isoformat(timespec="seconds"),
            actor=self._actor(entry, label),
            actor_kind=entry.actor_kind,
            action=entry.action,
            action_label=action_label(entry.action),
            target_type=entry.target_type,
            target_label=self.targets.get(entry.target_type, entry.target_type),
            target_id=entry.target_id,
            group=self.group_names.get(entry.working_group_id or 0, ""),
            count=entry.count if self.reads else None,
            pairs=data_pairs(entry.data),
            actor_name=label.name if label is not None else "",
            actor_organisations=label.organisations if label is not None else (),
        )


_PAGING_KEYS = ("before", "after")


def _query_without_paging(request: HttpRequest) -> str:
    query = request.GET.copy()
    for key in _PAGING_KEYS:
        query.pop(key, None)
    return query.urlencode()


@dataclass(frozen=True)
class _Window:
    """One page of a trail, newest first, found by its key (``seq``, or ``id`` for reads) rather
    than by an offset and a count: on a trail of millions of rows a count costs hundreds of
    milliseconds on every page, a key lookup walks the index a page at a time."""

    entries: list[Any]
    older: int | None  # the key to ask for the next older page (``?before=``), if there is one
    newer: int | None  # the key to ask for the next newer page (``?after=``), if there is one


def _key_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _window(request: HttpRequest, entries: QuerySet[Any], key: str) -> _Window:
    before, after = _key_param(request, "before"), _key_param(request, "after")
    if after is not None:
        found = list(entries.filter(**{f"{key}__gt": after}).order_by(key)[: PAGE_SIZE + 1])
        rows = list(reversed(found[:PAGE_SIZE]))
        newer_exists = len(found) > PAGE_SIZE
        older_exists = entries.filter(**{f"{key}__lte": after}).exists()
    else:
        scoped = entries.filter(**{f"{key}__lt": before}) if before is not None else entries
        found = list(scoped[: PAGE_SIZE + 1])
        rows = found[:PAGE_SIZE]
        older_exists = len(found) > PAGE_SIZE
        newer_exists = before is not None and entries.filter(**{f"{key}__gte": before}).exists()
    # ``before=`` the oldest row shown gives the older page; ``after=`` the newest, the newer one.
    oldest = getattr(rows[-1], key) if rows else (after + 1 if after is not None else None)
    newest = getattr(rows[0], key) if rows else (before - 1 if before is not None else None)
    return _Window(rows, oldest if older_exists else None, newest if newer_exists else None)


@staff_view
def audit_trail(request: HttpRequest) -> HttpResponse:
    """The audit trail, or with ``?log=reads`` the read log (who read which people's rows),
    filtered by actor, action, group, days (in the group's zone) and target; paged by key."""
    actor = request_actor(request)
    reads = request.GET.get("log") == "reads"
    form = _filter_form(request, actor)
    filters = form.filters()
    entries = _entries(actor, reads, filters)
    window = _window(request, entries, "id" if reads else "seq")
    rows = _RowMaker(actor, reads, filters.time_zone).rows(window.entries)
    query = _query_without_paging(request)
    context = {
        "window": window,
        "rows": rows,
        "reads": reads,
        "form": form,
        "query": query,
        "paged": any(key in request.GET for key in _PAGING_KEYS),
        "share_log_url": _share_log_url(),
        "time_zone": filters.time_zone,
    }
    return render(request, "workgroups/audit_trail.html", context)


EXPORT_COLUMNS = (
    Column("number", _("Row"), "#meta +row +id"),
    Column("at", _("When (local time, ISO 8601)"), "#date +local"),
    Column("actor_kind", _("Actor kind"), "#meta +actor +type"),
    Column("actor", _("Actor"), "#meta +actor +name"),
    Column("action", _("Action code"), "#activity +code"),
    Column("action_label", _("Action"), "#activity +name"),
    Column("target_type", _("Target type"), "#meta +target +type"),
    Column("target_id", _("Target id"), "#meta +target +id"),
    Column("group", _("Working group"), "#org +working_group +name"),
    Column("count", _("Rows read"), "#meta +rows +num"),
    Column("data", _("Data"), "#description +data"),
)


@staff_view
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered trail (or read log) as HXL-tagged CSV, streamed.

    Streamed rather than made by a background task: rows leave as they are read (a chunk of
    ``EXPORT_CHUNK`` at a time, one query for the chunk's actor names), so a 100,000-row trail
    needs neither memory for the whole file nor a stored copy of the trail on the server, which a
    task's result file would be; the first bytes leave at once, so no proxy times out. The export is
    recorded first (``audit.exported``, in each group it covers, with the filters and the number of
    rows: ids and codes only)."""
    actor = request_actor(request)
    reads = request.GET.get("log") == "reads"
    form = _filter_form(request, actor)
    filters = form.filters()
    entries = _entries(actor, reads, filters)
    total = entries.count()
    groups = [filters.working_group_id] if filters.working_group_id is not None else sorted(
        g.pk for g in selectors.audit_groups(actor=actor)
    )
    services.audit_export_record(
        actor=actor, group_ids=groups, data={"log": "reads" if reads else "trail", **filters.as_data(), "row_count": total}
    )
    maker = _RowMaker(actor, reads, filters.time_zone)
    language = translation.get_language()

    def stream() -> Iterator[bytes]:
        with translation.override(language):
            yield to_hxl_csv(EXPORT_COLUMNS, [])
            header = len(to_hxl_csv(EXPORT_COLUMNS, []))
            chunk: list[Any] = []
            for entry in entries.iterator(chunk_size=EXPORT_CHUNK):
                chunk.append(entry)
                if len(chunk) == EXPORT_CHUNK:
                    yield to_hxl_csv(EXPORT_COLUMNS, [r.as_export() for r in maker.rows(chunk)])[header:]
                    chunk = []
            if chunk:
                yield to_hxl_csv(EXPORT_COLUMNS, [r.as_export() for r in maker.rows(chunk)])[header:]

    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    name = f"sabeel-{'read-log' if reads else 'audit-trail'}-{stamp}.csv"
    response = StreamingHttpResponse(stream(), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return cast(HttpResponse, response)  # staff_view is typed for HttpResponse; a stream is served alike
