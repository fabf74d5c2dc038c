"""Forms of the conditions pages. They parse what the officer typed; the service validates it and
the views put its per-field messages back on the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sabeel.conditions.models import ConditionStatus, Threshold
from sabeel.conditions.services import SOURCE_MAX, TEXT_MAX


class UnitSearchForm(forms.Form):
    q = forms.CharField(label=_("Syrian place: name (Arabic or English) or code"), required=False, max_length=100, strip=True)


class ConditionForm(forms.Form):
    threshold = forms.ChoiceField(label=_("Threshold"), choices=Threshold.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ConditionStatus.choices, widget=forms.RadioSelect)
    active_hostilities = forms.BooleanField(
        label=_("Active hostilities reported (safety only)"),
        required=False,
        help_text=_("An organised movement to a flagged area needs a protection officer's sign-off."),
    )
    text_ar = forms.CharField(
        label=_("Description in Arabic"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "rtl", "lang": "ar"}),
    )
    text_en = forms.CharField(
        label=_("Description in English"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "ltr", "lang": "en"}),
    )
    source = forms.CharField(label=_("Source"), max_length=SOURCE_MAX, help_text=_("Who reported it, and where it was published."))
    as_of = forms.DateField(label=_("Date of the information"), widget=forms.DateInput(attrs={"type": "date"}))

