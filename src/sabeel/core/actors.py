"""Who is acting: a staff user, a refugee on the self-service page, or a system job.

``core`` imports no app, not even for typing: an actor's user is typed as Django's
``AbstractBaseUser`` (the base of any ``AUTH_USER_MODEL``). Services that store the user on a row
assign its id (``created_by_id=actor.user_id``); code that needs the project's own ``User`` narrows
it once with ``sabeel.workgroups.users.staff_user``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser

from sabeel.core.models import ActorKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    id: str
    user: AbstractBaseUser | None = None
    # For a refugee: the household, the adult who said who they are, the verified phone (ids only).
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def is_authenticated(self) -> bool:
        return self.kind != ActorKind.ANONYMOUS

    @property
    def user_id(self) -> int | None:
        """The staff user's id (for ``created_by_id=`` and the like), or None for anyone else."""
        return int(self.user.pk) if self.user is not None else None


# What the edges hand to ``as_actor``: an actor already, a signed-in user (``request.user``), an
# anonymous user, or nobody.
Who: TypeAlias = "Actor | AbstractBaseUser | AnonymousUser | None"

ANONYMOUS = Actor(kind=ActorKind.ANONYMOUS, id="")


def system(job: str) -> Actor:
    """A system job, named for the audit trail (for example ``"synth_load"``)."""
    return Actor(kind=ActorKind.SYSTEM, id=job[:64])


def refugee(*, household_id: int, individual_id: int | None = None, phone_id: str = "") -> Actor:
    return Actor(
        kind=ActorKind.REFUGEE,
        id=str(household_id),
        details={"individual_id": individual_id, "phone": phone_id},
    )


def as_actor(who: Who) -> Actor:
    """Accept an ``Actor``, a user (staff) or an anonymous user, and return an ``Actor``."""
    if isinstance(who, Actor):
        return who
    if isinstance(who, AbstractBaseUser) and who.is_authenticated:
        return Actor(kind=ActorKind.USER, id=str(who.pk), user=who)
    return ANONYMOUS


def request_actor(request: HttpRequest) -> Actor:
    """The edges' one conversion: the actor behind a request (a page or an API call), from its
    signed-in user (set by the session, or by the API token), else anonymous. Views and endpoints
    call this once at the top and pass the ``Actor`` on; services and selectors take only actors."""
    return as_actor(getattr(request, "user", None))
