"""Households and individuals (capability C2). Every change is versioned; nothing is deleted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sabeel.core.models import BaseModel, HouseholdScoped
from sabeel.registry.choices import (
    BirthDateChangeState,
    DatePrecision,
    DepartureKind,
    DeregistrationState,
    HouseholdStatus,
    IdScheme,
    Language,
    MemberStatus,
    Presence,
    Relationship,
    Sex,
)


class RegistrationCounter(models.Model):
    """The next registration number per host country (rows locked while numbers are taken)."""

    country = models.CharField(_("host country"), max_length=2, primary_key=True)
    next_value = models.BigIntegerField(_("next value"), default=1)

    class Meta:
        verbose_name = _("registration counter")

    def __str__(self) -> str:
        return f"{self.country}: {self.next_value}"


class Household(BaseModel):
    """A household registered in one host country's working group.

    ``registration_number`` (e.g. ``LB-00123456-7``, last digit a Luhn check digit) is printed on
    every document. ``version`` increases with every saved change and guards against two officers
    overwriting each other."""

    registration_number = models.CharField(_("registration number"), max_length=16, unique=True)
    working_group = models.ForeignKey(
        "workgroups.WorkingGroup", on_delete=models.PROTECT, related_name="households", verbose_name=_("working group")
    )
    host_country = models.CharField(_("host country"), max_length=2)
    current_location = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("current location")
    )
    origin = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("place of origin")
    )
    destination = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("chosen destination")
    )
    preferred_language = models.CharField(_("preferred language"), max_length=2, choices=Language.choices, default=Language.ARABIC)
    status = models.CharField(_("status"), max_length=8, choices=HouseholdStatus.choices, default=HouseholdStatus.OPEN)
    closed_reason = models.CharField(_("reason for closing"), max_length=200, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # How the file was closed (``services.household_close`` and the deregistration services keep it
    # in step with ``status``); every change is a ``Deregistration`` row.
    deregistration = models.CharField(
        _("deregistration"), max_length=8, choices=DeregistrationState.choices, default=DeregistrationState.ACTIVE, db_default="active"
    )
    protection_notes = models.TextField(_("protection notes"), blank=True)
    # The specific needs of the current members, together (kept by the services), so that the list
    # can be filtered by need without reading every person. Never a protection-sensitive code.
    member_needs = models.JSONField(_("specific needs of the members"), default=list, db_default=[], blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )

    sabeel_scope = "working_group"
    sabeel_view_action = "person.view"

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [
            models.Index(fields=["working_group", "status", "-id"], name="hh_group_status"),
            models.Index(fields=["origin"], name="hh_origin"),
            models.Index(fields=["current_location"], name="hh_location"),
            # The registration officer's home page: registered today / this week in the group.
            models.Index(fields=["working_group", "created_at"], name="hh_group_created"),
            # The funnel's version check: the newest change of a group's open households.
            models.Index(fields=["working_group", "status", "updated_at"], name="hh_group_status_updated"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(closed_reason=""),
                name="household_closed_has_reason",
                violation_error_message=_("A closed household needs a reason."),
            ),
            models.CheckConstraint(
                condition=(~Q(status="closed") & Q(deregistration="active")) | (Q(status="closed") & ~Q(deregistration="active")),
                name="household_deregistration_in_step",
                violation_error_message=_("A closed household says how it was closed; an open one is active."),
            ),
        ]

    def __str__(self) -> str:
        return self.registration_number


class Individual(HouseholdScoped, BaseModel):
    """A person in a household. Names in Arabic script and Latin transliteration."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("household"))
    first_name_ar = models.CharField(_("first name (Arabic)"), max_length=100, blank=True)
    father_name_ar = models.CharField(_("father's name (Arabic)"), max_length=100, blank=True)
    grandfather_name_ar = models.CharField(_("grandfather's name (Arabic)"), max_length=100, blank=True)
    family_name_ar = models.CharField(_("family name (Arabic)"), max_length=100, blank=True)
    first_name_lat = models.CharField(_("first name (Latin)"), max_length=100, blank=True)
    father_name_lat = models.CharField(_("father's name (Latin)"), max_length=100, blank=True)
    grandfather_name_lat = models.CharField(_("grandfather's name (Latin)"), max_length=100, blank=True)
    family_name_lat = models.CharField(_("family name (Latin)"), max_length=100, blank=True)
    # The other-script reading the platform generated (``registry.readings``), never typed by an
    # officer: name field → value (``{"first_name_lat": "Mohammad", …}``), only for the fields the
    # officer left empty whose counterpart in the other script was typed. Rewritten at every save of
    # the names; never in the version history; shown marked as generated, never as typed.
    generated_names = models.JSONField(
        _("generated reading — not typed by an officer"), default=dict, db_default={}, blank=True
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    dob_precision = models.CharField(
        _("precision of the date of birth"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN
    )
    relationship = models.CharField(_("relationship to the head"), max_length=16, choices=Relationship.choices)
    documents_held = models.JSONField(_("civil documents held"), default=list, blank=True)
    documents_missing = models.JSONField(_("civil documents missing"), default=list, blank=True)
    specific_needs = models.JSONField(_("specific needs"), default=list, blank=True)
    sensitive_needs = models.JSONField(_("protection-sensitive needs"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    presence = models.CharField(
        _("presence"), max_length=8, choices=Presence.choices, default=Presence.PRESENT, db_default=Presence.PRESENT
    )
    presence_reason = models.CharField(_("reason for the absence"), max_length=200, blank=True, db_default="")
    # When the person joined this household (registered with it, added or moved in); empty for
    # rows older than this field, which joined when they were created.
    joined_at = models.DateTimeField(_("joined the household at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("individual")
        verbose_name_plural = _("individuals")
        indexes = [models.Index(fields=["household", "status"], name="ind_household")]

    def __str__(self) -> str:
        return f"#{self.pk}"


class MemberDeparture(HouseholdScoped, BaseModel):
    """A person left ``household``: removed, moved to another household, merged away, died, or
    found to be registered in error, with the reason (and evidence for a death or an error).

    While the household had a return process (``during_return_process``), the departure is a family
    split (hard rule 3): the person still counts for eligibility until a protection officer confirms
    it (``confirmed_by``/``confirmed_at``, with a note). A withdrawal by the person stays on record."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="departures", verbose_name=_("household left"))
    individual = models.ForeignKey(Individual, on_delete=models.PROTECT, related_name="departures", verbose_name=_("person"))
    kind = models.CharField(_("kind"), max_length=8, choices=DepartureKind.choices)
    at = models.DateTimeField(_("recorded at"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    to_household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("moved to")
    )
    during_return_process = models.BooleanField(_("during a return process"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by (protection officer)"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmation_note = models.TextField(_("protection officer's note"), blank=True)

    class Meta:
        verbose_name = _("departure from a household")
        verbose_name_plural = _("departures from households")
        indexes = [models.Index(fields=["household", "confirmed_at"], name="departure_household")]
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True, confirmed_at__isnull=True)
                | Q(confirmed_by__isnull=False, confirmed_at__isnull=False),
                name="departure_confirmed_by_and_at",
                violation_error_message=_("A confirmation names the protection officer and the time."),
            ),
        ]

    def __str__(self) -> str:
        return f"departure #{self.pk}"


class BirthDateChange(HouseholdScoped, BaseModel):
    """A proposed change of date of birth that could turn a (possibly) adult person into a child: it
    applies only once a protection officer confirms it with evidence; until then eligibility reads
    the person under both dates (the cautious reading)."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="birth_date_changes", verbose_name=_("household"))
    individual = models.ForeignKey(Individual, on_delete=models.PROTECT, related_name="birth_date_changes", verbose_name=_("person"))
    old_date = models.DateField(_("date of birth before"), null=True, blank=True)
    old_precision = models.CharField(_("precision before"), max_length=8, choices=DatePrecision.choices)
    new_date = models.DateField(_("proposed date of birth"), null=True, blank=True)
    new_precision = models.CharField(_("proposed precision"), max_length=8, choices=DatePrecision.choices)
    reason = models.CharField(_("reason"), max_length=200)
    state = models.CharField(
        _("state"), max_length=16, choices=BirthDateChangeState.choices, default=BirthDateChangeState.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("proposed by")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by (protection officer)"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        verbose_name = _("proposed change of date of birth")
        verbose_name_plural = _("proposed changes of date of birth")
        constraints = [
            models.UniqueConstraint(
                fields=["individual"],
                condition=Q(state="pending"),
                name="one_pending_birth_date_change",
                violation_error_message=_("A change of this person's date of birth is already waiting."),
            ),
            models.CheckConstraint(
                condition=~Q(state="confirmed") | ~Q(evidence=""),
                name="birth_date_change_confirmed_with_evidence",
                violation_error_message=_("A confirmation needs the evidence."),
            ),
        ]

    def __str__(self) -> str:
        return f"birth date change #{self.pk}"


class Phone(HouseholdScoped, BaseModel):
    """A household's phone in E.164. The same number may belong to several households."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="phones", verbose_name=_("household"))
    number = models.CharField(_("phone number"), max_length=16)
    is_primary = models.BooleanField(_("primary"), default=False, db_default=False)
    is_active = models.BooleanField(_("active"), default=True, db_default=True)

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        indexes = [models.Index(fields=["number"], name="phone_number")]

    def __str__(self) -> str:
        return f"phone #{self.pk}"


class ExternalId(HouseholdScoped, BaseModel):
    """An identifier another system gave a household or a person (UNHCR case number, …)."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="external_ids", verbose_name=_("household"))
    individual = models.ForeignKey(
        Individual, on_delete=models.PROTECT, null=True, blank=True, related_name="external_ids", verbose_name=_("individual")
    )
    scheme = models.CharField(_("scheme"), max_length=24, choices=IdScheme.choices)
    value = models.CharField(_("value"), max_length=64)
    normalised = models.CharField(_("normalised value"), max_length=64)
    # A corrected or withdrawn identifier is kept, inactive (nothing is hard-deleted).
    is_active = models.BooleanField(_("active"), default=True, db_default=True)

    class Meta:
        verbose_name = _("external id")
        verbose_name_plural = _("external ids")
        indexes = [models.Index(fields=["normalised"], name="extid_normalised")]

    def __str__(self) -> str:
        return f"{self.scheme} #{self.pk}"


class NameKey(models.Model):
    """Search index: normalised name tokens and their consonant skeletons, per person.

    Rebuilt for a person whenever a name changes; scoped by the working group it carries."""

    individual = models.ForeignKey(Individual, on_delete=models.CASCADE, related_name="+", verbose_name=_("individual"))
    working_group_id = models.BigIntegerField(_("working group id"))
    key = models.CharField(_("key"), max_length=64)
    # The person's year of birth, copied here (and kept in step by every write of the date) so that
    # a search given a year reads only the people born near it from the index alone.
    born = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)

    class Meta:
        verbose_name = _("name key")
        # Covering: a search reads (group, key[, year window]) → individual ids from the index alone.
        indexes = [models.Index(fields=["working_group_id", "key", "born", "individual"], name="namekey_lookup")]

    def __str__(self) -> str:
        return self.key


class RecordVersion(models.Model):
    """One saved change of a household or an individual: who, when, what changed (old → new).

    Versions are scoped like the household they belong to and obey the same field groups."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="versions", verbose_name=_("household"))
    individual = models.ForeignKey(
        Individual, on_delete=models.PROTECT, null=True, blank=True, related_name="versions", verbose_name=_("individual")
    )
    version = models.PositiveIntegerField(_("version"))
    at = models.DateTimeField(_("at"))
    actor_kind = models.CharField(_("actor kind"), max_length=16)
    actor_id = models.CharField(_("actor id"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=32)
    changes = models.JSONField(_("changes"), default=dict)

    sabeel_scope = "household__working_group"
    sabeel_view_action = "person.history"

    class Meta:
        verbose_name = _("record version")
        verbose_name_plural = _("record versions")
        ordering = ["household", "at", "pk"]
        indexes = [models.Index(fields=["household", "at"], name="version_household")]

    def __str__(self) -> str:
        return f"{self.action} v{self.version}"


class Deregistration(HouseholdScoped, BaseModel):
    """One change of a household's deregistration state, kept for ever: from, to, the reason, the
    evidence (ids only: the arrival confirmation, the rule that presumed a return), who and when."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="deregistrations", verbose_name=_("household"))
    from_state = models.CharField(_("from"), max_length=8, choices=DeregistrationState.choices)
    to_state = models.CharField(_("to"), max_length=8, choices=DeregistrationState.choices)
    reason = models.CharField(_("reason"), max_length=200)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    actor_kind = models.CharField(_("actor kind"), max_length=16)
    actor_id = models.CharField(_("actor id"), max_length=64)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["household", "at", "pk"]
        verbose_name = _("deregistration")
        verbose_name_plural = _("deregistrations")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="dereg_has_reason", violation_error_message=_("Give the reason.")),
            models.CheckConstraint(
                condition=~Q(to_state__in=["verified", "presumed"]) | ~Q(evidence={}),
                name="dereg_return_has_evidence",
                violation_error_message=_("A verified or presumed return needs its evidence."),
            ),
        ]
