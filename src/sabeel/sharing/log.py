"""The share log as a table (page and HXL CSV): ids, counts and digests, never a person's name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from sabeel.core.exports import Column
from sabeel.sharing.models import ShareEntry

SHARE_LOG_COLUMNS = (
    Column("at", _("When (UTC)"), "#date +shared"),
    Column("kind", _("Kind"), "#meta +share +type"),
    Column("agreement", _("Agreement"), "#meta +agreement +code"),
    Column("working_group", _("Working group"), "#org +wg +code"),
    Column("recipient", _("Recipient"), "#org +recipient +name"),
    Column("categories", _("Data"), "#meta +categories"),
    Column("people", _("People"), "#affected +ind +num"),
    Column("digest", _("Keyed digest of the ids"), "#meta +ids +hash"),
    Column("actor_kind", _("Actor kind"), "#meta +actor +type"),
    Column("actor_id", _("Actor id"), "#meta +actor +id"),
)


def share_log_rows(entries: Iterable[ShareEntry]) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at.strftime("%Y-%m-%d %H:%M:%S"),
            "kind": e.kind,
            "agreement": e.agreement.reference,
            "working_group": e.working_group.code,
            "recipient": e.recipient.name if e.recipient else "",
            "categories": ";".join(e.categories),
            "people": e.people_count,
            "digest": e.ids_digest,
            "actor_kind": e.actor_kind,
            "actor_id": e.actor_id,
        }
        for e in entries
    ]
