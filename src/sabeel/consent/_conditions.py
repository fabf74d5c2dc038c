"""The two questions this app asks the area-conditions register (``sabeel.conditions.services``).

The conditions engineer is writing that module. Until it exists (or while it lacks a function),
these fall back to "no package" and "no active-hostilities flag"; ``CONDITIONS_CONNECTED`` says
which applies, and the eligibility page says so when the flag could not be checked."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any


def _service(name: str) -> Callable[..., Any] | None:
    try:
        module = importlib.import_module("sabeel.conditions.services")
    except ModuleNotFoundError as exc:
        if exc.name != "sabeel.conditions.services":
            raise
        return None
    found = getattr(module, name, None)
    return found if callable(found) else None


def hostilities_connected() -> bool:
    """True when the register can answer the active-hostilities question."""
    return _service("destination_has_active_hostilities") is not None


def information_package_current(*, destination: Any, language: str) -> Any | None:
    """The current information package for ``destination`` in ``language``, or None when there is
    none to give (no destination, a language packages are not made in, the register not yet
    connected). Counselling and consent are recorded either way; eligibility then says that the
    consent does not record which package was seen."""
    from sabeel.core.exceptions import ServiceError

    if destination is None:
        return None
    current = _service("information_package_current")
    if current is None:
        return None
    try:
        return current(destination=destination, language=language)
    except ServiceError:
        return None


def destination_hostilities(*, destination: Any, on: dt.date) -> tuple[bool, dt.date | None]:
    """(flagged for active hostilities, since when) for ``destination`` on ``on``; (False, None)
    when there is no destination or the register cannot answer yet."""
    if destination is None:
        return False, None
    ask = _service("destination_has_active_hostilities")
    if ask is None:
        return False, None
    flagged, since = ask(destination=destination, on=on)
    return bool(flagged), since
