"""`manage.py demo_load` builds the demo cast and geography, twice without twins, never in production;
the demo keeps its generated keys in an ignored local file and reuses them."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from sabeel.config import env
from sabeel.core import audit
from sabeel.workgroups.models import Membership, User

pytestmark = pytest.mark.django_db


def test_demo_load_refuses_production_settings(settings):
    settings.SABEEL_PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("demo_load", stdout=io.StringIO())
    assert not User.objects.exists()


def test_demo_load_twice_adds_no_twins_and_prints_sign_in_details(settings):
    settings.SABEEL_REFERENCE_DIR = None  # a fresh machine: the built-in gazetteer
    out = io.StringIO()
    call_command("demo_load", stdout=out)
    users, memberships = User.objects.count(), Membership.objects.count()
    call_command("demo_load", stdout=io.StringIO())
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)
    from sabeel.conditions.models import AreaCondition
    from sabeel.consent.models import ReturnProgramme

    assert ReturnProgramme.objects.filter(is_active=True).count() == 2  # Lebanon and Jordan, not twice
    assert AreaCondition.objects.filter(active_hostilities=True).count() == 1
    text = out.getvalue()
    assert "otpauth://totp/Sabeel%3Alb_registration_officer?secret=" in text
    assert "SABEEL_REFERENCE_DIR" in text
    assert audit.verify().ok


def test_local_secrets_are_generated_once_and_reused(tmp_path, monkeypatch):
    monkeypatch.setattr(env, "LOCAL_DIR", tmp_path / ".local")
    first = env.local_secrets()
    second = env.local_secrets()
    assert first == second
    assert first["secret_key"] != first["audit_key"]
    assert len(first["audit_key"]) >= 40
    assert (tmp_path / ".local" / "secrets.json").stat().st_mode & 0o077 == 0
