"""Forms of the identity pages: starting a run (the registry, or an uploaded list) and a decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sabeel.identity.models import Decision
from sabeel.identity.review import NOTE_MAX
from sabeel.workgroups.models import WorkingGroup

_ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _GroupForm(forms.Form):
    working_group = forms.ModelChoiceField(label=_("Working group"), queryset=WorkingGroup.objects.none(), empty_label=None)

    def __init__(self, *args: Any, groups: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["working_group"]
        if isinstance(field, forms.ModelChoiceField):
            chosen = list(groups or [])
            field.queryset = WorkingGroup.objects.filter(pk__in=[g.pk for g in chosen]).order_by("code")
            if len(chosen) == 1:
                field.widget = forms.HiddenInput()
                field.initial = chosen[0].pk


class RegistryRunForm(_GroupForm):
    """The whole registry of one working group, against itself."""


class ListRunForm(_GroupForm):
    file = forms.FileField(
        label=_("List of people (CSV or Excel .xlsx)"),
        help_text=_(
            "One person a row. Columns: first_name_ar / first_name_lat (or first_name), father_name…, "
            "grandfather_name…, family_name…, sex, date_of_birth, household_id, household_size, head_name, "
            "origin (sub-district p-code), reference. Names may be in Arabic, Latin or both."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": _ACCEPT}),
    )
    field_order = ["file", "working_group"]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Decision.SAME, _("Same person")), (Decision.DIFFERENT, _("Different people")), (Decision.UNSURE, _("Unsure"))],
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=NOTE_MAX, widget=forms.TextInput)
