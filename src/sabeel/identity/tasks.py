"""Background work of the identity app: thin tasks over services, enqueued on commit."""

from __future__ import annotations

from django_tasks import task


@task()
def linkage_run_task(*, linkage_run_id: int) -> None:
    """Do a queued duplicate run (the run holds its parameters). Never raises."""
    from sabeel.identity.runs import linkage_run_execute

    linkage_run_execute(linkage_run_id=linkage_run_id)
