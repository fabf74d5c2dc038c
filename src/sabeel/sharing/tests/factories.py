"""Agreements for tests, recorded through the services by the group's administrator."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sabeel.sharing.models import Agreement
from sabeel.sharing.services import agreement_create, group_today
from sabeel.workgroups.testing import Cast

PURPOSE = "Reception on arrival"


def agreement_make(cast: Cast, group: str = "lb", **values: Any) -> Agreement:
    today = group_today(cast.groups[group])
    defaults: dict[str, Any] = {
        "reference": f"{group.upper()}-DSA-{Agreement.objects.count() + 1}",
        "parties": [cast.organisations["iom"]],
        "purpose": PURPOSE,
        "level": "person",
        "categories": ["names_contacts", "documents", "specific_needs"],
        "legal_basis": "consent",
        "retention_days": 90,
        "onward_transfer_banned": True,
        "requires_consent": True,
        "starts_on": today - dt.timedelta(days=10),
        "expires_on": today + dt.timedelta(days=100),
    }
    return agreement_create(actor=cast[f"{group}_administrator"], working_group=cast.groups[group], **{**defaults, **values})


def sharing_consent(
    cast: Cast,
    person: Any,
    *,
    parties: list[Any] | None = None,
    categories: list[str] | None = None,
    purpose: str = PURPOSE,
    group: str = "lb",
) -> Any:
    """The person's consent to share, recorded by the group's protection officer (today)."""
    from sabeel.consent import services

    return services.sharing_consent_record(
        actor=cast[f"{group}_protection_officer"],
        individual=person,
        parties=[p.pk for p in (parties or [cast.organisations["iom"]])],
        data_categories=categories or ["identity", "contacts", "documents", "specific_needs"],
        purpose=purpose,
    )
