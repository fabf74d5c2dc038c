"""Choices of the geography app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    COUNTRY = 0, _("Country")
    ADMIN1 = 1, _("First level (governorate)")
    ADMIN2 = 2, _("Second level (district)")
    ADMIN3 = 3, _("Third level (sub-district)")


class KeyKind(models.TextChoices):
    ISO = "iso", _("ISO 3166 code")
    PCODE = "pcode", _("OCHA p-code")
    WIKIDATA = "wikidata", _("Wikidata id")
    GENERATED = "generated", _("Generated key")


class Country(models.TextChoices):
    SYRIA = "SY", _("Syria")
    LEBANON = "LB", _("Lebanon")
    JORDAN = "JO", _("Jordan")
    TURKIYE = "TR", _("Türkiye")
    IRAQ = "IQ", _("Iraq")
    EGYPT = "EG", _("Egypt")


class NameLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    ARABIC = "ar", _("Arabic")


class NameType(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    OCHA = "ocha", _("OCHA")
    FORMAL = "formal", _("Formal")
    ALIAS = "alias", _("Alias")
    ALTERNATE_SPELLING = "alternate_spelling", _("Alternate spelling")
    TRANSLITERATION = "transliteration", _("Transliteration")


class CrossingKind(models.TextChoices):
    OFFICIAL = "official", _("Official")
    INFORMAL = "informal", _("Informal or historic")
    OTHER = "other", _("Other")


class SiteKind(models.TextChoices):
    DEPARTURE_POINT = "departure_point", _("Departure point")
    RECEPTION_POINT = "reception_point", _("Reception point")


class Weekday(models.IntegerChoices):
    """Python's weekday numbers (Monday is 0)."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
