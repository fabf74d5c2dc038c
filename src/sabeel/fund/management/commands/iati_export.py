"""Write the fund's projects and transactions as IATI 2.03 activity XML to PATH."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sabeel.core import audit
from sabeel.core.actors import system


class Command(BaseCommand):
    help = "Export the reconstruction fund's projects and transactions as IATI 2.03 activity XML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        from sabeel.fund.exports import iati_xml
        from sabeel.fund.models import Project

        projects = list(Project.objects.select_related("subdistrict", "implementer__organisation").exclude(status="candidate").order_by("working_group_id", "code"))
        path: Path = options["path"]
        path.write_bytes(iati_xml(projects))
        audit.record(actor=system("iati_export"), action="fund.iati_exported", data={"projects": len(projects)})
        self.stdout.write(f"IATI: {len(projects)} activities written to {path}.")
