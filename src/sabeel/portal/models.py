"""Self-service (C11): one-time codes sent to a household's registered phone."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CodeRequest(models.Model):
    """A request for a one-time code. Kept for every request (existing registration number or not)
    so the rate limits apply alike and the page answers the same either way. Only keyed hashes of
    the registration number and the code are stored."""

    at = models.DateTimeField(_("at"), db_index=True)
    number_hash = models.CharField(_("registration number (keyed hash)"), max_length=64, db_index=True)
    address = models.GenericIPAddressField(_("address"), null=True, db_index=True)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("household"))
    phone = models.ForeignKey("registry.Phone", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("phone"))
    code_hash = models.CharField(_("code (keyed hash)"), max_length=64, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code request")

    def __str__(self) -> str:
        return f"code request #{self.pk}"
