from __future__ import annotations

import pytest
from hypothesis import settings as hypothesis_settings

hypothesis_settings.register_profile("ci", deadline=None, max_examples=200, print_blob=True)
hypothesis_settings.register_profile("dev", deadline=None, max_examples=60)
from sabeel.config import env  # noqa: E402

hypothesis_settings.load_profile("ci" if env.CI else "dev")


@pytest.fixture
def cast(db):  # type: ignore[no-untyped-def]
    from sabeel.core.testing import create_cast

    return create_cast()
