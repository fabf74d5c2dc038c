"""Receivers of ``core.signals``: keep the funnel snapshot current. Connected in ``apps.ready``."""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


def on_households_changed(sender: Any, household_ids: tuple[int, ...] = (), **kwargs: Any) -> None:
    """Refresh these households' rows (inline when few, else a task). Never raises."""
    try:
        from sabeel.reports.snapshot import refresh_or_enqueue

        refresh_or_enqueue(household_ids)
    except Exception as exc:  # pragma: no cover - refresh_or_enqueue already catches everything
        logger.error("funnel snapshot not refreshed: %s", type(exc).__name__)


def on_conditions_changed(sender: Any, **kwargs: Any) -> None:
    """The area-conditions register changed: a full refresh, in the background. Never raises."""
    try:
        from sabeel.core.actors import system
        from sabeel.reports.snapshot import refresh_all

        refresh_all(actor=system("reports.snapshot"))
    except Exception as exc:
        logger.error("funnel snapshot refresh not queued: %s", type(exc).__name__)
