"""``manage.py audit_verify``: check the audit chain and name the first bad row (exit 1 if any)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sabeel.core import audit


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; exit 0 when intact, 1 naming the first bad row."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            type=audit.Anchor.parse,
            help="'<seq>:<mac>' printed by an earlier run and kept outside the database; that row must still be there.",
        )

    def handle(self, *args: Any, anchor: audit.Anchor | None = None, **options: Any) -> None:
        result = audit.verify(anchor=anchor)
        if not result.ok:
            raise CommandError(
                _("Audit trail broken at row %(seq)s: %(reason)s. Rows checked before it: %(checked)s.")
                % {"seq": result.first_bad_seq, "reason": result.reason, "checked": result.checked},
                returncode=1,
            )
        self.stdout.write(_("Audit trail intact: %(checked)s rows checked.") % {"checked": result.checked})
        if result.last is not None:
            self.stdout.write(_("Anchor to keep outside the database: %(anchor)s") % {"anchor": result.last})
