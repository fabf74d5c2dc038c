"""Signals between the apps (core imports none of them).

``households_changed``: the facts of some households changed (members, birth dates, presence,
departures, consents, withdrawals, re-confirmations, counselling, intentions, best-interests
procedures, splits, sign-offs, status). The services call :func:`households_changed` inside their
transaction; the signal is sent once the transaction commits (never for a rolled-back change),
with ``household_ids`` (a tuple of ids). The funnel snapshot (``reports``) listens.

``conditions_changed``: the area-conditions register changed (it may change the verdict of many
households at once); sent on commit, with no arguments.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

__all__ = ["conditions_changed", "conditions_changed_signal", "households_changed", "households_changed_signal"]

households_changed_signal = Signal()
conditions_changed_signal = Signal()


_queued = threading.local()


def _send_queued() -> None:
    ids: set[int] = getattr(_queued, "ids", set())
    _queued.ids = set()
    if ids:
        households_changed_signal.send(sender=None, household_ids=tuple(sorted(ids)))


def households_changed(ids: Iterable[int | None]) -> None:
    """Announce, on commit, that the facts of these households changed (``None`` ids are skipped).
    Several calls in one transaction make one signal with every id (the first callback to run
    sends them all; ids of a rolled-back transaction ride along with the next one, which only
    refreshes them again)."""
    wanted = {int(i) for i in ids if i is not None}
    if not wanted:
        return
    if not hasattr(_queued, "ids"):
        _queued.ids = set()
    _queued.ids.update(wanted)
    transaction.on_commit(_send_queued)


def conditions_changed() -> None:
    """Announce, on commit, that the area-conditions register changed."""
    transaction.on_commit(lambda: conditions_changed_signal.send(sender=None))
