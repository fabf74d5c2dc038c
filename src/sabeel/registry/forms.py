"""Forms of the registry pages. They parse what the officer typed; the services validate it
(one translated message per field) and the views put those messages back on the fields."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sabeel.geo.models import AdminUnit
from sabeel.registry import needs
from sabeel.registry.choices import CivilDocument, DuplicateReason, IdScheme, Language, Relationship, Sex
from sabeel.registry.fieldgroups import NAME_FIELDS
from sabeel.registry.search import MAX_QUERY
from sabeel.registry.services import DuplicateCheck, ExternalIdInput, MemberInput
from sabeel.registry.services._inputs import DUPLICATE_NOTE_MAX

HOUSEHOLD_ID_SCHEMES = (IdScheme.UNHCR_CASE, IdScheme.HOST_GOVERNMENT)
MEMBER_ID_SCHEMES = (IdScheme.UNHCR_INDIVIDUAL, IdScheme.SYRIAN_NATIONAL)
_PHONE_SPLIT = re.compile(r"[,\n;،]+")


class SearchForm(forms.Form):
    query = forms.CharField(
        label=_("Name, registration number, phone or id"),
        max_length=MAX_QUERY,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "dir": "auto"}),
    )
    born = forms.IntegerField(
        label=_("Year of birth (if known)"),
        required=False,
        help_text=_("People born within a year of it are looked up first."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "1985"}),
    )


def _units(country: str | None, *, syrian: bool) -> forms.ModelChoiceField:
    units = AdminUnit.objects.filter(country="SY" if syrian else (country or "")).select_related("parent").order_by("level", "key")
    return forms.ModelChoiceField(queryset=units, to_field_name="key", required=False, empty_label="—")


def _name_fields() -> dict[str, forms.Field]:
    labels = {
        "first_name_ar": _("First name (Arabic)"),
        "father_name_ar": _("Father's name (Arabic)"),
        "grandfather_name_ar": _("Grandfather's name (Arabic)"),
        "family_name_ar": _("Family name (Arabic)"),
        "first_name_lat": _("First name (Latin)"),
        "father_name_lat": _("Father's name (Latin)"),
        "grandfather_name_lat": _("Grandfather's name (Latin)"),
        "family_name_lat": _("Family name (Latin)"),
    }
    return {
        name: forms.CharField(
            label=labels[name],
            required=False,
            max_length=100,
            # likely-input: typing here asks the search-before-create panel for likely matches.
            widget=forms.TextInput(
                attrs={"dir": "rtl", "lang": "ar", "class": "likely-input"} if name.endswith("_ar") else {"dir": "ltr", "lang": "en", "class": "likely-input"}
            ),
        )
        for name in NAME_FIELDS
    }


class HouseholdForm(forms.Form):
    """The household's own fields. Built for one host country; fields of hidden groups removed."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    current_location = forms.ModelChoiceField(queryset=AdminUnit.objects.none(), required=False)
    origin = forms.ModelChoiceField(queryset=AdminUnit.objects.none(), required=False)
    destination = forms.ModelChoiceField(queryset=AdminUnit.objects.none(), required=False)
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=Language.choices, initial=Language.ARABIC)
    phones = forms.CharField(
        label=_("Phone numbers"),
        required=False,
        max_length=200,
        help_text=_("As dialled locally (03 123 456) or with the country code; separate several with commas."),
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel"}),
    )
    unhcr_case = forms.CharField(label=_("UNHCR case number"), required=False, max_length=64, widget=forms.TextInput(attrs={"dir": "ltr"}))
    host_government = forms.CharField(label=_("Host-government id"), required=False, max_length=64, widget=forms.TextInput(attrs={"dir": "ltr"}))
    protection_notes = forms.CharField(label=_("Protection notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, country: str | None, allowed: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["current_location"] = _units(country, syrian=False)
        self.fields["current_location"].label = _("Lives in")
        self.fields["origin"] = _units(None, syrian=True)
        self.fields["origin"].label = _("Place of origin (Syria)")
        self.fields["destination"] = _units(None, syrian=True)
        self.fields["destination"].label = _("Chosen destination (Syria)")
        allowed = set(allowed)
        for name, group_field in (("phones", "phones"), ("unhcr_case", "external_ids"), ("host_government", "external_ids"), ("protection_notes", "protection_notes")):
            if group_field not in allowed:
                del self.fields[name]

    def phone_list(self) -> list[str]:
        return [p.strip() for p in _PHONE_SPLIT.split(self.cleaned_data.get("phones") or "") if p.strip()]

    def id_values(self) -> dict[str, str]:
        return {s: (self.cleaned_data.get(s) or "").strip() for s in HOUSEHOLD_ID_SCHEMES if s in self.fields}

    def changes(self, current: Mapping[str, Any]) -> dict[str, Any]:
        """The fields the officer changed, in the service's terms (``current``: the household file)."""
        out: dict[str, Any] = {}
        for name in ("current_location", "origin", "destination"):
            unit = self.cleaned_data.get(name)
            before = (current.get(name) or {}).get("key")
            if (unit.key if unit else None) != before:
                out[name] = unit
        if self.cleaned_data.get("preferred_language") != current.get("preferred_language"):
            out["preferred_language"] = self.cleaned_data["preferred_language"]
        if "phones" in self.fields and self.phone_list() != list(current.get("phones", [])):
            out["phones"] = self.phone_list()
        if "unhcr_case" in self.fields:
            merged = merge_ids(current.get("external_ids", []), self.id_values())
            if merged != [ExternalIdInput(i["scheme"], i["value"]) for i in current.get("external_ids", [])]:
                out["external_ids"] = merged
        if "protection_notes" in self.fields and self.cleaned_data.get("protection_notes", "") != current.get("protection_notes", ""):
            out["protection_notes"] = self.cleaned_data.get("protection_notes", "")
        return out

    @classmethod
    def initial_from(cls, file: Mapping[str, Any]) -> dict[str, Any]:
        ids = {i["scheme"]: i["value"] for i in file.get("external_ids", [])}
        return {
            "version": file["version"],
            "current_location": (file.get("current_location") or {}).get("key"),
            "origin": (file.get("origin") or {}).get("key"),
            "destination": (file.get("destination") or {}).get("key"),
            "preferred_language": file.get("preferred_language"),
            "phones": ", ".join(file.get("phones", [])),
            "protection_notes": file.get("protection_notes", ""),
            **{s: ids.get(s, "") for s in HOUSEHOLD_ID_SCHEMES},
        }


def merge_ids(current: Iterable[Mapping[str, str]], typed: Mapping[str, str]) -> list[ExternalIdInput]:
    """The identifiers after the form: those of the form's schemes as typed, the others kept."""
    kept = [ExternalIdInput(i["scheme"], i["value"]) for i in current if i["scheme"] not in typed]
    return kept + [ExternalIdInput(scheme, value) for scheme, value in typed.items() if value]


def _choices_needs() -> list[tuple[str, str]]:
    return [(code, f"{code} · {label}") for code, label in needs.SPECIFIC_NEEDS.items() if not needs.is_sensitive(code)]


def _choices_sensitive() -> list[tuple[str, str]]:
    return [(code, f"{code} · {label}") for code, label in needs.SPECIFIC_NEEDS.items() if needs.is_sensitive(code)]


class MemberForm(forms.Form):
    """One person; fields of hidden groups removed, so they are neither shown nor written."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    relationship = forms.ChoiceField(label=_("Relationship to the head"), choices=Relationship.choices)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    date_of_birth = forms.CharField(
        label=_("Date of birth"),
        required=False,
        max_length=10,
        help_text=_("A year (1985), a month (1985-03) or a day (1985-03-12)."),
        widget=forms.TextInput(attrs={"dir": "ltr", "placeholder": "1985-03-12", "class": "likely-input"}),
    )
    documents_held = forms.MultipleChoiceField(label=_("Civil documents held"), choices=CivilDocument.choices, required=False, widget=forms.CheckboxSelectMultiple)
    documents_missing = forms.MultipleChoiceField(label=_("Civil documents missing"), choices=CivilDocument.choices, required=False, widget=forms.CheckboxSelectMultiple)
    specific_needs = forms.MultipleChoiceField(label=_("Specific needs"), choices=_choices_needs, required=False, widget=forms.CheckboxSelectMultiple)
    sensitive_needs = forms.MultipleChoiceField(label=_("Protection-sensitive needs"), choices=_choices_sensitive, required=False, widget=forms.CheckboxSelectMultiple)
    unhcr_individual = forms.CharField(label=_("UNHCR individual number"), required=False, max_length=64, widget=forms.TextInput(attrs={"dir": "ltr"}))
    syrian_national = forms.CharField(label=_("Syrian national id"), required=False, max_length=64, widget=forms.TextInput(attrs={"dir": "ltr"}))

    def __init__(self, *args: Any, allowed: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_name_fields())
        allowed = set(allowed)
        hidden_by = {
            **dict.fromkeys(NAME_FIELDS, "first_name_ar"),
            "documents_held": "documents_held",
            "documents_missing": "documents_missing",
            "specific_needs": "specific_needs",
            "sensitive_needs": "sensitive_needs",
            "unhcr_individual": "external_ids",
            "syrian_national": "external_ids",
        }
        for name, field in hidden_by.items():
            if field not in allowed:
                del self.fields[name]

    def values(self) -> dict[str, Any]:
        """What was typed, in the service's terms, for the fields this form has."""
        data = self.cleaned_data
        out = {k: v for k, v in data.items() if k in self.fields and k not in ("version", *MEMBER_ID_SCHEMES)}
        return out

    def id_values(self) -> dict[str, str]:
        return {s: (self.cleaned_data.get(s) or "").strip() for s in MEMBER_ID_SCHEMES if s in self.fields}

    def member_input(self) -> MemberInput:
        values = self.values()
        values["external_ids"] = merge_ids([], self.id_values())
        return MemberInput(**values)

    def changes(self, current: Mapping[str, Any]) -> dict[str, Any]:
        """The fields the officer changed (``current``: the person's file)."""
        out: dict[str, Any] = {}
        for name, value in self.values().items():
            before = current.get(name)
            if name == "date_of_birth":
                if value.strip() != dob_text(current.get("date_of_birth"), current.get("dob_precision")):
                    out[name] = value
                continue
            if isinstance(value, list):
                if list(value) != list(before or []):
                    out[name] = value
            elif (value or "") != (before or ""):
                out[name] = value
        if "unhcr_individual" in self.fields:
            merged = merge_ids(current.get("external_ids", []), self.id_values())
            if merged != [ExternalIdInput(i["scheme"], i["value"]) for i in current.get("external_ids", [])]:
                out["external_ids"] = merged
        return out

    @classmethod
    def initial_from(cls, person: Mapping[str, Any]) -> dict[str, Any]:
        ids = {i["scheme"]: i["value"] for i in person.get("external_ids", [])}
        initial = {k: v for k, v in person.items() if k not in ("date_of_birth", "external_ids")}
        initial["date_of_birth"] = dob_text(person.get("date_of_birth"), person.get("dob_precision"))
        initial.update({s: ids.get(s, "") for s in MEMBER_ID_SCHEMES})
        return initial


def dob_text(day: Any, precision: str | None) -> str:
    """A stored date of birth as it is typed back: ``1985``, ``1985-03`` or ``1985-03-12``."""
    if day is None:
        return ""
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


MemberFormSet = forms.formset_factory(MemberForm, extra=0, min_num=1, validate_min=True, max_num=40)


class DuplicateForm(forms.Form):
    """Search before create: the ids of the likely matches shown (hidden inputs of the panels,
    ``likely_shown``) and, when any were, why the officer registers anyway."""

    duplicate_reason = forms.ChoiceField(
        label=_("Likely matches were shown. Why register this person anyway?"),
        choices=DuplicateReason.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    duplicate_note = forms.CharField(
        label=_("Note (optional)"),
        max_length=DUPLICATE_NOTE_MAX,
        required=False,
        help_text=_("For example which document you checked. No names: the note is kept in the history."),
        widget=forms.TextInput,
    )

    def check(self, shown: Iterable[int]) -> DuplicateCheck | None:
        """The check for the service: the ids shown (posted and found again), the reason, the note."""
        ids = sorted(set(shown))
        if not ids:
            return None
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return DuplicateCheck(shown=ids, reason=data.get("duplicate_reason") or "", note=data.get("duplicate_note") or "")


def shown_ids(data: Mapping[str, Any]) -> list[int]:
    """The ids of the likely matches the panels showed (``likely_shown``, hidden inputs): digits only, 100 at most."""
    getlist = getattr(data, "getlist", None)
    values = getlist("likely_shown") if getlist else []
    return sorted({int(v) for v in values if str(v).isdigit() and len(str(v)) < 19})[:100]


class ReasonForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False, widget=forms.TextInput)


class MoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    registration_number = forms.CharField(
        label=_("Registration number of the household to move to"), max_length=20, widget=forms.TextInput(attrs={"dir": "ltr"})
    )


class MakeHeadForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    former_head_relationship = forms.ChoiceField(
        label=_("The current head becomes"), choices=[c for c in Relationship.choices if c[0] != Relationship.HEAD]
    )


# --- member protection: absence, death or registration error, date-of-birth changes, confirmations
# (the verdict's part of issue 7; see registry/services/_protection.py)


class PresenceForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    presence = forms.ChoiceField(label=_("Where is the person?"), choices=(), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason (for an absence)"), max_length=200, required=False, widget=forms.TextInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from sabeel.registry.choices import Presence

        super().__init__(*args, **kwargs)
        self.fields["presence"].choices = Presence.choices  # type: ignore[attr-defined]


class ExitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("What happened?"), choices=(), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False, widget=forms.TextInput)
    evidence = forms.CharField(label=_("Evidence"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from sabeel.registry.choices import DepartureKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in DepartureKind.choices if value in (DepartureKind.DIED, DepartureKind.REGISTRATION_ERROR)
        ]


class BirthDateProposalForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    date_of_birth = forms.CharField(
        label=_("New date of birth (a day, a month or a year)"), max_length=20, required=False, widget=forms.TextInput(attrs={"dir": "ltr"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False, widget=forms.TextInput)


class ConfirmationForm(forms.Form):
    note = forms.CharField(label=_("Your note (the reason the verdict shows)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class BirthDateDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("confirm", _("Confirm the new date of birth")), ("reject", _("Do not confirm it"))],
        widget=forms.RadioSelect,
    )
    evidence = forms.CharField(label=_("Evidence seen (or why not)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
