from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from sabeel.core.roles import render_markdown


def permissions_doc_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "permissions.md"


class Command(BaseCommand):
    help = "Render the role × action × field-group table into docs/permissions.md."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="Exit 1 if the file is out of date.")

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        path = permissions_doc_path()
        text = render_markdown()
        if check:
            if not path.exists() or path.read_text() != text:
                self.stderr.write(f"{path} is out of date: run `python manage.py permissions_doc`.")
                raise SystemExit(1)
            self.stdout.write(f"{path} is up to date.")
            return
        path.write_text(text)
        self.stdout.write(f"Wrote {path}")
