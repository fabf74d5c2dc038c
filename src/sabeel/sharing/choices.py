"""Choices of the data-sharing app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sabeel.core.roles import FieldGroup


class AgreementStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Revoked")


class Level(models.TextChoices):
    """How fine the data an agreement covers is."""

    PERSON = "person", _("Person-level rows")
    AGGREGATE = "aggregate", _("Aggregate figures only")


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Consent of the person")
    VITAL_INTERESTS = "vital_interests", _("Vital interests of the person")
    BEST_INTERESTS = "best_interests", _("Best interests of a child")
    MANDATE = "mandate", _("Mandate of the organisation")
    PUBLIC_INTEREST = "public_interest", _("Important public interest")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
    CONTRACT = "contract", _("Performance of a contract")


class ShareKind(models.TextChoices):
    EXPORT = "export", _("Person-level export")
    API = "api", _("Partner API call")
    AUTHORITY_LIST = "authority_list", _("List handed to an authority")
    CROSS_GROUP_MERGE = "cross_group_merge", _("Cross-group merge")


# The field groups an agreement may cover. The protection-sensitive case never leaves its
# working group under an agreement: it is read only by the officers assigned to the case.
SHAREABLE_FIELD_GROUPS: tuple[FieldGroup, ...] = (
    FieldGroup.NAMES_CONTACTS,
    FieldGroup.SPECIFIC_NEEDS,
    FieldGroup.DOCUMENTS,
)

# What a person's own consent to share (``consent.choices.DataCategory``) must name for each field
# group to leave; every person-level row also carries sex and date of birth ("identity").
CONSENT_CATEGORIES: dict[FieldGroup, frozenset[str]] = {
    FieldGroup.NAMES_CONTACTS: frozenset({"identity", "contacts"}),
    FieldGroup.SPECIFIC_NEEDS: frozenset({"specific_needs"}),
    FieldGroup.DOCUMENTS: frozenset({"documents"}),
}
BASE_CONSENT_CATEGORIES: frozenset[str] = frozenset({"identity"})
