"""Merges: a reversible link from a merged record to the surviving identity.

A merge changes no other row: both people stay, with everything recorded for them, and every
reader resolves the merged record to its survivor through the active link (the eligibility
adapter, the selectors of this app). Undoing a merge ends the link; nothing else needs restoring."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sabeel.core.models import BaseModel

__all__ = ["FamilyDecision", "LinkState", "PersonLink"]


class LinkState(models.TextChoices):
    PENDING = "pending", _("Waiting for a protection officer's decision")
    ACTIVE = "active", _("In effect")
    REFUSED = "refused", _("Refused by a protection officer")
    REVERSED = "reversed", _("Unmerged")


class FamilyDecision(models.TextChoices):
    JOIN = "join", _("Join: the person belongs to the surviving record's household (the other household is split)")
    REFUSE = "refuse", _("Refuse: the two records stay apart (the merge is not made)")


class PersonLink(BaseModel):
    """``merged`` is the same person as ``survivor``. In effect while ``state`` is active; a merge
    across households waits (pending) for a protection officer's join or refuse decision; an
    unmerge reverses it. ``snapshot`` keeps what the two records were when merged (ids, households,
    versions), for the record: the merge changed nothing else, so the unmerge restores by ending
    the link. A record is merged (or pending) once at a time."""

    merged = models.ForeignKey(
        "registry.Individual", on_delete=models.PROTECT, related_name="merge_links", verbose_name=_("merged record")
    )
    survivor = models.ForeignKey(
        "registry.Individual", on_delete=models.PROTECT, related_name="survivor_links", verbose_name=_("surviving record")
    )
    merged_group = models.ForeignKey(
        "workgroups.WorkingGroup", on_delete=models.PROTECT, related_name="+", verbose_name=_("working group of the merged record")
    )
    survivor_group = models.ForeignKey(
        "workgroups.WorkingGroup", on_delete=models.PROTECT, related_name="+", verbose_name=_("working group of the surviving record")
    )
    state = models.CharField(_("state"), max_length=8, choices=LinkState.choices)
    reason = models.CharField(_("reason for the merge"), max_length=500)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("merged by")
    )
    pair = models.ForeignKey(
        "identity.CandidatePair", on_delete=models.PROTECT, null=True, blank=True, related_name="merge_links",
        verbose_name=_("candidate pair reviewed"),
    )  # fmt: skip
    crosses_households = models.BooleanField(_("across households"), default=False)
    crosses_groups = models.BooleanField(_("across working groups"), default=False)
    agreement = models.ForeignKey(
        "sharing.Agreement", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("data-sharing agreement"),
    )  # fmt: skip
    share_entry_id = models.BigIntegerField(_("share log entry"), null=True, blank=True)
    effective_at = models.DateTimeField(_("in effect since"), null=True, blank=True)
    decision = models.CharField(_("protection officer's decision"), max_length=8, choices=FamilyDecision.choices, blank=True)
    decision_reason = models.CharField(_("reason for the decision"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by (protection officer)"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unmerged by")
    )
    unmerged_at = models.DateTimeField(_("unmerged at"), null=True, blank=True)
    unmerge_reason = models.CharField(_("reason for the unmerge"), max_length=500, blank=True)
    snapshot = models.JSONField(_("the records when merged"), default=dict)

    class Meta:
        verbose_name = _("merge of two records")
        verbose_name_plural = _("merges of records")
        indexes = [
            models.Index(fields=["survivor", "state"], name="link_survivor"),
            models.Index(fields=["merged", "state"], name="link_merged"),
            models.Index(fields=["state", "merged_group"], name="link_pending_group"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["merged"],
                condition=Q(state__in=["pending", "active"]),
                name="link_merged_once",
                violation_error_message=_("This record is already merged into another."),
            ),
            models.CheckConstraint(
                condition=~Q(merged=models.F("survivor")),
                name="link_not_to_itself",
                violation_error_message=_("A record cannot be merged into itself."),
            ),
            models.CheckConstraint(
                condition=~Q(state="reversed") | Q(unmerged_at__isnull=False),
                name="link_reversed_has_time",
                violation_error_message=_("An unmerge records when it was made."),
            ),
            models.CheckConstraint(
                condition=~Q(state="refused") | Q(decided_at__isnull=False, decision="refuse"),
                name="link_refused_decided",
                violation_error_message=_("A refusal is a protection officer's recorded decision."),
            ),
        ]

    def __str__(self) -> str:
        return f"merge #{self.pk}"

    @property
    def in_effect(self) -> bool:
        return self.state == LinkState.ACTIVE

    def groups(self) -> set[int]:
        return {self.merged_group_id, self.survivor_group_id}
