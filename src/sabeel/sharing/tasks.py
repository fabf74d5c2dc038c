"""Background work of the data-sharing app: thin tasks over services, enqueued on commit."""

from __future__ import annotations

from django_tasks import task


@task()
def household_export_task(*, run_id: int) -> None:
    """Write a queued person-level export (the run holds its parameters). Never raises."""
    from sabeel.sharing.exports import household_export_run

    household_export_run(run_id=run_id)
