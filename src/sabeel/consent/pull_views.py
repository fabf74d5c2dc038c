"""Survey pull pages: the working groups' pull sources, a new source (administrators), one
source's runs and dead letters with "pull now" and "try again" (officers who may change files).
Thin adapters over ``consent.intention_pull``; the token is never on a page (only the name of the
secret that holds it)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from sabeel.consent import intention_pull as pull
from sabeel.consent.models import DeadLetter, PullKind, PullSource
from sabeel.core.actors import request_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import can, get_visible, groups_for, require
from sabeel.core.views_helpers import staff_view
from sabeel.workgroups.models import WorkingGroup

RECENT_RUNS = 20
DEAD_LETTERS_SHOWN = 200


class PullSourceForm(forms.Form):
    working_group = forms.ModelChoiceField(
        label=gettext_lazy("Working group"), queryset=WorkingGroup.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(label=gettext_lazy("Server"), choices=PullKind.choices)
    server_url = forms.CharField(
        label=gettext_lazy("Server address"),
        max_length=300,
        help_text=gettext_lazy("Such as https://kf.kobotoolbox.org or https://central.example.org."),
        widget=forms.URLInput(attrs={"dir": "ltr"}),
    )
    form_id = forms.CharField(
        label=gettext_lazy("Form"),
        max_length=200,
        help_text=gettext_lazy("KoboToolbox: the asset uid. ODK Central: project id/form id, such as 3/intentions."),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    token_name = forms.CharField(
        label=gettext_lazy("Name of the secret holding the token"),
        max_length=64,
        help_text=gettext_lazy(
            "Not the token itself: the server's operator puts the token in the environment as "
            "SABEEL_PULL_TOKEN_<NAME>; give <NAME> here."
        ),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    pull_every_minutes = forms.IntegerField(label=gettext_lazy("Pull every (minutes)"), min_value=5, initial=60)

    def __init__(self, *args: Any, groups: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["working_group"]
        field.queryset = groups if groups is not None else WorkingGroup.objects.none()


class PullSourceEditForm(forms.Form):
    server_url = PullSourceForm.base_fields["server_url"]
    form_id = PullSourceForm.base_fields["form_id"]
    token_name = PullSourceForm.base_fields["token_name"]
    pull_every_minutes = PullSourceForm.base_fields["pull_every_minutes"]
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False)


def _manage_groups(request: HttpRequest) -> Any:
    actor = request_actor(request)
    return WorkingGroup.objects.filter(
        pk__in=groups_for(actor, "workgroup.manage"), host_country__isnull=False
    ).order_by("code")


@staff_view
def pull_source_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    sources = list(pull.pull_source_list(actor=actor))
    rows = [
        (s, can(actor, "person.update", s.working_group), can(actor, "workgroup.manage", s.working_group))
        for s in sources
    ]
    context = {"rows": rows, "can_create": _manage_groups(request).exists()}
    return render(request, "consent/pull_source_list.html", context)


@staff_view
@require_http_methods(["GET", "POST"])
def pull_source_create(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require(actor, "workgroup.manage")
    groups = _manage_groups(request)
    form = PullSourceForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            source = pull.pull_source_create(actor=actor, **form.cleaned_data)
        except ServiceError as exc:
            for name, errors in (exc.fields or {"": [exc.message]}).items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            messages.success(request, _("The pull source was saved."))
            return (
                redirect("consent:pull_source_list")
                if not can(actor, "person.update", source.working_group)
                else redirect("consent:pull_source_detail", pk=source.pk)
            )
    return render(request, "consent/pull_source_form.html", {"form": form})


@staff_view
@require_http_methods(["GET", "POST"])
def pull_source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    source = pull.pull_source_get(actor=actor, pk=pk, action="workgroup.manage")
    initial = {name: getattr(source, name) for name in PullSourceEditForm.base_fields}
    form = PullSourceEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            pull.pull_source_update(actor=actor, source=source, **form.cleaned_data)
        except ServiceError as exc:
            for name, errors in (exc.fields or {"": [exc.message]}).items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            messages.success(request, _("The pull source was saved."))
            return redirect("consent:pull_source_list")
    return render(request, "consent/pull_source_form.html", {"form": form, "source": source})


def _detail_context(request: HttpRequest, source: PullSource) -> dict[str, Any]:
    actor = request_actor(request)
    runs = list(pull.pull_runs(actor=actor, source=source)[:RECENT_RUNS])
    letters = list(pull.dead_letter_list(actor=actor, source=source)[:DEAD_LETTERS_SHOWN])
    latest = runs[0] if runs else None
    return {
        "source": source,
        "group": source.working_group,
        "latest": latest,
        "summary": pull.pull_summary(latest) if latest else "",
        "runs": [(r, pull.pull_summary(r)) for r in runs],
        "letters": [(d, [(r.get("column", ""), pull.dead_letter_message(r)) for r in d.reasons]) for d in letters],
    }


@staff_view
def pull_source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The source, its latest run (polled while it works), earlier runs and the dead letters."""
    actor = request_actor(request)
    source = pull.pull_source_get(actor=actor, pk=pk)
    context = _detail_context(request, source)
    template = (
        "consent/pull_source_detail.html#latest"
        if getattr(request, "htmx", False)
        else "consent/pull_source_detail.html"
    )
    return render(request, template, context)


@staff_view
@require_POST
def pull_now(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    source = pull.pull_source_get(actor=actor, pk=pk)
    try:
        pull.pull_start(actor=actor, source=source)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The pull is queued; this page shows how far it is."))
    return redirect("consent:pull_source_detail", pk=source.pk)


@staff_view
@require_POST
def dead_letter_retry(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    require(actor, "person.update")
    letter = get_visible(
        actor, DeadLetter.objects.select_related("source__working_group"), "person.update", pk=pk
    )
    if pull.dead_letter_retry(actor=actor, dead_letter=letter):
        messages.success(request, _("The submission is now recorded."))
    else:
        messages.error(request, _("The submission still cannot be recorded: see its reasons."))
    return redirect("consent:pull_source_detail", pk=letter.source_id)
