"""The fixed cast of personas for tests: one user per role in each host-country group, plus the
joint reconstruction group's roles, an outsider with no membership and a platform administrator.

    lb = personas["lb_registration_officer"]    # Lebanon registration officer
    sign_in(client, lb)                          # signed in with a verified second factor
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from sabeel.core.roles import Role
from sabeel.workgroups.models import (
    HOST_TIME_ZONES,
    HostCountry,
    Membership,
    Organisation,
    OrganisationKind,
    User,
    WorkingGroup,
    WorkingGroupKind,
)

PASSWORD = "correct horse battery staple"  # noqa: S105 - test and demo personas only

GROUPS: dict[str, dict[str, Any]] = {
    "lb": {"code": "lb", "name": "Lebanon working group", "name_ar": "مجموعة عمل لبنان", "host_country": HostCountry.LEBANON},
    "jo": {"code": "jo", "name": "Jordan working group", "name_ar": "مجموعة عمل الأردن", "host_country": HostCountry.JORDAN},
    "jrg": {"code": "jrg", "name": "Joint reconstruction group", "name_ar": "المجموعة المشتركة لإعادة الإعمار", "host_country": None},
}
HOST_ROLES = [
    Role.REGISTRATION_OFFICER,
    Role.PROTECTION_OFFICER,
    Role.MOVEMENT_OFFICER,
    Role.FINANCE_OFFICER,
    Role.COORDINATOR,
    Role.DONOR_VIEWER,
    Role.MONITOR,
    Role.AUDITOR,
    Role.ADMINISTRATOR,
]
JRG_ROLES = [Role.RECONSTRUCTION_PLANNER, Role.FINANCE_OFFICER, Role.DONOR_VIEWER, Role.AUDITOR]
ORGANISATIONS: dict[Role | str, tuple[str, str, OrganisationKind]] = {
    "un": ("UN Refugee Agency (demo)", "وكالة الأمم المتحدة للاجئين (تجريبي)", OrganisationKind.UN_AGENCY),
    "iom": ("Migration Agency (demo)", "وكالة الهجرة (تجريبي)", OrganisationKind.UN_AGENCY),
    "ngo": ("Relief NGO (demo)", "منظمة إغاثة (تجريبي)", OrganisationKind.NGO),
    "donor": ("Donor Government (demo)", "حكومة مانحة (تجريبي)", OrganisationKind.DONOR),
    "monitor": ("Protection Monitor (demo)", "مراقب الحماية (تجريبي)", OrganisationKind.MONITOR),
    "platform": ("Sabeel platform (demo)", "منصة سبيل (تجريبي)", OrganisationKind.PLATFORM),
}
_ORG_FOR_ROLE = {
    Role.REGISTRATION_OFFICER: "un",
    Role.PROTECTION_OFFICER: "un",
    Role.MOVEMENT_OFFICER: "iom",
    Role.FINANCE_OFFICER: "ngo",
    Role.RECONSTRUCTION_PLANNER: "ngo",
    Role.COORDINATOR: "un",
    Role.DONOR_VIEWER: "donor",
    Role.MONITOR: "monitor",
    Role.AUDITOR: "monitor",
    Role.ADMINISTRATOR: "platform",
}


def totp_seed(username: str) -> str:
    """A fixed 20-byte TOTP seed (hex) per persona, so demo users can enrol their app once."""
    import hashlib

    return hashlib.sha1(f"sabeel-demo-totp:{username}".encode()).hexdigest()  # noqa: S324 - a fixed demo seed


@dataclass
class Cast:
    users: dict[str, User]
    groups: dict[str, WorkingGroup]
    organisations: dict[str, Organisation]

    def __getitem__(self, key: str) -> User:
        return self.users[key]


def persona_username(group: str, role: Role) -> str:
    return f"{group}_{role.value}"


def create_cast(*, since: dt.date | None = None) -> Cast:
    """Create (or reuse) the working groups, organisations and persona users. Idempotent."""
    start = since or (timezone.now().date() - dt.timedelta(days=365))
    organisations = {
        key: Organisation.objects.get_or_create(name=name, defaults={"name_ar": name_ar, "kind": kind})[0]
        for key, (name, name_ar, kind) in ORGANISATIONS.items()
    }
    groups: dict[str, WorkingGroup] = {}
    for key, spec in GROUPS.items():
        country = spec["host_country"]
        groups[key] = WorkingGroup.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "name_ar": spec["name_ar"],
                "kind": WorkingGroupKind.HOST_COUNTRY if country else WorkingGroupKind.RECONSTRUCTION,
                "host_country": country,
                "time_zone": HOST_TIME_ZONES[country] if country else "UTC",
            },
        )[0]
    users: dict[str, User] = {}
    for group_key, roles in (("lb", HOST_ROLES), ("jo", HOST_ROLES), ("jrg", JRG_ROLES)):
        for role in roles:
            username = persona_username(group_key, role)
            user = _user(username, display_name=f"{GROUPS[group_key]['code'].upper()} {role.label}")
            Membership.objects.get_or_create(
                user=user,
                working_group=groups[group_key],
                role=role,
                defaults={"organisation": organisations[_ORG_FOR_ROLE[role]], "starts_on": start},
            )
            users[username] = user
    users["outsider"] = _user("outsider", display_name="Outsider without membership")
    # Two platform administrators: a membership granting a person-level role needs a second one's approval.
    for username, display_name in (
        ("platform_admin", "Platform administrator"),
        ("platform_admin_2", "Second platform administrator"),
    ):
        superuser = _user(username, display_name=display_name)
        if not superuser.is_superuser:
            superuser.is_superuser = superuser.is_staff = True
            superuser.save(update_fields=["is_superuser", "is_staff"])
        users[username] = superuser
    return Cast(users=users, groups=groups, organisations=organisations)


def _user(username: str, *, display_name: str) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"display_name": display_name})
    if created:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    TOTPDevice.objects.get_or_create(user=user, name="default", defaults={"key": totp_seed(username), "confirmed": True})
    return user


def sign_in(client: Client, user: User) -> Client:
    """Sign ``user`` in on ``client`` with a verified second factor, as the sign-in page would."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    assert device is not None, "persona has no TOTP device"
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def audit_trail_wipe_for_tests() -> None:
    """Empty the audit trail and the read log as only a database owner could (triggers off, then
    on again).

    For tests whose writes commit (``transaction=True``, browser tests): Django's flush at teardown
    would otherwise hit the append-only triggers. Never used outside tests."""
    import importlib

    from django.db import connection, transaction

    append_only = {
        "core_auditentry": importlib.import_module("sabeel.core.migrations.0003_audit_append_only"),
        "core_readentry": importlib.import_module("sabeel.core.migrations.0005_read_log"),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for table, migration in append_only.items():
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a fixed table name
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            else:
                for sql in migration.SQLITE_REVERSE:
                    cursor.execute(sql)
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a fixed table name
                for sql in migration.SQLITE:
                    cursor.execute(sql)
        cursor.execute("DELETE FROM core_audithead")
