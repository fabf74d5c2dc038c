"""Print the current authenticator code of a user's TOTP device, for the demo.

    python manage.py demo_totp lb_registration_officer          # → 123456
    python manage.py demo_totp lb_registration_officer --uri    # also the otpauth:// URI

Refused in production. There is no way to skip the second factor; this only reads the code an
authenticator app enrolled with the persona's fixed seed would show.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from sabeel.core import otp


class Command(BaseCommand):
    help = "Print the current TOTP code of a user's authenticator device (demo and development only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--uri", action="store_true", help="also print the otpauth:// URI to enrol an app")

    def handle(self, *args: Any, username: str, uri: bool, **options: Any) -> None:
        if settings.SABEEL_PRODUCTION:
            raise CommandError("demo_totp is not available in production.")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        device = otp.confirmed_totp_device(user) or TOTPDevice.objects.filter(user=user).order_by("pk").first()
        if device is None:
            raise CommandError(f"{username!r} has no authenticator device; they enrol one at their next sign-in.")
        if not device.confirmed:
            self.stderr.write(f"{username!r} has not confirmed this device yet (enrolment pending).")
        self.stdout.write(otp.current_code(device))
        if uri:
            self.stdout.write(otp.otpauth_uri(device))
