"""Registration numbers, phone numbers and external ids as officers type them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sabeel.registry.numbers import (
    external_id_normalise,
    luhn_check_digit,
    number_allocate,
    numbers_allocate,
    phone_to_e164,
    registration_number,
    registration_number_is_valid,
    registration_number_parse,
)

EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_a_number_has_the_country_eight_digits_and_a_luhn_check_digit():
    # (The example "LB-00123456-7" is illustrative: Luhn over 00123456 gives 6.)
    assert registration_number("LB", 123456) == "LB-00123456-6"
    assert luhn_check_digit("00123456") == 6
    assert registration_number_is_valid("LB-00123456-6")


def test_eastern_arabic_digits_lower_case_and_missing_dashes_are_read():
    assert registration_number_parse("lb001234566") == "LB-00123456-6"
    assert registration_number_parse("LB-00123456-6".translate(EASTERN)) == "LB-00123456-6"
    assert registration_number_parse(" lb 00123456 6 ") == "LB-00123456-6"


def test_a_wrong_check_digit_or_an_unknown_country_is_refused():
    assert not registration_number_is_valid("LB-00123456-7")
    assert not registration_number_is_valid("XX-00123456-7")
    assert not registration_number_is_valid("LB-0012345-7")
    assert not registration_number_is_valid("")


@given(st.integers(min_value=1, max_value=99_999_999), st.integers(min_value=0, max_value=7), st.integers(min_value=1, max_value=9))
def test_one_mistyped_digit_is_always_caught(sequence, position, delta):
    number = registration_number("JO", sequence)
    body = number[3:11]
    wrong = body[:position] + str((int(body[position]) + delta) % 10) + body[position + 1 :]
    assert not registration_number_is_valid(f"JO-{wrong}-{number[-1]}")


@pytest.mark.django_db
def test_numbers_are_taken_in_blocks_and_never_twice():
    block = numbers_allocate("LB", 1000)
    assert (block.start, block.stop) == (1, 1001)
    assert number_allocate("LB") == registration_number("LB", 1001)
    assert number_allocate("JO") == registration_number("JO", 1)


@pytest.mark.parametrize(
    ("typed", "country", "e164"),
    [
        ("03 123 456", "LB", "+9613123456"),
        ("71-123-456", "LB", "+96171123456"),
        ("+961 3 123 456", "LB", "+9613123456"),
        ("00961 71 123456", "LB", "+96171123456"),
        ("٠٣ ١٢٣ ٤٥٦", "LB", "+9613123456"),
        ("079 123 4567", "JO", "+962791234567"),
        ("962791234567", "JO", "+962791234567"),
        ("+963 944 123 456", "JO", "+963944123456"),
    ],
)
def test_local_and_international_phone_forms_become_e164(typed, country, e164):
    assert phone_to_e164(typed, country=country) == e164


@pytest.mark.parametrize("typed", ["123", "03 123 456 789 0", "call me", "+0123456789"])
def test_what_is_not_a_phone_number_is_refused(typed):
    with pytest.raises(ValueError):
        phone_to_e164(typed, country="LB")


def test_external_ids_are_folded_for_exact_lookup():
    assert external_id_normalise("leb-15c٠١٢٣٤") == "LEB15C01234"
    assert external_id_normalise(" LEB 15C 01234 ") == "LEB15C01234"
