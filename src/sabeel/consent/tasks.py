"""Background work of the voluntariness app: thin tasks over services, enqueued on commit."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def follow_up_notify(*, follow_up_id: int) -> None:
    """Tell the protection officers of the household's working group that a follow-up waits in
    their work queue. Today the queue page is the notification and this writes a log line (ids
    only); an SMS or e-mail sender plugs in here."""
    from sabeel.consent.models import FollowUp

    follow_up = FollowUp.objects.filter(pk=follow_up_id).values("kind", "household__working_group_id").first()
    if follow_up is None:
        return
    logger.info(
        "follow-up %s (%s) waits for the protection officers of working group %s",
        follow_up_id,
        follow_up["kind"],
        follow_up["household__working_group_id"],
    )


@task()
def intention_import_task(*, run_id: int) -> None:
    """Import a queued survey file (the run holds it). Never raises: a bad file fails its run and
    the worker goes on with the next task."""
    from sabeel.consent.intention_import import intention_import_run

    intention_import_run(run_id=run_id)


@task()
def intention_pull_task(*, run_id: int) -> None:
    """Pull the survey's submissions from a KoboToolbox or ODK Central server (the run names the
    source). Never raises: a failure is the run's status."""
    from sabeel.consent.intention_pull import pull_run

    pull_run(run_id=run_id)


@task()
def intention_pull_due_task() -> None:
    """Queue the survey pulls whose interval has passed (what the ``intention_pull_due`` command
    does, for a scheduler that enqueues tasks rather than running commands)."""
    from sabeel.consent.intention_pull import pull_due

    pull_due()
