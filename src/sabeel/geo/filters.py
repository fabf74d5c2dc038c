"""The admin-unit filter, one definition for the HTML list and the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sabeel.geo.choices import Country, Level
from sabeel.geo.forms import PlaceField


class AdminUnitFilterForm(forms.Form):
    country = forms.ChoiceField(
        label=_("Country"), choices=[("", _("All countries")), *Country.choices], required=False
    )
    level = forms.TypedChoiceField(
        label=_("Level"), choices=[("", _("All levels")), *Level.choices], coerce=int, empty_value=None, required=False
    )
    parent = forms.IntegerField(label=_("Parent unit"), required=False, widget=forms.HiddenInput, min_value=1)
    within = PlaceField(
        label=_("Within"), help_text=_("The units directly below a place, given by name (Arabic or English) or code.")
    )
    q = forms.CharField(label=_("Key or name contains"), required=False, max_length=100)

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments (empty when the form is not valid); a place typed in
        ``within`` becomes the ``parent`` whose units are listed."""
        if not self.is_valid():
            return {}
        values = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        within = values.pop("within", None)
        if within is not None:
            values["parent"] = within.pk
        return values


class CrossingFilterForm(forms.Form):
    country = forms.ChoiceField(
        label=_("Neighbouring country"),
        choices=[("", _("All neighbours")), *[(c, label) for c, label in Country.choices if c != Country.SYRIA]],
        required=False,
    )
