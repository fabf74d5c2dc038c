"""Forms of the movements pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sabeel.geo.models import AdminUnit, BorderCrossing
from sabeel.movements.choices import CheckInStatus, ConfirmationKind


class PlanRunForm(forms.Form):
    working_group = forms.TypedChoiceField(label=_("Working group"), coerce=int)
    start = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=90, initial=30)

    def __init__(self, *args, groups=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["working_group"].choices = [(g.pk, g.name) for g in groups]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is the plan cancelled?"), max_length=200)


class CheckInForm(forms.Form):
    status = forms.ChoiceField(choices=CheckInStatus.choices)
    individual = forms.IntegerField(required=False)


class ConfirmForm(forms.Form):
    kind = forms.ChoiceField(choices=ConfirmationKind.choices)


class ShareForm(forms.Form):
    agreement = forms.IntegerField(label=_("Data-sharing agreement"))
    recipient = forms.IntegerField(label=_("Recipient organisation"))


class SelfReturnForm(forms.Form):
    returned_on = forms.DateField(label=_("Date of return"), widget=forms.DateInput(attrs={"type": "date"}))
    crossing = forms.ModelChoiceField(label=_("Crossing"), queryset=BorderCrossing.objects.all(), required=False)
    destination = forms.ModelChoiceField(
        label=_("Destination"), queryset=AdminUnit.objects.filter(country="SY"), required=False,
        help_text=_("Empty: the destination the household chose."),
    )
