"""Background work of the fund: thin tasks over services, enqueued on commit."""

from __future__ import annotations

from django_tasks import task


@task()
def portfolio_run_task(*, run_id: int) -> None:
    """Run the portfolio optimiser for a queued run. Never raises: a failure is the run's status."""
    from sabeel.fund.portfolio import portfolio_run_execute

    portfolio_run_execute(run_id=run_id)
