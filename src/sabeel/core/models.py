"""Shared base model and the platform-wide records: audit trail, API tokens, sign-in attempts,
protection-case assignments and break-glass openings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every Sabeel row knows when it was created and last changed (UTC)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class HouseholdScoped(models.Model):
    """A record that belongs to a household: scoped through the household's working group and read
    with ``person.view`` (see ``core.permissions.visible_to``)."""

    sabeel_scope = "household__working_group"
    sabeel_view_action = "person.view"

    class Meta:
        abstract = True


class ActorKind(models.TextChoices):
    USER = "user", _("Staff user")
    REFUGEE = "refugee", _("Refugee (self-service)")
    SYSTEM = "system", _("System job")
    ANONYMOUS = "anonymous", _("Anonymous")


class AuditEntry(models.Model):
    """One row of the append-only, hash-chained audit trail.

    Rows hold ids and action names only, never a person's name, phone or documents. ``mac`` is an
    HMAC (key outside the database) over the row's content and the previous row's ``mac``.
    """

    seq = models.BigIntegerField(_("sequence number"), primary_key=True)
    at = models.DateTimeField(_("at"))
    actor_kind = models.CharField(_("actor kind"), max_length=16, choices=ActorKind.choices)
    actor_id = models.CharField(_("actor id"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    working_group_id = models.BigIntegerField(_("working group id"), null=True, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    prev_mac = models.CharField(_("previous row's MAC"), max_length=64)
    mac = models.CharField(_("MAC"), max_length=64)

    sabeel_scope = "working_group_id"
    sabeel_view_action = "audit.view"

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["working_group_id", "seq"]),
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["actor_kind", "actor_id"]),
            # The auditors' filters (workgroups:audit): a span of days, an action within a group.
            models.Index(fields=["working_group_id", "at"], name="core_audit_group_at"),
            models.Index(fields=["working_group_id", "action", "seq"], name="core_audit_group_action"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditHead(models.Model):
    """The chain's head (last sequence number and MAC), itself keyed, so that truncating the tail
    of the trail is detected."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(_("last sequence number"))
    mac = models.CharField(_("last MAC"), max_length=64)
    head_mac = models.CharField(_("head MAC"), max_length=64)

    class Meta:
        verbose_name = _("audit head")

    def __str__(self) -> str:
        return f"head #{self.seq}"


class ApiToken(BaseModel):
    """A personal API token. Only a SHA-256 of the secret is stored; the token carries its
    owner's scope, nothing more."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"


class SignInAttempt(models.Model):
    """A sign-in attempt, kept to throttle guessing (per account and per address)."""

    at = models.DateTimeField(_("at"), db_index=True)
    username = models.CharField(_("username"), max_length=150, db_index=True)
    address = models.GenericIPAddressField(_("address"), null=True, db_index=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    stage = models.CharField(_("stage"), max_length=16, default="password")

    class Meta:
        verbose_name = _("sign-in attempt")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.stage} {'ok' if self.succeeded else 'failed'}"


class CaseAssignment(BaseModel):
    """A protection officer assigned to a person-level case (any model, by label and id)."""

    target_type = models.CharField(_("target type"), max_length=64)
    target_id = models.CharField(_("target id"), max_length=64)
    working_group_id = models.BigIntegerField(_("working group id"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_assignments", verbose_name=_("officer")
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case assignment")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.target_type} {self.target_id} → officer {self.officer_id}"


class BreakGlass(BaseModel):
    """A protection officer who is not assigned opened a protection-sensitive case, with a reason.

    Shown to the assigned officers; valid for a limited time."""

    target_type = models.CharField(_("target type"), max_length=64)
    target_id = models.CharField(_("target id"), max_length=64)
    working_group_id = models.BigIntegerField(_("working group id"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glasses", verbose_name=_("officer")
    )
    reason = models.TextField(_("reason"))
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("break-glass access")
        verbose_name_plural = _("break-glass accesses")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.target_type} {self.target_id} opened by officer {self.officer_id}"


# --- Runs: long work (imports, linkage, plans, payment runs, exports) -------------------------------


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


RUN_FINISHED = (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED)


class Run(BaseModel):
    """One piece of long work done in the background (an import, a linkage run, a plan, a payment
    run, an export): who started it, for which working group, its status and progress, its counts
    and a bounded row-by-row report. ``payload`` holds the input the worker reads (an uploaded file's
    bytes), so nothing is kept on the web server's disk. Written only through ``core.runs``."""

    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    working_group_id = models.BigIntegerField(_("working group id"), null=True, blank=True)
    actor_kind = models.CharField(_("actor kind"), max_length=16, choices=ActorKind.choices)
    actor_id = models.CharField(_("actor id"), max_length=64, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="runs",
        verbose_name=_("started by"),
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    payload = models.BinaryField(_("input"), null=True, blank=True, editable=False)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.JSONField(_("report"), default=list, blank=True)
    errors_dropped = models.PositiveIntegerField(_("report entries left out"), default=0)
    failure = models.CharField(_("failure"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    sabeel_scope = "working_group_id"

    class Meta:
        verbose_name = _("run")
        verbose_name_plural = _("runs")
        indexes = [models.Index(fields=["kind", "working_group_id", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total__isnull=True) | models.Q(done__lte=models.F("total")),
                name="core_run_done_within_total",
                violation_error_message=_("A run cannot have done more than its total."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} run #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in RUN_FINISHED

    @property
    def percent(self) -> int | None:
        if not self.total:
            return 100 if self.is_finished else None
        return min(100, self.done * 100 // self.total)


# --- the read log (issue 7, "reads": audited reads of names) ---------------------------------------


class ReadEntry(models.Model):
    """One audited read of person-level rows (a list page, a search, a file opened): who read, which
    ids (or a keyed digest of them) and how many — never names.

    Append-only like the trail (database triggers refuse UPDATE and DELETE) and MACed row by row
    with the audit key, but written without the chain lock, so readers never wait on each other.
    ``audit.reads_seal`` later commits ranges of these rows into the chain (one chain row per
    batch, naming the range and a digest)."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("at"))
    actor_kind = models.CharField(_("actor kind"), max_length=16, choices=ActorKind.choices)
    actor_id = models.CharField(_("actor id"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    working_group_id = models.BigIntegerField(_("working group id"), null=True, blank=True)
    is_list = models.BooleanField(_("list page"), default=False)
    count = models.PositiveIntegerField(_("rows returned"), default=0)
    data = models.JSONField(_("data"), default=dict, blank=True)
    mac = models.CharField(_("MAC"), max_length=64)

    sabeel_scope = "working_group_id"
    sabeel_view_action = "audit.view"

    class Meta:
        ordering = ["id"]
        verbose_name = _("audited read")
        verbose_name_plural = _("audited reads")
        indexes = [
            models.Index(fields=["actor_kind", "actor_id", "at"], name="core_read_actor_at"),
            models.Index(fields=["working_group_id", "id"], name="core_read_group"),
            # The auditors' filters on the read log: a span of days, an action, a target.
            models.Index(fields=["working_group_id", "at"], name="core_read_group_at"),
            models.Index(fields=["working_group_id", "action", "id"], name="core_read_group_action"),
            models.Index(fields=["target_type", "target_id"], name="core_read_target"),
        ]

    def __str__(self) -> str:
        return f"read #{self.id} {self.action}"
