"""Voluntariness pages: a household's timeline on one screen with its eligibility on top, a form
(an htmx partial) for each record, the printable consent record, the protection officers' work
queue, and the return programmes. Thin adapters: parse, call one selector or service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sabeel.consent import forms as consent_forms
from sabeel.consent import people, selectors, services
from sabeel.consent.eligibility import HouseholdEligibility, household_eligibility, local_today
from sabeel.consent.models import FollowUpKind
from sabeel.consent.reason_display import eligibility_for
from sabeel.core.actors import request_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import can, require
from sabeel.core.throttle import ReadLimited
from sabeel.core.views_helpers import put_errors, staff_view
from sabeel.registry.models import Household

# A partial the conditions engineer may provide for intentions; shown on the timeline if present.
INTENTION_PARTIALS = ("consent/intention_timeline.html", "consent/intention_panel.html")


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _done(request: HttpRequest, url: str, message: str) -> HttpResponse:
    messages.success(request, message)
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _verdict(request: HttpRequest, household: Household, asked: dict[str, Any]) -> HouseholdEligibility:
    """The verdict as the user may read it (reasons revealing specific needs read neutrally)."""
    actor = request_actor(request)
    answer = household_eligibility(household=household, on=asked.get("on"), departure_on=asked.get("departure_on"))
    return eligibility_for(actor=actor, household=household, eligibility=answer)


def _timeline_url(household: Household) -> str:
    return reverse("consent:timeline", kwargs={"pk": household.pk})


def _intention_partial() -> str | None:
    try:
        return select_template(list(INTENTION_PARTIALS)).template.name  # type: ignore[attr-defined, no-any-return]
    except TemplateDoesNotExist:
        return None


def _intentions_url(household: Household) -> str | None:
    """The intentions page (the conditions engineer's ``consent:intention_list``), if wired."""
    try:
        return reverse("consent:intention_list", kwargs={"pk": household.pk})
    except NoReverseMatch:
        return None


# --- the timeline -----------------------------------------------------------------------------------


@staff_view
@require_GET
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk, audit_as="consent.timeline_viewed")
    form = consent_forms.EligibilityForm(request.GET or None)
    asked = form.cleaned_data if form.is_valid() else {}
    context = {
        "household": household,
        "eligibility": _verdict(request, household, asked),
        "eligibility_form": form,
        "entries": selectors.household_timeline(actor=actor, household=household),
        "members": selectors.member_labels(actor=actor, household=household),
        "may": selectors.can_record(actor=actor, household=household),
        "intention_template": _intention_partial(),
        "intentions_url": _intentions_url(household),
    }
    return render(request, "consent/timeline.html", context)


@staff_view
@require_GET
def eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    """The verdict alone (htmx): for another assessment day or departure day."""
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk, audit_as="consent.eligibility_viewed")
    form = consent_forms.EligibilityForm(request.GET or None)
    asked = form.cleaned_data if form.is_valid() else {}
    context = {
        "household": household,
        "eligibility": _verdict(request, household, asked),
        "eligibility_form": form,
        "members": selectors.member_labels(actor=actor, household=household),
    }
    return render(request, "consent/timeline.html#eligibility", context)


# --- forms for each record -------------------------------------------------------------------------


def _record(
    request: HttpRequest,
    pk: int,
    *,
    action: str,
    form_class: type[forms.Form],
    title: str,
    save: Callable[[Household, Any], str],
    initial: dict[str, Any] | None = None,
) -> HttpResponse:
    """GET: the form (a partial for htmx); POST: call the service through ``save``, which returns
    the confirmation message; service messages go back onto the form's fields."""
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk, action=action)
    today = local_today(household.working_group.time_zone)
    kwargs: dict[str, Any] = {}
    if issubclass(form_class, consent_forms.HouseholdRecordForm):
        kwargs = {
            "household": household,
            "members": selectors.member_labels(actor=actor, household=household),
            "words": household_eligibility(household=household).member_words,
        }
    defaults = {name: today for name in ("held_on", "given_on", "on", "started_on", "starts_on", "ends_on", "completed_on")}
    data = request.POST if request.method == "POST" else None
    form = form_class(data, initial={**defaults, **(initial or {})}, **kwargs)
    if data is not None and form.is_valid():
        try:
            message = save(household, form)
        except ServiceError as error:
            put_errors(form, error)
        else:
            return _done(request, _timeline_url(household), message)
    template = "consent/record_form.html#form" if _is_htmx(request) else "consent/record_form.html"
    return render(request, template, {"household": household, "form": form, "title": title, "action_url": request.path})


@staff_view
@require_http_methods(["GET", "POST"])
def counselling_record(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    def save(household: Household, form: Any) -> str:
        services.counselling_record(
            actor=actor,
            household=household,
            held_on=form.cleaned_data["held_on"],
            language=form.cleaned_data["language"],
            attendees=form.people("attendees"),
            questions_raised=form.cleaned_data.get("questions_raised") or "",
        )
        return _("Recorded the counselling session.")

    return _record(request, pk, action="consent.record", form_class=consent_forms.CounsellingForm, title=_("Record counselling"), save=save)


@staff_view
@require_http_methods(["GET", "POST"])
def go_and_see_record(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    def save(household: Household, form: Any) -> str:
        data = form.cleaned_data
        services.go_and_see_record(
            actor=actor,
            individual=form.person(),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            crossing=data.get("crossing"),
            outcome=data["outcome"],
            notes=data.get("notes") or "",
        )
        return _("Recorded the go-and-see visit.")

    return _record(request, pk, action="consent.record", form_class=consent_forms.GoAndSeeForm, title=_("Record a go-and-see visit"), save=save)


@staff_view
@require_http_methods(["GET", "POST"])
def go_and_see_outcome(request: HttpRequest, pk: int, visit: int) -> HttpResponse:
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk, action="consent.record")
    found = selectors.visit_get(actor=actor, household=household, pk=visit)

    def save(household: Household, form: Any) -> str:
        services.go_and_see_outcome_set(actor=actor, visit=found, outcome=form.cleaned_data["outcome"], notes=form.cleaned_data.get("notes"))
        return _("Recorded how the visit went.")

    initial = {"outcome": found.outcome, "notes": found.notes}
    return _record(
        request, pk, action="consent.record", form_class=consent_forms.GoAndSeeOutcomeForm, title=_("How the visit went"), save=save, initial=initial
    )


@staff_view
@require_http_methods(["GET", "POST"])
def consent_record(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    def save(household: Household, form: Any) -> str:
        data = form.cleaned_data
        services.consent_record(
            actor=actor,
            individual=form.person(),
            given_on=data["given_on"],
            free=data["free"],
            informed=data["informed"],
            express=data["express"],
            can_read=data["can_read"],
        )
        return _("Recorded the consent.")

    return _record(request, pk, action="consent.record", form_class=consent_forms.ConsentForm, title=_("Record consent to return"), save=save)


@staff_view
@require_http_methods(["GET", "POST"])
def reconfirmation_record(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    def save(household: Household, form: Any) -> str:
        services.reconfirmation_record(actor=actor, individual=form.person(), on=form.cleaned_data["on"])
        return _("Recorded the re-confirmation.")

    return _record(request, pk, action="consent.record", form_class=consent_forms.ReconfirmationForm, title=_("Record a re-confirmation"), save=save)


@staff_view
@require_http_methods(["GET", "POST"])
def withdrawal_record(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    def save(household: Household, form: Any) -> str:
        services.consent_withdraw(actor=actor, individual=form.person(), channel=form.cleaned_data["channel"], at=form.at_aware())
        return _("Recorded the withdrawal. It counts at once; a call is in the protection officers' work queue.")

    return _record(request, pk, action="consent.withdraw", form_class=consent_forms.WithdrawalForm, title=_("Record a withdrawal of consent"), save=save)


@staff_view
@require_http_methods(["GET", "POST"])
def sharing_consent_record(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    def save(household: Household, form: Any) -> str:
        data = form.cleaned_data
        services.sharing_consent_record(
            actor=actor,
            individual=form.person(),
            parties=[o.pk for o in data["parties"]],
            data_categories=data["data_categories"],
            purpose=data["purpose"],
            given_on=data["given_on"],
        )
        return _("Recorded the consent to share data.")

    return _record(
        request, pk, action="consent.record", form_class=consent_forms.SharingConsentForm, title=_("Record consent to share data"), save=save
    )


@staff_view
@require_http_methods(["GET", "POST"])
def sharing_consent_withdraw(request: HttpRequest, pk: int, sharing: int) -> HttpResponse:
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk, action="consent.withdraw")
    found = selectors.sharing_consent_get(actor=actor, household=household, pk=sharing)

    def save(household: Household, form: Any) -> str:
        services.sharing_consent_withdraw(actor=actor, sharing_consent=found, on=form.cleaned_data["on"])
        return _("Recorded that the consent to share data was withdrawn.")

    return _record(
        request, pk, action="consent.withdraw", form_class=consent_forms.WithdrawSharingForm, title=_("Withdraw consent to share data"), save=save
    )


@staff_view
@require_http_methods(["GET", "POST"])
def best_interests_record(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    def save(household: Household, form: Any) -> str:
        data = form.cleaned_data
        services.best_interests_record(
            actor=actor, child=form.person("child"), started_on=data["started_on"], completed_on=data.get("completed_on")
        )
        return _("Recorded the best-interests procedure.")

    initial = {"completed_on": None}
    return _record(
        request,
        pk,
        action="consent.record",
        form_class=consent_forms.BestInterestsForm,
        title=_("Record a best-interests procedure"),
        save=save,
        initial=initial,
    )


@staff_view
@require_http_methods(["GET", "POST"])
def best_interests_complete(request: HttpRequest, pk: int, procedure: int) -> HttpResponse:
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk, action="consent.record")
    found = selectors.procedure_get(actor=actor, household=household, pk=procedure)

    def save(household: Household, form: Any) -> str:
        services.best_interests_complete(actor=actor, procedure=found, completed_on=form.cleaned_data["completed_on"])
        return _("Recorded that the best-interests procedure is complete.")

    return _record(
        request,
        pk,
        action="consent.record",
        form_class=consent_forms.BestInterestsCompleteForm,
        title=_("Complete the best-interests procedure"),
        save=save,
    )


@staff_view
@require_http_methods(["GET", "POST"])
def split_record(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    def save(household: Household, form: Any) -> str:
        services.split_record(
            actor=actor,
            household=household,
            members_leaving=form.people("members_leaving"),
            on=form.cleaned_data["on"],
            note=form.cleaned_data.get("note") or "",
        )
        return _("Recorded the split the household asked for.")

    return _record(request, pk, action="consent.record", form_class=consent_forms.SplitForm, title=_("Record a split the household asked for"), save=save)


@staff_view
@require_http_methods(["GET", "POST"])
def sign_off_record(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    def save(household: Household, form: Any) -> str:
        services.hostilities_sign_off_record(
            actor=actor, household=household, on=form.cleaned_data["on"], note=form.cleaned_data.get("note") or ""
        )
        return _("Recorded the sign-off.")

    return _record(
        request,
        pk,
        action="consent.record",
        form_class=consent_forms.SignOffForm,
        title=_("Sign off an organised movement to an area with active hostilities"),
        save=save,
    )


# --- the printable consent record ------------------------------------------------------------------


@staff_view
@require_GET
def consent_print(request: HttpRequest, pk: int, consent: int) -> HttpResponse:
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk, audit_as="consent.printed")
    found = selectors.consent_get(actor=actor, household=household, pk=consent)
    names = selectors.person_names(actor=actor, individual=found.individual, household=household)
    context = {"household": household, "consent": found, "names": names}
    return render(request, "consent/consent_print.html", context)


# --- the protection officers' work queue ------------------------------------------------------------


@staff_view
@require_GET
def follow_up_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    closed = request.GET.get("closed") == "1"
    try:
        rows, _count = selectors.follow_up_page(actor=actor, include_closed=closed, limit=500)
    except ReadLimited as limited:  # a list page over the paging limit (roles without person.export)
        return render(request, "core/read_limited.html", {"message": limited.message}, status=429)
    # Named as the user may read names (the page's read is audited with the follow-ups' ids).
    names = people.queue_names(actor=actor, people=[(f.individual_id, f.household) for f in rows if f.individual_id])
    context = {"rows": rows, "names": names, "closed": closed, "kinds": FollowUpKind}
    return render(request, "consent/follow_up_list.html", context)


@staff_view
@require_http_methods(["GET", "POST"])
def follow_up_close(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    follow_up = selectors.follow_up_get(actor=actor, pk=pk)
    form = consent_forms.FollowUpCloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_close(actor=actor, follow_up=follow_up, outcome=form.cleaned_data["outcome"])
        except ServiceError as error:
            put_errors(form, error)
        else:
            return _done(request, reverse("consent:follow_up_list"), _("Closed the follow-up."))
    template = "consent/follow_up_close.html#form" if _is_htmx(request) else "consent/follow_up_close.html"
    return render(request, template, {"follow_up": follow_up, "form": form})


# --- programmes ------------------------------------------------------------------------------------------


@staff_view
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    programmes = list(selectors.programme_list(actor=actor))
    rows = [(p, can(actor, "workgroup.manage", p)) for p in programmes]
    context = {"rows": rows, "can_create": selectors.manageable_groups(actor=actor).exists()}
    return render(request, "consent/programme_list.html", context)


_RULES = ("name", "name_ar", *services.RULE_FIELDS, "starts_on", "is_active")


@staff_view
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require(actor, "workgroup.manage")
    groups = selectors.manageable_groups(actor=actor)
    form = consent_forms.ProgrammeCreateForm(
        request.POST if request.method == "POST" else None,
        groups=groups,
        initial={
            "consent_validity_days": 90,
            "cooling_off_days": 7,
            "reconfirmation_window_days": 14,
            "go_and_see_visits_allowed": 1,
            "starts_on": timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_create(
                actor=actor, working_group=form.cleaned_data["working_group"], **{k: form.cleaned_data[k] for k in _RULES}
            )
        except ServiceError as error:
            put_errors(form, error)
        else:
            return _done(request, reverse("consent:programme_list"), _("Set up the return programme."))
    return render(request, "consent/programme_form.html", {"form": form, "programme": None})


@staff_view
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=pk, action="workgroup.manage")
    initial = {k: getattr(programme, k) for k in _RULES}
    form = consent_forms.ProgrammeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(actor=actor, programme=programme, changes={k: form.cleaned_data[k] for k in _RULES})
        except ServiceError as error:
            put_errors(form, error)
        else:
            return _done(request, reverse("consent:programme_list"), _("Saved the programme's rules."))
    return render(request, "consent/programme_form.html", {"form": form, "programme": programme})
