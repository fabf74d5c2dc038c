"""Post-return monitoring: visits due at set months after a household's arrival, the visits a
monitor records on a phone (access, documents, housing/land/property, services, safety,
re-displacement, wish to go back), incidents with their severity and follow-up, the households
assigned to each monitor.

A visit's findings go to the area-conditions register as dated observed entries
(``conditions.AreaObservation``) citing the visit (``monitoring.visit``, its id; never a name),
written by the system actor ``monitoring.findings``: they sit beside the protection officers'
threshold statuses and can neither replace one nor clear the active-hostilities flag, because they
are not one of them. (Until migration 0002 they were rows of this app's ``ObservedFinding``.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sabeel.core.models import BaseModel

DEFAULT_MONTHS = (1, 3, 6)


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not known")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class MonitoringAssignment(BaseModel):
    """A household a monitor visits; a monitor records visits only for the households assigned."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="monitoring_assignments", verbose_name=_("household"))
    monitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="monitoring_assignments", verbose_name=_("monitor"))
    is_active = models.BooleanField(_("active"), default=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("assigned by"))

    sabeel_scope = "household__working_group"
    sabeel_view_action = "monitoring.record"

    class Meta:
        verbose_name = _("monitoring assignment")
        verbose_name_plural = _("monitoring assignments")
        constraints = [
            models.UniqueConstraint(fields=["household", "monitor"], condition=Q(is_active=True), name="mo_assignment_once"),
        ]


class ScheduledVisit(BaseModel):
    """A visit due ``months_after`` the household's arrival (the arrival confirmation it counts from)."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="scheduled_visits", verbose_name=_("household"))
    arrived_on = models.DateField(_("arrived on"))
    months_after = models.PositiveSmallIntegerField(_("months after arrival"))
    due_on = models.DateField(_("due on"))

    sabeel_scope = "household__working_group"
    sabeel_view_action = "monitoring.record"

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("scheduled visit")
        verbose_name_plural = _("scheduled visits")
        constraints = [models.UniqueConstraint(fields=["household", "months_after"], name="mo_schedule_once")]


class Visit(BaseModel):
    """What a monitor found at one visit."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="monitoring_visits", verbose_name=_("household"))
    scheduled = models.OneToOneField(ScheduledVisit, on_delete=models.PROTECT, null=True, blank=True, related_name="visit", verbose_name=_("scheduled visit"))
    monitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("monitor"))
    visited_on = models.DateField(_("visited on"))
    reached = models.CharField(_("the household could be reached"), max_length=8, choices=Answer.choices)
    documents = models.CharField(_("civil documents in order"), max_length=8, choices=Answer.choices, default=Answer.UNKNOWN)
    hlp = models.CharField(_("back in their home (housing, land and property)"), max_length=8, choices=Answer.choices, default=Answer.UNKNOWN)
    services = models.CharField(_("basic services found"), max_length=8, choices=Answer.choices, default=Answer.UNKNOWN)
    safety_incident = models.BooleanField(_("safety incident since return"), default=False)
    re_displaced = models.BooleanField(_("displaced again"), default=False)
    wish_to_go_back = models.BooleanField(_("wishes to go back to the host country"), default=False)

    sabeel_scope = "household__working_group"
    sabeel_view_action = "monitoring.record"

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("monitoring visit")
        verbose_name_plural = _("monitoring visits")


class Incident(BaseModel):
    """A safety incident reported at a visit, with its severity and its follow-up."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("visit"))
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    follow_up_needed = models.BooleanField(_("follow-up needed"), default=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    followed_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("followed up by"))

    sabeel_scope = "visit__household__working_group"
    sabeel_view_action = "monitoring.record"

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")


# What each finding says in the register (English and Arabic are both stored on the entry).
FINDING_LABELS = {
    "not_reached": _("The monitor could not reach the household"),
    "documents_missing": _("Civil documents missing"),
    "not_back_home": _("Not back in their home"),
    "services_missing": _("Basic services not found"),
    "incident": _("Safety incident since return"),
    "re_displaced": _("Displaced again"),
}
