from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from sabeel.engines.text import fold_digits
from sabeel.portal.services import CODE_DIGITS
from sabeel.registry.numbers import registration_number_parse


class NumberForm(forms.Form):
    number = forms.CharField(
        label=_("Registration number"),
        help_text=_("As printed on your papers, for example LB-00123456-6."),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "dir": "ltr"}),
    )

    def clean_number(self) -> str:
        # Only the form of the number is checked here (letters, digits, check digit): whether it
        # exists is never said.
        number = registration_number_parse(self.cleaned_data["number"])
        if number is None:
            raise forms.ValidationError(
                _("This is not a registration number. Check the letters and digits on your papers."), code="invalid"
            )
        return number


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false", "dir": "ltr"}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(ch for ch in fold_digits(self.cleaned_data["code"]) if not ch.isspace())
        if len(code) != CODE_DIGITS or not code.isdigit():
            raise forms.ValidationError(
                _("The code has %(digits)d digits.") % {"digits": CODE_DIGITS}, code="invalid"
            )
        return code


class WithdrawForm(forms.Form):
    adult = forms.TypedChoiceField(label=_("Who are you?"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args: Any, adults: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["adult"])
        field.choices = list(adults)
