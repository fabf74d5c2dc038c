"""Who is acting: a staff user, a refugee on the self-service page, or a system job."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sabeel.core.models import ActorKind

if TYPE_CHECKING:
    from sabeel.workgroups.models import User


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    id: str
    user: User | None = None
    # For a refugee: the household, the adult who said who they are, the verified phone (ids only).
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def is_authenticated(self) -> bool:
        return self.kind != ActorKind.ANONYMOUS


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


def as_actor(who: Any) -> Actor:
    """Accept an ``Actor``, a user (staff) or an anonymous user, and return an ``Actor``."""
    if isinstance(who, Actor):
        return who
    if who is None or not getattr(who, "is_authenticated", False):
        return ANONYMOUS
    return Actor(kind=ActorKind.USER, id=str(who.pk), user=who)
