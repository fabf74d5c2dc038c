"""Arabic normalisation: the spelling differences that do not make a different name."""

import pytest

from sabeel.engines.text import Script, detect_script, fold_digits, normalise, normalise_arabic


def test_tashkeel_and_tatweel_are_removed():
    assert normalise_arabic("حِمْص") == "حمص"
    assert normalise_arabic("حمــــص") == "حمص"
    assert normalise_arabic("مُحَمَّدٌ") == "محمد"


@pytest.mark.parametrize("written", ["أحمد", "إحمد", "آحمد", "ٱحمد", "احمد"])
def test_every_alef_form_is_one_alef(written):
    assert normalise_arabic(written) == "احمد"


def test_alef_maqsura_and_persian_yeh_become_yeh():
    assert normalise_arabic("مصطفى") == normalise_arabic("مصطفي") == "مصطفي"
    assert normalise_arabic("مصطفی") == "مصطفي"


def test_taa_marbuta_becomes_haa():
    assert normalise_arabic("حماة") == normalise_arabic("حماه") == "حماه"


def test_hamza_seats_are_folded_and_a_lone_hamza_dropped():
    assert normalise_arabic("مؤمن") == "مومن"
    assert normalise_arabic("رئيس") == "رييس"
    assert normalise_arabic("السويداء") == "سويدا"


def test_the_article_is_stripped_from_each_word_for_matching():
    assert normalise_arabic("الرقة") == "رقه"
    assert normalise_arabic("دير الزور") == "دير زور"
    assert normalise_arabic("الرقة", strip_article=False) == "الرقه"


def test_a_short_word_starting_with_alef_lam_is_not_cut_to_one_letter():
    assert normalise_arabic("الي") == "الي"


def test_abd_written_together_with_the_article_splits_in_two():
    assert normalise_arabic("عبدالرحمن") == normalise_arabic("عبد الرحمن") == "عبد رحمن"


def test_eastern_arabic_and_persian_digits_become_ascii():
    assert fold_digits("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert fold_digits("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert normalise_arabic("حي ٣") == "حي 3"


def test_punctuation_and_invisible_marks_do_not_count():
    assert normalise_arabic("حمص، سوريا") == "حمص سوريا"
    assert normalise_arabic("حم\u200fص") == "حمص"


def test_presentation_forms_fold_to_the_base_letters():
    assert normalise("ﺣﻤﺺ").tokens == ("حمص",)


def test_script_is_detected():
    assert detect_script("حمص") is Script.ARABIC
    assert detect_script("Homs") is Script.LATIN
    assert detect_script("Homs حمص") is Script.MIXED
    assert detect_script("١٢ - 3") is Script.NONE
