"""Reference geography (capability C1): admin units of every level in one table, their names and
aliases, border crossings and sites. Reference data is platform-wide, not group-scoped."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sabeel.core.i18n import in_page_language
from sabeel.core.models import BaseModel
from sabeel.geo.choices import Country, CrossingKind, KeyKind, Level, NameLanguage, NameType, SiteKind, Weekday

MAX_DAILY_CAPACITY = 50_000
ALL_DAYS_MASK = 0b1111111


def _coordinates_pair() -> Q:
    # Both "not null" terms are needed: a CHECK passes when it evaluates to NULL.
    return Q(lat__isnull=True, lon__isnull=True) | Q(
        lat__isnull=False, lon__isnull=False, lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180
    )


class LocalNameMixin:
    name_en: str
    name_ar: str

    @property
    def local_name(self) -> str:
        """The name in the active language, falling back to the other one."""
        return in_page_language(self.name_en, self.name_ar)


class AdminUnit(LocalNameMixin, BaseModel):
    """An administrative unit of any level: a country (level 0), a governorate, a district or a
    sub-district. Records elsewhere point at one unit whatever its level.

    The key is the OCHA p-code where there is one (Syria SY01/SY0101/SY010100, Lebanon LB1…),
    the ISO 3166-1 code for a country, the Wikidata id where the source has only that (Jordan), or
    a generated key where the source has neither."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    key_kind = models.CharField(_("kind of key"), max_length=16, choices=KeyKind.choices)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    name_ar = models.CharField(_("Arabic name"), max_length=200, blank=True)
    iso_code = models.CharField(_("ISO 3166 code"), max_length=8, blank=True)
    wikidata = models.CharField(_("Wikidata id"), max_length=16, blank=True)
    lat = models.FloatField(_("centroid latitude"), null=True, blank=True)
    lon = models.FloatField(_("centroid longitude"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    # A simplified GeoJSON MultiPolygon geometry (degrees, rounded), for maps; None where the
    # reference data has no polygon (the map then draws a symbol at the centroid).
    boundary = models.JSONField(_("boundary"), null=True, blank=True)
    boundary_source = models.CharField(_("source of the boundary"), max_length=100, blank=True)

    class Meta:
        ordering = ["country", "level", "key"]
        verbose_name = _("admin unit")
        verbose_name_plural = _("admin units")
        indexes = [models.Index(fields=["country", "level"])]
        constraints = [
            models.CheckConstraint(
                name="geo_unit_level_parent",
                condition=Q(level=0, parent__isnull=True) | Q(level__gte=1, level__lte=3, parent__isnull=False),
                violation_error_message=_("A country has no parent; every other unit has one, at level 1 to 3."),
            ),
            models.CheckConstraint(
                name="geo_unit_syria_arabic_name",
                condition=~Q(country=Country.SYRIA) | ~Q(name_ar=""),
                violation_error_message=_("A Syrian unit needs its Arabic name."),
            ),
            models.CheckConstraint(
                name="geo_unit_has_name",
                condition=~Q(name_en="", name_ar=""),
                violation_error_message=_("A unit needs an English or an Arabic name."),
            ),
            models.CheckConstraint(
                name="geo_unit_centroid",
                condition=_coordinates_pair(),
                violation_error_message=_("Give both latitude and longitude, within range, or neither."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_name} ({self.key})"


class AdminUnitName(BaseModel):
    """A name a unit is known by (primary, formal, alias, spelling variant), in English or
    Arabic, for matching places typed in free text."""

    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="names", verbose_name=_("admin unit"))
    name = models.CharField(_("name"), max_length=200)
    lang = models.CharField(_("language"), max_length=2, choices=NameLanguage.choices)
    name_type = models.CharField(_("type of name"), max_length=24, choices=NameType.choices)

    class Meta:
        ordering = ["unit", "lang", "name"]
        verbose_name = _("admin unit name")
        verbose_name_plural = _("admin unit names")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name", "lang"],
                name="geo_unit_name_unique",
                violation_error_message=_("This unit already has this name in this language."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


def weekdays_to_mask(days: Iterable[int]) -> int:
    mask = 0
    for day in days:
        mask |= 1 << Weekday(day).value
    return mask


def mask_to_weekdays(mask: int | None) -> list[Weekday] | None:
    if mask is None:
        return None
    return [day for day in Weekday if mask & (1 << day.value)]


class BorderCrossing(LocalNameMixin, BaseModel):
    """A border crossing between Syria and a neighbour, with both sides: the Syrian admin unit and
    the neighbouring country (and its admin unit where known). Opening days and daily capacity
    are often missing from the sources; movement officers set them in the app."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    name_ar = models.CharField(_("Arabic name"), max_length=200, blank=True)
    syria_side_name_ar = models.CharField(_("Arabic name of the Syrian side"), max_length=200, blank=True)
    neighbour_side_name_en = models.CharField(_("English name of the neighbour's side"), max_length=200, blank=True)
    neighbour_side_name_ar = models.CharField(_("Arabic name of the neighbour's side"), max_length=200, blank=True)
    syria_unit = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="crossings", verbose_name=_("Syrian admin unit")
    )
    neighbour_country = models.ForeignKey(
        AdminUnit,
        on_delete=models.PROTECT,
        related_name="neighbour_crossings",
        limit_choices_to={"level": Level.COUNTRY},
        verbose_name=_("neighbouring country"),
    )
    neighbour_unit = models.ForeignKey(
        AdminUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="neighbour_side_crossings",
        verbose_name=_("neighbour's admin unit"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CrossingKind.choices, default=CrossingKind.OFFICIAL)
    kind_note = models.CharField(_("kind as the source gives it"), max_length=100, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    coordinates_note = models.CharField(_("precision of the coordinates"), max_length=100, blank=True)
    opening_days = models.PositiveSmallIntegerField(
        _("opening days"), null=True, blank=True, help_text=_("Weekdays as a bit set, Monday = 1; empty when unknown.")
    )
    daily_capacity = models.PositiveIntegerField(_("daily capacity (persons)"), null=True, blank=True)
    operations_updated_at = models.DateTimeField(_("opening days or capacity last set at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        ordering = ["neighbour_country__key", "name_en", "key"]
        verbose_name = _("border crossing")
        verbose_name_plural = _("border crossings")
        constraints = [
            models.CheckConstraint(
                name="geo_crossing_coordinates",
                condition=_coordinates_pair(),
                violation_error_message=_("Give both latitude and longitude, within range, or neither."),
            ),
            models.CheckConstraint(
                name="geo_crossing_opening_days",
                condition=Q(opening_days__isnull=True) | Q(opening_days__lte=ALL_DAYS_MASK),
                violation_error_message=_("Opening days must be weekdays."),
            ),
            models.CheckConstraint(
                name="geo_crossing_capacity",
                condition=Q(daily_capacity__isnull=True) | Q(daily_capacity__lte=MAX_DAILY_CAPACITY),
                violation_error_message=_("The daily capacity is too large."),
            ),
        ]

    def __str__(self) -> str:
        return self.local_name or self.key

    @property
    def opening_weekdays(self) -> list[Weekday] | None:
        return mask_to_weekdays(self.opening_days)


class Site(LocalNameMixin, BaseModel):
    """A place where organised movements start or end: a departure point in a host country or a
    reception point in Syria."""

    kind = models.CharField(_("kind"), max_length=24, choices=SiteKind.choices)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    name_ar = models.CharField(_("Arabic name"), max_length=200, blank=True)
    admin_unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="sites", verbose_name=_("admin unit"))
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "name_en"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [
            models.CheckConstraint(
                name="geo_site_has_name",
                condition=~Q(name_en="", name_ar=""),
                violation_error_message=_("A site needs an English or an Arabic name."),
            ),
            models.CheckConstraint(
                name="geo_site_coordinates",
                condition=_coordinates_pair(),
                violation_error_message=_("Give both latitude and longitude, within range, or neither."),
            ),
        ]

    def __str__(self) -> str:
        return self.local_name
