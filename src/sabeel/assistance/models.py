"""Return grants: each programme's grant rules (versioned data), the entitlements a departure, an
arrival or a self-organised return creates under the rule version in force, and the payments a
payment run puts on its payment list, each once.

The idempotency key of a payment is (household, programme, rule version, instalment); a unique
constraint on it is what makes a re-run, a retried request or two officers pressing the button at
once never pay twice. Nothing is deleted: a result (paid, failed, returned) is a row of its own."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sabeel.assistance.choices import EntitlementSource, PaymentStatus, Trigger
from sabeel.core.models import BaseModel

MAX_AMOUNT = Decimal("1000000")


class GrantRule(BaseModel):
    """One version of a programme's return-grant rule: a fixed amount per family plus an amount
    per person (counting at most ``max_persons``), top-ups per person with a specific need
    (``top_ups``: need code → amount), the whole capped at ``cap``. A change is a new version; the
    entitlements keep the version they were computed with."""

    programme = models.ForeignKey(
        "consent.ReturnProgramme", on_delete=models.PROTECT, related_name="grant_rules", verbose_name=_("return programme")
    )
    version = models.PositiveIntegerField(_("version"))
    trigger = models.CharField(_("owed on"), max_length=12, choices=Trigger.choices, default=Trigger.ARRIVAL)
    include_self_organised = models.BooleanField(_("self-organised returns are owed the grant too"), default=False)
    currency = models.CharField(_("currency"), max_length=3)
    per_family = models.DecimalField(_("amount per family"), max_digits=12, decimal_places=2, default=Decimal(0))
    per_person = models.DecimalField(_("amount per person"), max_digits=12, decimal_places=2, default=Decimal(0))
    max_persons = models.PositiveSmallIntegerField(_("persons counted at most"), null=True, blank=True)
    top_ups = models.JSONField(_("top-ups per person with a specific need"), default=dict, blank=True)
    cap = models.DecimalField(_("cap per family"), max_digits=12, decimal_places=2, null=True, blank=True)
    instalments = models.PositiveSmallIntegerField(_("instalments"), default=1)
    # Deregistration: a household with no contact and no assistance for this many months may be
    # presumed to have returned, once a protection officer confirms it (empty: never presumed).
    presumed_return_months = models.PositiveSmallIntegerField(_("presumed return after (months without contact)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )

    sabeel_scope = "programme__working_group"
    sabeel_view_action = "assistance.manage"

    class Meta:
        ordering = ["programme", "-version"]
        verbose_name = _("grant rule")
        verbose_name_plural = _("grant rules")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "version"], name="as_rule_version_once", violation_error_message=_("This version already exists.")
            ),
            models.CheckConstraint(
                name="as_rule_amounts",
                condition=Q(per_family__gte=0, per_person__gte=0, per_family__lte=MAX_AMOUNT, per_person__lte=MAX_AMOUNT),
                violation_error_message=_("Amounts are between 0 and 1,000,000."),
            ),
            models.CheckConstraint(
                name="as_rule_instalments",
                condition=Q(instalments__gte=1, instalments__lte=12),
                violation_error_message=_("A grant is paid in 1 to 12 instalments."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} v{self.version}"


class Entitlement(BaseModel):
    """What one household is owed, instalment by instalment, under one version of the rule, and
    the return that made it owed (the check-in, the arrival confirmation or the self-organised
    return)."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="entitlements", verbose_name=_("household"))
    programme = models.ForeignKey("consent.ReturnProgramme", on_delete=models.PROTECT, related_name="+", verbose_name=_("return programme"))
    rule = models.ForeignKey(GrantRule, on_delete=models.PROTECT, related_name="entitlements", verbose_name=_("grant rule"))
    rule_version = models.PositiveIntegerField(_("rule version"))
    instalment = models.PositiveSmallIntegerField(_("instalment"), default=1)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    persons = models.PositiveSmallIntegerField(_("persons counted"))
    breakdown = models.JSONField(_("how the amount was reached"), default=dict, blank=True)
    source = models.CharField(_("owed because of"), max_length=16, choices=EntitlementSource.choices)
    source_id = models.PositiveBigIntegerField(_("record of the return"))

    sabeel_scope = "household__working_group"
    sabeel_view_action = "assistance.manage"

    class Meta:
        ordering = ["pk"]
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "programme", "rule_version", "instalment"],
                name="as_entitlement_once",
                violation_error_message=_("This household is already entitled to this instalment."),
            ),
        ]


class PaymentList(BaseModel):
    """The payment list one payment run made (one per run; a resumed run keeps adding to it)."""

    run = models.OneToOneField("core.Run", on_delete=models.PROTECT, related_name="payment_list", verbose_name=_("run"))
    working_group = models.ForeignKey("workgroups.WorkingGroup", on_delete=models.PROTECT, related_name="+", verbose_name=_("working group"))
    programme = models.ForeignKey("consent.ReturnProgramme", on_delete=models.PROTECT, related_name="+", verbose_name=_("return programme"))

    sabeel_scope = "working_group"
    sabeel_view_action = "assistance.manage"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payment list")
        verbose_name_plural = _("payment lists")

    def __str__(self) -> str:
        return f"list #{self.pk}"


class Payment(BaseModel):
    """One attempt at paying one entitlement, on the list of the run that made it. Its idempotency
    key is unique: whatever runs, retries or races, an entitlement is put on a list once. A failed
    or returned attempt may be re-issued by a finance officer as the next attempt (``reissue_of``
    the one it follows, once); at most one attempt of an entitlement is pending or paid at a time,
    so an instalment is never paid twice."""

    payment_list = models.ForeignKey(PaymentList, on_delete=models.PROTECT, related_name="payments", verbose_name=_("payment list"))
    entitlement = models.ForeignKey(Entitlement, on_delete=models.PROTECT, related_name="payments", verbose_name=_("entitlement"))
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    reissue_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reissue", verbose_name=_("re-issue of")
    )
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("household"))
    programme = models.ForeignKey("consent.ReturnProgramme", on_delete=models.PROTECT, related_name="+", verbose_name=_("return programme"))
    rule_version = models.PositiveIntegerField(_("rule version"))
    instalment = models.PositiveSmallIntegerField(_("instalment"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, unique=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)

    sabeel_scope = "household__working_group"
    sabeel_view_action = "assistance.manage"

    class Meta:
        ordering = ["pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "programme", "rule_version", "instalment", "attempt"],
                name="as_payment_once",
                violation_error_message=_("This instalment is already on a payment list."),
            ),
            models.UniqueConstraint(
                fields=["entitlement"],
                condition=Q(status__in=["pending", "paid"]),
                name="as_payment_live_once",
                violation_error_message=_("This instalment already has a payment pending or paid."),
            ),
        ]


class PaymentResult(BaseModel):
    """What the provider said about a payment (paid, failed, returned), from an imported file.
    The same result of the same payment is stored once: importing a file again changes nothing."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="results", verbose_name=_("payment"))
    status = models.CharField(_("result"), max_length=10, choices=PaymentStatus.choices)
    reference = models.CharField(_("provider's reference"), max_length=64, blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("imported by")
    )

    sabeel_scope = "payment__household__working_group"
    sabeel_view_action = "assistance.manage"

    class Meta:
        ordering = ["pk"]
        verbose_name = _("payment result")
        verbose_name_plural = _("payment results")
        constraints = [
            models.UniqueConstraint(fields=["payment", "status"], name="as_result_once"),
            models.CheckConstraint(name="as_result_is_an_outcome", condition=~Q(status=PaymentStatus.PENDING)),
        ]
