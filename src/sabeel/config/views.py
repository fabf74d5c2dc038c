"""The home page: what each of the user's roles does first, a section per role grouped by working
group (``config/workspaces.py``). It reads several apps, so it lives in the composition root (core
imports no app). Its URL keeps the name ``core:home``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sabeel.config.workspaces import workspaces
from sabeel.core.actors import as_actor
from sabeel.core.views_helpers import staff_view


@staff_view
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"home": workspaces(actor=as_actor(request.user))})
