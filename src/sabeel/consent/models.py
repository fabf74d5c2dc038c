"""Voluntariness (C4): return programmes and their rules, intentions, counselling, go-and-see
visits, per-adult consent, re-confirmation, withdrawal, data-sharing consent, best-interests
procedures, recorded splits and sign-offs, and the protection officers' follow-up queue.

Eligibility is never stored here: ``consent.eligibility`` computes it from these records each
time it is asked (``sabeel.engines.eligibility``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sabeel.core.models import BaseModel, HouseholdScoped

USER = settings.AUTH_USER_MODEL


class ReturnProgramme(BaseModel):
    """An organised-return programme of one host country's working group; its rules are data,
    changed by an administrator and audited."""

    working_group = models.ForeignKey("workgroups.WorkingGroup", on_delete=models.PROTECT, related_name="programmes", verbose_name=_("working group"))
    name = models.CharField(_("name"), max_length=200)
    name_ar = models.CharField(_("Arabic name"), max_length=200)
    consent_validity_days = models.PositiveIntegerField(_("consent valid for (days)"), default=90)
    cooling_off_days = models.PositiveIntegerField(_("cooling-off period after consent (days)"), default=7)
    reconfirmation_window_days = models.PositiveIntegerField(_("re-confirmation window before departure (days)"), default=14)
    go_and_see_visits_allowed = models.PositiveIntegerField(_("go-and-see visits allowed per person"), default=1)
    # Nothing of the programme (counselling, consent, re-confirmation, visit) is dated before it.
    starts_on = models.DateField(_("in force from"))
    is_active = models.BooleanField(_("active"), default=True)

    sabeel_scope = "working_group"
    sabeel_view_action = "workgroup.view"

    class Meta:
        verbose_name = _("return programme")
        verbose_name_plural = _("return programmes")
        constraints = [
            models.UniqueConstraint(
                fields=["working_group"],
                condition=Q(is_active=True),
                name="one_active_programme_per_group",
                violation_error_message=_("This working group already has an active return programme."),
            ),
            models.CheckConstraint(
                condition=Q(cooling_off_days__lte=models.F("consent_validity_days")),
                name="programme_cooling_off_within_validity",
                violation_error_message=_("The cooling-off period cannot be longer than the consent's validity."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNSURE = "unsure", _("Does not know yet")


class DecisionMaker(models.TextChoices):
    HEAD = "head", _("The head of household")
    JOINT = "joint", _("The adults together")
    EACH_ADULT = "each_adult", _("Each adult for themselves")
    OTHER = "other", _("Someone else")


class IntentionSource(models.TextChoices):
    OFFICER = "officer", _("Recorded by an officer")
    SURVEY_IMPORT = "survey_import", _("Imported from the survey")
    SURVEY_PULL = "survey_pull", _("Pulled from the survey server")


class ReturnIntention(HouseholdScoped, BaseModel):
    """One dated answer about returning; each new answer is a new record and the latest counts."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="intentions", verbose_name=_("household"))
    recorded_on = models.DateField(_("date of the answer"))
    source = models.CharField(_("source"), max_length=16, choices=IntentionSource.choices)
    submission_id = models.CharField(_("survey submission id"), max_length=100, null=True, blank=True, unique=True)
    hopes_to_return = models.CharField(_("hopes to return one day"), max_length=8, choices=Answer.choices)
    intends_within_12_months = models.CharField(_("intends to return within 12 months"), max_length=8, choices=Answer.choices)
    preferred_destination = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("preferred destination"))
    reasons = models.JSONField(_("main reasons"), default=list, blank=True)
    obstacles = models.JSONField(_("main obstacles"), default=list, blank=True)
    go_and_see_interest = models.BooleanField(_("interested in a go-and-see visit"), default=False)
    decision_maker = models.CharField(_("who decides"), max_length=16, choices=DecisionMaker.choices, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("return intention")
        verbose_name_plural = _("return intentions")
        indexes = [models.Index(fields=["household", "-recorded_on", "-id"], name="intention_latest")]

    def __str__(self) -> str:
        return f"intention #{self.pk}"


class IntentionImport(BaseModel):
    """A survey export imported (CSV or Excel): all of it or nothing; the report lists every row
    that was unmatched or invalid, with the reason."""

    working_group = models.ForeignKey("workgroups.WorkingGroup", on_delete=models.PROTECT, related_name="+", verbose_name=_("working group"))
    file_name = models.CharField(_("file name"), max_length=200)
    file_digest = models.CharField(_("file digest"), max_length=64)
    imported_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("imported by"))
    succeeded = models.BooleanField(_("imported"), default=False)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_created = models.PositiveIntegerField(_("new answers"), default=0)
    rows_already_imported = models.PositiveIntegerField(_("already imported"), default=0)
    report = models.JSONField(_("report"), default=list, blank=True)

    sabeel_scope = "working_group"
    sabeel_view_action = "person.view"

    class Meta:
        verbose_name = _("intention import")

    def __str__(self) -> str:
        return f"import #{self.pk}"


class CounsellingSession(HouseholdScoped, BaseModel):
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="counselling_sessions", verbose_name=_("household"))
    attendees = models.ManyToManyField("registry.Individual", related_name="counselling_sessions", verbose_name=_("attendees"))
    held_on = models.DateField(_("held on"))
    counsellor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("counsellor"))
    language = models.CharField(_("language"), max_length=2)
    information_package = models.ForeignKey("conditions.InformationPackage", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("information package"))
    questions_raised = models.TextField(_("questions raised"), blank=True)

    class Meta:
        verbose_name = _("counselling session")
        verbose_name_plural = _("counselling sessions")

    def __str__(self) -> str:
        return f"counselling #{self.pk}"


class GoAndSeeOutcome(models.TextChoices):
    PLANNED = "planned", _("Planned")
    COMPLETED = "completed", _("Completed")
    CUT_SHORT = "cut_short", _("Cut short")
    CANCELLED = "cancelled", _("Cancelled")


class GoAndSeeVisit(HouseholdScoped, BaseModel):
    """A visit to the place of return before deciding; limited per person by the programme."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="go_and_see_visits", verbose_name=_("household"))
    individual = models.ForeignKey("registry.Individual", on_delete=models.PROTECT, related_name="go_and_see_visits", verbose_name=_("person"))
    programme = models.ForeignKey(ReturnProgramme, on_delete=models.PROTECT, related_name="+", verbose_name=_("programme"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    crossing = models.ForeignKey("geo.BorderCrossing", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("crossing used"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=GoAndSeeOutcome.choices, default=GoAndSeeOutcome.PLANNED)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("go-and-see visit")
        verbose_name_plural = _("go-and-see visits")
        indexes = [models.Index(fields=["individual", "programme"], name="goandsee_person")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="goandsee_ends_after_start",
                violation_error_message=_("A visit cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"go-and-see #{self.pk}"


class ConsentEnd(models.TextChoices):
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Replaced by a later consent")


class ReturnConsent(HouseholdScoped, BaseModel):
    """One adult's consent to return: free, informed and express, verified by a protection officer.
    It expires after the programme's validity and is withdrawn by a ``Withdrawal``.

    ``ended_at`` is set when a withdrawal is recorded, or when a new consent is recorded after this
    one expired: an adult has at most one consent without it per programme (a database constraint),
    so a second consent while one stands is refused and recorded as a re-confirmation instead. The
    verdict never reads ``ended_at``; it reads the consents, withdrawals and their moments."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="consents", verbose_name=_("household"))
    individual = models.ForeignKey("registry.Individual", on_delete=models.PROTECT, related_name="consents", verbose_name=_("person"))
    programme = models.ForeignKey(ReturnProgramme, on_delete=models.PROTECT, related_name="consents", verbose_name=_("programme"))
    given_on = models.DateField(_("given on"))
    free = models.BooleanField(_("free: no pressure or inducement"))
    informed = models.BooleanField(_("informed: has seen the information package"))
    express = models.BooleanField(_("express: stated clearly by the person"))
    information_package = models.ForeignKey("conditions.InformationPackage", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("information package seen"))
    verified_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("verified by (protection officer)"))
    can_read = models.BooleanField(_("the person can read"), default=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_reason = models.CharField(_("ended because"), max_length=16, choices=ConsentEnd.choices, blank=True, default="")

    class Meta:
        verbose_name = _("consent to return")
        verbose_name_plural = _("consents to return")
        indexes = [models.Index(fields=["household", "individual"], name="consent_household")]
        constraints = [
            models.UniqueConstraint(
                fields=["individual", "programme"],
                condition=Q(ended_at__isnull=True),
                name="one_active_consent_per_adult_per_programme",
                violation_error_message=_("This person already has an active consent under this programme."),
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, ended_reason="") | Q(ended_at__isnull=False) & ~Q(ended_reason=""),
                name="consent_ended_with_reason",
                violation_error_message=_("An ended consent says why it ended."),
            ),
            models.CheckConstraint(
                condition=Q(free=True, informed=True, express=True),
                name="consent_free_informed_express",
                violation_error_message=_("Consent is recorded only when it is free, informed and express."),
            ),
        ]

    def __str__(self) -> str:
        return f"consent #{self.pk}"


class Reconfirmation(HouseholdScoped, BaseModel):
    """The adult confirmed again, close to departure, that they still want to go."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="reconfirmations", verbose_name=_("household"))
    individual = models.ForeignKey("registry.Individual", on_delete=models.PROTECT, related_name="reconfirmations", verbose_name=_("person"))
    on = models.DateField(_("on"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("re-confirmation")
        verbose_name_plural = _("re-confirmations")

    def __str__(self) -> str:
        return f"reconfirmation #{self.pk}"


class WithdrawalChannel(models.TextChoices):
    SELF_SERVICE = "self_service", _("Self-service page")
    PHONE = "phone", _("By phone, to an officer")
    IN_PERSON = "in_person", _("In person, to an officer")
    CHECK_IN = "check_in", _("At departure check-in")


class Withdrawal(HouseholdScoped, BaseModel):
    """An adult withdrew consent. It takes effect at once and never closes, downgrades or flags the
    household's registry record."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="withdrawals", verbose_name=_("household"))
    individual = models.ForeignKey("registry.Individual", on_delete=models.PROTECT, related_name="withdrawals", verbose_name=_("person"))
    at = models.DateTimeField(_("at"))
    channel = models.CharField(_("channel"), max_length=16, choices=WithdrawalChannel.choices)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("withdrawal of consent")
        verbose_name_plural = _("withdrawals of consent")
        indexes = [models.Index(fields=["household", "at"], name="withdrawal_household")]

    def __str__(self) -> str:
        return f"withdrawal #{self.pk}"


class DataSharingConsent(HouseholdScoped, BaseModel):
    """Consent to share data (which parties, which data) — a separate record from consent to return."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="sharing_consents", verbose_name=_("household"))
    individual = models.ForeignKey("registry.Individual", on_delete=models.PROTECT, related_name="sharing_consents", verbose_name=_("person"))
    parties = models.JSONField(_("parties"), default=list)
    data_categories = models.JSONField(_("data"), default=list)
    purpose = models.CharField(_("purpose"), max_length=200)
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("consent to share data")
        verbose_name_plural = _("consents to share data")

    def __str__(self) -> str:
        return f"sharing consent #{self.pk}"


class BestInterestsProcedure(HouseholdScoped, BaseModel):
    """For an unaccompanied or separated child: required, completed, before any movement."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="best_interests", verbose_name=_("household"))
    child = models.ForeignKey("registry.Individual", on_delete=models.PROTECT, related_name="best_interests", verbose_name=_("child"))
    started_on = models.DateField(_("started on"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by (protection officer)"))

    class Meta:
        verbose_name = _("best-interests procedure")
        verbose_name_plural = _("best-interests procedures")
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=models.F("started_on")),
                name="bip_completed_after_start",
                violation_error_message=_("A procedure cannot be completed before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"best interests #{self.pk}"


class SplitDecision(HouseholdScoped, BaseModel):
    """The household asked to travel without some members; a protection officer recorded it."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="splits", verbose_name=_("household"))
    members_leaving = models.ManyToManyField("registry.Individual", related_name="+", verbose_name=_("members who travel"))
    on = models.DateField(_("on"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by (protection officer)"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("recorded split")
        verbose_name_plural = _("recorded splits")

    def __str__(self) -> str:
        return f"split #{self.pk}"


class HostilitiesSignOff(HouseholdScoped, BaseModel):
    """A protection officer's recorded sign-off for an organised movement to an area flagged for
    active hostilities. Without it the household can still return on its own."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="hostilities_sign_offs", verbose_name=_("household"))
    destination = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("destination"))
    on = models.DateField(_("on"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by (protection officer)"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("sign-off for an area with active hostilities")
        verbose_name_plural = _("sign-offs for areas with active hostilities")

    def __str__(self) -> str:
        return f"sign-off #{self.pk}"


class FollowUpKind(models.TextChoices):
    WITHDRAWAL_CALL = "withdrawal_call", _("Call after a withdrawal")
    CALLBACK_REQUEST = "callback_request", _("The household asked for a call-back")


class FollowUp(HouseholdScoped, BaseModel):
    """An item in the protection officers' work queue."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("household"))
    individual = models.ForeignKey("registry.Individual", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("person"))
    kind = models.CharField(_("kind"), max_length=24, choices=FollowUpKind.choices)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("done by"))
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [models.Index(fields=["done_at", "created_at"], name="followup_open")]

    def __str__(self) -> str:
        return f"follow-up #{self.pk}"


# --- Pull of the intention survey from KoboToolbox / ODK Central (consent/intention_pull) -------


class PullKind(models.TextChoices):
    KOBO = "kobo", _("KoboToolbox (API v2)")
    ODK_CENTRAL = "odk_central", _("ODK Central (OData)")


class PullSource(BaseModel):
    """Where a working group's intention survey is pulled from. The server's token is never stored:
    ``token_name`` names a secret held in the environment (``SABEEL_PULL_TOKEN_<NAME>``), and no
    page or API ever shows it back."""

    working_group = models.ForeignKey("workgroups.WorkingGroup", on_delete=models.PROTECT, related_name="+", verbose_name=_("working group"))
    kind = models.CharField(_("server kind"), max_length=16, choices=PullKind.choices)
    server_url = models.URLField(_("server address"), max_length=300)
    form_id = models.CharField(_("form"), max_length=200, help_text=_("KoboToolbox: the asset uid. ODK Central: project id/form id, such as 3/intentions."))
    token_name = models.CharField(_("token (name of the secret)"), max_length=64)
    pull_every_minutes = models.PositiveIntegerField(_("pull every (minutes)"), default=60)
    is_active = models.BooleanField(_("active"), default=True)
    last_pulled_at = models.DateTimeField(_("last pulled at"), null=True, blank=True)

    sabeel_scope = "working_group"
    sabeel_view_action = "workgroup.view"

    class Meta:
        verbose_name = _("survey pull source")
        verbose_name_plural = _("survey pull sources")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.form_id}"


class SubmissionVersion(HouseholdScoped, BaseModel):
    """One version of a pulled survey submission, append-only: the first one made the answer, an
    edit on the server (same submission, a new instance id) appends the next and updates the
    answer; the earlier ones stay as they were."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("household"))
    intention = models.ForeignKey(ReturnIntention, on_delete=models.PROTECT, related_name="versions", verbose_name=_("return intention"))
    version = models.PositiveIntegerField(_("version"))
    instance_id = models.CharField(_("instance id"), max_length=100)
    submitted_at = models.DateTimeField(_("submitted or edited at"), null=True, blank=True)
    values = models.JSONField(_("answers"), default=dict)
    source = models.ForeignKey(PullSource, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("pulled from"))
    run_id = models.BigIntegerField(_("run"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey submission version")
        verbose_name_plural = _("survey submission versions")
        constraints = [
            models.UniqueConstraint(fields=["intention", "version"], name="submission_version_unique"),
            models.UniqueConstraint(fields=["intention", "instance_id"], name="submission_instance_unique"),
        ]

    def __str__(self) -> str:
        return f"submission version #{self.pk}"


class DeadLetterStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a fix")
    RESOLVED = "resolved", _("Imported after a fix")


class DeadLetter(BaseModel):
    """A pulled submission that could not be recorded, with the reasons (codes and question names,
    never a value). It keeps the mapped answers only (not the whole submission) so that it can be
    tried again once the register or the survey is fixed; a later pull tries it again too."""

    source = models.ForeignKey(PullSource, on_delete=models.PROTECT, related_name="dead_letters", verbose_name=_("pulled from"))
    working_group = models.ForeignKey("workgroups.WorkingGroup", on_delete=models.PROTECT, related_name="+", verbose_name=_("working group"))
    submission_id = models.CharField(_("survey submission id"), max_length=100)
    instance_id = models.CharField(_("instance id"), max_length=100, blank=True)
    reasons = models.JSONField(_("reasons"), default=list)
    answers = models.JSONField(_("answers"), default=dict)
    status = models.CharField(_("status"), max_length=16, choices=DeadLetterStatus.choices, default=DeadLetterStatus.OPEN)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    last_tried_at = models.DateTimeField(_("last tried at"), null=True, blank=True)

    sabeel_scope = "working_group"
    sabeel_view_action = "person.update"

    class Meta:
        verbose_name = _("submission not imported")
        verbose_name_plural = _("submissions not imported")
        constraints = [
            models.UniqueConstraint(fields=["source", "submission_id", "instance_id"], name="dead_letter_unique"),
        ]
        indexes = [models.Index(fields=["working_group", "status"], name="dead_letter_open")]

    def __str__(self) -> str:
        return f"dead letter #{self.pk}"


class InboundMessage(models.Model):
    """A text message received from the messaging gateway (RapidPro), kept by its id only so that
    a message delivered twice acts once. No number and no text are kept: the phone id and the
    outcome code are."""

    message_key = models.CharField(_("message (keyed hash of its id)"), max_length=64, unique=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    phone = models.ForeignKey("registry.Phone", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("phone"))
    command = models.CharField(_("command"), max_length=16, blank=True)
    outcome = models.CharField(_("outcome"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("text message received")
        verbose_name_plural = _("text messages received")

    def __str__(self) -> str:
        return f"inbound message #{self.pk}"
