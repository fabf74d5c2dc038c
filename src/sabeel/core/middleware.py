"""Session lifetime: 30 minutes idle, 12 hours at most after sign-in."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

SESSION_SIGNED_IN_AT = "sabeel_signed_in_at"
SESSION_LAST_SEEN = "sabeel_last_seen"


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            signed_in_at = request.session.get(SESSION_SIGNED_IN_AT, now)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_SECONDS
            too_old = now - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS
            if idle or too_old:
                from sabeel.core import audit

                audit.record(
                    actor=user,
                    action="auth.session_expired",
                    data={"reason": "idle" if idle else "absolute"},
                )
                logout(request)
            else:
                request.session[SESSION_LAST_SEEN] = now
                request.session.setdefault(SESSION_SIGNED_IN_AT, now)
        return self.get_response(request)
