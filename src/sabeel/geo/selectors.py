"""Reads of reference geography. Reference data is not group-scoped: any signed-in staff user
whose role has ``geo.view`` reads all of it."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from sabeel.core.actors import Actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import can, require
from sabeel.geo import lookup
from sabeel.geo.models import AdminUnit, AdminUnitName, BorderCrossing, Site


def geo_view_check(*, actor: Actor) -> None:
    """Raise unless the actor may read geography (for pages that show no row yet)."""
    require(actor, "geo.view")


def geo_can_edit(*, actor: Actor) -> bool:
    """May the actor set crossing opening days and capacity (to show or hide the edit links)?"""
    return can(actor, "geo.edit")


def admin_unit_list(
    *,
    actor: Actor,
    country: str | None = None,
    level: int | None = None,
    parent: AdminUnit | int | None = None,
    q: str | None = None,
) -> QuerySet[AdminUnit]:
    """Admin units, filtered; ``q`` matches the key or a name (contains, case-insensitive)."""
    require(actor, "geo.view")
    units = AdminUnit.objects.select_related("parent").annotate(children_count=Count("children"))
    if country:
        units = units.filter(country=country)
    if level is not None:
        units = units.filter(level=level)
    if parent is not None:
        units = units.filter(parent=parent)
    if q:
        units = units.filter(Q(key__iexact=q) | Q(name_en__icontains=q) | Q(name_ar__icontains=q))
    return units.order_by("country", "level", "key")


def admin_unit_get(*, actor: Actor, pk: int) -> AdminUnit:
    require(actor, "geo.view")
    try:
        return AdminUnit.objects.select_related("parent", "parent__parent").get(pk=pk)
    except AdminUnit.DoesNotExist as exc:
        raise Http404 from exc


def admin_unit_ancestors(*, actor: Actor, unit: AdminUnit) -> list[AdminUnit]:
    """The unit's ancestors, the country first."""
    require(actor, "geo.view")
    chain: list[AdminUnit] = []
    current = unit.parent
    while current is not None:
        chain.append(current)
        current = current.parent
    return chain[::-1]


def admin_unit_names(*, actor: Actor, unit: AdminUnit) -> QuerySet[AdminUnitName]:
    require(actor, "geo.view")
    return unit.names.order_by("lang", "name_type", "name")


def crossing_list(*, actor: Actor, country: str | None = None, syria_unit: AdminUnit | None = None) -> QuerySet[BorderCrossing]:
    require(actor, "geo.view")
    crossings = BorderCrossing.objects.select_related("syria_unit", "neighbour_country", "neighbour_unit")
    if country:
        crossings = crossings.filter(neighbour_country__key=country)
    if syria_unit is not None:
        crossings = crossings.filter(
            Q(syria_unit=syria_unit) | Q(syria_unit__parent=syria_unit) | Q(syria_unit__parent__parent=syria_unit)
        )
    return crossings.order_by("neighbour_country__key", "name_en", "key")


def crossing_get(*, actor: Actor, pk: int, action: str = "geo.view") -> BorderCrossing:
    """One crossing; ``action="geo.edit"`` for the edit form (403 for a role without it)."""
    require(actor, action)
    try:
        return BorderCrossing.objects.select_related("syria_unit", "neighbour_country", "neighbour_unit").get(pk=pk)
    except BorderCrossing.DoesNotExist as exc:
        raise Http404 from exc


def site_list(*, actor: Actor, kind: str | None = None, admin_unit: AdminUnit | None = None) -> QuerySet[Site]:
    require(actor, "geo.view")
    sites = Site.objects.select_related("admin_unit").filter(is_active=True)
    if kind:
        sites = sites.filter(kind=kind)
    if admin_unit is not None:
        sites = sites.filter(admin_unit=admin_unit)
    return sites


def admin_unit_lookup(
    *, actor: Actor, query: str, country: str | None = None, level: int | None = None, limit: int = 10
) -> lookup.LookupResult:
    """Admin units best matching a place name typed in Arabic or Latin script, ties explained."""
    require(actor, "geo.view")
    query = query.strip()
    if not query or len(query) > lookup.MAX_QUERY:
        message = _("Type a place name of 1 to %(max)d characters.") % {"max": lookup.MAX_QUERY}
        raise ServiceError(message, fields={"query": [message]})
    return lookup.lookup(query, country=country, level=level, limit=limit)
