from django.db import models
from django.utils.translation import gettext_lazy as _


class HouseholdStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    UNKNOWN = "U", _("Not recorded")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month only")
    YEAR = "year", _("Year only")
    UNKNOWN = "unknown", _("Unknown")


class Relationship(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    SON = "son", _("Son")
    DAUGHTER = "daughter", _("Daughter")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    NOT_RELATED = "not_related", _("Not related")


class Language(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    ENGLISH = "en", _("English")
    KURDISH = "ku", _("Kurdish")


class IdScheme(models.TextChoices):
    UNHCR_CASE = "unhcr_case", _("UNHCR case number")
    UNHCR_INDIVIDUAL = "unhcr_individual", _("UNHCR individual number")
    HOST_GOVERNMENT = "host_government", _("Host-government id")
    SYRIAN_NATIONAL = "syrian_national", _("Syrian national id")
    OTHER = "other", _("Other")


class CivilDocument(models.TextChoices):
    NATIONAL_ID = "national_id", _("Syrian national ID card")
    FAMILY_BOOKLET = "family_booklet", _("Family booklet")
    PASSPORT = "passport", _("Passport")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    MARRIAGE_CERTIFICATE = "marriage_certificate", _("Marriage certificate")
    CIVIL_REGISTRY_EXTRACT = "civil_registry_extract", _("Civil registry extract")
    RESIDENCY_PERMIT = "residency_permit", _("Host-country residency permit")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("In the household")
    REMOVED = "removed", _("Removed from the household")
    MOVED = "moved", _("Moved to another household")
    DIED = "died", _("Died")
    REGISTRATION_ERROR = "error", _("Registered in error")


class Presence(models.TextChoices):
    """Where a current member is: with the household, or absent (away, whereabouts unknown). An
    absent member is still a member: absent is not gone."""

    PRESENT = "present", _("Present with the household")
    ABSENT = "absent", _("Absent (whereabouts unknown or away)")


class DepartureKind(models.TextChoices):
    REMOVED = "removed", _("Removed from the household")
    MOVED = "moved", _("Moved to another household")
    MERGED = "merged", _("Merged into another record")
    DIED = "died", _("Died")
    REGISTRATION_ERROR = "error", _("Registered in error")


class BirthDateChangeState(models.TextChoices):
    PENDING = "pending", _("Waiting for a protection officer")
    CONFIRMED = "confirmed", _("Confirmed by a protection officer")
    REJECTED = "rejected", _("Not confirmed")


class DuplicateReason(models.TextChoices):
    """Why an officer registered a person although likely matches were shown (search before
    create); recorded with the registration."""

    DIFFERENT_DOCUMENTS = "different_documents", _("Different person: I checked their documents")
    DIFFERENT_DETAILS = "different_details", _("Different person: parents, date of birth or place differ")
    CANNOT_CHECK = "cannot_check", _("Could not check now: to be reviewed for duplicates")


class DeregistrationState(models.TextChoices):
    """Where a household's file in the host country stands after a return (or a request): active,
    or closed in one of three ways, each of which can be reopened after a failed or reversed return."""

    ACTIVE = "active", _("Active")
    VERIFIED_RETURN = "verified", _("Closed: verified return")
    PRESUMED_RETURN = "presumed", _("Closed: presumed return")
    CLOSED_ON_REQUEST = "request", _("Closed on request")


CLOSED_STATES = frozenset({DeregistrationState.VERIFIED_RETURN, DeregistrationState.PRESUMED_RETURN, DeregistrationState.CLOSED_ON_REQUEST})
