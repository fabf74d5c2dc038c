"""The refugee's session on the self-service page, kept apart from staff sign-in.

After a right code the session holds the household id and the verified phone id under its own key
(``sabeel_portal``), for ``SABEEL_PORTAL_IDLE_SECONDS`` idle (30 minutes) and at most
``SABEEL_PORTAL_ABSOLUTE_SECONDS`` (2 hours). A staff user signed in in the same browser keeps their
sign-in, and staff sign-in grants nothing here. Between the two steps the session holds only the id
of the code request being answered.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from sabeel.core.actors import Actor, refugee

__all__ = ["PENDING_KEY", "SESSION_KEY", "RefugeeSession", "begin", "current", "end", "pending", "pending_begin"]

SESSION_KEY = "sabeel_portal"
PENDING_KEY = "sabeel_portal_pending"
ENDED_KEY = "sabeel_portal_ended"  # set when a session ran out, so the start page can say why


@dataclass(frozen=True)
class RefugeeSession:
    household_id: int
    phone_id: int | None

    def actor(self, *, individual_id: int | None = None) -> Actor:
        return refugee(household_id=self.household_id, individual_id=individual_id, phone_id=str(self.phone_id or ""))


def _idle_seconds() -> int:
    return int(getattr(settings, "SABEEL_PORTAL_IDLE_SECONDS", 30 * 60))


def _absolute_seconds() -> int:
    return int(getattr(settings, "SABEEL_PORTAL_ABSOLUTE_SECONDS", 2 * 60 * 60))


def _now() -> float:
    return timezone.now().timestamp()


def pending_begin(request: HttpRequest, code_request_id: int) -> None:
    request.session[PENDING_KEY] = code_request_id


def pending(request: HttpRequest) -> int | None:
    value = request.session.get(PENDING_KEY)
    return value if isinstance(value, int) else None


def begin(request: HttpRequest, *, household_id: int, phone_id: int | None) -> None:
    """The code was right: a new session key (against fixation; a staff sign-in in the same session
    is kept) holding the household and the verified phone."""
    request.session.cycle_key()
    now = _now()
    request.session.pop(PENDING_KEY, None)
    request.session.pop(ENDED_KEY, None)
    request.session[SESSION_KEY] = {"household": household_id, "phone": phone_id, "since": now, "seen": now}


def current(request: HttpRequest) -> RefugeeSession | None:
    """The refugee's session if it is still valid (and touch it), else None."""
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict) or not isinstance(data.get("household"), int):
        return None
    now = _now()
    if now - float(data.get("seen", 0)) >= _idle_seconds() or now - float(data.get("since", 0)) >= _absolute_seconds():
        end(request)
        request.session[ENDED_KEY] = True
        return None
    data["seen"] = now
    request.session[SESSION_KEY] = data
    phone = data.get("phone")
    return RefugeeSession(household_id=data["household"], phone_id=phone if isinstance(phone, int) else None)


def ended(request: HttpRequest) -> bool:
    """True once after a session ran out."""
    return bool(request.session.pop(ENDED_KEY, False))


def end(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.pop(PENDING_KEY, None)
