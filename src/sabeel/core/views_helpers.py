"""The one gate for staff pages: signed in, second factor verified, and service errors mapped."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from sabeel.core.exceptions import NotSignedIn, ServiceError


def is_fully_signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    verified: Callable[[], bool] | None = getattr(user, "is_verified", None)
    return bool(verified and verified())


def staff_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages for staff: anonymous (or not yet past the second factor) → the sign-in page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_fully_signed_in(request):
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except NotSignedIn:
            return redirect_to_login(request.get_full_path())

    return wrapper


def put_errors(form: Any, error: ServiceError, *, aliases: Mapping[str, str] | None = None) -> None:
    """A service's per-field messages on the form's fields (``aliases`` maps a service's field to
    the form's; ``members.0.name`` lands on ``members``), the rest above the form; a refusal
    naming no field shows its message above the form."""
    aliases = aliases or {}
    placed = False
    for key, texts in error.fields.items():
        name = aliases.get(key, key.split(".")[0])
        for message in texts:
            form.add_error(name if name in form.fields else None, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def run_service(
    request: HttpRequest, call: Callable[[], object], success: str | None = None, *, form: Any = None
) -> bool:
    """Run a service for a view: True when it succeeded (``success`` is then shown as a message);
    its refusal (a ``ServiceError``) becomes the form's errors (``put_errors``) when there is a
    form, else the page's error message, and the answer is False."""
    try:
        call()
    except ServiceError as exc:
        if form is not None:
            put_errors(form, exc)
        else:
            messages.error(request, exc.message)
        return False
    if success:
        messages.success(request, success)
    return True
