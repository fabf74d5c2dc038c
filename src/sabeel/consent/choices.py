"""Choices of the voluntariness records. The model-level choices (withdrawal channels, follow-up
kinds, go-and-see outcomes) live beside their models in ``models.py`` and are re-exported here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sabeel.consent.models import FollowUpKind, GoAndSeeOutcome, WithdrawalChannel

__all__ = ["STAFF_CHANNELS", "DataCategory", "FollowUpKind", "GoAndSeeOutcome", "WithdrawalChannel"]


class DataCategory(models.TextChoices):
    """What a consent to share data covers."""

    IDENTITY = "identity", _("Names, sex and date of birth")
    CONTACTS = "contacts", _("Phone numbers")
    DOCUMENTS = "documents", _("Civil documents and identifiers")
    SPECIFIC_NEEDS = "specific_needs", _("Specific needs")
    INTENTION = "intention", _("Return intention and destination")
    CONSENT_STATUS = "consent_status", _("Consent to return and its status")


# Channels an officer (or a check-in) records; the self-service channel is the person's own.
STAFF_CHANNELS = (WithdrawalChannel.PHONE, WithdrawalChannel.IN_PERSON, WithdrawalChannel.CHECK_IN)
