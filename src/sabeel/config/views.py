"""The home page: what each of the user's roles does first, a section per role grouped by working
group (``config/workspaces.py``), and the approval of a membership from it. It reads several apps,
so it lives in the composition root (core imports no app). Its URLs keep the ``core`` namespace
(``core:home``, ``core:membership_approve``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sabeel.config.workspaces import membership_waiting, workspaces
from sabeel.core.actors import request_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.views_helpers import staff_view
from sabeel.workgroups.services import membership_approve as approve


@staff_view
def home(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    return render(request, "core/home.html", {"home": workspaces(actor=actor)})


@require_POST
@staff_view
def membership_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """A second administrator approves a membership waiting on their home page."""
    actor = request_actor(request)
    membership = membership_waiting(actor=actor, pk=pk)
    try:
        approve(actor=actor, membership=membership)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Approved: %(user)s, %(role)s.") % {"user": membership.user, "role": membership.get_role_display()},
        )
    return redirect("core:home")
