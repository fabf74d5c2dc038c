"""``manage.py synth_load --households N [--group lb|jo|both] [--seed S]``: load synthetic households
into the registry with bulk inserts (see ``registry.bulk``). Never in production."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sabeel.core.actors import system
from sabeel.core.exceptions import ServiceError
from sabeel.registry import bulk


class Command(BaseCommand):
    help = "Load N synthetic households per working group (lb, jo or both) with bulk inserts, in one transaction per group."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, required=True, help="households to load into each group")
        parser.add_argument("--group", choices=("lb", "jo", "both"), default="both")
        parser.add_argument("--seed", type=int, default=bulk.DEMO_SEED, help="the generator's seed (same seed, same people)")
        parser.add_argument(
            "--rebuild-indexes", choices=("auto", "yes", "no"), default="auto",
            help="PostgreSQL: drop secondary indexes and foreign keys during the load (auto: for large loads)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        codes = ["lb", "jo"] if options["group"] == "both" else [options["group"]]
        rebuild = {"auto": None, "yes": True, "no": False}[options["rebuild_indexes"]]
        try:
            for group in bulk.working_groups_for(codes):
                report = bulk.synth_households_load(
                    actor=system("synth_load"), working_group=group, households=options["households"],
                    seed=options["seed"], rebuild_indexes=rebuild,
                )  # fmt: skip
                self.stdout.write(self.style.SUCCESS(f"{group.name}: {report.summary()}"))
        except ServiceError as error:
            raise CommandError(error.message) from error
