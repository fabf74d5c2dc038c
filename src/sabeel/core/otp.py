"""The second factor: an authenticator app (TOTP device) and backup codes (static tokens).

A user has at most one TOTP device, named ``default``. Until it is confirmed by a code the user is
sent to enrolment after the password. Backup codes live on a static device named ``backup``;
each code is shown once, when the set is generated, and is consumed when used.
"""

from __future__ import annotations

import re
import time
from base64 import b32encode
from enum import StrEnum
from typing import Any

from django.db import transaction
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from sabeel.core import audit
from sabeel.core.actors import Actor, as_actor, system
from sabeel.core.tokens import api_tokens_revoke_all

TOTP_DEVICE_NAME = "default"
BACKUP_DEVICE_NAME = "backup"
BACKUP_CODE_COUNT = 10

_DIGITS = re.compile(r"^\d{6,8}$")
_BACKUP_SEPARATORS = re.compile(r"[\s\-]")


class Factor(StrEnum):
    TOTP = "totp"
    BACKUP_CODE = "backup_code"


def confirmed_totp_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user: Any) -> TOTPDevice:
    """The unconfirmed TOTP device the user is enrolling (created with a fresh random key)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def otpauth_uri(device: TOTPDevice) -> str:
    """The ``otpauth://totp/…`` URI an authenticator app reads (issuer from ``OTP_TOTP_ISSUER``)."""
    return str(device.config_url)


def secret_base32(device: TOTPDevice) -> str:
    """The device's key in base32, grouped by four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def current_code(device: TOTPDevice) -> str:
    """The code the device's authenticator app shows now (demo and tests only)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def backup_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify_code(user: Any, code: str) -> tuple[Device, Factor] | None:
    """The device that accepts ``code`` (an app code, or an unused backup code, which is consumed).

    Digits are tried against the authenticator app only, anything else against the backup codes,
    so that a mistyped code does not count against the wrong device's own back-off."""
    code = code.strip()
    with transaction.atomic():
        if _DIGITS.match(code):
            for device in TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update():
                if device.verify_token(code):
                    return device, Factor.TOTP
            return None
        normalised = _BACKUP_SEPARATORS.sub("", code).lower()
        if not normalised:
            return None
        for backup in StaticDevice.objects.devices_for_user(user, confirmed=True).select_for_update():
            if backup.verify_token(normalised):
                return backup, Factor.BACKUP_CODE
    return None


@transaction.atomic
def enrolment_confirm(*, user: Any, device: TOTPDevice, code: str) -> bool:
    """Confirm the device being enrolled with a code from the app; audited when it succeeds."""
    locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=user, confirmed=False).first()
    code = code.strip()
    if locked is None or not _DIGITS.match(code) or not locked.verify_token(code):
        return False
    locked.confirmed = True
    locked.save(update_fields=["confirmed"])
    device.confirmed = True
    audit.record(actor=as_actor(user), action="auth.otp_enrolled", target=user, data={"device_id": locked.pk})
    # A new app means the old second factor is gone: no token made under it outlives it.
    api_tokens_revoke_all(actor=as_actor(user), user=user, reason="otp_enrolled")
    return True


@transaction.atomic
def backup_codes_generate(*, user: Any) -> list[str]:
    """A new set of backup codes for the user, replacing the old set. The caller shows them once."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=BACKUP_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    audit.record(actor=as_actor(user), action="auth.backup_codes_generated", target=user, data={"code_count": len(codes)})
    return codes


def devices_reset(user: Any, *, actor: Actor | None = None) -> None:
    """Make every second factor of the user unusable: the app's key is replaced and unconfirmed,
    the backup codes are dropped, and every API token of the user is revoked (audited, in the
    name of ``actor``). The user enrols again at the next sign-in. (Call through
    ``workgroups.services.otp_device_reset``, which checks and audits the reset itself.)"""
    api_tokens_revoke_all(actor=actor if actor is not None else system("otp_device_reset"), user=user, reason="otp_reset")
    for device in TOTPDevice.objects.filter(user=user).select_for_update():
        device.key = random_hex(20)
        device.confirmed = False
        device.last_t = -1
        device.drift = 0
        device.throttle_reset(commit=False)
        device.save()
    for backup in StaticDevice.objects.filter(user=user).select_for_update():
        backup.token_set.all().delete()
        backup.confirmed = False
        backup.save(update_fields=["confirmed"])
