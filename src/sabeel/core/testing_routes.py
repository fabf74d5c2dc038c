"""Expectations for the permission matrix (``core/tests/test_route_matrix.py``).

Each app declares its routes in ``sabeel/<app>/tests/route_expectations.py`` with two dicts,
``PAGES`` (URL name → expectation) and ``API`` ((method, path) → expectation); the matrix test
merges them and fails for any route or API operation that none declares.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# The first argument is the personas' Cast (``workgroups.testing``), which core may not import.
Kwargs = Callable[[Any, str], dict[str, Any]]  # (cast, group key "lb"/"jo") → URL kwargs
Marker = Callable[[Any], str]  # creates a Lebanon-only row, returns text that reveals it


@dataclass(frozen=True)
class Open:
    """A route that holds no record."""

    anonymous: int
    signed_in: int
    method: str = "get"


@dataclass(frozen=True)
class Scoped:
    """A route that shows or changes records of a working group (or reference data)."""

    action: str
    permitted: str  # role of the permitted persona, in the Lebanon group
    wrong_role: str | None  # a Lebanon role without the action; None when every role has it
    kwargs: Kwargs | None = None  # for a detail route: the record of the given group
    marker: Marker | None = None  # for a list route: Lebanon's row, absent for Jordan's persona
    group_scoped: bool = True
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)
    ok: int = 200
    reason: str = ""


@dataclass(frozen=True)
class Skip:
    """Covered by its own tests; the reason is required."""

    reason: str


