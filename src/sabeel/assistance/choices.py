"""Choices of the assistance app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Trigger(models.TextChoices):
    """What makes a household owed its grant under a rule."""

    DEPARTURE = "departure", _("Departure (present at check-in)")
    ARRIVAL = "arrival", _("Arrival confirmed at the reception point")


class EntitlementSource(models.TextChoices):
    DEPARTURE = "departure", _("Departure")
    ARRIVAL = "arrival", _("Arrival")
    SELF_ORGANISED = "self_organised", _("Self-organised return")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("On a payment list, no result yet")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    RETURNED = "returned", _("Returned by the provider")


# A result may follow: nothing yet → paid / failed; paid → returned. The same result again is
# no change (an import read twice changes nothing).
RESULT_FOLLOWS: dict[str, frozenset[str]] = {
    PaymentStatus.PENDING: frozenset({PaymentStatus.PAID, PaymentStatus.FAILED}),
    PaymentStatus.PAID: frozenset({PaymentStatus.RETURNED}),
    PaymentStatus.FAILED: frozenset(),
    PaymentStatus.RETURNED: frozenset(),
}
