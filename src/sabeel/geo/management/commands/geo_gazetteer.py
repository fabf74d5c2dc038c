"""``manage.py geo_gazetteer``: load the built-in gazetteer (no files needed)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from sabeel.core.actors import system
from sabeel.geo import loader


class Command(BaseCommand):
    help = "Load the built-in gazetteer: countries and the first level of Syria, Lebanon and Jordan."

    def handle(self, *args: Any, **options: Any) -> None:
        report = loader.load_gazetteer(actor=system("geo_gazetteer"))
        self.stdout.write(self.style.SUCCESS(report.summary()))
        self.stdout.write(
            _(
                "The full geography (districts, sub-districts, aliases, border crossings) loads from the "
                "reference data set in SABEEL_REFERENCE_DIR: python manage.py geo_load DIR"
            )
        )
