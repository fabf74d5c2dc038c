from __future__ import annotations

import pytest
from hypothesis import settings as hypothesis_settings

hypothesis_settings.register_profile("ci", deadline=None, max_examples=200, print_blob=True)
hypothesis_settings.register_profile("dev", deadline=None, max_examples=60)
from sabeel.config import env  # noqa: E402

hypothesis_settings.load_profile("ci" if env.CI else "dev")


@pytest.fixture(autouse=True)
def _language_of_the_thread_reset():  # type: ignore[no-untyped-def]
    """Each test starts and ends in the default language: a test client's request in Arabic leaves
    Arabic active in the thread (the locale middleware does not undo it), which made a later test
    calling a service directly get its messages in Arabic (identity's display tests, then review)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def cast(db):  # type: ignore[no-untyped-def]
    from sabeel.workgroups.testing import create_cast

    return create_cast()


@pytest.fixture
def reference_dir():  # type: ignore[no-untyped-def]
    """The reference data directory (``SABEEL_REFERENCE_DIR`` or ``../shared/data``).

    Skipped with the reason where there is none; a failure in CI, where it must be present."""
    from django.conf import settings

    path = settings.SABEEL_REFERENCE_DIR
    if path is None:
        message = "no reference data: set SABEEL_REFERENCE_DIR or put shared/data beside the clone"
        if settings.SABEEL_REQUIRE_REFERENCE:
            pytest.fail(message + " (required in CI)")
        pytest.skip(message)
    return path


@pytest.fixture
def committed_db(transactional_db):  # type: ignore[no-untyped-def]
    """A database whose writes commit (threads, live server); the audit trail is emptied before
    Django's flush, which the append-only triggers would refuse."""
    from sabeel.workgroups.testing import audit_trail_wipe_for_tests

    yield
    audit_trail_wipe_for_tests()


class Clock:
    """Moves ``timezone.now`` forward without sleeping: ``clock.advance(minutes=31)``."""

    def __init__(self) -> None:
        import datetime as dt

        self.offset = dt.timedelta()

    def advance(self, **delta: float) -> None:
        import datetime as dt

        self.offset += dt.timedelta(**delta)


@pytest.fixture
def clock():  # type: ignore[no-untyped-def]
    from unittest import mock

    from django.utils import timezone

    real_now = timezone.now
    moved = Clock()
    with mock.patch("django.utils.timezone.now", side_effect=lambda: real_now() + moved.offset):
        yield moved
