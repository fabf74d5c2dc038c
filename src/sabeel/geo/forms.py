"""Forms of the geography pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sabeel.geo.choices import Country, Level, Weekday
from sabeel.geo.lookup import MAX_QUERY, UnitMatch, lookup
from sabeel.geo.models import MAX_DAILY_CAPACITY, AdminUnit, BorderCrossing

_TIE_TOLERANCE = 1e-6


class PlaceField(forms.CharField):
    """A place typed as a key (p-code, ISO or Wikidata id) or as a name in Arabic or Latin script
    ("Homs", "حمص", "Bekaa", "البقاع"), cleaned to one ``AdminUnit`` through the gazetteer lookup.

    ``country`` limits the places to one country; ``syrian=True`` to Syria, ``syrian=False`` to the
    host countries. A name several units match equally well is refused with the candidates (key and
    names) so that the user can type the key; an unknown name is refused plainly. Place names are
    not personal data, so this field may travel in a GET query string."""

    default_error_messages = {
        "unknown": _(
            "No place matches “%(query)s”. Type a place name in Arabic or English, or its code (for example SY04)."
        ),
        "ambiguous": _("“%(query)s” matches several places: %(candidates)s. Type the code of the one you mean."),
        "not_syrian": _("Choose a place in Syria."),
        "not_host": _("Choose a place in a host country, not in Syria."),
        "other_country": _("Choose a place in %(country)s."),
    }

    def __init__(self, *, country: str | None = None, syrian: bool | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_QUERY)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.country = country or ("SY" if syrian else None)
        self.syrian = syrian
        self.widget.attrs.setdefault("placeholder", _("Name or code"))
        self.widget.attrs.setdefault("autocomplete", "off")

    def _allowed(self, unit: AdminUnit) -> bool:
        if self.country and unit.country != self.country:
            return False
        return not (self.syrian is False and unit.country == Country.SYRIA)

    def _refuse_outside(self, unit: AdminUnit) -> forms.ValidationError:
        if self.syrian:
            return forms.ValidationError(self.error_messages["not_syrian"], code="not_syrian")
        if self.country and unit.country != self.country:
            return forms.ValidationError(
                self.error_messages["other_country"],
                code="other_country",
                params={"country": Country(self.country).label},
            )
        return forms.ValidationError(self.error_messages["not_host"], code="not_host")

    def clean(self, value: Any) -> AdminUnit | None:  # type: ignore[override]
        text = super().clean(value)
        text = (text or "").strip()
        if not text:
            return None
        by_key = AdminUnit.objects.filter(key__iexact=text).select_related("parent").first()
        if by_key is not None:
            if not self._allowed(by_key):
                raise self._refuse_outside(by_key)
            return by_key
        result = lookup(text, country=self.country, limit=20)
        found = [m for m in result.matches if self._allowed(m.unit)]
        if not found:
            # Said plainly when the name is a place elsewhere ("Bekaa" where a Syrian place is wanted).
            elsewhere = lookup(text, limit=1) if self.country else result
            if elsewhere.matches and elsewhere.matches[0].exact:
                raise self._refuse_outside(elsewhere.matches[0].unit)
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"query": text})
        tied = [m for m in found if found[0].score - m.score < _TIE_TOLERANCE]
        if len(tied) > 1:
            raise forms.ValidationError(
                self.error_messages["ambiguous"],
                code="ambiguous",
                params={"query": text, "candidates": get_text_list([candidate_label(m) for m in tied], _("or"))},
            )
        return found[0].unit

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, AdminUnit):
            return value.key
        return value


def candidate_label(match: UnitMatch | AdminUnit) -> str:
    """A candidate place as the user may retype it: "SY0400 · Homs / حمص · Second level (district) ·
    in Homs" — its key, both names, its level and the unit above."""
    unit = match.unit if isinstance(match, UnitMatch) else match
    parts = [unit.key, " / ".join(n for n in (unit.name_en, unit.name_ar) if n), str(unit.get_level_display())]
    if unit.parent is not None and unit.parent.level > 0:
        parts.append(gettext("in %(place)s") % {"place": unit.parent.local_name})
    return " · ".join(parts)


class LookupForm(forms.Form):
    query = forms.CharField(label=_("Place name, in Arabic or Latin script"), max_length=MAX_QUERY, strip=True)
    country = forms.ChoiceField(
        label=_("Country"), choices=[("", _("All countries")), *Country.choices], required=False
    )
    level = forms.TypedChoiceField(
        label=_("Level"), choices=[("", _("All levels")), *Level.choices], coerce=int, empty_value=None, required=False
    )


class CrossingOperationsForm(forms.Form):
    days_known = forms.BooleanField(label=_("Opening days are known"), required=False)
    opening_days = forms.TypedMultipleChoiceField(
        label=_("Opening days"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    daily_capacity = forms.IntegerField(
        label=_("Daily capacity (persons)"),
        min_value=1,
        max_value=MAX_DAILY_CAPACITY,
        required=False,
        help_text=_("Leave empty when unknown."),
    )

    @classmethod
    def for_crossing(cls, crossing: BorderCrossing) -> CrossingOperationsForm:
        days = crossing.opening_weekdays
        return cls(
            initial={
                "days_known": days is not None,
                "opening_days": [int(d) for d in days or []],
                "daily_capacity": crossing.daily_capacity,
            }
        )

    def opening_days_value(self) -> list[int] | None:
        """None when the days are unknown; an empty list means closed every day."""
        if not self.cleaned_data.get("days_known") and not self.cleaned_data.get("opening_days"):
            return None
        return list(self.cleaned_data.get("opening_days") or [])
