"""The home page: it shows the user's working groups, so it lives in the composition root, which
may import the apps (core may not). Its URL keeps the name ``core:home``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sabeel.core.roles import POLICY
from sabeel.core.selectors import break_glass_on_my_cases
from sabeel.core.views_helpers import staff_view
from sabeel.workgroups.selectors import my_memberships


@staff_view
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(my_memberships(actor=request.user))
    cards = [{"membership": m, "actions": sorted(POLICY[m.role].actions)} for m in memberships]  # type: ignore[index]
    openings = list(break_glass_on_my_cases(actor=request.user)[:20])
    return render(request, "core/home.html", {"cards": cards, "break_glass": openings})
