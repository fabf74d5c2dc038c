"""Background work of the assistance app: a thin task over the payment run's service."""

from __future__ import annotations

from django_tasks import task


@task()
def payment_run_task(*, run_id: int) -> None:
    """Do (or resume) a payment run. Never raises."""
    from sabeel.assistance.services import payment_run_execute

    payment_run_execute(run_id=run_id)
