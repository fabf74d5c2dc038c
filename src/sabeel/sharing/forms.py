"""Forms of the data-sharing pages (validation of shape only; the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sabeel.core.roles import FIELD_GROUP_LABELS
from sabeel.sharing.choices import SHAREABLE_FIELD_GROUPS, LegalBasis, Level, ShareKind
from sabeel.sharing.models import Agreement
from sabeel.sharing.selectors import recipients_of
from sabeel.sharing.services import TOKEN_EXPIRY_DAYS
from sabeel.workgroups.models import Organisation, WorkingGroup


class _Date(forms.DateInput):
    input_type = "date"


def _organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_active=True).order_by("name")


class UnderAgreementForm(forms.Form):
    """Where names leave a group under an agreement (a manifest, a payment file): the agreements
    offered are the group's in force and the recipients their parties, chosen from lists, never
    numbers to type; the share's service still checks every term. Subclasses may redeclare the
    two fields (labels, optional)."""

    agreement = forms.ModelChoiceField(label=_("Data-sharing agreement"), queryset=Agreement.objects.none())
    recipient = forms.ModelChoiceField(label=_("Recipient organisation"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, agreements: QuerySet[Agreement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = agreements  # type: ignore[attr-defined]
        self.fields["recipient"].queryset = recipients_of(agreements)  # type: ignore[attr-defined]


class AgreementForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=64, help_text=_("For example LB-DSA-2026-01."))
    parties = forms.ModelMultipleChoiceField(
        label=_("Recipients"), queryset=Organisation.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.CharField(
        label=_("Purpose"), max_length=200, help_text=_("A person's consent to share must name the same purpose.")
    )
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, widget=forms.RadioSelect, initial=Level.PERSON)
    categories = forms.MultipleChoiceField(
        label=_("Data covered"),
        choices=[(g.value, FIELD_GROUP_LABELS[g]) for g in SHAREABLE_FIELD_GROUPS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Registration number, sex, date of birth and places are in every person-level row."),
    )
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.choices)
    retention_days = forms.IntegerField(label=_("Retention (days)"), min_value=1, max_value=3650, initial=90)
    onward_transfer_banned = forms.BooleanField(label=_("Onward transfer banned"), required=False, initial=True)
    requires_consent = forms.BooleanField(
        label=_("Only people who consented to share"), required=False, initial=True
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=_Date)
    expires_on = forms.DateField(label=_("Expires on"), widget=_Date)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = _organisations()  # type: ignore[attr-defined]


class AgreementCreateForm(AgreementForm):
    working_group = forms.ModelChoiceField(label=_("Working group"), queryset=WorkingGroup.objects.none())
    field_order = ["working_group"]

    def __init__(self, *args: Any, groups: QuerySet[WorkingGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["working_group"].queryset = groups  # type: ignore[attr-defined]


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Why is the agreement revoked?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class TokenForm(forms.Form):
    recipient = forms.ModelChoiceField(label=_("Held by"), queryset=Organisation.objects.none())
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the partner uses it for."))
    expires_in_days = forms.TypedChoiceField(
        label=_("Lasts"),
        coerce=int,
        choices=[(d, _("%(days)d days") % {"days": d}) for d in TOKEN_EXPIRY_DAYS],
        initial=90,
        help_text=_("Never longer than the agreement."),
    )

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = agreement.parties.order_by("name")  # type: ignore[attr-defined]


class ShareLogFilterForm(forms.Form):
    agreement = forms.ModelChoiceField(label=_("Agreement"), queryset=Agreement.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any kind")), *ShareKind.choices], required=False)
    since = forms.DateField(label=_("From"), required=False, widget=_Date)
    until = forms.DateField(label=_("To"), required=False, widget=_Date)

    def __init__(self, *args: Any, agreements: QuerySet[Agreement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = agreements  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "agreement_id": data["agreement"].pk if data.get("agreement") else None,
            "kind": data.get("kind") or None,
            "since": data.get("since"),
            "until": data.get("until"),
        }


class ExportForm(forms.Form):
    agreement = forms.ModelChoiceField(label=_("Under the agreement"), queryset=Agreement.objects.none())
    recipient = forms.ModelChoiceField(label=_("For the recipient"), queryset=Organisation.objects.none())
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", _("Excel (.xlsx)")), ("csv", _("HXL-tagged CSV"))],
        widget=forms.RadioSelect,
        initial="xlsx",
    )

    def __init__(self, *args: Any, agreements: QuerySet[Agreement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = agreements  # type: ignore[attr-defined]
        self.fields["recipient"].queryset = _organisations()  # type: ignore[attr-defined]
