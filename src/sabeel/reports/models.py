"""The funnel snapshot: one row per household, its position in the return funnel and the dated
protection verdict (``consent/eligibility.py`` is the only judge; this row is a copy, refreshed by
``reports.snapshot`` when the household's facts change and by a full background refresh)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sabeel.reports.choices import ConsentState


class HouseholdFunnel(models.Model):
    """The dated snapshot of one household's funnel position and protection verdict.

    ``eligible`` is False whenever the verdict could not be computed (``stale`` True): a household
    whose row is missing or stale is never counted as eligible. ``reasons`` holds the verdict's
    reason codes only, never a name."""

    household = models.OneToOneField(
        "registry.Household", on_delete=models.PROTECT, primary_key=True, related_name="funnel", verbose_name=_("household")
    )
    working_group = models.ForeignKey(
        "workgroups.WorkingGroup", on_delete=models.PROTECT, related_name="+", verbose_name=_("working group")
    )
    intention = models.CharField(_("latest return intention"), max_length=8, blank=True)
    consent_state = models.CharField(_("consent state"), max_length=12, choices=ConsentState.choices, default=ConsentState.NONE)
    intending_on = models.DateField(_("intending since"), null=True, blank=True)
    counselled_on = models.DateField(_("counselled on"), null=True, blank=True)
    consented_on = models.DateField(_("consented on"), null=True, blank=True)
    eligible_since = models.DateField(_("eligible since"), null=True, blank=True)
    eligible = models.BooleanField(_("eligible"), default=False)
    # After eligibility (movements and monitoring): the day each later stage was reached, or None.
    scheduled_on = models.DateField(_("scheduled on"), null=True, blank=True)
    departed_on = models.DateField(_("departed on"), null=True, blank=True)
    arrived_on = models.DateField(_("arrived on"), null=True, blank=True)
    self_organised = models.BooleanField(_("returned by its own means"), default=False)
    monitored_on = models.DateField(_("first monitoring visit on"), null=True, blank=True)
    reasons = models.JSONField(_("reason codes"), default=list, blank=True)
    stale = models.BooleanField(_("stale"), default=False)
    computed_at = models.DateTimeField(_("computed at"))

    sabeel_scope = "working_group"
    sabeel_view_action = "aggregate.view"

    class Meta:
        verbose_name = _("household funnel snapshot")
        verbose_name_plural = _("household funnel snapshots")
        indexes = [
            models.Index(fields=["working_group", "eligible"], name="funnel_group_eligible"),
            models.Index(fields=["computed_at"], name="funnel_computed"),
        ]

    def __str__(self) -> str:
        return f"funnel #{self.household_id}"
