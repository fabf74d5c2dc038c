"""``manage.py names_reindex``: recompute every person's generated other-script reading and search
keys (``registry.reindex``), after a change of the name model. Batches of people, short
transactions; safe to run while the platform serves (a person saved meanwhile is indexed by the save)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sabeel.registry.models import Individual, NameKey
from sabeel.registry.reindex import BATCH, names_reindex


class Command(BaseCommand):
    help = "Recompute the generated readings and search keys of every person (after a change of the name model)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=BATCH, help="people per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        def report(done: int, total: int) -> None:
            self.stdout.write(f"{done:,} of {total:,} people reindexed")

        count = names_reindex(Individual, NameKey, batch=options["batch"], progress=report if options["verbosity"] > 1 else None)
        self.stdout.write(self.style.SUCCESS(f"{count:,} people reindexed"))
