from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sabeel.core.views_helpers import staff_view
from sabeel.workgroups import selectors


@staff_view
def working_group_list(request: HttpRequest) -> HttpResponse:
    groups = selectors.working_group_list(actor=request.user)
    return render(request, "workgroups/working_group_list.html", {"groups": groups})


@staff_view
def working_group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.working_group_get(actor=request.user, pk=pk)
    members = selectors.membership_list(actor=request.user, working_group=group)
    return render(request, "workgroups/working_group_detail.html", {"group": group, "members": members})


@staff_view
def audit_trail(request: HttpRequest) -> HttpResponse:
    """The audit trail, or with ``?log=reads`` the read log (who read which people's rows)."""
    reads = request.GET.get("log") == "reads"
    entries: QuerySet[Any] = (
        selectors.read_entries(actor=request.user) if reads else selectors.audit_entries(actor=request.user)
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    zones = selectors.time_zones_by_group()
    rows = [(row, zones.get(row.working_group_id or 0, "UTC")) for row in page]
    return render(request, "workgroups/audit_trail.html", {"page": page, "rows": rows, "reads": reads})
