"""Area conditions (C9): per Syrian admin unit, the 2018 protection thresholds with status, text in
both languages, source and date; and the versioned information package generated from them.

Conditions are information for the person, never a reason to refuse their decision to return."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sabeel.core.models import BaseModel


class Threshold(models.TextChoices):
    SAFETY = "safety", _("Safety and security")
    AMNESTY = "amnesty", _("Amnesty")
    DOCUMENTATION = "documentation", _("Civil documentation")
    HLP = "hlp", _("Housing, land and property")
    SERVICES = "services", _("Basic services")
    MONITOR_ACCESS = "monitor_access", _("Access for monitors")
    MOVEMENT = "movement", _("Freedom of movement")


class ConditionStatus(models.TextChoices):
    MET = "met", _("Met")
    PARTLY_MET = "partly_met", _("Partly met")
    NOT_MET = "not_met", _("Not met")
    UNKNOWN = "unknown", _("Unknown")


class AreaCondition(BaseModel):
    """One dated entry of the register. A newer entry for the same unit and threshold supersedes an
    older one; nothing is deleted. Only the safety threshold carries the active-hostilities flag."""

    admin_unit = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="conditions", verbose_name=_("admin unit"))
    threshold = models.CharField(_("threshold"), max_length=24, choices=Threshold.choices)
    status = models.CharField(_("status"), max_length=16, choices=ConditionStatus.choices, default=ConditionStatus.UNKNOWN)
    active_hostilities = models.BooleanField(_("active hostilities"), default=False)
    text_en = models.TextField(_("text (English)"), blank=True)
    text_ar = models.TextField(_("text (Arabic)"), blank=True)
    source = models.CharField(_("source"), max_length=300)
    as_of = models.DateField(_("as of"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("area condition")
        verbose_name_plural = _("area conditions")
        indexes = [models.Index(fields=["admin_unit", "threshold", "-as_of", "-id"], name="condition_latest")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(active_hostilities=False) | models.Q(threshold="safety"),
                name="hostilities_flag_on_safety_only",
                violation_error_message=_("Only the safety threshold carries the active-hostilities flag."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.admin_unit_id} {self.threshold} {self.as_of}"


class AreaObservation(BaseModel):
    """A dated fact observed in a Syrian admin unit by the platform itself (a fund project completed
    there, a monitoring visit found something), written by a named system actor and citing its
    source (the project's code, the visit's id; never a person's name). It has no status: it is
    information shown beside the threshold statuses, which only protection officers set, and it
    never changes one nor the active-hostilities flag. Never changed or deleted."""

    admin_unit = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="observations", verbose_name=_("admin unit"))
    threshold = models.CharField(_("about (threshold)"), max_length=24, choices=Threshold.choices)
    observed_on = models.DateField(_("observed on"))
    text_en = models.TextField(_("text (English)"))
    text_ar = models.TextField(_("text (Arabic)"))
    source = models.CharField(_("source"), max_length=300)
    system_actor = models.CharField(_("written by (system actor)"), max_length=64)
    # The record it comes from, by type and id as in the audit trail (``monitoring.visit``, 123),
    # so a page can cite "visit 123"; empty for entries that cite their source in words only.
    cites_type = models.CharField(_("cites (record type)"), max_length=64, blank=True, default="")
    cites_id = models.CharField(_("cites (record id)"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("observed entry")
        verbose_name_plural = _("observed entries")
        indexes = [
            models.Index(fields=["admin_unit", "-observed_on", "-id"], name="observation_latest"),
            models.Index(fields=["cites_type", "cites_id"], name="observation_cites"),
        ]

    def __str__(self) -> str:
        return f"{self.admin_unit_id} {self.threshold} {self.observed_on}"


class InformationPackage(BaseModel):
    """The information shown in counselling for a destination, in one language, generated from the
    register. A new version is made whenever the content changes; consents record which one the
    person saw."""

    admin_unit = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="information_packages", verbose_name=_("destination"))
    language = models.CharField(_("language"), max_length=2)
    version = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    digest = models.CharField(_("content digest"), max_length=64)

    class Meta:
        verbose_name = _("information package")
        verbose_name_plural = _("information packages")
        constraints = [
            models.UniqueConstraint(fields=["admin_unit", "language", "version"], name="one_package_version"),
        ]

    def __str__(self) -> str:
        return f"{self.admin_unit_id}/{self.language}/v{self.version}"
