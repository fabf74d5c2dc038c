"""Sign-in throttling, shared by every worker through the ``SignInAttempt`` table.

An account (keyed by a keyed hash of the typed username, so unknown and known accounts behave the
same) may fail ``SIGNIN_MAX_FAILURES_PER_ACCOUNT`` times and an address
``SIGNIN_MAX_FAILURES_PER_ADDRESS`` times within ``SIGNIN_WINDOW_SECONDS``; failures at the
password and at the code stage both count. An attempt is written as a failure *before* it is
checked and settled afterwards, so concurrent guesses on several workers cannot slip past the
limit between the count and the write.

Bulk reads of names are bounded here too (``person.export`` governs them): an actor who may not
export in every group they read gets list pages of at most ``LIST_PAGE_CAP`` rows and at most
``READ_LIST_PAGES_PER_WINDOW`` list pages per ``READ_LIST_WINDOW_SECONDS``, counted from the read
log (``ReadEntry`` rows marked ``is_list``), so every worker sees the same count and nothing new
is stored. Over the limit, ``list_page_check`` raises ``ReadLimited`` (a 429 page or API error).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import ngettext

from sabeel.core import audit
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.models import ActorKind, ReadEntry, SignInAttempt


class Stage(StrEnum):
    PASSWORD = "password"  # noqa: S105 - a stage name; a failure at the password stage (also the state before it is settled)
    CODE = "code"  # a failure at the second factor (sign-in code or enrolment confirmation)
    PASSED = "passed"  # the password was right; the code is still to come
    SIGNED_IN = "signed_in"
    THROTTLED = "throttled"  # refused unchecked; not counted again, so the lock lifts on time


FAILURE_STAGES = (Stage.PASSWORD, Stage.CODE)


@dataclass(frozen=True)
class Attempt:
    row: SignInAttempt
    throttled: bool


def account_key(username: str) -> str:
    """What the table stores for the account: a keyed hash of the username, never the username
    (a password typed into the wrong field must not be kept)."""
    return audit.keyed_hash(get_user_model().normalize_username(username), purpose="sign-in-account")


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address. Behind ``SABEEL_TRUSTED_PROXY_COUNT`` reverse proxies, the entry
    that many places from the right of ``X-Forwarded-For``; otherwise ``REMOTE_ADDR``."""
    candidate = request.META.get("REMOTE_ADDR", "")
    proxies = int(getattr(settings, "SABEEL_TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def window_minutes() -> int:
    return max(1, round(settings.SIGNIN_WINDOW_SECONDS / 60))


def throttled_message() -> str:
    minutes = window_minutes()
    return ngettext(
        "Too many failed sign-in attempts. Wait %(minutes)d minute and try again.",
        "Too many failed sign-in attempts. Wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def _failures(since: dt.datetime) -> Q:
    return Q(at__gte=since, succeeded=False, stage__in=[s.value for s in FAILURE_STAGES])


def attempt_begin(*, username: str, address: str | None, stage: Stage) -> Attempt:
    """Write the attempt (as a failure until settled) and say whether it is over a limit."""
    now = timezone.now()
    key = account_key(username)
    row = SignInAttempt.objects.create(at=now, username=key, address=address, stage=stage.value, succeeded=False)
    since = now - dt.timedelta(seconds=settings.SIGNIN_WINDOW_SECONDS)
    throttled = SignInAttempt.objects.filter(_failures(since), username=key).count() > settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT
    if not throttled and address is not None:
        throttled = (
            SignInAttempt.objects.filter(_failures(since), address=address).count()
            > settings.SIGNIN_MAX_FAILURES_PER_ADDRESS
        )
    if throttled:
        _settle(row, Stage.THROTTLED)
    return Attempt(row=row, throttled=throttled)


def attempt_passed(attempt: Attempt) -> None:
    """The password was right: the attempt is not a failure (the code stage is a new attempt)."""
    _settle(attempt.row, Stage.PASSED)


def attempt_signed_in(attempt: Attempt) -> None:
    _settle(attempt.row, Stage.SIGNED_IN, succeeded=True)


def _settle(row: SignInAttempt, stage: Stage, *, succeeded: bool = False) -> None:
    SignInAttempt.objects.filter(pk=row.pk).update(stage=stage.value, succeeded=succeeded)
    row.stage, row.succeeded = stage.value, succeeded


# --- bulk reads of names ---------------------------------------------------------------------------

LIST_PAGE_CAP = 50


class ReadLimited(ServiceError):
    """Too many list pages in the window for an actor who may not export (HTTP 429)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="throttled")


def may_export(actor: Actor) -> bool:
    """Whether the actor holds ``person.export`` in every group whose people they may read.
    System jobs may; a refugee never lists."""
    from sabeel.core.permissions import groups_for

    who = as_actor(actor)
    if who.kind == ActorKind.SYSTEM:
        return True
    readable = groups_for(who, "person.view")
    return bool(readable) and readable <= groups_for(who, "person.export")


def list_page_size(actor: Actor, requested: int) -> int:
    """The page size the actor gets: what they asked for if they may export, else at most
    ``LIST_PAGE_CAP``."""
    return requested if may_export(actor) else min(requested, LIST_PAGE_CAP)


def list_window_minutes() -> int:
    return max(1, round(_list_window_seconds() / 60))


def _list_window_seconds() -> int:
    return int(getattr(settings, "READ_LIST_WINDOW_SECONDS", 600))


def _list_pages_allowed() -> int:
    return int(getattr(settings, "READ_LIST_PAGES_PER_WINDOW", 30))


def read_limited_message() -> str:
    minutes = list_window_minutes()
    return ngettext(
        "You have opened many list pages in a short time. Wait %(minutes)d minute and try again; "
        "for a whole list, ask a colleague whose role may export it.",
        "You have opened many list pages in a short time. Wait %(minutes)d minutes and try again; "
        "for a whole list, ask a colleague whose role may export it.",
        minutes,
    ) % {"minutes": minutes}


def list_page_check(actor: Actor) -> None:
    """Raise ``ReadLimited`` when an actor who may not export has already read
    ``READ_LIST_PAGES_PER_WINDOW`` list pages within the window (one read-log row per page)."""
    if may_export(actor):
        return
    who = as_actor(actor)
    since = timezone.now() - dt.timedelta(seconds=_list_window_seconds())
    read = ReadEntry.objects.filter(actor_kind=str(who.kind), actor_id=str(who.id), is_list=True, at__gte=since).count()
    if read >= _list_pages_allowed():
        raise ReadLimited(read_limited_message())


def export_require(actor: Actor, working_group: Any) -> None:
    """An export of a group's person-level list needs ``person.export`` in that group (403, or 404
    for a group the actor is not in); the export itself is recorded with ``audit.record_export``."""
    from sabeel.core.permissions import require

    require(actor, "person.export", working_group)
