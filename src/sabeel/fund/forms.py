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
