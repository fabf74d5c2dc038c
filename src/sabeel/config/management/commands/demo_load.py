"""Load the demo data set that `make demo` serves. Refuses to run against production settings.

Every later capability extends it (registry households, consents, movements, the fund, people
registered twice and a duplicate run to review: ``config.demo_identity``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sabeel.core import audit
from sabeel.core.actors import system


class Command(BaseCommand):
    help = "Load demo organisations, working groups, users and geography (never in production)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.SABEEL_PRODUCTION:
            raise CommandError("demo_load refuses to run against production settings.")
        from sabeel.workgroups.testing import PASSWORD, create_cast

        with transaction.atomic():
            cast = create_cast()
            audit.record(actor=system("demo_load"), action="demo.loaded", data={"users": len(cast.users)})
        self._geography()
        from sabeel.registry.bulk import demo_households_load

        self.stdout.write(demo_households_load(actor=system("demo_load")))  # 10,000 households per host group
        from sabeel.config.demo_identity import DEMO_RUN_GROUP, demo_identity_load

        # People registered twice (Arabic only, then Latin only by another agency) and a queued duplicate run.
        self.stdout.write(demo_identity_load(officer=cast.users.get(f"{DEMO_RUN_GROUP}_registration_officer")))
        from sabeel.consent.demo import demo_voluntariness_load

        self.stdout.write(demo_voluntariness_load(actor=system("demo_load")))
        from sabeel.fund.demo import demo_fund_load

        self.stdout.write(demo_fund_load(cast=cast))  # donors, pledges, projects, the ledger

        from sabeel.sharing.demo import demo_sharing_load

        # Agreements in force with the crossing authorities and the payment provider (names only).
        self.stdout.write(demo_sharing_load(users=cast.users))
        from sabeel.movements.demo import demo_movements_load

        # Crossings, departure points, eligible households and an approved plan with manifests.
        self.stdout.write(demo_movements_load(users=cast.users))
        from sabeel.assistance.demo import demo_after_crossing_load

        # Arrivals, a paid and a failed payment, deregistrations in each state, monitoring visits.
        self.stdout.write(demo_after_crossing_load(users=cast.users))
        from sabeel.monitoring.demo import demo_monitoring_load

        # Families back home for months, assigned to the monitors and visited, with findings.
        self.stdout.write(demo_monitoring_load(users=cast.users))
        self._funnel()
        self._print_users(cast, PASSWORD)

    def _funnel(self) -> None:
        """The funnel snapshot of every household loaded (a run record, done here, batch by batch)."""
        from sabeel.core import runs
        from sabeel.registry.models import Household
        from sabeel.reports.snapshot import RUN_KIND, refresh_all_run

        run = runs.run_create(actor=system("demo_load"), kind=RUN_KIND, total=Household.objects.count())
        done = refresh_all_run(run_id=run.pk)
        status = done.status if done is not None else "not run"
        self.stdout.write(f"Funnel snapshot: {run.total:,} households, {status}.")

    def _geography(self) -> None:
        from sabeel.geo import loader

        reference = settings.SABEEL_REFERENCE_DIR
        if reference is not None:
            report = loader.geo_load(reference, actor=system("demo_load"))
            self.stdout.write(f"Geography: loaded the full reference set from {reference} ({report.summary()}).")
        else:
            loader.load_gazetteer(actor=system("demo_load"))
            self.stdout.write(
                "Geography: loaded the built-in gazetteer (14 Syrian governorates, Lebanon and Jordan first level).\n"
                "  The full geography loads from SABEEL_REFERENCE_DIR: `python manage.py geo_load DIR`."
            )

    def _print_users(self, cast: Any, password: str) -> None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from sabeel.core.otp import otpauth_uri

        self.stdout.write("")
        self.stdout.write(f"Demo users (password for all: {password!r})")
        self.stdout.write("Second factor: add the otpauth URI to an authenticator app, or run")
        self.stdout.write("  .venv/bin/python manage.py demo_totp USERNAME   to print the current code.")
        for username in sorted(cast.users):
            device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
            uri = otpauth_uri(device) if device else "(no device)"
            self.stdout.write(f"  {username:34} {uri}")
