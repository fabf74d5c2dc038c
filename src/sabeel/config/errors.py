"""The error pages: 403, 404, 500 and the CSRF failure, translated and with a way back.

Wired in ``config/urls.py`` (``handler403``, ``handler404``, ``handler500``) and by
``CSRF_FAILURE_VIEW`` in the settings. None of them echoes what the request carried: not the path,
not the query string, not a submitted field, not the exception's message (which may name a record).
The language switch on these pages returns to the home page for the same reason (``safe_next``).

The 403 page says who is signed in and with which roles (their own memberships), never whether the
record asked for exists. The 500 page is rendered from a template that needs no database, no
session and no context processor, so it renders even when the database is what failed.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseNotFound, HttpResponseServerError
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html

log = logging.getLogger(__name__)

__all__ = ["bad_csrf", "forbidden", "not_found", "server_error"]


class _SafeRequest:
    """The request as the layout sees it on an error page: ``get_full_path`` (the language switch's
    ``next``) gives the home page instead of the address that failed, which may carry a query
    string. Everything else is the real request."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)

    def get_full_path(self, force_append_slash: bool = False) -> str:
        return reverse("core:home")

    @property
    def path(self) -> str:
        return reverse("core:home")


def _signed_in_as(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's own name and current roles (working group and role), or nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"who": None, "roles": []}
    from sabeel.core.actors import request_actor
    from sabeel.workgroups.selectors import my_memberships

    try:
        roles = [(m.working_group, m.get_role_display()) for m in my_memberships(actor=request_actor(request))]  # type: ignore[attr-defined]
    except Exception:  # the page must render even if the roles cannot be read
        log.exception("error page: memberships could not be read")
        roles = []
    return {"who": format_html("<bdi>{}</bdi>", str(user)), "roles": roles}


def _render(request: HttpRequest, template: str, status_class: type[HttpResponse], extra: dict[str, Any] | None = None) -> HttpResponse:
    context: dict[str, Any] = {"request": _SafeRequest(request), **(extra or {})}
    body = loader.render_to_string(template, context, request=request)
    return status_class(body)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: signed in, but the role does not allow it. The exception's message is not shown."""
    return _render(request, "403.html", HttpResponseForbidden, _signed_in_as(request))


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: the page (or the record, including one the user may not see) is not there."""
    return _render(request, "404.html", HttpResponseNotFound)


def bad_csrf(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF failure (an expired form, cookies blocked): the reason is logged, not shown."""
    log.warning("CSRF failure: %s", reason)
    return _render(request, "403_csrf.html", HttpResponseForbidden)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: a page that cannot fail. No context processor, no user, no session, no database; the
    language is the one the request was being answered in (or, failing that, its cookie/header)."""
    language = translation.get_language() or translation.get_language_from_request(request)
    try:
        stylesheets = [static("sabeel/sabeel.css"), static("sabeel/errors.css")]
    except Exception:  # a missing manifest entry must not turn this page into another error
        stylesheets = []
    with translation.override(language):
        body = loader.get_template("500.html").render(
            {
                "LANGUAGE_CODE": translation.get_language(),
                "LANGUAGE_BIDI": translation.get_language_bidi(),
                "stylesheets": stylesheets,
                "home": "/",
            }
        )
    return HttpResponseServerError(body)
