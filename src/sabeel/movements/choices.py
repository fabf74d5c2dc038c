"""Choices of the movements app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    CANCELLED = "cancelled", _("Cancelled")


class VehicleClass(models.TextChoices):
    """The engine's two pools of seats: ordinary vehicles and vehicles fit for medical cases."""

    STANDARD = "standard", _("Ordinary vehicle")
    MEDICAL = "medical", _("Medical-fit vehicle")


class CheckInStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    WITHDREW = "withdrew", _("Withdrew here")


class ConfirmationKind(models.TextChoices):
    CROSSED = "crossed", _("Crossed the border")
    ARRIVED = "arrived", _("Arrived at the reception point")


class PriorityTier(models.IntegerChoices):
    URGENT = 1, _("Tier 1 (most urgent)")
    HIGH = 2, _("Tier 2")
    ORDINARY = 3, _("Tier 3 (ordinary)")
