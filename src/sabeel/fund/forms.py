from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sabeel.fund.models import ProjectStatus


class ProgressForm(forms.Form):
    reported_on = forms.DateField(label=_("Date of the report"), widget=forms.DateInput(attrs={"type": "date"}))
    percent_complete = forms.IntegerField(label=_("Percent complete"), min_value=0, max_value=100)
    status = forms.ChoiceField(label=_("Status after the report"), choices=[
        (ProjectStatus.IN_PROGRESS, ProjectStatus.IN_PROGRESS.label),
        (ProjectStatus.COMPLETED, ProjectStatus.COMPLETED.label),
        (ProjectStatus.CANCELLED, ProjectStatus.CANCELLED.label),
    ])
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    evidence = forms.CharField(label=_("Evidence (document reference or link)"), required=False, max_length=500)


class PledgeForm(forms.Form):
    donor = forms.TypedChoiceField(label=_("Donor"), coerce=int)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=17, decimal_places=2)
    currency = forms.CharField(label=_("Currency (ISO 4217)"), min_length=3, max_length=3, initial="USD")
    pledged_on = forms.DateField(label=_("Date of the pledge"), widget=forms.DateInput(attrs={"type": "date"}))
    sectors = forms.MultipleChoiceField(label=_("Earmarked sectors (none: any)"), required=False, widget=forms.CheckboxSelectMultiple)
    governorates = forms.CharField(label=_("Earmarked governorates, p-codes separated by commas (none: any)"), required=False, max_length=300)
    conditions = forms.CharField(label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=100)

    def __init__(self, *args: object, donors: list[tuple[int, str]], **kwargs: object) -> None:
        from sabeel.fund.models import Sector

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["donor"].choices = donors  # type: ignore[attr-defined]
        self.fields["sectors"].choices = Sector.choices  # type: ignore[attr-defined]

    def clean_governorates(self) -> list[str]:
        return [g.strip().upper() for g in self.cleaned_data["governorates"].split(",") if g.strip()]


class ReceiptForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount received (in the pledge's currency)"), min_value=0, max_digits=17, decimal_places=2)
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}))


class MoneyForm(forms.Form):
    pledge = forms.TypedChoiceField(label=_("Pledge"), coerce=int)
    usd = forms.DecimalField(label=_("Amount (US dollars)"), min_value=0, max_digits=17, decimal_places=2)
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, pledges: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["pledge"].choices = pledges  # type: ignore[attr-defined]


class ExpenditureForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=17, decimal_places=2)
    currency = forms.CharField(label=_("Currency (ISO 4217)"), min_length=3, max_length=3, initial="USD")
    reported_on = forms.DateField(label=_("Reported on"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("What the money paid for"), required=False, max_length=4000)
    evidence = forms.CharField(label=_("Evidence (document reference or link)"), required=False, max_length=500)


class ReversalForm(forms.Form):
    reason = forms.CharField(label=_("Why is it reversed?"), max_length=300)


class RateForm(forms.Form):
    currency = forms.CharField(label=_("Currency (ISO 4217)"), min_length=3, max_length=3)
    as_of = forms.DateField(label=_("Date of the rate"), widget=forms.DateInput(attrs={"type": "date"}))
    usd_per_unit = forms.DecimalField(label=_("US dollars per unit"), min_value=0, max_digits=18, decimal_places=8)
    source = forms.CharField(label=_("Source"), max_length=200)


class DonorForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    iati_ref = forms.CharField(label=_("IATI organisation identifier"), required=False, max_length=100)

    def __init__(self, *args: object, **kwargs: object) -> None:
        from sabeel.workgroups.models import Organisation

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organisation"].choices = list(Organisation.objects.filter(is_active=True).values_list("pk", "name"))  # type: ignore[attr-defined]


class ProjectForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    title = forms.CharField(label=_("Title"), max_length=200)
    title_ar = forms.CharField(label=_("Arabic title"), max_length=200, required=False)
    sector = forms.ChoiceField(label=_("Sector"))
    subdistrict = forms.CharField(label=_("Sub-district p-code"), max_length=16)
    cost_usd = forms.IntegerField(label=_("Cost (US dollars)"), min_value=1)
    duration_months = forms.IntegerField(label=_("Duration (months)"), min_value=1, max_value=240)
    implementer = forms.TypedChoiceField(label=_("Implementer"), coerce=int, required=False, empty_value=None)
    requires = forms.CharField(label=_("Depends on (project codes separated by commas)"), required=False, max_length=300)

    def __init__(self, *args: object, implementers: list[tuple[int, str]], **kwargs: object) -> None:
        from sabeel.fund.models import Sector

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["sector"].choices = Sector.choices  # type: ignore[attr-defined]
        self.fields["implementer"].choices = [("", "—"), *implementers]  # type: ignore[attr-defined]
