"""Pages for merges (docs/eligibility.md rule 18), server-rendered, htmx where it helps.

* ``merge_confirm``: from a review pair decided "same person", the two records side by side with
  the engine's evidence; the officer chooses the surviving record and gives a reason (across
  working groups, the data-sharing agreement too).
* ``merge_person``: a person's record: their link history (every merge naming the record, with its
  state) and a form to propose a merge with another record, by its record number (POSTed, so no
  number lands in a URL), then the two side by side to choose the survivor.
* ``merge_detail``: one merge with both records side by side, its history, the protection
  officer's join / refuse form while it waits, and the unmerge form while it holds.
* ``merge_decisions``: the protection officers' queue of merges across households waiting for a
  family decision.

Names appear only where the officer may see names in that record's working group; every page that
shows names writes one read-log row with the ids shown. Writes go through ``identity.merges``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from sabeel.core.actors import request_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import can, require
from sabeel.core.views_helpers import put_errors, staff_view
from sabeel.identity import links, merges, selectors
from sabeel.identity.models import CandidatePair, Decision, FamilyDecision, LinkState, PersonLink
from sabeel.registry.models import Individual

REASON_HELP = gettext_lazy("Why these two records are the same person (at least 5 characters). Never shown in the audit trail.")


class MergeForm(forms.Form):
    survivor = forms.ChoiceField(
        label=gettext_lazy("Which record stays the person's identity?"),
        choices=[("first", gettext_lazy("The first record")), ("second", gettext_lazy("The second record"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=merges.REASON_MAX, help_text=REASON_HELP, widget=forms.Textarea(attrs={"rows": 2}))
    agreement = forms.TypedChoiceField(label=gettext_lazy("Data-sharing agreement"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, agreements: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        if agreements:
            self.fields["agreement"].choices = [("", "—"), *((a.pk, a.reference) for a in agreements)]  # type: ignore[attr-defined]
            self.fields["agreement"].required = True
        else:
            del self.fields["agreement"]


class OtherRecordForm(forms.Form):
    other = forms.IntegerField(label=gettext_lazy("Record number of the other record"), min_value=1)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), choices=FamilyDecision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=merges.REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class UnmergeForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why these are two different people"), max_length=merges.REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}))



def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- proposing a merge ----------------------------------------------------------------------------


def _propose(
    request: HttpRequest, first: Individual, second: Individual, *, pair: CandidatePair | None, template: str, extra: dict[str, Any]
) -> HttpResponse:
    """The two records side by side with the form; on a valid POST, the merge."""
    actor = request_actor(request)
    agreements = [*links.merge_agreements(merged=first, survivor=second), *links.merge_agreements(merged=second, survivor=first)]
    form = MergeForm(request.POST if request.POST.get("step") == "merge" else None, agreements=agreements)
    if pair is not None and pair.decision != Decision.SAME and form.is_bound:
        form.add_error(None, _("This pair is not decided the same person: decide it first in the review queue."))
    if form.is_bound and form.is_valid():
        survivor, merged = (first, second) if form.cleaned_data["survivor"] == "first" else (second, first)
        try:
            link = merges.merge(
                actor=actor, survivor=survivor, merged=merged, reason=form.cleaned_data["reason"], pair=pair,
                agreement_id=form.cleaned_data.get("agreement"),
            )  # fmt: skip
        except ServiceError as error:
            put_errors(form, error)
        else:
            if link.state == LinkState.PENDING:
                messages.success(request, _("The merge is proposed: the records are in two households, so a protection officer must decide."))
            else:
                messages.success(request, _("The two records are merged: the surviving record is the person's identity."))
            return redirect("identity:merge_detail", pk=link.pk)
    sides = links.merge_sides(
        actor=actor, first=first, second=second, action="identity.merge_pair_viewed", target=pair or first,
        data={"pair_id": pair.pk if pair else None},
    )  # fmt: skip
    context = {
        "sides": sides,
        "sides_list": [(sides.first, sides.first_id, _("First record")), (sides.second, sides.second_id, _("Second record"))],
        "form": form,
        "crosses_households": first.household_id != second.household_id,
        "crosses_groups": bool(agreements) or first.household.working_group_id != second.household.working_group_id,
        **extra,
    }
    return render(request, template, context, status=400 if form.is_bound else 200)


@staff_view
@require_http_methods(["GET", "POST"])
def merge_confirm(request: HttpRequest, pair: int) -> HttpResponse:
    """From a review pair decided "same person": merge its two records."""
    actor = request_actor(request)
    require(actor, merges.MERGE_ACTION)
    found = selectors.pair_get(actor=actor, pk=pair)
    if found.right_individual_id is None:
        raise Http404  # a row of an uploaded list is not a record to merge
    first = links.merge_person_get(actor=actor, pk=found.left_id)
    second = links.merge_person_get(actor=actor, pk=found.right_individual_id)
    evidence = selectors._evidence(found)
    return _propose(
        request, first, second, pair=found, template="identity/merge_confirm.html",
        extra={"pair": found, "evidence": evidence, "decided_same": found.decision == Decision.SAME},
    )  # fmt: skip


@staff_view
@require_http_methods(["GET", "POST"])
def merge_person(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's merges: their link history, and a merge with another record proposed."""
    actor = request_actor(request)
    person = links.merge_person_get(actor=actor, pk=pk)
    other_form = OtherRecordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and other_form.is_valid():
        try:
            other = links.merge_person_get(actor=actor, pk=other_form.cleaned_data["other"])
        except Http404:
            other_form.add_error("other", _("No record with this number that you may merge."))
        else:
            if other.pk == person.pk:
                other_form.add_error("other", _("Choose another record than this one."))
            else:
                return _propose(
                    request, person, other, pair=None, template="identity/merge_confirm.html",
                    extra={"person": person, "other_id": other.pk},
                )  # fmt: skip
    history = list(links.person_links(actor=actor, individual=person))
    sides = links.merge_sides(
        actor=actor, first=person, second=person, action="identity.merge_person_viewed", target=person,
        data={"link_ids": [link.pk for link in history]},
    )  # fmt: skip
    return render(
        request,
        "identity/merge_person.html",
        {"person": person, "side": sides.first, "history": history, "other_form": other_form, "unmerge_form": UnmergeForm()},
        status=400 if other_form.is_bound and other_form.errors else 200,
    )


# --- one merge, its decision and its unmerge ------------------------------------------------------


def _link(request: HttpRequest, pk: int) -> PersonLink:
    """A link the actor may see (``identity.merge`` or, for the decision, ``consent.record`` in the
    group of either record): 403 for a role with neither, 404 for another group's."""
    actor = request_actor(request)
    if not (can(actor, merges.MERGE_ACTION) or can(actor, merges.PROTECTION_ACTION)):
        require(actor, merges.MERGE_ACTION)
    for action in (merges.MERGE_ACTION, merges.PROTECTION_ACTION):
        if can(actor, action):
            found = links.links_visible(actor, action).filter(pk=pk).first()
            if found is not None:
                return found
    raise Http404


def _detail_context(request: HttpRequest, link: PersonLink, **forms_: Any) -> dict[str, Any]:
    actor = request_actor(request)
    may_decide = link.state == LinkState.PENDING and all(
        can(actor, merges.PROTECTION_ACTION, record.household) for record in (link.merged, link.survivor)
    )
    may_unmerge = link.state in (LinkState.ACTIVE, LinkState.PENDING) and all(
        can(actor, merges.MERGE_ACTION, record.household) for record in (link.merged, link.survivor)
    )
    sides = links.merge_sides(
        actor=actor, first=link.merged, second=link.survivor, action="identity.merge_viewed", target=link,
        data={"link_id": link.pk},
    )  # fmt: skip
    return {
        "link": link,
        "sides": sides,
        "sides_list": [(sides.first, sides.first_id, _("Merged record")), (sides.second, sides.second_id, _("Surviving record"))],
        "show_reasons": sides.first is not None and sides.second is not None,  # free text may name people
        "evidence": selectors._evidence(link.pair) if link.pair_id is not None and link.pair is not None else [],
        "may_decide": may_decide,
        "may_unmerge": may_unmerge,
        "decision_form": forms_.get("decision_form") or DecisionForm(),
        "unmerge_form": forms_.get("unmerge_form") or UnmergeForm(),
    }


@staff_view
def merge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    link = _link(request, pk)
    return render(request, "identity/merge_detail.html", _detail_context(request, link))


def _after(request: HttpRequest, link: PersonLink, form_name: str, form: forms.Form, done: str) -> HttpResponse:
    if form.errors:
        context = _detail_context(request, link, **{form_name: form})
        template = "identity/merge_detail.html#actions" if _htmx(request) else "identity/merge_detail.html"
        return render(request, template, context, status=400)
    messages.success(request, done)
    if _htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("identity:merge_detail", kwargs={"pk": link.pk})
        return response
    return redirect("identity:merge_detail", pk=link.pk)


@staff_view
@require_POST
def merge_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """A protection officer's join or refuse for a merge across households."""
    actor = request_actor(request)
    require(actor, merges.PROTECTION_ACTION)
    link = _link(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            link = merges.merge_decide(
                actor=actor, link=link, decision=form.cleaned_data["decision"], reason=form.cleaned_data["reason"]
            )
        except ServiceError as error:
            put_errors(form, error)
    done = _("The decision is recorded: the records are joined.") if link.state == LinkState.ACTIVE else _("The decision is recorded.")
    return _after(request, link, "decision_form", form, done)


@staff_view
@require_POST
def merge_unmerge(request: HttpRequest, pk: int) -> HttpResponse:
    """End a merge: everything reads again as it did before it."""
    actor = request_actor(request)
    require(actor, merges.MERGE_ACTION)
    link = _link(request, pk)
    form = UnmergeForm(request.POST)
    if form.is_valid():
        try:
            link = merges.unmerge(actor=actor, link=link, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            put_errors(form, error)
    return _after(request, link, "unmerge_form", form, _("The merge is undone: both records read again as two people."))


@staff_view
def merge_decisions(request: HttpRequest) -> HttpResponse:
    """The merges across households waiting for a protection officer's family decision."""
    actor = request_actor(request)
    require(actor, merges.PROTECTION_ACTION)
    waiting = list(links.merges_pending_decision(actor=actor)[:100])
    return render(request, "identity/merge_decisions.html", {"waiting": waiting})
