"""The visit form, sized for a phone: one question a row, radio answers."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sabeel.monitoring.models import Answer, Severity


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("visited on"), widget=forms.DateInput(attrs={"type": "date"}))
    reached = forms.ChoiceField(label=_("the household could be reached"), choices=Answer.choices, widget=forms.RadioSelect)
    documents = forms.ChoiceField(label=_("civil documents in order"), choices=Answer.choices, widget=forms.RadioSelect, initial=Answer.UNKNOWN)
    hlp = forms.ChoiceField(label=_("back in their home (housing, land and property)"), choices=Answer.choices, widget=forms.RadioSelect, initial=Answer.UNKNOWN)
    services = forms.ChoiceField(label=_("basic services found"), choices=Answer.choices, widget=forms.RadioSelect, initial=Answer.UNKNOWN)
    safety_incident = forms.BooleanField(label=_("safety incident since return"), required=False)
    incident_severity = forms.ChoiceField(label=_("severity"), choices=[("", "—"), *Severity.choices], required=False)
    re_displaced = forms.BooleanField(label=_("displaced again"), required=False)
    wish_to_go_back = forms.BooleanField(label=_("wishes to go back to the host country"), required=False)
