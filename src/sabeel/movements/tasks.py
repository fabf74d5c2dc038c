"""Background work of the movements app: thin tasks over services, enqueued on commit."""

from __future__ import annotations

from django_tasks import task


@task()
def plan_run_task(*, run_id: int) -> None:
    """Make the plan of a queued run (the run holds its parameters). Never raises."""
    from sabeel.movements.services import plan_run_execute

    plan_run_execute(run_id=run_id)


@task()
def households_inform_task(*, plan_id: int) -> int:
    """Tell the households of an approved plan their date (each once)."""
    from sabeel.movements.services import households_inform

    return households_inform(plan_id=plan_id)


@task()
def households_tell_cancelled_task(*, plan_id: int) -> int:
    """Tell the households of a cancelled plan that their date no longer holds (each once)."""
    from sabeel.movements.services import households_tell_cancelled

    return households_tell_cancelled(plan_id=plan_id)
