"""Batch duplicate runs, their candidate pairs and the review decisions.

A ``LinkageRun`` is one batch run of the linkage engine for one working group: the whole registry
of the group against itself, or an uploaded list (``ListRecord`` rows) against it. Its state,
progress (done of total), counts, who started it and when live on its ``core.Run`` (the house's
run record, shown by ``core/_run_progress.html``); the run adds the linkage's own facts: the kind,
the stage the engine reports, the backend, the trained model's settings and the task's id.

The engine's pairs at or above the floor are stored as ``CandidatePair`` rows with the evidence
(each comparison's level and weight); officers decide them (same / different / unsure) and every
decision is one ``PairDecision`` row (who, when, a note): the latest is the pair's decision.
Uploaded lists hold person data: they are scoped to the run's working group like the registry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sabeel.core.models import BaseModel

__all__ = [
    "Band",
    "CandidatePair",
    "Decision",
    "LinkageRun",
    "ListRecord",
    "PairDecision",
    "RunKind",
]

USER = settings.AUTH_USER_MODEL


class RunKind(models.TextChoices):
    REGISTRY = "registry", _("Whole registry")
    LIST = "list", _("Uploaded list against the registry")


class Band(models.TextChoices):
    LIKELY = "likely", _("Likely the same person")
    UNCERTAIN = "uncertain", _("Uncertain")


class Decision(models.TextChoices):
    PENDING = "pending", _("Not decided")
    SAME = "same", _("Same person")
    DIFFERENT = "different", _("Different people")
    UNSURE = "unsure", _("Unsure")


class LinkageRun(BaseModel):
    """One batch run of the linkage engine for one working group (see the module's docstring)."""

    run = models.OneToOneField("core.Run", on_delete=models.PROTECT, related_name="+", verbose_name=_("run record"))
    working_group = models.ForeignKey(
        "workgroups.WorkingGroup", on_delete=models.PROTECT, related_name="+", verbose_name=_("working group")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RunKind.choices)
    stage = models.CharField(_("stage"), max_length=64, blank=True)
    backend = models.CharField(_("backend"), max_length=16, default="duckdb")
    threshold = models.FloatField(_("threshold"), default=0.9)
    floor = models.FloatField(_("floor"), default=0.5)
    model_settings = models.JSONField(_("trained model's settings"), default=dict, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    records_total = models.PositiveIntegerField(_("records compared"), default=0)
    list_rows = models.PositiveIntegerField(_("rows of the list"), default=0)
    rows_refused = models.PositiveIntegerField(_("rows refused"), default=0)
    pairs_likely = models.PositiveIntegerField(_("likely pairs"), default=0)
    pairs_uncertain = models.PositiveIntegerField(_("uncertain pairs"), default=0)
    error_message = models.CharField(_("error"), max_length=200, blank=True)  # never a person's data
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    sabeel_scope = "working_group"
    sabeel_view_action = "identity.review"

    class Meta:
        verbose_name = _("duplicate run")
        verbose_name_plural = _("duplicate runs")
        indexes = [models.Index(fields=["working_group", "-created_at"], name="identity_run_group_created")]

    def __str__(self) -> str:
        return f"linkage run #{self.pk} ({self.kind})"


class ListRecord(models.Model):
    """One row of an uploaded list, as read from the file (names in either script or both,
    a partial date of birth, sex and the household's context). Person data of the run's group."""

    linkage_run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="list_records", verbose_name=_("run"))
    row_number = models.PositiveIntegerField(_("row"))
    first_name_ar = models.CharField(_("first name (Arabic)"), max_length=100, blank=True)
    father_name_ar = models.CharField(_("father's name (Arabic)"), max_length=100, blank=True)
    grandfather_name_ar = models.CharField(_("grandfather's name (Arabic)"), max_length=100, blank=True)
    family_name_ar = models.CharField(_("family name (Arabic)"), max_length=100, blank=True)
    first_name_lat = models.CharField(_("first name (Latin)"), max_length=100, blank=True)
    father_name_lat = models.CharField(_("father's name (Latin)"), max_length=100, blank=True)
    grandfather_name_lat = models.CharField(_("grandfather's name (Latin)"), max_length=100, blank=True)
    family_name_lat = models.CharField(_("family name (Latin)"), max_length=100, blank=True)
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(_("month of birth"), null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(_("day of birth"), null=True, blank=True)
    household_ref = models.CharField(_("household (as in the list)"), max_length=64, blank=True)
    household_size = models.PositiveSmallIntegerField(_("household size"), null=True, blank=True)
    head_name_ar = models.CharField(_("head's name (Arabic)"), max_length=200, blank=True)
    head_name_lat = models.CharField(_("head's name (Latin)"), max_length=200, blank=True)
    origin = models.CharField(_("origin p-code"), max_length=32, blank=True)
    reference = models.CharField(_("reference in the list"), max_length=64, blank=True)

    sabeel_scope = "linkage_run__working_group"
    sabeel_view_action = "identity.review"

    class Meta:
        verbose_name = _("row of an uploaded list")
        verbose_name_plural = _("rows of uploaded lists")
        constraints = [
            models.UniqueConstraint(fields=["linkage_run", "row_number"], name="identity_list_record_row_unique")
        ]

    def __str__(self) -> str:
        return f"list row {self.row_number} of run #{self.linkage_run_id}"


class CandidatePair(models.Model):
    """Two records the engine scored as possibly the same person: a registry individual (left)
    and another individual of the registry or a row of the uploaded list (right).

    ``uncertainty`` is ``|probability - 0.5|``, stored so that the queue can put the pairs nearest
    0.5 first through an index. ``decision`` mirrors the latest ``PairDecision``."""

    linkage_run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="pairs", verbose_name=_("run"))
    left = models.ForeignKey("registry.Individual", on_delete=models.PROTECT, related_name="+", verbose_name=_("registered person"))
    right_individual = models.ForeignKey(
        "registry.Individual", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("other registered person")
    )
    right_record = models.ForeignKey(
        ListRecord, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("row of the list")
    )
    probability = models.FloatField(_("probability"))
    match_weight = models.FloatField(_("match weight"))
    uncertainty = models.FloatField(_("distance from 0.5"))
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    band = models.CharField(_("band"), max_length=16, choices=Band.choices)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, default=Decision.PENDING)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    sabeel_scope = "linkage_run__working_group"
    sabeel_view_action = "identity.review"

    class Meta:
        verbose_name = _("candidate pair")
        verbose_name_plural = _("candidate pairs")
        indexes = [
            models.Index(fields=["linkage_run", "decision", "band", "uncertainty"], name="identity_pair_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(right_individual__isnull=False) & Q(right_record__isnull=True))
                | (Q(right_individual__isnull=True) & Q(right_record__isnull=False)),
                name="identity_pair_one_right_side",
                violation_error_message=_("A pair joins a registered person to one other record."),
            ),
            models.CheckConstraint(
                condition=Q(probability__gte=0.0) & Q(probability__lte=1.0),
                name="identity_pair_probability_range",
                violation_error_message=_("A probability lies between 0 and 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"pair #{self.pk} of run #{self.linkage_run_id}"


class PairDecision(models.Model):
    """One decision on a pair (the history is kept; the latest one is the pair's decision)."""

    pair = models.ForeignKey(CandidatePair, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("pair"))
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"))

    sabeel_scope = "pair__linkage_run__working_group"
    sabeel_view_action = "identity.review"

    class Meta:
        verbose_name = _("decision on a pair")
        verbose_name_plural = _("decisions on pairs")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.decision} on pair #{self.pair_id}"
