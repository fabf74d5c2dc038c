"""The public surface is exactly ``__all__`` (as httpx tests its own), and it never reaches Django."""

from __future__ import annotations

import sabeel.engines.planning as planning


def test_the_public_api_is_exactly_all():
    public = {name for name in dir(planning) if not name.startswith("_") and name not in {"synth", "tests"}}
    assert public == set(planning.__all__)


def test_every_exported_name_is_documented_in_the_contract():
    for name in planning.__all__:
        assert getattr(planning, name).__doc__, name
