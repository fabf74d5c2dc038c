"""``manage.py funnel_refresh``: queues one full refresh, never a second while one is pending."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from sabeel.consent.tests.factories import family
from sabeel.core.models import Run, RunStatus
from sabeel.reports.models import HouseholdFunnel
from sabeel.reports.snapshot import RUN_KIND

pytestmark = pytest.mark.django_db


def _call() -> str:
    out = io.StringIO()
    call_command("funnel_refresh", stdout=out)
    return out.getvalue()


def test_the_command_refreshes_every_household(cast, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    household = family(cast)
    HouseholdFunnel.objects.filter(pk=household.pk).delete()

    with django_capture_on_commit_callbacks(execute=True):
        assert "queued as run" in _call()

    run = Run.objects.get(kind=RUN_KIND)
    assert run.status == RunStatus.SUCCEEDED  # the test settings run tasks at once
    assert HouseholdFunnel.objects.filter(pk=household.pk).exists()


def test_no_second_refresh_while_one_is_pending(cast) -> None:  # type: ignore[no-untyped-def]
    from sabeel.core import runs
    from sabeel.core.actors import system

    pending = runs.run_create(actor=system("test"), kind=RUN_KIND, total=1)

    assert f"run {pending.pk} is still queued" in _call()
    assert Run.objects.filter(kind=RUN_KIND).count() == 1
