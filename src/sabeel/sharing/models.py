"""Data-sharing agreements (hard rule 4), their partners' API tokens and the share log.

A person's data leaves a working group only under an active, unexpired ``Agreement`` that covers
that data and purpose; every share is one ``ShareEntry`` (what, to whom, under which agreement, how
many people, a keyed digest of the ids, never a name). Nothing here is ever deleted: an agreement
is changed by a new version (``AgreementVersion`` keeps each one) and ended by revocation or expiry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sabeel.core.models import ActorKind, BaseModel
from sabeel.sharing.choices import AgreementStatus, LegalBasis, Level, ShareKind


class Agreement(BaseModel):
    """A data-sharing agreement of one working group with one or more recipient organisations."""

    working_group = models.ForeignKey(
        "workgroups.WorkingGroup", on_delete=models.PROTECT, related_name="agreements", verbose_name=_("working group")
    )
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    parties = models.ManyToManyField("workgroups.Organisation", related_name="agreements", verbose_name=_("recipients"))
    purpose = models.CharField(_("purpose"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.PERSON)
    categories = models.JSONField(_("data categories"), default=list, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=32, choices=LegalBasis.choices)
    retention_days = models.PositiveIntegerField(_("retention (days)"))
    onward_transfer_banned = models.BooleanField(_("onward transfer banned"), default=True)
    requires_consent = models.BooleanField(_("requires the person's consent to share"), default=True)
    starts_on = models.DateField(_("starts on"))
    expires_on = models.DateField(_("expires on"))
    status = models.CharField(_("status"), max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=500, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )

    sabeel_scope = "working_group"
    sabeel_view_action = "agreement.manage"

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("data-sharing agreement")
        verbose_name_plural = _("data-sharing agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("starts_on")),
                name="agreement_expires_after_start",
                violation_error_message=_("An agreement cannot expire before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(status="active") | ~Q(revoked_reason=""),
                name="agreement_revoked_with_reason",
                violation_error_message=_("A revoked agreement needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class AgreementVersion(models.Model):
    """One state of an agreement, written at its creation and at every change (append-only)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="versions", verbose_name=_("agreement"))
    version = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("content"))
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("changed by")
    )

    class Meta:
        ordering = ["agreement", "version"]
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        constraints = [models.UniqueConstraint(fields=["agreement", "version"], name="agreement_version_once")]

    def __str__(self) -> str:
        return f"{self.agreement_id} v{self.version}"


class AgreementToken(BaseModel):
    """An API token owned by an agreement (not by a person), held by one of its recipients.

    Stored as a SHA-256 hash, shown once. Valid only while its agreement is active and unexpired,
    never after its own expiry (no later than the agreement's)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="tokens", verbose_name=_("agreement"))
    recipient = models.ForeignKey(
        "workgroups.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("recipient")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )

    sabeel_scope = "agreement__working_group"
    sabeel_view_action = "agreement.manage"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("partner API token")
        verbose_name_plural = _("partner API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def working_group_id(self) -> int:
        return int(self.agreement.working_group_id)


class ShareEntry(models.Model):
    """One share of people's data out of a working group: the share log (append-only, ids only)."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=32, choices=ShareKind.choices)
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="shares", verbose_name=_("agreement"))
    working_group = models.ForeignKey(
        "workgroups.WorkingGroup", on_delete=models.PROTECT, related_name="+", verbose_name=_("working group")
    )
    recipient = models.ForeignKey(
        "workgroups.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recipient")
    )
    categories = models.JSONField(_("data categories"), default=list)
    people_count = models.PositiveIntegerField(_("people"))
    ids_digest = models.CharField(_("keyed digest of the ids"), max_length=64)
    actor_kind = models.CharField(_("actor kind"), max_length=16, choices=ActorKind.choices)
    actor_id = models.CharField(_("actor id"), max_length=64, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    token = models.ForeignKey(
        AgreementToken, on_delete=models.PROTECT, null=True, blank=True, related_name="shares", verbose_name=_("partner token")
    )
    run_id = models.BigIntegerField(_("run id"), null=True, blank=True)

    sabeel_scope = "working_group"
    sabeel_view_action = "audit.view"

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("share")
        verbose_name_plural = _("share log")
        indexes = [models.Index(fields=["working_group", "-at"], name="share_group_at")]

    def __str__(self) -> str:
        return f"share #{self.pk} ({self.kind})"


class ExportFile(BaseModel):
    """The file a person-level export run produced, kept until its requester downloads it once."""

    run = models.OneToOneField("core.Run", on_delete=models.PROTECT, related_name="+", verbose_name=_("run"))
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="+", verbose_name=_("agreement"))
    file_name = models.CharField(_("file name"), max_length=100)
    content_type = models.CharField(_("content type"), max_length=100)
    content = models.BinaryField(_("content"), null=True, blank=True, editable=False)
    downloaded_at = models.DateTimeField(_("downloaded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export file")
        verbose_name_plural = _("export files")

    def __str__(self) -> str:
        return self.file_name
