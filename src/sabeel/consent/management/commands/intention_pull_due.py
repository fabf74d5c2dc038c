"""Queue a pull of every active survey source whose interval has passed (schedule it every few
minutes beside the task worker, like ``audit_verify``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Queue the survey pulls that are due (KoboToolbox / ODK Central)."

    def handle(self, *args: Any, **options: Any) -> None:
        from sabeel.consent.intention_pull import pull_due

        queued = pull_due()
        self.stdout.write(f"{len(queued)} pull(s) queued: {', '.join(str(r.pk) for r in queued) or '-'}")
