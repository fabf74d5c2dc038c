"""Queue a full refresh of the funnel snapshot, unless one is already queued or running.

Verdicts change with time alone (a cooling-off period ends, a consent expires, a re-confirmation
window closes), so the snapshot is refreshed on a schedule as well as when a household's facts
change: ``make serve`` runs this every ``FUNNEL_EVERY`` seconds (an hour); production schedules
it the same way (a timer or cron job beside the task worker)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Queue a full refresh of the funnel snapshot (skipped while one is queued or running)."

    def handle(self, *args: Any, **options: Any) -> None:
        from django.db import transaction

        from sabeel.core.actors import system
        from sabeel.core.models import RUN_FINISHED, Run
        from sabeel.reports.snapshot import RUN_KIND, refresh_all

        busy = Run.objects.filter(kind=RUN_KIND).exclude(status__in=RUN_FINISHED).first()
        if busy is not None:
            self.stdout.write(f"funnel refresh run {busy.pk} is still {busy.status}: nothing queued")
            return
        with transaction.atomic():
            run = refresh_all(actor=system("funnel_refresh"))
        self.stdout.write(f"funnel refresh queued as run {run.pk}")
