"""Demo data for data sharing (``make demo``): per host-country group, an agreement with the
authority of its main crossing covering names for the crossing manifests, and one with the payment
provider covering names and phones for the return-grant payment files, so that both hand-overs can
be tried (and the share log shows them). The terms are illustrative, not anyone's real agreement;
the organisations are demo ones. Idempotent: an agreement whose reference exists is left alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sabeel.core.actors import as_actor
from sabeel.core.roles import FieldGroup
from sabeel.sharing.choices import LegalBasis
from sabeel.sharing.models import Agreement
from sabeel.sharing.services import agreement_create, group_today
from sabeel.workgroups.models import Organisation, OrganisationKind, WorkingGroup

# group: (reference, English name, Arabic name) of the crossing authority
AUTHORITIES = {
    "lb": ("LB-DSA-CROSSING-DEMO", "Masnaa crossing authority (demo)", "سلطة معبر المصنع (تجريبي)"),
    "jo": ("JO-DSA-CROSSING-DEMO", "Jaber crossing authority (demo)", "سلطة معبر جابر (تجريبي)"),
}
PAYMENTS = {"lb": "LB-DSA-PAYMENTS-DEMO", "jo": "JO-DSA-PAYMENTS-DEMO"}
PAYMENT_PROVIDER = "Migration Agency (demo)"  # one of the cast's organisations


def demo_sharing_load(*, users: Mapping[str, Any]) -> str:
    """``users``: the cast's users by username (``lb_administrator``…)."""
    made = []
    provider = Organisation.objects.filter(name=PAYMENT_PROVIDER).first()
    for code, (reference, name, name_ar) in AUTHORITIES.items():
        group = WorkingGroup.objects.filter(code=code).first()
        admin = users.get(f"{code}_administrator")
        if group is None or admin is None:
            continue
        authority, _ = Organisation.objects.get_or_create(
            name=name, defaults={"name_ar": name_ar, "kind": OrganisationKind.HOST_AUTHORITY}
        )
        today = group_today(group)
        terms: dict[str, Any] = {
            "level": "person",
            "categories": [str(FieldGroup.NAMES_CONTACTS)],
            "onward_transfer_banned": True,
            "requires_consent": False,
            "starts_on": today - dt.timedelta(days=30),
            "expires_on": today + dt.timedelta(days=335),
        }
        wanted = [
            (reference, authority, "Crossing manifests of organised returns", LegalBasis.VITAL_INTERESTS, 30),
            (PAYMENTS[code], provider, "Return grant payments", LegalBasis.MANDATE, 90),
        ]
        for ref, party, purpose, basis, retention in wanted:
            if party is None or Agreement.objects.filter(reference=ref).exists():
                continue
            agreement_create(
                actor=as_actor(admin), working_group=group, reference=ref, parties=[party.pk], purpose=purpose,
                legal_basis=basis, retention_days=retention, **terms,
            )  # fmt: skip
            made.append(ref)
    return f"Data sharing: {len(made)} demo agreements in force ({', '.join(made) or 'already loaded'})."
