"""Background work of the reports app: thin tasks over ``reports.snapshot``."""

from __future__ import annotations

from django_tasks import task


@task()
def snapshot_refresh_task(*, run_id: int) -> None:
    """Refresh the whole funnel snapshot (the run holds the scope). Never raises."""
    from sabeel.reports.snapshot import refresh_all_run

    refresh_all_run(run_id=run_id)


@task()
def snapshot_households_task(*, household_ids: list[int]) -> None:
    """Refresh the snapshot rows of these households. Never raises: a failure marks them stale."""
    from sabeel.reports.snapshot import refresh_households_safely

    refresh_households_safely(household_ids)
