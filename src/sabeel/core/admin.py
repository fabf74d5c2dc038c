"""Django admin: platform administrators only (superusers), behind the second factor, for
organisations, users, memberships and reference data — never for person records."""

from __future__ import annotations

from django.http import HttpRequest
from django_otp.admin import OTPAdminSite


class SabeelAdminSite(OTPAdminSite):
    site_header = "Sabeel administration"
    site_title = "Sabeel"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser and super().has_permission(request))


admin_site = SabeelAdminSite(name="admin")
