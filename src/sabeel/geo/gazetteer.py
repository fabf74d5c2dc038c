"""A small built-in gazetteer, written as plain facts, for a fresh machine without the reference
data set: the six countries, Syria's 14 governorates, Lebanon's 8 governorates and Jordan's 12.

Keys are those of the reference set (OCHA p-codes for Syria and Lebanon, Wikidata ids for
Jordan), so that ``manage.py geo_load DIR`` later updates these rows instead of adding twins.
Centroids are approximate (two decimals at most). Load with ``loader.load_gazetteer()``."""

from __future__ import annotations

from dataclasses import dataclass

from sabeel.geo.choices import Country, KeyKind, Level


@dataclass(frozen=True)
class Fact:
    key: str
    key_kind: KeyKind
    country: Country
    level: Level
    parent_key: str | None
    name_en: str
    name_ar: str
    iso_code: str
    lat: float
    lon: float
    aliases_en: tuple[str, ...] = ()
    aliases_ar: tuple[str, ...] = ()


def _country(code: Country, name_en: str, name_ar: str, lat: float, lon: float) -> Fact:
    return Fact(code.value, KeyKind.ISO, code, Level.COUNTRY, None, name_en, name_ar, code.value, lat, lon)


COUNTRIES: tuple[Fact, ...] = (
    _country(Country.SYRIA, "Syria", "سوريا", 35.0, 38.5),
    _country(Country.LEBANON, "Lebanon", "لبنان", 33.9, 35.9),
    _country(Country.JORDAN, "Jordan", "الأردن", 31.2, 36.5),
    _country(Country.TURKIYE, "Türkiye", "تركيا", 39.0, 35.2),
    _country(Country.IRAQ, "Iraq", "العراق", 33.0, 43.7),
    _country(Country.EGYPT, "Egypt", "مصر", 26.7, 30.8),
)

# (OCHA p-code, ISO 3166-2, English, Arabic, lat, lon, other English spellings)
_SYRIA: tuple[tuple[str, str, str, str, float, float, tuple[str, ...]], ...] = (
    ("SY01", "SY-DI", "Damascus", "دمشق", 33.51, 36.29, ("Dimashq", "Al-Sham")),
    ("SY02", "SY-HL", "Aleppo", "حلب", 36.15, 37.55, ("Halab",)),
    ("SY03", "SY-RD", "Rif Dimashq", "ريف دمشق", 33.55, 37.0, ("Rural Damascus", "Damascus Countryside")),
    ("SY04", "SY-HI", "Homs", "حمص", 34.55, 38.0, ("Hims",)),
    ("SY05", "SY-HM", "Hama", "حماة", 35.15, 37.05, ("Hamah",)),
    ("SY06", "SY-LA", "Latakia", "اللاذقية", 35.6, 35.95, ("Lattakia", "Al-Ladhiqiyah")),
    ("SY07", "SY-ID", "Idlib", "إدلب", 35.8, 36.6, ("Idleb",)),
    ("SY08", "SY-HA", "Al-Hasakah", "الحسكة", 36.6, 40.9, ("Hasakeh", "Hasaka")),
    ("SY09", "SY-DY", "Deir ez-Zor", "دير الزور", 35.1, 40.3, ("Deir al-Zour", "Dayr az-Zawr")),
    ("SY10", "SY-TA", "Tartus", "طرطوس", 34.95, 36.05, ("Tartous",)),
    ("SY11", "SY-RA", "Raqqa", "الرقة", 35.95, 38.9, ("Ar-Raqqah", "Rakka")),
    ("SY12", "SY-DR", "Daraa", "درعا", 32.85, 36.25, ("Dar'a", "Deraa")),
    ("SY13", "SY-SU", "As-Suwayda", "السويداء", 32.7, 36.75, ("Sweida", "Suwaida")),
    ("SY14", "SY-QU", "Quneitra", "القنيطرة", 33.05, 35.85, ("Al-Qunaytirah", "Kuneitra")),
)

# (OCHA p-code as in the HDX global p-code list, ISO 3166-2, English, Arabic, lat, lon)
_LEBANON: tuple[tuple[str, str, str, str, float, float], ...] = (
    ("LB1", "LB-BA", "Beirut", "بيروت", 33.89, 35.5),
    ("LB2", "LB-BI", "Bekaa", "البقاع", 33.65, 35.85),
    ("LB3", "LB-JL", "Mount Lebanon", "جبل لبنان", 33.85, 35.65),
    ("LB4", "LB-NA", "Nabatieh", "النبطية", 33.33, 35.55),
    ("LB5", "LB-AS", "North", "الشمال", 34.35, 35.9),
    ("LB6", "LB-JA", "South", "الجنوب", 33.25, 35.3),
    ("LB7", "LB-AK", "Akkar", "عكار", 34.55, 36.1),
    ("LB8", "LB-BH", "Baalbek-Hermel", "بعلبك الهرمل", 34.15, 36.35),
)

# (Wikidata id, ISO 3166-2, English, Arabic, lat, lon)
_JORDAN: tuple[tuple[str, str, str, str, float, float], ...] = (
    ("Q506658", "JO-AJ", "Ajloun", "عجلون", 32.33, 35.75),
    ("Q472788", "JO-AM", "Amman", "عمان", 31.8, 36.2),
    ("Q260796", "JO-AQ", "Aqaba", "العقبة", 29.8, 35.3),
    ("Q721431", "JO-BA", "Balqa", "البلقاء", 32.05, 35.7),
    ("Q721441", "JO-IR", "Irbid", "إربد", 32.55, 35.85),
    ("Q750270", "JO-JA", "Jerash", "جرش", 32.27, 35.88),
    ("Q735245", "JO-KA", "Karak", "الكرك", 31.2, 35.7),
    ("Q606340", "JO-MN", "Ma'an", "معان", 30.2, 36.3),
    ("Q750447", "JO-MD", "Madaba", "مادبا", 31.7, 35.8),
    ("Q854871", "JO-MA", "Mafraq", "المفرق", 32.4, 37.5),
    ("Q750259", "JO-AT", "Tafilah", "الطفيلة", 30.8, 35.65),
    ("Q721445", "JO-AZ", "Zarqa", "الزرقاء", 31.95, 36.4),
)

SYRIA_GOVERNORATES: tuple[Fact, ...] = tuple(
    Fact(key, KeyKind.PCODE, Country.SYRIA, Level.ADMIN1, Country.SYRIA.value, en, ar, iso, lat, lon, aliases, (f"محافظة {ar}",))
    for key, iso, en, ar, lat, lon, aliases in _SYRIA
)
LEBANON_GOVERNORATES: tuple[Fact, ...] = tuple(
    Fact(key, KeyKind.PCODE, Country.LEBANON, Level.ADMIN1, Country.LEBANON.value, en, ar, iso, lat, lon)
    for key, iso, en, ar, lat, lon in _LEBANON
)
JORDAN_GOVERNORATES: tuple[Fact, ...] = tuple(
    Fact(key, KeyKind.WIKIDATA, Country.JORDAN, Level.ADMIN1, Country.JORDAN.value, en, ar, iso, lat, lon)
    for key, iso, en, ar, lat, lon in _JORDAN
)

FACTS: tuple[Fact, ...] = COUNTRIES + SYRIA_GOVERNORATES + LEBANON_GOVERNORATES + JORDAN_GOVERNORATES
