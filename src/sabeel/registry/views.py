"""Registry pages: the household list, search (POST only), a household's file and history, the
printable record, registration with search before create (the panel of likely matches, POST
only), corrections, members, close and reopen. Thin adapters: parse,
call one selector or service, render. Service messages go back onto the form's fields."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sabeel.core.actors import request_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import can, require
from sabeel.core.throttle import LIST_PAGE_CAP, ReadLimited
from sabeel.core.views_helpers import put_errors, run_service, staff_view
from sabeel.registry import deregistration, selectors, services
from sabeel.registry.choices import CLOSED_STATES
from sabeel.registry.fieldgroups import NAME_FIELDS
from sabeel.registry.filters import FUNNEL_FILTERS, HouseholdFilterForm, funnel_as_of
from sabeel.registry.forms import (
    DuplicateForm,
    HouseholdForm,
    MakeHeadForm,
    MemberForm,
    MemberFormSet,
    MoveForm,
    ReasonForm,
    SearchForm,
    merge_ids,
    shown_ids,
)
from sabeel.registry.likely import LikelyMatch, likely_matches, looked_up, shown_check
from sabeel.registry.member_protection import household_protection
from sabeel.registry.models import Household
from sabeel.registry.numbers import registration_number_parse
from sabeel.registry.search import person_search
from sabeel.registry.services import RecordConflict, dob_parse

PAGE_SIZE = LIST_PAGE_CAP


def _partial(request: HttpRequest, template: str, partial: str) -> str:
    return f"{template}#{partial}" if getattr(request, "htmx", False) else template


def _household(request: HttpRequest, pk: int, action: str = "person.view", audit_as: str | None = None) -> Household:
    actor = request_actor(request)
    return selectors.household_get(actor=actor, pk=pk, action=action, audit_as=audit_as)


def _for_form(request: HttpRequest, pk: int) -> Household:
    """A household loaded for a form that changes it: the form shows the file, so opening it
    (GET) is a view of the file and audited; the write itself is audited by the service."""
    actor = request_actor(request)
    household = _household(request, pk)
    require(actor, "person.update", household)
    if request.method == "GET":
        selectors.household_viewed(actor=actor, household=household)
    return household


def _member_of(request: HttpRequest, household: Household, member: int) -> dict[str, Any]:
    actor = request_actor(request)
    file = selectors.household_file(actor=actor, household=household)
    for person in file["members"]:
        if person["id"] == member:
            return person
    raise Http404


def _conflict(request: HttpRequest, form: Any, error: ServiceError) -> None:
    if isinstance(error, RecordConflict):
        form.add_error(None, error.message)
    else:
        put_errors(form, error)


@staff_view
def household_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    form = HouseholdFilterForm(request.GET or None)
    filters = form.filters()
    try:
        households = selectors.household_list(actor=actor, **filters)
    except ReadLimited as limited:
        return render(request, "core/read_limited.html", {"message": limited.message}, status=429)
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.household_rows(actor=actor, households=page.object_list)
    funnel_filtered = any(name in filters for name in FUNNEL_FILTERS)
    context = {
        "form": form,
        "filters_active": sum(1 for name in form.fields if request.GET.get(name)),
        "page": page,
        "rows": rows,
        "funnel_filtered": funnel_filtered,
        "funnel_as_of": funnel_as_of(households) if funnel_filtered else None,
        # The list may span groups: the as-of time is told in the zone of the first group listed.
        "funnel_zone": rows[0].household.working_group if rows else "UTC",
        "search_form": SearchForm(),
        "can_register": selectors.registration_groups(actor=actor).exists(),
        "can_export": can(actor, "person.export"),
    }
    return render(request, _partial(request, "registry/household_list.html", "rows"), context)


@staff_view
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """The query travels in the POST body only, never in a URL (nor, therefore, in a log)."""
    actor = request_actor(request)
    require(actor, "person.search")
    form = SearchForm(request.POST if request.method == "POST" else None)
    result = None
    if form.is_valid():
        try:
            result = person_search(actor=actor, query=form.cleaned_data["query"], born=form.cleaned_data.get("born"))
        except ServiceError as error:
            put_errors(form, error)
    return render(request, _partial(request, "registry/search.html", "results"), {"form": form, "result": result})


@staff_view
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    household = _household(request, pk, audit_as="person.viewed")
    context = {
        "household": household,
        "file": selectors.household_file(actor=actor, household=household),
        "can_update": selectors.can_update(actor=actor, household=household),
        "can_see_history": selectors.can_see_history(actor=actor, household=household),
        "transitions": deregistration.transitions(actor=actor, household=household),
    }
    context["protection"] = household_protection(actor=actor, household=household, file=context["file"])
    return render(request, "registry/household_detail.html", context)


@staff_view
def household_history(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    household = _household(request, pk, action="person.history")
    entries = selectors.household_history(actor=actor, household=household)
    file = selectors.household_file(actor=actor, household=household)
    context = {"household": household, "entries": entries, "members": {m["id"]: m for m in file["members"]}}
    return render(request, _partial(request, "registry/household_history.html", "history"), context)


@staff_view
def household_print(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    household = _household(request, pk, audit_as="person.printed")
    context = {"household": household, "file": selectors.household_file(actor=actor, household=household)}
    return render(request, "registry/household_print.html", context)


def _registration_group(request: HttpRequest) -> Any:
    actor = request_actor(request)
    require(actor, "person.create")
    groups = list(selectors.registration_groups(actor=actor))
    if not groups:
        raise Http404
    wanted = request.POST.get("working_group") or request.GET.get("working_group")
    for group in groups:
        if str(group.pk) == wanted:
            return group, groups
    return groups[0], groups


@staff_view
@require_http_methods(["GET", "POST"])
def household_create(request: HttpRequest) -> HttpResponse:
    """Register a household. While the officer types each person, the search-before-create panel
    of that person's row shows likely matches (``likely``); on submit they are looked up again,
    and registering anyway when any were shown needs a reason (``DuplicateForm``)."""
    actor = request_actor(request)
    group, groups = _registration_group(request)
    allowed = selectors.allowed_fields(actor, group) - {"sensitive_needs", "protection_notes"}
    data = request.POST if request.method == "POST" else None
    form = HouseholdForm(data, country=group.host_country, allowed=allowed)
    members = MemberFormSet(data, prefix="members", form_kwargs={"allowed": allowed}, initial=[{"relationship": "head"}])
    duplicate = DuplicateForm(data)
    if request.method == "POST":
        for member in members.forms:
            member.likely = _likely_for(request, member.prefix or "")  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid() and members.is_valid():
        found = [m for f in members.forms for m in getattr(f, "likely", ())]
        shown = shown_check(actor=actor, posted=shown_ids(request.POST), found=found)
        try:
            household = services.household_create(
                actor=actor,
                working_group=group,
                members=[m.member_input() for m in members.forms if m.has_changed() or m is members.forms[0]],
                phones=form.phone_list(),
                external_ids=merge_ids([], form.id_values()),
                current_location=form.cleaned_data.get("current_location"),
                origin=form.cleaned_data.get("origin"),
                destination=form.cleaned_data.get("destination"),
                preferred_language=form.cleaned_data["preferred_language"],
                duplicate_check=duplicate.check(shown),
            )
        except ServiceError as error:
            _member_errors(form, members, _duplicate_errors(duplicate, error))
        else:
            messages.success(request, _("Registered household %(number)s.") % {"number": household.registration_number})
            return redirect("registry:household_detail", pk=household.pk)
    context = {"form": form, "members": members, "group": group, "groups": groups, "duplicate": duplicate}
    return render(request, "registry/household_form.html", context)


# --- search before create: the panel of likely matches beside the person being typed ----------

_PREFIX = re.compile(r"^members-\d{1,2}$")
_DUPLICATE_FIELDS = ("duplicate_reason", "duplicate_note")


def _typed_person(data: Mapping[str, Any], prefix: str) -> tuple[dict[str, str], Any, str]:
    """The names and date of birth typed so far in one person's fields (``prefix``: the member
    row's form prefix, or "" on the add-a-member page)."""
    start = f"{prefix}-" if prefix else ""
    names = {name: str(data.get(f"{start}{name}") or "")[:100] for name in NAME_FIELDS}
    try:
        born, precision = dob_parse(str(data.get(f"{start}date_of_birth") or "")[:10] or None)
    except ValueError:
        born, precision = None, "unknown"
    return names, born, precision


def _likely_for(request: HttpRequest, prefix: str, household: Household | None = None) -> tuple[LikelyMatch, ...]:
    """The likely matches of the person typed under ``prefix`` in the POST body, scoped to the
    actor and audited as a search by ``likely_matches`` (nothing looked up before two name parts)."""
    actor = request_actor(request)
    names, born, precision = _typed_person(request.POST, prefix)
    if not looked_up(names):
        return ()
    return likely_matches(
        actor=actor, names=names, date_of_birth=born, dob_precision=precision, household_id=household.pk if household else None
    )


def _duplicate_errors(duplicate: DuplicateForm, error: ServiceError) -> ServiceError:
    """Put the service's messages about the reason on the reason's fields; the rest is returned."""
    rest = {key: texts for key, texts in error.fields.items() if key not in _DUPLICATE_FIELDS}
    for key in _DUPLICATE_FIELDS:
        for text in error.fields.get(key, ()):
            duplicate.add_error(key, text)
    if duplicate.errors and not rest:
        return ServiceError(error.message, fields={"__all__": [_("Not registered yet: likely matches were shown. Check them, then say why you register this person anyway.")]})
    return ServiceError(error.message, fields=rest, code=error.code) if len(rest) != len(error.fields) else error


@staff_view
@require_http_methods(["POST"])
def likely(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The search-before-create panel (htmx, POST so that names never go into a URL): the likely
    matches of the person being typed, with the reasons, linking to their household. ``pk``: the
    household a member is being added to; without it, a new registration."""
    actor = request_actor(request)
    household = None
    if pk is None:
        require(actor, "person.create")
    else:
        household = _household(request, pk)
        require(actor, "person.update", household)
    prefix = str(request.POST.get("likely_prefix") or "")
    if not _PREFIX.match(prefix):
        prefix = ""
    matches = _likely_for(request, prefix, household)
    context = {"matches": matches, "prefix": prefix, "checked": looked_up(_typed_person(request.POST, prefix)[0])}
    return render(request, "registry/_likely.html#panel", context)


def _member_errors(form: HouseholdForm, members: Any, error: ServiceError) -> None:
    for key, texts in error.fields.items():
        if key == "__all__":
            for text in texts:
                form.add_error(None, text)
            continue
        parts = key.split(".")
        if parts[0] == "members" and len(parts) >= 3 and parts[1].isdigit() and int(parts[1]) < len(members.forms):
            target = members.forms[int(parts[1])]
            name = parts[2] if parts[2] in target.fields else None
            if parts[2] == "external_ids":
                name = None
            for text in texts:
                target.add_error(name, text)
        else:
            name = {"external_ids": "unhcr_case"}.get(parts[0], parts[0])
            for text in texts:
                form.add_error(name if name in form.fields else None, text)
    if not error.fields:
        form.add_error(None, error.message)


@staff_view
def member_row(request: HttpRequest) -> HttpResponse:
    """One more member row for the registration form (htmx), numbered after the ones shown."""
    actor = request_actor(request)
    group, _groups = _registration_group(request)
    allowed = selectors.allowed_fields(actor, group) - {"sensitive_needs", "protection_notes"}
    try:
        index = max(0, min(int(request.GET.get("index", "1")), 39))
    except ValueError:
        index = 1
    form = MemberForm(prefix=f"members-{index}", allowed=allowed, initial={"relationship": "spouse" if index == 1 else "son"})
    return render(request, "registry/household_form.html#member_row", {"member": form, "index": index, "next_index": index + 1})


@staff_view
@require_http_methods(["GET", "POST"])
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    household = _for_form(request, pk)
    file = selectors.household_file(actor=actor, household=household)
    allowed = selectors.allowed_fields(actor, household)
    form = HouseholdForm(request.POST or None, initial=HouseholdForm.initial_from(file), country=household.host_country, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(
                actor=actor,
                household=household,
                expected_version=form.cleaned_data.get("version") or 0,
                changes=form.changes(file),
            )
        except ServiceError as error:
            _conflict(request, form, error)
        else:
            messages.success(request, _("Saved the corrections."))
            return redirect("registry:household_detail", pk=household.pk)
    return render(request, "registry/household_edit.html", {"household": household, "form": form, "file": file})


def _deregistration_context(request: HttpRequest, household: Household, **extra: Any) -> dict[str, Any]:
    actor = request_actor(request)
    closed = household.deregistration in CLOSED_STATES or household.status == "closed"
    context: dict[str, Any] = {
        "household": household,
        "closed": closed,
        "transitions": deregistration.transitions(actor=actor, household=household),
        "form": ReasonForm(initial={"version": household.version}),
        "arrivals": [] if closed else deregistration.arrivals(actor=actor, household=household),
        "can_presume": not closed and deregistration.can_presume(actor=actor, household=household),
        "rule": deregistration.presumed_rule(household),
    }
    context.update(extra)
    return context


@staff_view
@require_http_methods(["GET", "POST"])
def household_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Deregistration: the file's state and its transitions, and what can be done from here:
    close on request or reopen (a reason, POSTed here), a verified return (an arrival
    confirmation) and, for a protection officer, a presumed return (its own page)."""
    actor = request_actor(request)
    household = _for_form(request, pk)
    form = ReasonForm(request.POST or None, initial={"version": household.version})
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version")
        reason = form.cleaned_data.get("reason") or ""
        try:
            if household.status == "open":
                services.household_close(actor=actor, household=household, reason=reason, expected_version=version)
                messages.success(request, _("Closed household %(number)s on request.") % {"number": household.registration_number})
            else:
                services.household_reopen(actor=actor, household=household, reason=reason, expected_version=version)
                messages.success(request, _("Reopened household %(number)s.") % {"number": household.registration_number})
        except ServiceError as error:
            _conflict(request, form, error)
        else:
            return redirect("registry:household_detail", pk=household.pk)
    return render(request, "registry/household_status.html", _deregistration_context(request, household, form=form))


@staff_view
@require_POST
def household_verified_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the file as a verified return, citing one of the household's arrival confirmations."""
    actor = request_actor(request)
    household = _for_form(request, pk)
    error = _("Choose the household's arrival confirmation.")
    raw = request.POST.get("confirmation", "")
    if raw.isdigit():
        try:
            services.household_verified_return(actor=actor, household=household, confirmation_id=int(raw))
        except ServiceError as exc:
            error = exc.message
        else:
            messages.success(request, _("Closed household %(number)s as a verified return.") % {"number": household.registration_number})
            return redirect("registry:household_detail", pk=household.pk)
    household.refresh_from_db()
    return render(request, "registry/household_status.html", _deregistration_context(request, household, verified_error=error), status=400)


@staff_view
@require_http_methods(["GET", "POST"])
def household_presumed_return(request: HttpRequest, pk: int) -> HttpResponse:
    """A presumed return: the programme's rule and why it applies (or what stands in its way);
    only a protection officer confirms it."""
    actor = request_actor(request)
    household = _household(request, pk)
    require(actor, "deregistration.presume", household)
    error = ""
    if request.method == "POST":
        rule = deregistration.presumed_rule(household)
        try:
            if rule is None:
                raise ServiceError(_("The programme sets no rule for presumed returns."))
            services.household_presumed_return(
                actor=actor, household=household, months=rule.months, programme_id=rule.programme_id, rule_version=rule.version
            )
        except ServiceError as exc:
            error = exc.message
        else:
            messages.success(request, _("Closed household %(number)s as a presumed return.") % {"number": household.registration_number})
            return redirect("registry:household_detail", pk=household.pk)
        household.refresh_from_db()
    else:
        selectors.household_viewed(actor=actor, household=household)
    check = deregistration.presumed_check(actor=actor, household=household)
    context = {"household": household, "check": check, "error": error, "closed": household.deregistration in CLOSED_STATES}
    return render(request, "registry/household_presumed.html", context, status=400 if error else 200)


@staff_view
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a person, with the search-before-create panel as on the registration form."""
    actor = request_actor(request)
    household = _for_form(request, pk)
    allowed = selectors.allowed_fields(actor, household)
    form = MemberForm(request.POST or None, allowed=allowed, initial={"relationship": "son", "version": household.version})
    duplicate = DuplicateForm(request.POST or None)
    matches: Sequence[LikelyMatch] = _likely_for(request, "", household) if request.method == "POST" else ()
    if request.method == "POST" and form.is_valid():
        try:
            services.member_add(
                actor=actor,
                household=household,
                member=form.member_input(),
                expected_version=form.cleaned_data.get("version"),
                duplicate_check=duplicate.check(shown_check(actor=actor, posted=shown_ids(request.POST), found=matches)),
            )
        except ServiceError as error:
            _conflict(request, form, _duplicate_errors(duplicate, error))
        else:
            messages.success(request, _("Added a member."))
            return redirect("registry:household_detail", pk=household.pk)
    context = {"household": household, "form": form, "adding": True, "duplicate": duplicate, "matches": matches}
    return render(request, "registry/member_form.html", context)


@staff_view
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int, member: int) -> HttpResponse:
    """Correct a person's fields; the version loaded travels in a hidden input."""
    actor = request_actor(request)
    household = _for_form(request, pk)
    person = _member_of(request, household, member)
    allowed = selectors.allowed_fields(actor, household)
    form = MemberForm(request.POST or None, allowed=allowed, initial=MemberForm.initial_from(person))
    conflict = None
    if request.method == "POST" and form.is_valid():
        individual = household.members.get(pk=member)
        try:
            services.individual_update(
                actor=actor, individual=individual, expected_version=form.cleaned_data.get("version") or 0, changes=form.changes(person)
            )
        except RecordConflict as error:
            conflict = error
            form.add_error(None, error.message)
        except ServiceError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("Saved the corrections."))
            return redirect("registry:household_detail", pk=household.pk)
    context = {"household": household, "form": form, "person": person, "conflict": conflict, "adding": False}
    return render(request, "registry/member_form.html", context)


@staff_view
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, pk: int, member: int) -> HttpResponse:
    actor = request_actor(request)
    household = _for_form(request, pk)
    person = _member_of(request, household, member)
    form = ReasonForm(request.POST or None, initial={"version": person["version"]})
    if request.method == "POST" and form.is_valid():
        try:
            services.member_remove(
                actor=actor,
                individual=household.members.get(pk=member),
                reason=form.cleaned_data.get("reason") or "",
                expected_version=form.cleaned_data.get("version"),
            )
        except ServiceError as error:
            _conflict(request, form, error)
        else:
            messages.success(request, _("The person is recorded as no longer in the household."))
            return redirect("registry:household_detail", pk=household.pk)
    return render(request, "registry/member_action.html", {"household": household, "person": person, "form": form, "action": "remove"})


@staff_view
@require_http_methods(["GET", "POST"])
def member_move(request: HttpRequest, pk: int, member: int) -> HttpResponse:
    actor = request_actor(request)
    household = _for_form(request, pk)
    person = _member_of(request, household, member)
    form = MoveForm(request.POST or None, initial={"version": person["version"]})
    if request.method == "POST" and form.is_valid():
        number = registration_number_parse(form.cleaned_data["registration_number"])
        target = Household.objects.filter(registration_number=number).first() if number else None
        try:
            if target is None:
                message = _("No household has this registration number.")
                raise ServiceError(message, fields={"registration_number": [message]})
            services.member_move(
                actor=actor,
                individual=household.members.get(pk=member),
                to_household=target,
                expected_version=form.cleaned_data.get("version"),
            )
        except Http404:
            form.add_error("registration_number", _("No household has this registration number."))
        except ServiceError as error:
            put_errors(form, error, aliases={"to_household": "registration_number"})
        else:
            messages.success(request, _("Moved the person to household %(number)s.") % {"number": target.registration_number})
            return redirect("registry:household_detail", pk=household.pk)
    return render(request, "registry/member_action.html", {"household": household, "person": person, "form": form, "action": "move"})


@staff_view
@require_http_methods(["GET", "POST"])
def member_make_head(request: HttpRequest, pk: int, member: int) -> HttpResponse:
    actor = request_actor(request)
    household = _for_form(request, pk)
    person = _member_of(request, household, member)
    form = MakeHeadForm(request.POST or None, initial={"version": household.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.household_head_set(
                actor=actor,
                individual=household.members.get(pk=member),
                former_head_relationship=form.cleaned_data["former_head_relationship"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ServiceError as error:
            _conflict(request, form, error)
        else:
            messages.success(request, _("Changed the head of household."))
            return redirect("registry:household_detail", pk=household.pk)
    return render(request, "registry/member_action.html", {"household": household, "person": person, "form": form, "action": "head"})


# --- member protection (docs/eligibility.md): absence, death or registration error, changes of date
# of birth, and a protection officer's confirmations. Each page: parse, call one service, render.


def _person_of(request: HttpRequest, household: Household, member: int) -> tuple[dict[str, Any], Any]:
    return _member_of(request, household, member), household.members.get(pk=member)


def _protection_page(request: HttpRequest, household: Household, person: Any, form: Any, action: str) -> HttpResponse:
    context = {"household": household, "person": person, "form": form, "action": action}
    return render(request, "registry/member_protection.html", context)


@staff_view
@require_http_methods(["GET", "POST"])
def member_presence(request: HttpRequest, pk: int, member: int) -> HttpResponse:
    actor = request_actor(request)
    from sabeel.registry.forms import PresenceForm

    household = _for_form(request, pk)
    person, individual = _person_of(request, household, member)
    form = PresenceForm(request.POST or None, initial={"version": person["version"], "presence": individual.presence})
    if request.method == "POST" and form.is_valid():
        try:
            services.member_presence_set(
                actor=actor,
                individual=individual,
                presence=form.cleaned_data["presence"],
                reason=form.cleaned_data.get("reason") or "",
                expected_version=form.cleaned_data.get("version"),
            )
        except ServiceError as error:
            _conflict(request, form, error)
        else:
            messages.success(request, _("Saved where the person is."))
            return redirect("registry:household_detail", pk=household.pk)
    return _protection_page(request, household, person, form, "presence")


@staff_view
@require_http_methods(["GET", "POST"])
def member_exit(request: HttpRequest, pk: int, member: int) -> HttpResponse:
    actor = request_actor(request)
    from sabeel.registry.forms import ExitForm

    household = _for_form(request, pk)
    person, individual = _person_of(request, household, member)
    form = ExitForm(request.POST or None, initial={"version": person["version"]})
    if request.method == "POST" and form.is_valid():
        try:
            departure = services.member_exit_record(
                actor=actor,
                individual=individual,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data.get("reason") or "",
                evidence=form.cleaned_data.get("evidence") or "",
                expected_version=form.cleaned_data.get("version"),
            )
        except ServiceError as error:
            _conflict(request, form, error)
        else:
            if departure.during_return_process:
                messages.success(request, _("Recorded. The household has a return process: a protection officer must confirm it."))
            else:
                messages.success(request, _("Recorded."))
            return redirect("registry:household_detail", pk=household.pk)
    return _protection_page(request, household, person, form, "exit")


@staff_view
@require_http_methods(["GET", "POST"])
def member_birth_date(request: HttpRequest, pk: int, member: int) -> HttpResponse:
    actor = request_actor(request)
    from sabeel.registry.forms import BirthDateProposalForm

    household = _for_form(request, pk)
    person, individual = _person_of(request, household, member)
    form = BirthDateProposalForm(request.POST or None, initial={"version": person["version"]})
    if request.method == "POST" and form.is_valid():
        try:
            change = services.birth_date_change_propose(
                actor=actor,
                individual=individual,
                date_of_birth=form.cleaned_data.get("date_of_birth") or None,
                reason=form.cleaned_data.get("reason") or "",
                expected_version=form.cleaned_data.get("version"),
            )
        except ServiceError as error:
            _conflict(request, form, error)
        else:
            if change is None:
                messages.success(request, _("Saved the new date of birth."))
            else:
                messages.success(request, _("The new date of birth waits for a protection officer's confirmation."))
            return redirect("registry:household_detail", pk=household.pk)
    return _protection_page(request, household, person, form, "birth_date")


def _for_protection_officer(request: HttpRequest, pk: int) -> Household:
    actor = request_actor(request)
    household = _household(request, pk)
    require(actor, "consent.record", household)
    if request.method == "GET":
        selectors.household_viewed(actor=actor, household=household)
    return household


@staff_view
@require_http_methods(["GET", "POST"])
def departure_confirm(request: HttpRequest, pk: int, departure: int) -> HttpResponse:
    actor = request_actor(request)
    from sabeel.registry.forms import ConfirmationForm
    from sabeel.registry.models import MemberDeparture

    household = _for_protection_officer(request, pk)
    found = MemberDeparture.objects.filter(pk=departure, household=household, confirmed_at__isnull=True).first()
    if found is None:
        raise Http404
    form = ConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_departure_confirm(actor=actor, departure=found, note=form.cleaned_data.get("note") or "")
        except ServiceError as error:
            put_errors(form, error, aliases={"evidence": "note"})
        else:
            messages.success(request, _("Recorded: the person no longer counts for the household's eligibility."))
            return redirect("registry:household_detail", pk=household.pk)
    members = {m["id"]: m for m in selectors.household_file(actor=actor, household=household)["members"]}
    context = {"household": household, "person": members.get(found.individual_id), "form": form, "action": "confirm", "departure": found}
    return render(request, "registry/member_protection.html", context)


@staff_view
@require_http_methods(["GET", "POST"])
def birth_date_decide(request: HttpRequest, pk: int, change: int) -> HttpResponse:
    actor = request_actor(request)
    from sabeel.registry.forms import BirthDateDecisionForm
    from sabeel.registry.models import BirthDateChange

    household = _for_protection_officer(request, pk)
    found = BirthDateChange.objects.filter(pk=change, household=household, state="pending").first()
    if found is None:
        raise Http404
    form = BirthDateDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = services.birth_date_change_confirm if form.cleaned_data["decision"] == "confirm" else services.birth_date_change_reject
        record = partial(decide, actor=actor, change=found, evidence=form.cleaned_data.get("evidence") or "")
        if run_service(request, record, _("Recorded the decision."), form=form):
            return redirect("registry:household_detail", pk=household.pk)
    members = {m["id"]: m for m in selectors.household_file(actor=actor, household=household)["members"]}
    context = {"household": household, "person": members.get(found.individual_id), "form": form, "action": "decide", "change": found}
    return render(request, "registry/member_protection.html", context)
