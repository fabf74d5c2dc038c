"""Writes to reference geography: a crossing's opening days and capacity, and sites. Loading
whole file sets and the gazetteer lives in ``sabeel.geo.loader``."""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sabeel.core import audit
from sabeel.core.actors import Actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import require
from sabeel.geo.choices import Country, SiteKind, Weekday
from sabeel.geo.models import MAX_DAILY_CAPACITY, AdminUnit, BorderCrossing, Site, weekdays_to_mask


def _check_days(days: Collection[int] | None, errors: dict[str, list[str]]) -> list[int] | None:
    if days is None:
        return None
    valid = set(Weekday.values)
    bad = [d for d in days if isinstance(d, bool) or not isinstance(d, int) or d not in valid]
    if bad:
        errors.setdefault("opening_days", []).append(
            _("Days are numbered 0 (Monday) to 6 (Sunday); %(bad)s is not one.") % {"bad": ", ".join(map(str, bad))}
        )
        return None
    return sorted(set(days))


def _check_capacity(capacity: int | None, errors: dict[str, list[str]]) -> None:
    if capacity is None:
        return
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= MAX_DAILY_CAPACITY:
        errors.setdefault("daily_capacity", []).append(
            _("The daily capacity is a number of persons from 1 to %(max)d.") % {"max": MAX_DAILY_CAPACITY}
        )


@transaction.atomic
def crossing_operations_set(
    *, actor: Actor, crossing: BorderCrossing, opening_days: Collection[int] | None, daily_capacity: int | None
) -> BorderCrossing:
    """Set (or clear, with None) a crossing's opening weekdays (0 = Monday) and its daily capacity
    in persons. Nothing is saved or recorded when neither changes."""
    require(actor, "geo.edit", crossing)
    errors: dict[str, list[str]] = {}
    days = _check_days(opening_days, errors)
    _check_capacity(daily_capacity, errors)
    if errors:
        raise ServiceError(_("The crossing was not changed."), fields=errors)
    locked = BorderCrossing.objects.select_for_update().get(pk=crossing.pk)
    mask = weekdays_to_mask(days) if days is not None else None
    if locked.opening_days == mask and locked.daily_capacity == daily_capacity:
        return locked
    locked.opening_days = mask
    locked.daily_capacity = daily_capacity
    locked.operations_updated_at = timezone.now()
    locked.save(update_fields=["opening_days", "daily_capacity", "operations_updated_at", "updated_at"])
    audit.record(
        actor=actor,
        action="geo.crossing_operations_set",
        target=locked,
        data={"opening_days": days, "daily_capacity": daily_capacity},
    )
    return locked


def _check_site(*, kind: str, admin_unit: AdminUnit, name_en: str, name_ar: str, lat: float | None, lon: float | None) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in SiteKind.values:
        errors["kind"] = [_("Choose a departure point or a reception point.")]
    elif kind == SiteKind.RECEPTION_POINT and admin_unit.country != Country.SYRIA:
        errors["admin_unit"] = [_("A reception point is in Syria.")]
    elif kind == SiteKind.DEPARTURE_POINT and admin_unit.country == Country.SYRIA:
        errors["admin_unit"] = [_("A departure point is in a host country.")]
    if not name_en.strip() and not name_ar.strip():
        errors["name_en"] = [_("Give an English or an Arabic name.")]
    if (lat is None) != (lon is None) or (lat is not None and not -90 <= lat <= 90) or (lon is not None and not -180 <= lon <= 180):
        errors["lat"] = [_("Give both latitude and longitude, within range, or neither.")]
    if errors:
        raise ServiceError(_("The site was not saved."), fields=errors)


@transaction.atomic
def site_create(
    *,
    actor: Actor,
    kind: str,
    admin_unit: AdminUnit,
    name_en: str = "",
    name_ar: str = "",
    lat: float | None = None,
    lon: float | None = None,
) -> Site:
    """Add a departure point (host country) or a reception point (Syria)."""
    require(actor, "geo.edit")
    _check_site(kind=kind, admin_unit=admin_unit, name_en=name_en, name_ar=name_ar, lat=lat, lon=lon)
    site = Site.objects.create(
        kind=kind, admin_unit=admin_unit, name_en=name_en.strip(), name_ar=name_ar.strip(), lat=lat, lon=lon
    )
    audit.record(actor=actor, action="geo.site_created", target=site, data={"admin_unit_id": admin_unit.pk})
    return site


@transaction.atomic
def site_update(
    *,
    actor: Actor,
    site: Site,
    admin_unit: AdminUnit,
    name_en: str,
    name_ar: str,
    lat: float | None,
    lon: float | None,
    is_active: bool,
) -> Site:
    """Correct a site, or take it out of use (``is_active=False``); sites are never deleted."""
    require(actor, "geo.edit")
    _check_site(kind=site.kind, admin_unit=admin_unit, name_en=name_en, name_ar=name_ar, lat=lat, lon=lon)
    site.admin_unit, site.name_en, site.name_ar = admin_unit, name_en.strip(), name_ar.strip()
    site.lat, site.lon, site.is_active = lat, lon, is_active
    site.save()
    audit.record(
        actor=actor, action="geo.site_updated", target=site, data={"admin_unit_id": admin_unit.pk, "is_active": is_active}
    )
    return site
