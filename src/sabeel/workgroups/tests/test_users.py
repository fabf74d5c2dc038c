"""The acting user at the edge: ``as_actor`` turns a signed-in persona into a staff actor that
carries its id, anyone else into an actor without a user; ``staff_user`` gives back the persona
itself and refuses the others."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from sabeel.core.actors import ANONYMOUS, as_actor, refugee, system
from sabeel.core.exceptions import NotPermitted, NotSignedIn
from sabeel.core.models import ActorKind
from sabeel.workgroups.users import staff_user

pytestmark = pytest.mark.django_db


def test_a_signed_in_persona_becomes_a_staff_actor_with_its_id(cast):
    officer = cast["lb_registration_officer"]

    actor = as_actor(officer)

    assert (actor.kind, actor.id, actor.user_id) == (ActorKind.USER, str(officer.pk), officer.pk)
    assert as_actor(actor) is actor  # converting again changes nothing
    assert staff_user(actor) is officer


def test_nobody_and_the_anonymous_user_are_the_anonymous_actor():
    assert as_actor(None) is ANONYMOUS
    assert as_actor(AnonymousUser()) is ANONYMOUS
    assert ANONYMOUS.user_id is None
    with pytest.raises(NotSignedIn):
        staff_user(ANONYMOUS)


def test_a_system_job_and_a_refugee_have_no_staff_user():
    for actor in (system("synth_load"), refugee(household_id=7)):
        assert actor.user_id is None
        with pytest.raises(NotPermitted):
            staff_user(actor)
