"""The acting staff user as the project's own ``User``.

``core`` types an actor's user as Django's ``AbstractBaseUser`` (core imports no app). Rows store
the user by id (``created_by_id=actor.user_id``); the few places that need the ``User`` itself (its
``is_superuser``, or a record that names a staff member) narrow it here, once."""

from __future__ import annotations

from sabeel.core.actors import Actor
from sabeel.core.exceptions import NotPermitted, NotSignedIn
from sabeel.workgroups.models import User


def staff_user(actor: Actor) -> User:
    """The actor's ``User``: ``NotSignedIn`` for an anonymous actor, ``NotPermitted`` for a system
    job or a refugee (the record or the check needs a staff member)."""
    if not actor.is_authenticated:
        raise NotSignedIn
    user = actor.user
    if user is None:
        raise NotPermitted
    if not isinstance(user, User):  # AUTH_USER_MODEL is workgroups.User
        raise TypeError(f"the user model is {type(user).__name__}, not workgroups.User")
    return user
