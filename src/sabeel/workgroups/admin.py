"""The platform administrators' admin pages: organisations, working groups, users, memberships.

Registered on ``sabeel.core.admin.admin_site`` only. Writes are audited by ``AuditedModelAdmin``;
nothing is deleted. The actions call the services, so they are checked and audited like any write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sabeel.core import audit
from sabeel.core.actors import request_actor
from sabeel.core.admin import AuditedModelAdmin, admin_site
from sabeel.core.exceptions import ServiceError
from sabeel.workgroups import services
from sabeel.workgroups.forms import UserCreateForm, UserEditForm
from sabeel.workgroups.models import Membership, Organisation, User, WorkingGroup


def _apply(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    rows: Iterable[Any],
    service: Callable[[Any], Any],
    done: Callable[[int], str],
) -> None:
    count = 0
    for row in rows:
        try:
            service(row)
        except ServiceError as exc:
            model_admin.message_user(request, f"{row}: {exc.message}", messages.ERROR)
        else:
            count += 1
    if count:
        model_admin.message_user(request, done(count), messages.SUCCESS)


@admin.register(Organisation, site=admin_site)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ("name", "name_ar", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "name_ar")


@admin.register(WorkingGroup, site=admin_site)
class WorkingGroupAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "name_ar", "kind", "host_country", "time_zone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "name_ar")


@admin.register(User, site=admin_site)
class SabeelUserAdmin(AuditedModelAdmin, UserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("display_name", "first_name", "last_name", "email", "preferred_language")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "display_name", "email", "preferred_language", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = ("username", "display_name", "is_active", "is_superuser", "last_login")
    list_filter = ("is_active", "is_superuser")
    search_fields = ("username", "display_name")
    filter_horizontal = ()
    actions = ("deactivate_users", "reset_otp_devices")

    @admin.action(description=_("Deactivate the selected users"))
    def deactivate_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = request_actor(request)
        _apply(
            self,
            request,
            queryset,
            lambda user: services.user_deactivate(actor=actor, user=user),
            lambda n: ngettext("%(count)d user deactivated.", "%(count)d users deactivated.", n) % {"count": n},
        )

    @admin.action(description=_("Reset the second factor (lost phone) of the selected users"))
    def reset_otp_devices(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = request_actor(request)
        _apply(
            self,
            request,
            queryset,
            lambda user: services.otp_device_reset(actor=actor, user=user),
            lambda n: ngettext(
                "Second factor reset for %(count)d user; they enrol again at their next sign-in.",
                "Second factor reset for %(count)d users; they enrol again at their next sign-in.",
                n,
            )
            % {"count": n},
        )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        actor = request_actor(request)
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            audit.record(actor=actor, action="admin.user.password_set", target=user)
        return response


@admin.register(Membership, site=admin_site)
class MembershipAdmin(AuditedModelAdmin):
    """A membership granting a person-level role, created or widened here, waits for a second
    administrator's approval (the "Approve" action), who must be neither its requester nor its
    member; the approval fields cannot be typed in."""

    list_display = ("user", "working_group", "role", "organisation", "starts_on", "ends_on", "is_active", "approval")
    list_filter = ("approval", "working_group", "role", "is_active")
    search_fields = ("user__username", "user__display_name")
    autocomplete_fields = ("user",)
    list_select_related = ("user", "working_group", "organisation")
    readonly_fields = ("approval", "requested_by", "approved_by", "approved_at")
    actions = ("end_memberships", "approve_memberships")

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        actor = request_actor(request)
        if not isinstance(obj, Membership):
            raise TypeError(obj)
        held = services.membership_needs_approval(membership=obj, changed_fields=form.changed_data if change else None)
        if held:
            services.membership_hold(actor=actor, membership=obj)
        super().save_model(request, obj, form, change)
        if held:
            services.membership_requested(actor=actor, membership=obj)
            self.message_user(
                request,
                _("This membership grants access to people's files: it takes effect once another administrator approves it."),
                messages.WARNING,
            )

    @admin.action(description=_("Approve the selected memberships (as the second administrator)"))
    def approve_memberships(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        actor = request_actor(request)
        _apply(
            self,
            request,
            queryset.select_related("user"),
            lambda membership: services.membership_approve(actor=actor, membership=membership),
            lambda n: ngettext("%(count)d membership approved.", "%(count)d memberships approved.", n) % {"count": n},
        )

    @admin.action(description=_("End the selected memberships today"))
    def end_memberships(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        actor = request_actor(request)
        _apply(
            self,
            request,
            queryset.select_related("user"),
            lambda membership: services.membership_end(actor=actor, membership=membership),
            lambda n: ngettext("%(count)d membership ended.", "%(count)d memberships ended.", n) % {"count": n},
        )
