"""Django admin: platform administrators only (active superusers with a verified second factor),
for organisations, working groups, users and memberships — never for person records.

Signing in happens on Sabeel's own sign-in page (throttled and audited); the admin's login page
only sends people there. Every admin write is audited and nothing can be deleted: rows are
deactivated instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from sabeel.core import audit
from sabeel.core.actors import request_actor


class SabeelAdminSite(OTPAdminSite):
    site_header = _("Sabeel administration")
    site_title = _("Sabeel")
    index_title = _("Platform administration")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser and super().has_permission(request))

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url, reverse("core:sign_in"))

    def logout(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        from sabeel.core.auth_views import sign_out

        return sign_out(request)

    def password_change(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        actor = request_actor(request)
        response = super().password_change(request, extra_context)
        if request.method == "POST" and response.status_code == 302:
            audit.record(actor=actor, action="auth.password_changed", target=request.user)
        return response


admin_site = SabeelAdminSite(name="admin")


class AuditedModelAdmin(admin.ModelAdmin):
    """Every save through the admin is audited (which fields changed, never their values); rows
    are never deleted here."""

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        actor = request_actor(request)
        super().save_model(request, obj, form, change)
        audit.record(
            actor=actor,
            action=f"admin.{obj._meta.model_name}.{'changed' if change else 'created'}",
            target=obj,
            data={"changed_fields": sorted(form.changed_data)},
        )

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        raise PermissionDenied

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        raise PermissionDenied
