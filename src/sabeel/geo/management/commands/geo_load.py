"""``manage.py geo_load DIR``: load a reference file set (the layout of the shared data)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sabeel.core.actors import system
from sabeel.geo import loader


class Command(BaseCommand):
    help = "Load admin units, names and border crossings from a directory in the layout of the shared reference data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="directory holding syria/, hosts/ and borders/")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = loader.geo_load(options["directory"], actor=system("geo_load"))
        except loader.ReferenceSetRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            raise CommandError(refused.message) from refused
        self.stdout.write(self.style.SUCCESS(report.summary()))
        self.stdout.write(_("Files loaded: %(files)s") % {"files": ", ".join(report.files)})
        if report.absent:
            self.stdout.write(_("Not in the directory (skipped): %(files)s") % {"files": ", ".join(report.absent)})
        self.stdout.write(
            _("Boundaries: %(stored)d stored, %(unchanged)d unchanged, %(unmatched)d without a known unit")
            % {"stored": report.boundaries_stored, "unchanged": report.boundaries_unchanged, "unmatched": report.boundaries_unmatched}
        )
        if report.not_stored:
            self.stdout.write(_("Polygons not stored: %(files)s") % {"files": ", ".join(report.not_stored)})
