"""The two questions this app asks the area-conditions register (``sabeel.conditions``).

The information package falls back to "no package" (the consent then says which package is
missing). The active-hostilities question never falls back: when the register cannot answer,
``destination_hostilities`` raises ``ConditionsUnreadable`` and eligibility fails closed."""

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


class ConditionsUnreadable(Exception):
    """The area-conditions register could not answer (eligibility then fails closed)."""


def hostilities_connected() -> bool:
    """True when the register can answer the active-hostilities question."""
    try:
        from sabeel.conditions.selectors import destination_has_active_hostilities
    except ImportError:
        return False
    return callable(destination_has_active_hostilities)


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
    when there is no destination. Raises ``ConditionsUnreadable`` when the register cannot answer
    or answers something that is not a flag: the caller must then treat the destination as not
    cleared (fail closed), never as "not flagged"."""
    if destination is None:
        return False, None
    from django.db import transaction

    try:
        from sabeel.conditions.selectors import destination_has_active_hostilities

        with transaction.atomic():  # a failed read rolls back to here, not the caller's transaction
            flagged, since = destination_has_active_hostilities(destination=destination, on=on)
    except Exception as exc:  # any failure to read the register is a failure to clear the destination
        raise ConditionsUnreadable(type(exc).__name__) from exc
    if not isinstance(flagged, bool) or not (since is None or isinstance(since, dt.date)):
        raise ConditionsUnreadable("not a flag")
    return flagged, since
