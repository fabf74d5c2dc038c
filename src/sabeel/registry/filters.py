"""The household filter: one definition for the HTML list and the API (like a NetBox filterset).

``HouseholdFilterForm`` validates the parameters (from ``request.GET`` on the page, from the
API's query schema) and ``households_filter`` applies them. Filters never carry a name: the name
search travels in a POST body (``registry.search``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sabeel.geo.models import AdminUnit
from sabeel.registry import needs
from sabeel.registry.choices import HouseholdStatus
from sabeel.registry.models import Household

__all__ = ["FILTER_FIELDS", "HouseholdFilterForm", "households_filter", "json_list_contains", "unit_and_below"]

FILTER_FIELDS = ("status", "location", "origin", "need")


def need_choices() -> list[tuple[str, Any]]:
    """Specific needs one may filter by: never the protection-sensitive codes."""
    return [(code, f"{code} · {label}") for code, label in needs.SPECIFIC_NEEDS.items() if not needs.is_sensitive(code)]


class HouseholdFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any status")), *HouseholdStatus.choices], required=False)
    location = forms.CharField(
        label=_("Lives in (admin unit key)"), required=False, max_length=64, help_text=_("Includes the units below it.")
    )
    origin = forms.CharField(
        label=_("Comes from (Syrian governorate or lower)"), required=False, max_length=64, help_text=_("Includes the units below it.")
    )
    need = forms.ChoiceField(label=_("Specific need"), choices=lambda: [("", _("Any need")), *need_choices()], required=False)

    def clean_location(self) -> AdminUnit | None:
        return self._unit("location", syrian=False)

    def clean_origin(self) -> AdminUnit | None:
        return self._unit("origin", syrian=True)

    def _unit(self, name: str, *, syrian: bool) -> AdminUnit | None:
        key = (self.cleaned_data.get(name) or "").strip()
        if not key:
            return None
        unit = AdminUnit.objects.filter(key=key).first()
        if unit is None:
            raise forms.ValidationError(_("No admin unit has this key."))
        if syrian and unit.country != "SY":
            raise forms.ValidationError(_("Choose an admin unit in Syria."))
        if not syrian and unit.country == "SY":
            raise forms.ValidationError(_("Choose an admin unit of a host country."))
        return unit

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments (empty when the form is not valid)."""
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


def unit_and_below(unit: AdminUnit) -> QuerySet[AdminUnit, Any]:
    """Ids of the unit and every unit below it (admin units are at most three levels deep)."""
    return AdminUnit.objects.filter(
        Q(pk=unit.pk) | Q(parent=unit) | Q(parent__parent=unit) | Q(parent__parent__parent=unit)
    ).values("pk")


def json_list_contains(field: str, value: str) -> Q:
    """``field`` (a JSON list of strings) holds ``value``: ``@>`` on PostgreSQL, a match on the JSON
    text elsewhere (SQLite stores the list as text; codes never contain a quote)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [value]})
    return Q(**{f"{field}__icontains": f'"{value}"'})


def households_filter(
    queryset: QuerySet[Household],
    *,
    status: str | None = None,
    location: AdminUnit | None = None,
    origin: AdminUnit | None = None,
    need: str | None = None,
    need_groups: set[int] | None = None,
) -> QuerySet[Household]:
    """Apply the filters. ``need`` applies only within ``need_groups``, the working groups where
    the actor may see specific needs (elsewhere a household never matches)."""
    if status:
        queryset = queryset.filter(status=status)
    if location is not None:
        queryset = queryset.filter(current_location__in=unit_and_below(location))
    if origin is not None:
        queryset = queryset.filter(origin__in=unit_and_below(origin))
    if need:
        # ``member_needs`` (the current members' needs, kept by the services) has a GIN index on
        # PostgreSQL: no person is read to filter or count.
        queryset = queryset.filter(json_list_contains("member_needs", need), working_group_id__in=need_groups or set())
    return queryset
