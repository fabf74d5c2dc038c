"""Self-service (C11): one-time codes sent to a household's registered phone."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CodeRequest(models.Model):
    """A request for a one-time code. Kept for every request (existing registration number or not)
    so the rate limits apply alike and the page answers the same either way. Only keyed hashes of
    the registration number and the code are stored.

    A request refused over a rate limit is kept with ``throttled`` set and does not count towards
    the limits, so a refusal lifts on time however often the page is tried. ``attempts`` counts
    wrong codes; the request is locked at ``services.MAX_WRONG_CODES``."""

    at = models.DateTimeField(_("at"))
    number_hash = models.CharField(_("registration number (keyed hash)"), max_length=64)
    address = models.GenericIPAddressField(_("address"), null=True)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("household"))
    phone = models.ForeignKey("registry.Phone", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("phone"))
    throttled = models.BooleanField(_("refused over a rate limit"), default=False)
    code_hash = models.CharField(_("code (keyed hash)"), max_length=64, blank=True)
    sent_at = models.DateTimeField(_("code sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code request")
        verbose_name_plural = _("one-time code requests")
        indexes = [
            models.Index(fields=["number_hash", "at"], name="coderequest_number"),
            models.Index(fields=["address", "at"], name="coderequest_address"),
        ]

    def __str__(self) -> str:
        return f"code request #{self.pk}"
