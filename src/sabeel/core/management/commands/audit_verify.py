"""``manage.py audit_verify``: seal the read log into the chain, check the chain and the read log,
and keep the chain's anchor outside the database (exit 1, naming the first bad row, if anything
does not hold).

Each run reads the newest anchor file in the anchor directory (``SABEEL_AUDIT_ANCHOR_DIR``,
default ``var/audit-anchors/``; in production a location the database's administrators cannot
write, e.g. another host's mount or a WORM bucket's sync directory) and fails loudly unless the
chain still holds that row with that MAC; then it writes a new dated anchor file for the next
run. Someone who wipes the trail and its head, or puts an old head back, is caught at the next
run. ``make serve`` runs it every few minutes beside the task worker; production schedules it the
same way (a timer or cron job, see ``docs/architecture.md``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from sabeel.core import audit

ANCHOR_PREFIX = "audit-anchor-"


def default_anchor_dir() -> Path:
    """Where anchor files are kept (``SABEEL_AUDIT_ANCHOR_DIR``, default ``var/audit-anchors``)."""
    configured = getattr(settings, "SABEEL_AUDIT_ANCHOR_DIR", None)
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "audit-anchors"


def newest_anchor(directory: Path) -> tuple[Path, audit.Anchor] | None:
    """The newest anchor file (names sort by their UTC timestamp) and the anchor it holds."""
    if not directory.is_dir():
        return None
    files = sorted(directory.glob(f"{ANCHOR_PREFIX}*.txt"))
    if not files:
        return None
    newest = files[-1]
    lines = [line for line in newest.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    if not lines:
        raise CommandError(_("The anchor file %(path)s is empty.") % {"path": newest}, returncode=1)
    try:
        return newest, audit.Anchor.parse(lines[0])
    except ValueError as exc:
        raise CommandError(
            _("The anchor file %(path)s is not an anchor: %(error)s") % {"path": newest, "error": exc}, returncode=1
        ) from exc


def write_anchor(directory: Path, anchor: audit.Anchor) -> Path:
    """Write ``anchor`` to a new dated file, atomically (a reader never sees half a file)."""
    directory.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    path = directory / f"{ANCHOR_PREFIX}{now:%Y%m%dT%H%M%S%fZ}.txt"
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".anchor-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(f"# Sabeel audit trail anchor, {now.isoformat()}\n{anchor}\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
    return path


class Command(BaseCommand):
    help = (
        "Seal the read log, check the audit trail's hash chain, the read log and the newest anchor file; "
        "write a new dated anchor file. Exit 0 when intact, 1 naming the first bad row."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            type=audit.Anchor.parse,
            help="'<seq>:<mac>' printed by an earlier run and kept outside the database; that row must still be there.",
        )
        parser.add_argument(
            "--anchor-dir", type=Path, default=None, help="Directory of anchor files (default: SABEEL_AUDIT_ANCHOR_DIR)."
        )
        parser.add_argument(
            "--no-anchor-file", action="store_true", help="Neither read nor write an anchor file (a one-off check)."
        )
        parser.add_argument("--no-seal", action="store_true", help="Do not seal the read log into the chain first.")

    def handle(
        self,
        *args: Any,
        anchor: audit.Anchor | None = None,
        anchor_dir: Path | None = None,
        no_anchor_file: bool = False,
        no_seal: bool = False,
        **options: Any,
    ) -> None:
        if not no_seal:
            sealed = audit.reads_seal()
            if sealed is not None:
                self.stdout.write(
                    _("Sealed %(count)s reads into the chain at row %(seq)s.")
                    % {"count": sealed.data["read_count"], "seq": sealed.seq}
                )
        directory = anchor_dir or default_anchor_dir()
        kept = None if no_anchor_file else newest_anchor(directory)
        result = audit.verify(anchor=anchor, anchors=[kept[1]] if kept else [])
        if not result.ok:
            where = (
                _("Audit trail broken at row %(seq)s") % {"seq": result.first_bad_seq}
                if result.first_bad_seq is not None
                else _("Read log broken at read %(id)s") % {"id": result.first_bad_read}
            )
            message = _("%(where)s: %(reason)s. Rows checked before it: %(checked)s.") % {
                "where": where,
                "reason": result.reason,
                "checked": result.checked,
            }
            if kept is not None:
                message += " " + _("Newest anchor file: %(path)s (%(anchor)s).") % {"path": kept[0], "anchor": kept[1]}
            raise CommandError(message, returncode=1)
        self.stdout.write(
            _("Audit trail intact: %(checked)s rows checked; read log intact: %(reads)s reads checked.")
            % {"checked": result.checked, "reads": result.reads_checked}
        )
        if result.last is not None:
            self.stdout.write(_("Anchor to keep outside the database: %(anchor)s") % {"anchor": result.last})
            if not no_anchor_file:
                path = write_anchor(directory, result.last)
                self.stdout.write(_("Anchor written to %(path)s") % {"path": path})
