"""Forms of the voluntariness pages. They parse what the officer typed; the services validate it
(one translated message per field) and the views put those messages back on the fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sabeel.consent.choices import STAFF_CHANNELS, DataCategory, GoAndSeeOutcome, WithdrawalChannel
from sabeel.consent.selectors import MemberLabel
from sabeel.geo.models import BorderCrossing
from sabeel.registry.choices import Language
from sabeel.registry.models import Household, Individual
from sabeel.workgroups.models import Organisation, WorkingGroup

DATE = forms.DateInput(attrs={"type": "date"})


def _label(member: MemberLabel, words: Mapping[int, tuple[str, ...]]) -> str:
    said = words.get(member.id)
    return f"{member.name} — {', '.join(said)}" if said else member.name


class HouseholdRecordForm(forms.Form):
    """A form about one household; member fields list its current members by label."""

    member_fields: tuple[str, ...] = ()
    # Every current member is offered for consent, re-confirmation and withdrawal; the service
    # refuses a consent for anyone who may be under 18 that day, with the reason on the form.
    children_only = False

    def __init__(
        self,
        *args: Any,
        household: Household,
        members: Mapping[int, MemberLabel],
        words: Mapping[int, tuple[str, ...]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.household = household
        current = [m for m in members.values() if m.is_current]
        if self.children_only:
            current = [m for m in current if m.may_be_child] or current
        choices = [(m.id, _label(m, words or {})) for m in current]
        for name in self.member_fields:
            self.fields[name].choices = choices  # type: ignore[attr-defined]

    def person(self, name: str = "individual") -> Individual:
        return Individual.objects.get(household=self.household, pk=int(self.cleaned_data[name]))

    def people(self, name: str) -> list[Individual]:
        ids = [int(v) for v in self.cleaned_data.get(name) or ()]
        return list(Individual.objects.filter(household=self.household, pk__in=ids).order_by("pk"))


class CounsellingForm(HouseholdRecordForm):
    member_fields = ("attendees",)
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial=Language.ARABIC)
    attendees = forms.MultipleChoiceField(label=_("Who attended"), required=False, widget=forms.CheckboxSelectMultiple)
    questions_raised = forms.CharField(label=_("Questions raised"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class GoAndSeeForm(HouseholdRecordForm):
    member_fields = ("individual",)
    individual = forms.ChoiceField(label=_("Person"))
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)
    crossing = forms.ModelChoiceField(label=_("Crossing used"), queryset=BorderCrossing.objects.order_by("name_en"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=GoAndSeeOutcome.choices, initial=GoAndSeeOutcome.PLANNED)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class GoAndSeeOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=GoAndSeeOutcome.choices)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConsentForm(HouseholdRecordForm):
    member_fields = ("individual",)
    individual = forms.ChoiceField(label=_("Person"))
    given_on = forms.DateField(label=_("Given on"), widget=DATE)
    # Not required here: the service refuses an unticked box with the reason, on that box.
    free = forms.BooleanField(label=_("Free: the person decided without pressure or inducement"), required=False)
    informed = forms.BooleanField(label=_("Informed: the person has seen the information package"), required=False)
    express = forms.BooleanField(label=_("Express: the person stated it clearly themselves"), required=False)
    can_read = forms.BooleanField(
        label=_("The person can read"),
        required=False,
        initial=True,
        help_text=_("If not, the printed record has a thumbprint box and a witness line."),
    )


class ReconfirmationForm(HouseholdRecordForm):
    member_fields = ("individual",)
    individual = forms.ChoiceField(label=_("Person"))
    on = forms.DateField(label=_("On"), widget=DATE)


class WithdrawalForm(HouseholdRecordForm):
    member_fields = ("individual",)
    individual = forms.ChoiceField(label=_("Who withdrew"))
    channel = forms.ChoiceField(
        label=_("How"), choices=[(c.value, c.label) for c in WithdrawalChannel if c in STAFF_CHANNELS], initial=WithdrawalChannel.PHONE
    )
    at = forms.DateTimeField(
        label=_("When (local time)"),
        required=False,
        help_text=_("Leave empty for now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def at_aware(self) -> dt.datetime | None:
        """The time typed, in the household's host-country time zone."""
        value: dt.datetime | None = self.cleaned_data.get("at")
        if value is None:
            return None
        zone = ZoneInfo(self.household.working_group.time_zone or "UTC")
        naive = timezone.make_naive(value, dt.UTC) if timezone.is_aware(value) else value
        return naive.replace(tzinfo=zone)


class SharingConsentForm(HouseholdRecordForm):
    member_fields = ("individual",)
    individual = forms.ChoiceField(label=_("Person"))
    parties = forms.ModelMultipleChoiceField(
        label=_("Organisations the data may be shared with"),
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )
    data_categories = forms.MultipleChoiceField(
        label=_("Which data"), choices=DataCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    given_on = forms.DateField(label=_("Given on"), widget=DATE)


class WithdrawSharingForm(forms.Form):
    on = forms.DateField(label=_("Withdrawn on"), widget=DATE)


class BestInterestsForm(HouseholdRecordForm):
    member_fields = ("child",)
    children_only = True
    child = forms.ChoiceField(label=_("Child"))
    started_on = forms.DateField(label=_("Started on"), widget=DATE)
    completed_on = forms.DateField(label=_("Completed on"), required=False, widget=DATE)


class BestInterestsCompleteForm(forms.Form):
    completed_on = forms.DateField(label=_("Completed on"), widget=DATE)


class SplitForm(HouseholdRecordForm):
    member_fields = ("members_leaving",)
    members_leaving = forms.MultipleChoiceField(label=_("Members who travel"), widget=forms.CheckboxSelectMultiple)
    on = forms.DateField(label=_("Asked on"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SignOffForm(forms.Form):
    on = forms.DateField(label=_("On"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpCloseForm(forms.Form):
    outcome = forms.CharField(label=_("What came of it"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class EligibilityForm(forms.Form):
    """Ask about another day: scheduling on ``on`` for a departure on ``departure_on``."""

    on = forms.DateField(label=_("Assess on"), required=False, widget=DATE)
    departure_on = forms.DateField(label=_("Departure on"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        on, departure = data.get("on"), data.get("departure_on")
        if on and departure and departure < on:
            self.add_error("departure_on", _("The departure cannot be before the day assessed."))
        return data


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    name_ar = forms.CharField(label=_("Arabic name"), max_length=200, widget=forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}))
    consent_validity_days = forms.IntegerField(label=_("Consent valid for (days)"), min_value=1, max_value=3650)
    cooling_off_days = forms.IntegerField(label=_("Cooling-off period after consent (days)"), min_value=0, max_value=3650)
    reconfirmation_window_days = forms.IntegerField(
        label=_("Re-confirmation window before departure (days)"), min_value=0, max_value=3650
    )
    go_and_see_visits_allowed = forms.IntegerField(label=_("Go-and-see visits allowed per person"), min_value=0, max_value=3650)
    starts_on = forms.DateField(
        label=_("In force from"),
        widget=DATE,
        help_text=_("Nothing of the programme is dated before this day: counselling, consent, re-confirmation, visits."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class ProgrammeCreateForm(ProgrammeForm):
    working_group: forms.ModelChoiceField[WorkingGroup] = forms.ModelChoiceField(
        label=_("Working group"), queryset=WorkingGroup.objects.none()
    )

    def __init__(self, *args: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["working_group"].queryset = groups  # type: ignore[attr-defined]
        self.order_fields(["working_group"])
