"""Users, organisations, working groups and memberships (capability C3)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sabeel.core.i18n import in_page_language
from sabeel.core.models import BaseModel
from sabeel.core.roles import Role


class User(AbstractUser):
    """A staff user. Refugees are not users: they act through the self-service page."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=[("en", "English"), ("ar", "العربية")], default="en"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class OrganisationKind(models.TextChoices):
    HOST_AUTHORITY = "host_authority", _("Host-country authority")
    UN_AGENCY = "un_agency", _("UN agency")
    NGO = "ngo", _("NGO")
    SPONSOR_GOVERNMENT = "sponsor_government", _("Sponsor government")
    DONOR = "donor", _("Donor")
    MONITOR = "monitor", _("Independent monitor")
    PLATFORM = "platform", _("Platform operator")


class Organisation(BaseModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_ar = models.CharField(_("Arabic name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        """The name in the active language (Arabic pages get the Arabic name when there is one)."""
        return in_page_language(self.name, self.name_ar)


class WorkingGroupKind(models.TextChoices):
    HOST_COUNTRY = "host_country", _("Host-country working group")
    RECONSTRUCTION = "reconstruction", _("Joint reconstruction group")


class HostCountry(models.TextChoices):
    LEBANON = "LB", _("Lebanon")
    JORDAN = "JO", _("Jordan")
    TURKIYE = "TR", _("Türkiye")
    IRAQ = "IQ", _("Iraq")
    EGYPT = "EG", _("Egypt")


HOST_TIME_ZONES: dict[str, str] = {
    HostCountry.LEBANON: "Asia/Beirut",
    HostCountry.JORDAN: "Asia/Amman",
    HostCountry.TURKIYE: "Europe/Istanbul",
    HostCountry.IRAQ: "Asia/Baghdad",
    HostCountry.EGYPT: "Africa/Cairo",
}


class WorkingGroup(BaseModel):
    """One per host country, plus the joint reconstruction group."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_ar = models.CharField(_("Arabic name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=WorkingGroupKind.choices)
    host_country = models.CharField(
        _("host country"), max_length=2, choices=HostCountry.choices, null=True, blank=True
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    is_active = models.BooleanField(_("active"), default=True)

    sabeel_scope = "self"
    sabeel_view_action = "workgroup.view"

    class Meta:
        ordering = ["code"]
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        constraints = [
            models.UniqueConstraint(
                fields=["host_country"],
                condition=Q(kind="host_country"),
                name="one_working_group_per_host_country",
                violation_error_message=_("This host country already has a working group."),
            ),
            models.CheckConstraint(
                condition=Q(kind="reconstruction", host_country__isnull=True)
                | Q(kind="host_country", host_country__isnull=False),
                name="host_country_iff_host_group",
                violation_error_message=_("A host-country working group needs a host country; the reconstruction group has none."),
            ),
        ]

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        """The name in the active language (Arabic pages get the Arabic name)."""
        return in_page_language(self.name, self.name_ar)

    @property
    def working_group_id(self) -> int:
        return self.pk


class MembershipApproval(models.TextChoices):
    APPROVED = "approved", _("Approved")
    PENDING = "pending", _("Waiting for a second administrator")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self, on: dt.date | None = None) -> MembershipQuerySet:
        from django.utils import timezone

        day = on or timezone.now().date()
        return self.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=day),
            is_active=True,
            approval=MembershipApproval.APPROVED,
            starts_on__lte=day,
            working_group__is_active=True,
            user__is_active=True,
        )


class Membership(BaseModel):
    """A user's role in one working group, for a period. A user may hold several."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("user"))
    working_group = models.ForeignKey(
        WorkingGroup, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("working group")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # A membership granting a person-level role, made or widened by an administrator, grants
    # nothing until a second administrator approves it (``services.membership_approve``).
    approval = models.CharField(
        _("approval"), max_length=16, choices=MembershipApproval.choices, default=MembershipApproval.APPROVED
    )
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("requested by")
    )
    approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    sabeel_scope = "working_group"
    sabeel_view_action = "workgroup.view"

    class Meta:
        ordering = ["working_group__code", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
            # A requested membership is approved by someone else than its requester and its holder.
            models.CheckConstraint(
                condition=Q(approval="pending", requested_by__isnull=False, approved_by__isnull=True)
                | Q(approval="approved", requested_by__isnull=True)
                | (
                    Q(approval="approved", approved_by__isnull=False)
                    & ~Q(approved_by=models.F("requested_by"))
                    & ~Q(approved_by=models.F("user"))
                ),
                name="membership_approved_by_a_second_administrator",
                violation_error_message=_("A second administrator, not the requester nor the member, must approve this membership."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.working_group}"
