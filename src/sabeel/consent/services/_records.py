"""Counselling, go-and-see visits, consent, re-confirmation, consent to share data, best-interests
procedures, recorded splits and hostilities sign-offs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sabeel.conditions.models import InformationPackage
from sabeel.consent import _conditions
from sabeel.consent.choices import DataCategory
from sabeel.consent.eligibility import birth_date_of
from sabeel.consent.models import (
    BestInterestsProcedure,
    ConsentEnd,
    CounsellingSession,
    DataSharingConsent,
    GoAndSeeOutcome,
    GoAndSeeVisit,
    HostilitiesSignOff,
    Reconfirmation,
    ReturnConsent,
    ReturnProgramme,
    SplitDecision,
    Withdrawal,
)
from sabeel.consent.services._common import (
    NAME_MAX,
    _active_programme,
    _checked_day,
    _current_member,
    _day_text,
    _fail,
    _household_of,
    _not_before_birth,
    _not_before_programme,
    _not_future,
    _programme,
    _record,
    _staff_user,
    _text,
    _today,
    _with_group,
)
from sabeel.core.actors import Actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import require
from sabeel.registry.choices import Language
from sabeel.registry.models import Household, Individual
from sabeel.workgroups.models import Organisation

# --- counselling and go-and-see ---------------------------------------------------------------------


@transaction.atomic
def counselling_record(
    *,
    actor: Actor,
    household: Household,
    held_on: dt.date | None = None,
    language: str,
    attendees: Sequence[Individual] = (),
    questions_raised: str = "",
    information_package: InformationPackage | None = None,
) -> CounsellingSession:
    """Record a counselling session: who counselled, when, in which language, who attended, and
    which version of the information package for the household's destination was shown (the
    current one in that language unless given)."""
    household = _with_group(household)
    require(actor, "consent.record", household)
    if language not in Language.values:
        raise _fail("language", _("Choose a language."))
    for person in attendees:
        _current_member(household, person, "attendees")
    held_on = _checked_day(household, held_on, "held_on", people=attendees, programme=_active_programme(household))
    questions = _text(questions_raised, "questions_raised")
    package = information_package or _conditions.information_package_current(
        destination=household.destination, language=language
    )
    session = CounsellingSession.objects.create(
        household=household,
        held_on=held_on,
        counsellor=_staff_user(actor),
        language=language,
        information_package=package,
        questions_raised=questions,
    )
    session.attendees.set(attendees)
    _record(
        actor,
        "consent.counselling_recorded",
        session,
        household,
        session_id=session.pk,
        individual_ids=sorted(p.pk for p in attendees),
        information_package_id=package.pk if package else None,
    )
    return session


def _visits_counted(individual: Individual, programme: ReturnProgramme, *, excluding: int | None = None) -> int:
    visits = GoAndSeeVisit.objects.filter(individual=individual, programme=programme).exclude(outcome=GoAndSeeOutcome.CANCELLED)
    if excluding is not None:
        visits = visits.exclude(pk=excluding)
    return visits.count()


def _visit_limit_error(programme: ReturnProgramme, used: int) -> ServiceError:
    allowed = programme.go_and_see_visits_allowed
    message = ngettext(
        "The programme allows %(allowed)d go-and-see visit per person, and this person has had %(used)d.",
        "The programme allows %(allowed)d go-and-see visits per person, and this person has had %(used)d.",
        allowed,
    ) % {"allowed": allowed, "used": used}
    return ServiceError(message, fields={"individual": [message]}, code="limit_reached")


@transaction.atomic
def go_and_see_record(
    *,
    actor: Actor,
    individual: Individual,
    starts_on: dt.date,
    ends_on: dt.date,
    crossing: Any = None,
    outcome: str = GoAndSeeOutcome.PLANNED,
    notes: str = "",
) -> GoAndSeeVisit:
    """Record a go-and-see visit of one person, within the programme's limit per person
    (cancelled visits do not count)."""
    household = _household_of(individual)
    require(actor, "consent.record", household)
    _current_member(household, individual)
    if ends_on < starts_on:
        raise _fail("ends_on", _("A visit cannot end before it starts."))
    if outcome not in GoAndSeeOutcome.values:
        raise _fail("outcome", _("Choose an outcome."))
    programme = _programme(household)
    # A planned visit may be in the future; one that took place did not. None starts before the
    # person was born or before the programme.
    _not_before_birth(starts_on, [individual], "starts_on")
    _not_before_programme(starts_on, programme, "starts_on")
    if outcome == GoAndSeeOutcome.COMPLETED:
        _not_future(household, ends_on, "ends_on")
    # Serialise visits of one person so that two officers cannot both take the last one.
    Individual.objects.select_for_update().filter(pk=individual.pk).values_list("pk", flat=True).first()
    used = _visits_counted(individual, programme)
    if outcome != GoAndSeeOutcome.CANCELLED and used >= programme.go_and_see_visits_allowed:
        raise _visit_limit_error(programme, used)
    visit = GoAndSeeVisit.objects.create(
        household=household,
        individual=individual,
        programme=programme,
        starts_on=starts_on,
        ends_on=ends_on,
        crossing=crossing,
        outcome=outcome,
        notes=_text(notes, "notes"),
        recorded_by=_staff_user(actor),
    )
    _record(
        actor,
        "consent.go_and_see_recorded",
        visit,
        household,
        visit_id=visit.pk,
        individual_id=individual.pk,
        crossing_id=getattr(crossing, "pk", None),
        outcome=outcome,
    )
    return visit


@transaction.atomic
def go_and_see_outcome_set(*, actor: Actor, visit: GoAndSeeVisit, outcome: str, notes: str | None = None) -> GoAndSeeVisit:
    """Record how a visit went (completed, cut short, cancelled). Taking back a cancellation
    counts against the limit again."""
    household = _household_of(visit.individual)
    require(actor, "consent.record", household)
    if outcome not in GoAndSeeOutcome.values:
        raise _fail("outcome", _("Choose an outcome."))
    current = GoAndSeeVisit.objects.select_for_update().select_related("programme").get(pk=visit.pk)
    if outcome == GoAndSeeOutcome.COMPLETED and current.ends_on > _today(household):
        raise _fail("outcome", _("A visit that ends in the future cannot be recorded as completed yet."))
    if current.outcome == GoAndSeeOutcome.CANCELLED and outcome != GoAndSeeOutcome.CANCELLED:
        used = _visits_counted(current.individual, current.programme, excluding=current.pk)
        if used >= current.programme.go_and_see_visits_allowed:
            raise _visit_limit_error(current.programme, used)
    old = current.outcome
    current.outcome = outcome
    fields = ["outcome", "updated_at"]
    if notes is not None:
        current.notes = _text(notes, "notes")
        fields.append("notes")
    current.save(update_fields=fields)
    _record(actor, "consent.go_and_see_outcome", current, household, visit_id=current.pk, outcome=[old, outcome])
    return current


# --- consent, re-confirmation, withdrawal -------------------------------------------------------


def _adult(individual: Individual, given_on: dt.date) -> None:
    """Consent is an adult's: refused for anyone who may be under 18 on the day, reading the birth
    date cautiously (the latest day they may have been born); an unknown birth date may be a child's."""
    born = birth_date_of(individual)
    if born.earliest() is None:
        message = _(
            "This person's date of birth is not recorded, so they may be under 18. Record the date of birth "
            "first; for a child, a protection officer follows a best-interests procedure instead."
        )
        raise ServiceError(message, fields={"individual": [message]}, code="may_be_child")
    if born.may_be_child_on(given_on):
        message = _(
            "This person may be under 18 on %(date)s: consent to return is recorded only for adults. For a "
            "child, a protection officer follows a best-interests procedure instead."
        ) % {"date": _day_text(given_on)}
        raise ServiceError(message, fields={"individual": [message]}, code="may_be_child")


def _counselled(
    individual: Individual, programme: ReturnProgramme, given_on: dt.date, chosen: InformationPackage | None
) -> InformationPackage | None:
    """The package the person was shown at counselling under this programme, on or before the
    consent's day: the one chosen (if they were shown it) or else the latest shown. Refuses a
    consent without such counselling, and a package the person was not shown."""
    sessions = list(
        CounsellingSession.objects.filter(
            household__working_group_id=programme.working_group_id,
            attendees=individual,
            held_on__gte=programme.starts_on,
            held_on__lte=given_on,
        )
        .select_related("information_package")
        .order_by("-held_on", "-pk")
    )
    if not sessions:
        message = _(
            "This person has not been counselled under this programme on or before %(date)s. Record a "
            "counselling session they attended first."
        ) % {"date": _day_text(given_on)}
        raise ServiceError(message, fields={"individual": [message]}, code="not_counselled")
    shown = [s.information_package for s in sessions if s.information_package is not None]
    if chosen is None:
        return shown[0] if shown else None
    if chosen.pk not in {p.pk for p in shown}:
        message = _(
            "This person was not shown this version of the information package at counselling; the consent "
            "records the version they were shown."
        )
        raise ServiceError(message, fields={"information_package": [message]})
    return chosen


def _already_consented(programme: ReturnProgramme, standing: ReturnConsent) -> ServiceError:
    until = standing.given_on + dt.timedelta(days=programme.consent_validity_days)
    message = _(
        "This person already has an active consent under this programme, given on %(date)s and valid until "
        "%(until)s. Record a re-confirmation instead."
    ) % {"date": _day_text(standing.given_on), "until": _day_text(until)}
    return ServiceError(message, fields={"individual": [message]}, code="conflict")


def _end_expired(individual: Individual, programme: ReturnProgramme, today: dt.date) -> None:
    """Under the person's row lock: an active consent that has expired is ended, so that a new one
    may be recorded; one still valid refuses the new consent."""
    Individual.objects.select_for_update().filter(pk=individual.pk).values_list("pk", flat=True).first()
    standing = (
        ReturnConsent.objects.select_for_update()
        .filter(individual=individual, programme=programme, ended_at__isnull=True)
        .first()
    )
    if standing is None:
        return
    if standing.given_on + dt.timedelta(days=programme.consent_validity_days) >= today:
        raise _already_consented(programme, standing)
    standing.ended_at = timezone.now()
    standing.ended_reason = ConsentEnd.EXPIRED
    standing.save(update_fields=["ended_at", "ended_reason", "updated_at"])


@transaction.atomic
def consent_record(
    *,
    actor: Actor,
    individual: Individual,
    free: bool,
    informed: bool,
    express: bool,
    given_on: dt.date | None = None,
    can_read: bool = True,
    information_package: InformationPackage | None = None,
) -> ReturnConsent:
    """Record one adult's consent to return under the working group's programme: free, informed
    and express (all three, or nothing is recorded), verified by the protection officer recording
    it, dated (not in the future, not before the programme started), by a person who is certainly
    18 or older that day, after counselling under the programme that the person attended; it
    records the information package the person was shown there (the one given, which they must
    have been shown, or else the latest shown).

    One active consent per adult per programme, under the person's row lock and a database
    constraint: while one stands, a second is refused (record a re-confirmation instead); after
    a withdrawal or once it has expired, a new consent may be recorded."""
    household = _household_of(individual)
    require(actor, "consent.record", household)
    _current_member(household, individual)
    programme = _programme(household)
    given_on = _checked_day(household, given_on, "given_on", people=[individual], programme=programme)
    missing = {
        name: [message]
        for name, ok, message in (
            ("free", free, _("Record consent only when the person decided freely, without pressure or inducement.")),
            ("informed", informed, _("Record consent only when the person has seen the information package.")),
            ("express", express, _("Record consent only when the person stated it clearly themselves.")),
        )
        if ok is not True
    }
    if missing:
        raise ServiceError(_("Consent must be free, informed and express."), fields=missing)
    _adult(individual, given_on)
    package = _counselled(individual, programme, given_on, information_package)
    _end_expired(individual, programme, _today(household))
    try:
        with transaction.atomic():
            consent = ReturnConsent.objects.create(
                household=household,
                individual=individual,
                programme=programme,
                given_on=given_on,
                free=True,
                informed=True,
                express=True,
                information_package=package,
                verified_by=_staff_user(actor),
                can_read=bool(can_read),
            )
    except IntegrityError:
        # Another officer recorded this person's consent a moment ago (the constraint caught it).
        standing = ReturnConsent.objects.filter(individual=individual, programme=programme, ended_at__isnull=True).first()
        if standing is None:
            raise
        raise _already_consented(programme, standing) from None
    _record(
        actor,
        "consent.recorded",
        consent,
        household,
        consent_id=consent.pk,
        individual_id=individual.pk,
        programme_id=programme.pk,
        information_package_id=package.pk if package else None,
    )
    return consent


def _standing_consent(individual: Individual, household: Household, on: dt.date) -> ReturnConsent | None:
    """The person's latest consent on or before ``on``, unless withdrawn since (same-day counts)."""
    consent = (
        ReturnConsent.objects.filter(household=household, individual=individual, given_on__lte=on)
        .order_by("-given_on", "-pk")
        .first()
    )
    if consent is None:
        return None
    zone = ZoneInfo(household.working_group.time_zone or "UTC")
    for withdrawal in Withdrawal.objects.filter(household=household, individual=individual):
        if consent.given_on <= withdrawal.at.astimezone(zone).date() <= on:
            return None
    return consent


@transaction.atomic
def reconfirmation_record(*, actor: Actor, individual: Individual, on: dt.date | None = None) -> Reconfirmation:
    """The adult confirmed again, close to departure, that they still want to go. Needs a
    standing consent (given, and not withdrawn since)."""
    household = _household_of(individual)
    require(actor, "consent.record", household)
    _current_member(household, individual)
    on = _checked_day(household, on, "on", people=[individual], programme=_active_programme(household))
    if _standing_consent(individual, household, on) is None:
        raise _fail("individual", _("This person has no standing consent to re-confirm; record a consent first."))
    reconfirmation = Reconfirmation.objects.create(household=household, individual=individual, on=on, recorded_by=_staff_user(actor))
    _record(
        actor,
        "consent.reconfirmed",
        reconfirmation,
        household,
        reconfirmation_id=reconfirmation.pk,
        individual_id=individual.pk,
    )
    return reconfirmation


# --- consent to share data ------------------------------------------------------------------------


@transaction.atomic
def sharing_consent_record(
    *,
    actor: Actor,
    individual: Individual,
    parties: Sequence[int],
    data_categories: Sequence[str],
    purpose: str,
    given_on: dt.date | None = None,
) -> DataSharingConsent:
    """Record a person's consent to share their data: with which organisations (ids), which data,
    for what purpose. A separate record from the consent to return."""
    household = _household_of(individual)
    require(actor, "consent.record", household)
    _current_member(household, individual)
    given_on = _checked_day(household, given_on, "given_on", people=[individual])
    errors: dict[str, list[str]] = {}
    party_ids = sorted({int(p) for p in parties})
    if not party_ids or Organisation.objects.filter(pk__in=party_ids, is_active=True).count() != len(party_ids):
        errors["parties"] = [_("Choose the organisations the data may be shared with.")]
    categories = sorted(set(data_categories))
    if not categories or not set(categories) <= set(DataCategory.values):
        errors["data_categories"] = [_("Choose which data may be shared.")]
    purpose = (purpose or "").strip()
    if not purpose or len(purpose) > NAME_MAX:
        errors["purpose"] = [_("Say for what purpose, in at most %(count)d characters.") % {"count": NAME_MAX}]
    if errors:
        raise ServiceError(_("Some fields are not valid."), fields=errors)
    consent = DataSharingConsent.objects.create(
        household=household,
        individual=individual,
        parties=party_ids,
        data_categories=categories,
        purpose=purpose,
        given_on=given_on,
        recorded_by=_staff_user(actor),
    )
    _record(
        actor,
        "consent.sharing_recorded",
        consent,
        household,
        sharing_consent_id=consent.pk,
        individual_id=individual.pk,
        organisation_ids=party_ids,
        categories=categories,
    )
    return consent


@transaction.atomic
def sharing_consent_withdraw(*, actor: Actor, sharing_consent: DataSharingConsent, on: dt.date | None = None) -> DataSharingConsent:
    """The person withdrew their consent to share data; it no longer covers any share from ``on``."""
    household = _with_group(sharing_consent.household)
    require(actor, "consent.withdraw", household)
    current = DataSharingConsent.objects.select_for_update().get(pk=sharing_consent.pk)
    if current.withdrawn_on is not None:
        raise ServiceError(_("This consent to share data was already withdrawn."))
    on = _not_future(household, on, "on")
    if on < current.given_on:
        raise _fail("on", _("A consent cannot be withdrawn before it was given."))
    current.withdrawn_on = on
    current.save(update_fields=["withdrawn_on", "updated_at"])
    _record(actor, "consent.sharing_withdrawn", current, household, sharing_consent_id=current.pk, individual_id=current.individual_id)
    return current


# --- children, splits, sign-offs ---------------------------------------------------------------------


@transaction.atomic
def best_interests_record(
    *, actor: Actor, child: Individual, started_on: dt.date, completed_on: dt.date | None = None
) -> BestInterestsProcedure:
    """A protection officer records a best-interests procedure for a child of the household (an
    unaccompanied or separated child, or a child who would travel without an adult)."""
    household = _household_of(child)
    require(actor, "consent.record", household)
    _current_member(household, child, "child")
    today = _today(household)
    if not birth_date_of(child).may_be_child_on(today):
        raise _fail("child", _("A best-interests procedure is for a child; this person is an adult."))
    programme = _active_programme(household)
    started_on = _checked_day(household, started_on, "started_on", people=[child], programme=programme)
    if completed_on is not None:
        completed_on = _checked_day(household, completed_on, "completed_on", people=[child], programme=programme)
        if completed_on < started_on:
            raise _fail("completed_on", _("A procedure cannot be completed before it starts."))
    procedure = BestInterestsProcedure.objects.create(
        household=household, child=child, started_on=started_on, completed_on=completed_on, recorded_by=_staff_user(actor)
    )
    _record(
        actor,
        "consent.best_interests_recorded",
        procedure,
        household,
        procedure_id=procedure.pk,
        individual_id=child.pk,
        completed=completed_on is not None,
    )
    return procedure


@transaction.atomic
def best_interests_complete(
    *, actor: Actor, procedure: BestInterestsProcedure, completed_on: dt.date | None = None
) -> BestInterestsProcedure:
    """A protection officer records that the procedure is complete."""
    household = _with_group(procedure.household)
    require(actor, "consent.record", household)
    current = BestInterestsProcedure.objects.select_for_update().get(pk=procedure.pk)
    if current.completed_on is not None:
        raise ServiceError(_("This procedure is already complete."))
    completed_on = _checked_day(
        household, completed_on, "completed_on", people=[current.child], programme=_active_programme(household)
    )
    if completed_on < current.started_on:
        raise _fail("completed_on", _("A procedure cannot be completed before it starts."))
    current.completed_on = completed_on
    current.recorded_by = _staff_user(actor)
    current.save(update_fields=["completed_on", "recorded_by", "updated_at"])
    _record(actor, "consent.best_interests_completed", current, household, procedure_id=current.pk, individual_id=current.child_id)
    return current


@transaction.atomic
def split_record(
    *,
    actor: Actor,
    household: Household,
    members_leaving: Sequence[Individual],
    on: dt.date | None = None,
    note: str = "",
) -> SplitDecision:
    """A protection officer records the household's own request that only some members travel
    (hard rule 3: the planner never splits a family). A split naming every current member undoes
    an earlier one."""
    household = _with_group(household)
    require(actor, "consent.record", household)
    if not members_leaving:
        raise _fail("members_leaving", _("Choose the members who travel."))
    for person in members_leaving:
        _current_member(household, person, "members_leaving")
    on = _checked_day(household, on, "on", people=members_leaving, programme=_active_programme(household))
    split = SplitDecision.objects.create(household=household, on=on, recorded_by=_staff_user(actor), note=_text(note, "note"))
    split.members_leaving.set(members_leaving)
    _record(
        actor,
        "consent.split_recorded",
        split,
        household,
        split_id=split.pk,
        individual_ids=sorted(p.pk for p in members_leaving),
    )
    return split


@transaction.atomic
def hostilities_sign_off_record(
    *, actor: Actor, household: Household, on: dt.date | None = None, note: str = ""
) -> HostilitiesSignOff:
    """A protection officer signs off an organised movement to the household's destination while
    it is flagged for active hostilities. Without it the household may still return on its own."""
    household = _with_group(household)
    require(actor, "consent.record", household)
    if household.destination_id is None:
        raise _fail("destination", _("The household has no chosen destination to sign off."))
    on = _checked_day(household, on, "on", programme=_active_programme(household))
    sign_off = HostilitiesSignOff.objects.create(
        household=household,
        destination_id=household.destination_id,
        on=on,
        recorded_by=_staff_user(actor),
        note=_text(note, "note"),
    )
    _record(
        actor,
        "consent.hostilities_signed_off",
        sign_off,
        household,
        sign_off_id=sign_off.pk,
        destination_id=household.destination_id,
    )
    return sign_off
