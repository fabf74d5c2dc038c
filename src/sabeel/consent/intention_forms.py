"""Forms of the intention pages: the officer's record form and the survey upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sabeel.consent.intention_import import MAX_BYTES
from sabeel.consent.intentions import ReturnObstacle, ReturnReason
from sabeel.consent.models import Answer, DecisionMaker
from sabeel.geo.choices import Country
from sabeel.geo.models import AdminUnit
from sabeel.workgroups.models import WorkingGroup


class IntentionForm(forms.Form):
    recorded_on = forms.DateField(
        label=_("Date of the answer"), required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text=_("Today when empty.")
    )
    hopes_to_return = forms.ChoiceField(label=_("Hopes to return to Syria one day"), choices=Answer.choices, widget=forms.RadioSelect)
    intends_within_12_months = forms.ChoiceField(
        label=_("Intends to return within 12 months"), choices=Answer.choices, widget=forms.RadioSelect
    )
    preferred_destination = forms.ModelChoiceField(
        label=_("Preferred destination"),
        queryset=AdminUnit.objects.none(),
        to_field_name="key",
        required=False,
        empty_label="—",
    )
    reasons = forms.MultipleChoiceField(
        label=_("Main reasons to return"), choices=ReturnReason.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    obstacles = forms.MultipleChoiceField(
        label=_("Main obstacles"), choices=ReturnObstacle.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    go_and_see_interest = forms.BooleanField(label=_("Interested in a go-and-see visit"), required=False)
    decision_maker = forms.ChoiceField(
        label=_("Who decides about returning"), choices=[("", "—"), *DecisionMaker.choices], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["preferred_destination"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = AdminUnit.objects.filter(country=Country.SYRIA).order_by("level", "key")


class IntentionImportForm(forms.Form):
    file = forms.FileField(
        label=_("Survey export (CSV or Excel .xlsx)"),
        help_text=_("As KoboToolbox or ODK export it. Households are matched by their Sabeel registration number."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )
    working_group = forms.ModelChoiceField(label=_("Working group"), queryset=WorkingGroup.objects.none(), empty_label=None)

    def __init__(self, *args: Any, groups: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["working_group"]
        if isinstance(field, forms.ModelChoiceField) and groups is not None:
            field.queryset = groups

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(max)s MB."), code="too_large", params={"max": MAX_BYTES // (1024 * 1024)}
            )
        return upload
