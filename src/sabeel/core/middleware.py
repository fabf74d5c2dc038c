"""Session lifetime: ``SESSION_IDLE_SECONDS`` idle (30 minutes), ``SESSION_ABSOLUTE_SECONDS`` at
most after sign-in (12 hours), whatever the activity.

The sign-in page stamps the session with ``mark_signed_in``; a signed-in session without a stamp
(made some other way) is stamped on its first request. An expired session is audited (ids only),
signed out, and the sign-in page then says why.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

SESSION_SIGNED_IN_AT = "sabeel_signed_in_at"
SESSION_LAST_SEEN = "sabeel_last_seen"
SESSION_EXPIRED = "sabeel_session_expired"  # set on the fresh anonymous session: "idle" or "absolute"
# The idle clock is moved at most once a minute, so that a busy client (htmx, the API through a
# session) does not rewrite its session row on every request; idle expiry is exact to a minute.
LAST_SEEN_RESOLUTION_SECONDS = 60


def _now() -> float:
    return timezone.now().timestamp()


def mark_signed_in(request: HttpRequest) -> None:
    """Stamp the session at sign-in: both clocks start now."""
    now = _now()
    request.session[SESSION_SIGNED_IN_AT] = now
    request.session[SESSION_LAST_SEEN] = now


def expiry_reason(session: SessionBase, now: float) -> str | None:
    """``"absolute"`` or ``"idle"`` when the session has outlived its limits, else None."""
    signed_in_at = session.get(SESSION_SIGNED_IN_AT)
    last_seen = session.get(SESSION_LAST_SEEN)
    if isinstance(signed_in_at, int | float) and now - signed_in_at >= settings.SESSION_ABSOLUTE_SECONDS:
        return "absolute"
    if isinstance(last_seen, int | float) and now - last_seen >= settings.SESSION_IDLE_SECONDS:
        return "idle"
    return None


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = _now()
            reason = expiry_reason(request.session, now)
            if reason is not None:
                from sabeel.core import audit
                from sabeel.core.actors import request_actor

                audit.record(actor=request_actor(request), action="auth.session_expired", target=user, data={"reason": reason})
                logout(request)
                request.session[SESSION_EXPIRED] = reason
            else:
                if not isinstance(request.session.get(SESSION_SIGNED_IN_AT), int | float):
                    request.session[SESSION_SIGNED_IN_AT] = now
                last_seen = request.session.get(SESSION_LAST_SEEN)
                if not isinstance(last_seen, int | float) or now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS:
                    request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response Django itself produces: pages, htmx fragments,
    API answers and the self-service page can all carry names, so none may be kept by a browser or
    a shared proxy. Static files never get here (WhiteNoise answers them first, with its own long
    caching), so the rule needs no list of exceptions that could be forgotten."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
