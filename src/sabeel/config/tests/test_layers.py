"""core is the ground floor: import-linter forbids it every app (``pyproject.toml``), and this test
keeps that list whole, so a new app is forbidden to core the day it is created."""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path

import sabeel

PYPROJECT = Path(sabeel.__file__).resolve().parents[2] / "pyproject.toml"
NOT_APPS = {"config", "core", "engines"}  # the composition root, the ground floor, pure Python


def _core_contract() -> dict:  # type: ignore[type-arg]
    contracts = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]
    [contract] = [c for c in contracts if c.get("source_modules") == ["sabeel.core"]]
    return contract


def test_every_app_is_forbidden_to_core():
    apps = {f"sabeel.{m.name}" for m in pkgutil.iter_modules(sabeel.__path__) if m.ispkg and m.name not in NOT_APPS}
    forbidden = set(_core_contract()["forbidden_modules"])

    assert apps - forbidden == set(), "apps that core could import: add them to the contract in pyproject.toml"
    assert "sabeel.config" in forbidden

