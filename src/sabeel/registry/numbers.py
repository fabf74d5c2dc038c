"""Numbers the registry hands out or reads back: Sabeel registration numbers, phone numbers in
E.164 and the normalised form of external identifiers.

A registration number reads ``LB-00123456-6``: the host country, an 8-digit sequence taken from
``RegistrationCounter`` (the row is locked while numbers are taken) and a Luhn check digit over
the 8 digits, so that one mistyped digit or two swapped neighbours are caught when a number is
read back. Officers type numbers with Eastern Arabic digits and without dashes; both are read.
"""

from __future__ import annotations

import re

from django.db import transaction

from sabeel.engines.text import fold_digits
from sabeel.registry.models import RegistrationCounter

__all__ = [
    "COUNTRY_CALLING_CODES",
    "MAX_SEQUENCE",
    "external_id_normalise",
    "luhn_check_digit",
    "number_allocate",
    "numbers_allocate",
    "phone_to_e164",
    "registration_number",
    "registration_number_is_valid",
    "registration_number_parse",
]

MAX_SEQUENCE = 99_999_999
COUNTRY_CALLING_CODES: dict[str, str] = {"LB": "961", "JO": "962", "TR": "90", "IQ": "964", "EG": "20", "SY": "963"}
# Digits of the national number (without the trunk 0) per host country, for local forms.
_NATIONAL_LENGTHS: dict[str, tuple[int, ...]] = {
    "LB": (7, 8),
    "JO": (8, 9),
    "TR": (10,),
    "IQ": (9, 10),
    "EG": (8, 9, 10),
    "SY": (8, 9),
}
_NUMBER = re.compile(r"^([A-Z]{2})(\d{8})(\d)$")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015./_()\u200e\u200f\u061c]+")
_PHONE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015./()\u200e\u200f\u061c]+")
_ID_NOISE = re.compile(r"[^0-9A-Z]+")


def luhn_check_digit(digits: str) -> int:
    """The Luhn check digit for a string of ASCII digits (the digit appended makes it valid)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # the rightmost payload digit is doubled
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def registration_number(country: str, sequence: int) -> str:
    """``registration_number("LB", 123456)`` → ``"LB-00123456-6"``."""
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"sequence {sequence} out of range")
    body = f"{sequence:08d}"
    return f"{country.upper()}-{body}-{luhn_check_digit(body)}"


def registration_number_parse(text: str) -> str | None:
    """The canonical form of a registration number as typed (Eastern Arabic digits, lower case,
    spaces or no dashes are fine), or None when it is not one or its check digit is wrong."""
    compact = _SEPARATORS.sub("", fold_digits(text or "")).upper()
    match = _NUMBER.match(compact)
    if match is None:
        return None
    country, body, check = match.groups()
    if country not in COUNTRY_CALLING_CODES or int(body) == 0 or luhn_check_digit(body) != int(check):
        return None
    return f"{country}-{body}-{check}"


def registration_number_is_valid(text: str) -> bool:
    """True when ``text`` reads as a registration number whose check digit holds."""
    return registration_number_parse(text) is not None


def numbers_allocate(country: str, count: int) -> range:
    """Take ``count`` consecutive sequence values for ``country`` (for bulk loads) and return them;
    format each with ``registration_number(country, value)``. The counter row is locked until
    the caller's transaction ends, so two writers never take the same numbers."""
    if count < 1:
        raise ValueError("count must be at least 1")
    country = country.upper()
    with transaction.atomic():
        RegistrationCounter.objects.bulk_create([RegistrationCounter(country=country, next_value=1)], ignore_conflicts=True)
        counter = RegistrationCounter.objects.select_for_update().get(country=country)
        start = counter.next_value
        end = start + count
        if end - 1 > MAX_SEQUENCE:
            raise ValueError(f"registration numbers of {country} are exhausted")
        counter.next_value = end
        counter.save(update_fields=["next_value"])
    return range(start, end)


def number_allocate(country: str) -> str:
    """One new registration number for ``country``."""
    return registration_number(country, numbers_allocate(country, 1)[0])


def phone_to_e164(text: str, *, country: str) -> str:
    """A phone number typed in a local form (``03 123 456``, ``079 123 4567``), with the
    international prefix ``00`` or ``+``, or with Eastern Arabic digits, in E.164 (``+9613123456``).

    ``country`` is the host country whose calling code completes a local number. Raises
    ``ValueError`` when the text is not a phone number."""
    compact = _PHONE_SEPARATORS.sub("", fold_digits(text or "").strip())
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("+"):
        digits = compact[1:]
        if not digits.isdigit() or not 8 <= len(digits) <= 15 or digits[0] == "0":
            raise ValueError("not an international phone number")
        return "+" + digits
    if not compact.isdigit():
        raise ValueError("not a phone number")
    code = COUNTRY_CALLING_CODES.get(country.upper())
    if code is None:
        raise ValueError(f"no calling code for {country}")
    national = compact.lstrip("0") if compact.startswith("0") else compact
    if compact.startswith(code) and len(compact) - len(code) in _NATIONAL_LENGTHS[country.upper()]:
        national = compact[len(code) :]  # the calling code typed without + or 00
    if len(national) not in _NATIONAL_LENGTHS[country.upper()]:
        raise ValueError("wrong number of digits for a local number")
    return f"+{code}{national}"


def external_id_normalise(value: str) -> str:
    """An external identifier folded for exact look-up: ASCII digits, upper case, letters and
    digits only (``"leb-15c٠١٢٣٤"`` → ``"LEB15C01234"``)."""
    return _ID_NOISE.sub("", fold_digits(value or "").upper())[:64]
