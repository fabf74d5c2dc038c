"""Forms of the movements pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sabeel.geo.models import AdminUnit, BorderCrossing
from sabeel.movements.choices import CheckInStatus, ConfirmationKind, PriorityTier
from sabeel.sharing.forms import UnderAgreementForm


class PlanRunForm(forms.Form):
    working_group = forms.TypedChoiceField(label=_("Working group"), coerce=int)
    start = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=90, initial=30)

    def __init__(self, *args, groups=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["working_group"].choices = [(g.pk, g.local_name) for g in groups]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is the plan cancelled?"), max_length=200)


class CheckInForm(forms.Form):
    status = forms.ChoiceField(choices=CheckInStatus.choices)
    individual = forms.IntegerField(required=False)


class ConfirmForm(forms.Form):
    kind = forms.ChoiceField(choices=ConfirmationKind.choices)


class ShareForm(UnderAgreementForm):
    """A manifest handed to a crossing authority: the agreements in force of its group."""


class SelfReturnForm(forms.Form):
    returned_on = forms.DateField(label=_("Date of return"), widget=forms.DateInput(attrs={"type": "date"}))
    crossing = forms.ModelChoiceField(label=_("Crossing"), queryset=BorderCrossing.objects.all(), required=False)
    destination = forms.ModelChoiceField(
        label=_("Destination"), queryset=AdminUnit.objects.filter(country="SY"), required=False,
        help_text=_("Empty: the destination the household chose."),
    )


class RequestForm(forms.Form):
    departure_point = forms.TypedChoiceField(label=_("Departure point"), coerce=int)
    earliest = forms.DateField(label=_("Earliest date chosen by the household"), widget=forms.DateInput(attrs={"type": "date"}))
    latest = forms.DateField(label=_("Latest date chosen by the household"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, points=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["departure_point"].choices = [(p.pk, p.local_name) for p in points]


class FlagsForm(forms.Form):
    priority_tier = forms.TypedChoiceField(label=_("Priority tier"), choices=PriorityTier.choices, coerce=int)
    needs_medical_vehicle = forms.BooleanField(label=_("Needs a medical-fit vehicle"), required=False)


class FindForm(forms.Form):
    registration_number = forms.CharField(label=_("Registration number"), max_length=16)


class DeparturePointForm(forms.Form):
    working_group = forms.TypedChoiceField(label=_("Working group"), coerce=int)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    name_ar = forms.CharField(label=_("Arabic name"), max_length=200, required=False)
    seats_per_day = forms.IntegerField(label=_("Seats a day in ordinary vehicles"), min_value=0, max_value=100_000)
    medical_seats_per_day = forms.IntegerField(label=_("Seats a day in medical-fit vehicles"), min_value=0, max_value=100_000, initial=0)
    vehicle_seats = forms.IntegerField(label=_("Seats in one ordinary vehicle"), min_value=1, max_value=1000, initial=50)
    medical_vehicle_seats = forms.IntegerField(label=_("Seats in one medical-fit vehicle"), min_value=1, max_value=1000, initial=8)

    def __init__(self, *args, groups=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["working_group"].choices = [(g.pk, g.local_name) for g in groups]


class RouteForm(forms.Form):
    departure_point = forms.TypedChoiceField(label=_("Departure point"), coerce=int)
    crossing = forms.ModelChoiceField(label=_("Crossing"), queryset=BorderCrossing.objects.all())
    travel_minutes = forms.IntegerField(label=_("Travel time (minutes)"), min_value=0, max_value=1440, initial=60)

    def __init__(self, *args, points=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["departure_point"].choices = [(p.pk, p.local_name) for p in points]


class ReceptionForm(forms.Form):
    working_group = forms.TypedChoiceField(label=_("Working group"), coerce=int)
    destination = forms.ModelChoiceField(label=_("Destination"), queryset=AdminUnit.objects.filter(country="SY"))
    persons_per_day = forms.IntegerField(label=_("Persons a day"), min_value=0, max_value=100_000)

    def __init__(self, *args, groups=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["working_group"].choices = [(g.pk, g.local_name) for g in groups]
