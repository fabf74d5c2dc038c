"""Forms of the geography pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sabeel.geo.choices import Country, Level, Weekday
from sabeel.geo.lookup import MAX_QUERY
from sabeel.geo.models import MAX_DAILY_CAPACITY, BorderCrossing


class LookupForm(forms.Form):
    query = forms.CharField(label=_("Place name, in Arabic or Latin script"), max_length=MAX_QUERY, strip=True)
    country = forms.ChoiceField(label=_("Country"), choices=[("", _("All countries")), *Country.choices], required=False)
    level = forms.TypedChoiceField(
        label=_("Level"), choices=[("", _("All levels")), *Level.choices], coerce=int, empty_value=None, required=False
    )


class CrossingOperationsForm(forms.Form):
    days_known = forms.BooleanField(label=_("Opening days are known"), required=False)
    opening_days = forms.TypedMultipleChoiceField(
        label=_("Opening days"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    daily_capacity = forms.IntegerField(
        label=_("Daily capacity (persons)"),
        min_value=1,
        max_value=MAX_DAILY_CAPACITY,
        required=False,
        help_text=_("Leave empty when unknown."),
    )

    @classmethod
    def for_crossing(cls, crossing: BorderCrossing) -> CrossingOperationsForm:
        days = crossing.opening_weekdays
        return cls(
            initial={
                "days_known": days is not None,
                "opening_days": [int(d) for d in days or []],
                "daily_capacity": crossing.daily_capacity,
            }
        )

    def opening_days_value(self) -> list[int] | None:
        """None when the days are unknown; an empty list means closed every day."""
        if not self.cleaned_data.get("days_known") and not self.cleaned_data.get("opening_days"):
            return None
        return list(self.cleaned_data.get("opening_days") or [])
