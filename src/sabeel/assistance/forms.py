"""Forms of the assistance pages: they parse what the finance officer typed; the services
validate it and the views put their messages back on the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sabeel.assistance.choices import Trigger
from sabeel.sharing.forms import UnderAgreementForm
from sabeel.sharing.models import Agreement
from sabeel.workgroups.models import Organisation

MAX_UPLOAD = 10 * 1024 * 1024


class RuleForm(forms.Form):
    trigger = forms.ChoiceField(label=_("Owed on"), choices=Trigger.choices, initial=Trigger.ARRIVAL)
    include_self_organised = forms.BooleanField(label=_("Self-organised returns are owed the grant too"), required=False)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    per_family = forms.DecimalField(label=_("Amount per family"), min_value=0, max_digits=12, decimal_places=2, initial=0)
    per_person = forms.DecimalField(label=_("Amount per person"), min_value=0, max_digits=12, decimal_places=2, initial=0)
    max_persons = forms.IntegerField(label=_("Persons counted at most"), min_value=1, max_value=100, required=False)
    top_ups = forms.CharField(
        label=_("Top-ups per person with a specific need"),
        required=False,
        max_length=1000,
        help_text=_("One per line: a need code or category, then the amount, e.g. DS 75"),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
    )
    cap = forms.DecimalField(label=_("Cap per family"), min_value=0, max_digits=12, decimal_places=2, required=False)
    instalments = forms.IntegerField(label=_("Instalments"), min_value=1, max_value=12, initial=1)

    def clean_top_ups(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for line in (self.cleaned_data.get("top_ups") or "").splitlines():
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2:
                raise forms.ValidationError(_("Write each top-up as a code and an amount, e.g. DS 75."))
            found[parts[0]] = parts[1]
        return found


class ExportForm(UnderAgreementForm):
    """Names and phones are added only under an agreement in force of the list's group."""

    fmt = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "Excel")])
    agreement = forms.ModelChoiceField(
        label=_("Data-sharing agreement, to add names and phones"),
        queryset=Agreement.objects.none(),
        required=False,
        empty_label=_("None: registration numbers, amounts and keys only"),
    )
    recipient = forms.ModelChoiceField(label=_("Payment provider"), queryset=Organisation.objects.none(), required=False)


class ResultsForm(forms.Form):
    file = forms.FileField(label=_("Results file from the provider (CSV or Excel)"))

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload
