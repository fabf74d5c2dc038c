"""core is the ground floor: import-linter forbids it every app (``pyproject.toml``), and this test
keeps that list whole, so a new app is forbidden to core the day it is created."""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path

import sabeel

PYPROJECT = Path(sabeel.__file__).resolve().parents[2] / "pyproject.toml"
NOT_APPS = {"config", "core", "engines"}  # the composition root, the ground floor, pure Python


def _contract(source: str) -> dict:  # type: ignore[type-arg]
    contracts = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]
    [contract] = [c for c in contracts if c.get("source_modules") == [source]]
    return contract


def _apps() -> set[str]:
    return {f"sabeel.{m.name}" for m in pkgutil.iter_modules(sabeel.__path__) if m.ispkg and m.name not in NOT_APPS}


def test_every_app_is_forbidden_to_core():
    forbidden = set(_contract("sabeel.core")["forbidden_modules"])

    assert _apps() - forbidden == set(), "apps that core could import: add them to the contract in pyproject.toml"
    assert "sabeel.config" in forbidden


def test_every_app_and_django_are_forbidden_to_the_engines():
    forbidden = set(_contract("sabeel.engines")["forbidden_modules"])

    assert _apps() - forbidden == set(), "apps the engines could import: add them to the contract in pyproject.toml"
    assert {"django", "sabeel.config", "sabeel.core"} <= forbidden

