"""The household filter: one definition for the HTML list and the API (like a NetBox filterset).

``HouseholdFilterForm`` validates the parameters (from ``request.GET`` on the page, from the
API's query schema) and ``households_filter`` applies them. Filters never carry a name: the name
search travels in a POST body (``registry.search``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db import connection, models
from django.db.models import Min, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sabeel.consent.models import Answer
from sabeel.geo.forms import PlaceField
from sabeel.geo.models import AdminUnit
from sabeel.registry import needs
from sabeel.registry.choices import HouseholdStatus
from sabeel.registry.models import Household
from sabeel.reports.choices import ConsentState
from sabeel.reports.models import HouseholdFunnel

__all__ = [
    "FILTER_FIELDS",
    "FUNNEL_FILTERS",
    "Eligibility",
    "HouseholdFilterForm",
    "funnel_as_of",
    "funnel_filter",
    "households_filter",
    "json_list_contains",
    "unit_and_below",
]

FILTER_FIELDS = ("status", "location", "origin", "need", "intention", "consent_state", "eligible")
FUNNEL_FILTERS = ("intention", "consent_state", "eligible")
NEVER_ASKED = "never"


class Eligibility(models.TextChoices):
    """The eligibility filter. ``unknown``: no verdict has been copied into the snapshot yet; such a
    household is never listed as eligible (nor as not eligible)."""

    ELIGIBLE = "yes", _("Eligible")
    NOT_ELIGIBLE = "no", _("Not eligible")
    UNKNOWN = "unknown", _("Not yet assessed")


def need_choices() -> list[tuple[str, Any]]:
    """Specific needs one may filter by: never the protection-sensitive codes."""
    return [(code, f"{code} · {label}") for code, label in needs.SPECIFIC_NEEDS.items() if not needs.is_sensitive(code)]


class HouseholdFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *HouseholdStatus.choices], required=False
    )
    location = PlaceField(
        syrian=False,
        label=_("Lives in"),
        help_text=_("A place in a host country, by name (Arabic or English) or code; includes the places within it."),
    )
    origin = PlaceField(
        syrian=True,
        label=_("Comes from"),
        help_text=_("A place in Syria, by name (Arabic or English) or code; includes the places within it."),
    )
    need = forms.ChoiceField(
        label=_("Specific need"), choices=lambda: [("", _("Any need")), *need_choices()], required=False
    )
    intention = forms.ChoiceField(
        label=_("Hopes to return"),
        choices=[("", _("Any answer")), *Answer.choices, (NEVER_ASKED, _("Never asked"))],
        required=False,
    )
    consent_state = forms.ChoiceField(
        label=_("Consent to return"), choices=[("", _("Any consent state")), *ConsentState.choices], required=False
    )
    eligible = forms.ChoiceField(
        label=_("Eligibility"), choices=[("", _("Any eligibility")), *Eligibility.choices], required=False
    )

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
    intention: str | None = None,
    consent_state: str | None = None,
    eligible: str | None = None,
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
    return funnel_filter(queryset, intention=intention, consent_state=consent_state, eligible=eligible)


def funnel_filter(
    queryset: QuerySet[Household],
    *,
    intention: str | None = None,
    consent_state: str | None = None,
    eligible: str | None = None,
) -> QuerySet[Household]:
    """Filter on the funnel snapshot (``reports.HouseholdFunnel``). A household without a snapshot
    row (or with a stale one) matches none of these filters except "not yet assessed": it is never
    listed as eligible."""
    if intention:
        queryset = queryset.filter(funnel__intention="" if intention == NEVER_ASKED else intention)
    if consent_state:
        queryset = queryset.filter(funnel__consent_state=consent_state)
    if eligible == Eligibility.ELIGIBLE:
        queryset = queryset.filter(funnel__eligible=True, funnel__stale=False)
    elif eligible == Eligibility.NOT_ELIGIBLE:
        queryset = queryset.filter(funnel__eligible=False, funnel__stale=False)
    elif eligible == Eligibility.UNKNOWN:
        queryset = queryset.filter(Q(funnel__isnull=True) | Q(funnel__stale=True))
    return queryset


def funnel_as_of(households: QuerySet[Household]) -> dt.datetime | None:
    """When the oldest snapshot row of these (already scoped and filtered) households was computed:
    what the list shows is true as of then or later. None when none of them has a row."""
    rows = HouseholdFunnel.objects.filter(household__in=households.order_by().values("pk"))
    oldest: dt.datetime | None = rows.aggregate(oldest=Min("computed_at"))["oldest"]
    return oldest
