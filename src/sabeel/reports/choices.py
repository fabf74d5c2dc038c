"""Choices of the funnel snapshot."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentState(models.TextChoices):
    """Where a household stands on consent to return, as the funnel counts it."""

    NONE = "none", _("Not counselled")
    COUNSELLED = "counselled", _("Counselled")
    PARTIAL = "partial", _("Some adults consented")
    CONSENTED = "consented", _("Every adult consented")
    WITHDRAWN = "withdrawn", _("Consent withdrawn")
    EXPIRED = "expired", _("Consent expired")
