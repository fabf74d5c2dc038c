"""Finding a person again: any name part in either script, transliteration variants, typos,
identifiers typed with Eastern Arabic digits; only within the actor's own working groups."""

from __future__ import annotations

import pytest

from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import ReadEntry
from sabeel.engines.text import PersonName, name_keys
from sabeel.registry.search import name_keys_for, name_score, person_search, query_keys
from sabeel.registry.tests.factories import head, household_make, spouse

EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_keys_meet_across_scripts_and_spellings():
    arabic = name_keys_for({"first_name_ar": "محمد", "family_name_ar": "الحريري"})
    latin = name_keys_for({"first_name_lat": "Mohamad", "family_name_lat": "El Hariri"})
    assert "p:hr|mhmd" in arabic and "p:hr|mhmd" in latin
    assert name_keys_for({"first_name_lat": "Abdulrahman"}) == name_keys_for({"first_name_lat": "Abd al-Rahman"})
    assert name_keys_for({"first_name_lat": "Abdel Rahman"}) >= {"w:'bd+rhmn", "w:rhmn"}


def test_the_index_keys_are_the_name_models_keys():
    fields = {"first_name_ar": "عبد الرحمن", "father_name_ar": "خليل", "family_name_ar": "الخطيب", "first_name_lat": "Abdülrahman", "family_name_lat": "Hatip"}
    readings = [PersonName.from_fields(fields, "_ar"), PersonName.from_fields(fields, "_lat")]
    assert name_keys_for(fields) == name_keys(readings)


@pytest.mark.parametrize(
    ("arabic", "latin"),
    [
        ({"first_name_ar": "خليل", "family_name_ar": "الخطيب"}, {"first_name_lat": "Halil", "family_name_lat": "Hatip"}),
        ({"first_name_ar": "عائشة", "family_name_ar": "الشمري"}, {"first_name_lat": "Ayşe", "family_name_lat": "Şemmari"}),
        ({"first_name_ar": "جمال", "family_name_ar": "الجاسم"}, {"first_name_lat": "Cemal", "family_name_lat": "Casım"}),
        ({"first_name_ar": "يحيى", "family_name_ar": "الحموي"}, {"first_name_lat": "Yehia", "family_name_lat": "Hamwi"}),
    ],
)
def test_turkish_and_french_spellings_share_pair_keys_with_the_arabic(arabic, latin):
    shared = {k for k in name_keys_for(arabic) & name_keys_for(latin) if k.startswith("p:")}
    assert shared


def test_a_two_word_query_is_looked_up_by_its_pair_key_in_either_order():
    assert "p:hr|mhmd" in query_keys("Muhammad al-Hariri").pairs
    assert "p:hr|mhmd" in query_keys("Hariri, Mohammed").pairs
    assert "p:'bd+rhmn|hr" in query_keys("Abdel Rahman El Hariri").pairs
    assert "p:'bd+rhmn|hr" in query_keys("عبد الرحمن الحريري").pairs


def test_scores_prefer_the_closer_spelling():
    names = ["محمد", "أحمد", "", "الحريري", "Mohamad", "Ahmad", "", "El Hariri"]
    assert name_score(["muhamad", "hariri"], names) == 1.0
    assert name_score(["muhamad", "hariri"], ["Omar", "", "", "Khatib"]) < 0.75


@pytest.fixture
def hariri(cast, places):
    """محمد الحريري registered in Arabic only, his wife with Latin names only, in Lebanon."""
    return household_make(
        cast,
        "lb",
        members=[
            head(first_name_lat="", father_name_lat="", grandfather_name_lat="", family_name_lat=""),
            spouse(first_name_ar="", father_name_ar="", family_name_ar="", first_name_lat="Fatme", family_name_lat="El Hariri"),
        ],
    )


def _names(result):
    return [(hit.values.get("first_name_ar") or hit.values.get("first_name_lat")) for hit in result.hits]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["Muhammad al-Hariri", "Mohammed Hariri", "mohamad el-hariri", "محمد الحريري", "محمد حريري", "Mohamad Harriri"])
def test_muhammad_al_hariri_is_found_however_it_is_spelt(cast, hariri, query):
    result = person_search(actor=cast["lb_registration_officer"], query=query)
    assert _names(result)[0] == "محمد"


@pytest.mark.django_db
def test_a_typo_that_changes_a_consonant_is_forgiven(cast, hariri):
    officer = cast["lb_registration_officer"]
    assert _names(person_search(actor=officer, query="Fatme Hsriri"))[:1] == ["Fatme"]
    assert _names(person_search(actor=officer, query="Fatne El Hariri"))[:1] == ["Fatme"]
    assert _names(person_search(actor=officer, query="Mohamad Hsriri"))[:1] == ["محمد"]  # and across scripts


@pytest.mark.django_db
def test_taa_marbuta_and_hamza_forms_meet(cast, places):
    household_make(cast, "lb", members=[head(), spouse(first_name_ar="فاطمة", family_name_ar="الزعبي")])
    officer = cast["lb_registration_officer"]
    assert "فاطمة" in _names(person_search(actor=officer, query="فاطمه الزعبي"))
    assert "محمد" in _names(person_search(actor=officer, query="محمد احمد"))


@pytest.mark.django_db
def test_a_single_name_part_finds_people_too(cast, hariri):
    result = person_search(actor=cast["lb_registration_officer"], query="Fatme")
    assert _names(result) == ["Fatme"]


@pytest.mark.django_db
def test_phone_and_registration_number_in_eastern_arabic_digits(cast, hariri):
    officer = cast["lb_registration_officer"]
    by_phone = person_search(actor=officer, query="٠٣ ١٢٣ ٤٥٦")
    assert {hit.matched_by for hit in by_phone.hits} == {"phone"} and len(by_phone.hits) == 2
    number = hariri.registration_number.replace("-", "").lower().translate(EASTERN)
    by_number = person_search(actor=officer, query=number)
    assert {hit.household_id for hit in by_number.hits} == {hariri.pk}
    assert by_number.hits[0].matched_by == "registration_number"


@pytest.mark.django_db
def test_external_ids_match_only_where_the_actor_sees_documents(cast, hariri):
    found = person_search(actor=cast["lb_registration_officer"], query="lb 15c01234")
    assert {hit.matched_by for hit in found.hits} == {"external_id"}
    assert person_search(actor=cast["lb_finance_officer"], query="lb 15c01234").hits == ()


@pytest.mark.django_db
def test_a_jordan_officer_never_finds_a_lebanon_person(cast, hariri):
    officer = cast["jo_registration_officer"]
    for query in ("محمد الحريري", "Fatme", "03 123 456", hariri.registration_number, "LB-15C01234"):
        assert person_search(actor=officer, query=query).hits == ()


@pytest.mark.django_db
def test_a_donor_cannot_search(cast, hariri):
    with pytest.raises(NotPermitted):
        person_search(actor=cast["lb_donor_viewer"], query="Hariri")


@pytest.mark.django_db
def test_the_trail_keeps_a_keyed_hash_never_the_query(cast, hariri):
    person_search(actor=cast["lb_registration_officer"], query="Muhammad al-Hariri")
    entry = ReadEntry.objects.get(action="person.searched")
    assert set(entry.data) == {"query_hmac", "row_ids"} and entry.count == len(entry.data["row_ids"]) >= 1
    assert "Hariri" not in str(entry.data)
    assert entry.working_group_id == cast.groups["lb"].pk


@pytest.mark.django_db
def test_an_empty_or_huge_query_is_refused_with_a_field_message(cast, places):
    for query in ("", " x ", "a" * 201):
        with pytest.raises(ServiceError) as refused:
            person_search(actor=cast["lb_registration_officer"], query=query)
        assert "query" in refused.value.fields


@pytest.mark.django_db
def test_a_finance_officer_sees_names_but_no_needs_in_hits(cast, hariri):
    hits = person_search(actor=cast["lb_finance_officer"], query="محمد الحريري").hits
    assert hits and hits[0].values["first_name_ar"] == "محمد"
    assert "specific_needs" not in hits[0].values and "documents_held" not in hits[0].values


def test_a_c_that_no_letter_explains_is_also_read_the_turkish_and_the_french_way():
    # Casim: Turkish c is ج (جاسم); Kacem: French c before e is س (قاسم); both also as typed.
    arabic_jasim = name_keys_for({"first_name_ar": "جاسم", "family_name_ar": "الزعبي"})
    arabic_qasim = name_keys_for({"first_name_ar": "قاسم", "family_name_ar": "الزعبي"})
    assert set(query_keys("Casim Zubi").pairs) & arabic_jasim
    assert set(query_keys("Kacem Zoubi").pairs) & arabic_qasim
    assert query_keys("Cemal Şahin").alternates == ()  # Turkish letters already say how to read it
    assert query_keys("Ahmad Zoubi").alternates == ()


def test_a_latin_record_with_such_a_c_is_indexed_in_every_reading_of_it():
    # A record registered as "Casim Cuma" (Turkish style, no Turkish letter) meets an Arabic query
    # for جاسم جمعة; read only the English way (c as k) it would not.
    record = name_keys_for({"first_name_lat": "Casim", "family_name_lat": "Cuma"})
    assert set(query_keys("جاسم جمعة").pairs) & record
    assert set(query_keys("قاسم كومه").pairs) & record  # and still the English reading
    assert set(query_keys("قاسم").singles) & name_keys_for({"first_name_lat": "Kacem"})  # French soft c
    plain = name_keys_for({"first_name_lat": "Ahmad", "family_name_lat": "Zoubi"})
    assert plain == name_keys_for({"first_name_lat": "Ahmad", "family_name_lat": "Zoubi", "first_name_ar": ""})


def test_interdentals_and_emphatics_are_also_read_as_turkish_and_french_spellings_write_them():
    # Heysam (Turkish s for ث), Huzeyfe (z for ذ), Rıza (z for ض): an Arabic or English query
    # for هيثم / Haitham meets them through its s/z reading, and keeps its own.
    heysam = name_keys_for({"first_name_lat": "Heysam", "family_name_lat": "Sibai"})
    assert set(query_keys("هيثم السباعي").pairs) & heysam
    assert set(query_keys("Haitham Sibai").pairs) & heysam
    assert set(query_keys("حذيفة السباعي").pairs) & name_keys_for({"first_name_lat": "Huzeyfe", "family_name_lat": "Sibai"})
    assert set(query_keys("هيثم السباعي").pairs) & name_keys_for({"first_name_ar": "هيثم", "family_name_ar": "السباعي"})
    assert query_keys("Ahmad Zoubi").alternates == ()  # nothing to read another way


@pytest.mark.django_db
def test_a_turkish_style_record_is_found_from_an_arabic_query_with_a_tha(cast, places):
    household = household_make(cast, "lb", members=[head(first_name_ar="", father_name_ar="", grandfather_name_ar="", family_name_ar="", first_name_lat="Heysam", father_name_lat="Cemal", grandfather_name_lat="Muhammed", family_name_lat="Sibai")])
    hits = person_search(actor=cast["lb_registration_officer"], query="هيثم جمال محمد السباعي").hits
    assert hits and hits[0].household_id == household.pk and hits[0].score >= 0.9


@pytest.mark.django_db
def test_a_latin_record_with_such_a_c_is_found_from_its_arabic_spelling(cast, places):
    household = household_make(cast, "lb", members=[head(first_name_ar="", father_name_ar="", grandfather_name_ar="", family_name_ar="", first_name_lat="Lubna", father_name_lat="Halit", grandfather_name_lat="Muhammed", family_name_lat="Cume")])
    hits = person_search(actor=cast["lb_registration_officer"], query="لبنى خالد محمد الجمعة").hits
    assert hits and hits[0].household_id == household.pk and hits[0].score >= 0.95


@pytest.mark.django_db
def test_a_turkish_spelling_without_turkish_letters_finds_the_arabic_record(cast, places):
    household = household_make(cast, "lb", members=[head(first_name_ar="جاسم", father_name_ar="محمد", family_name_ar="الزعبي", first_name_lat="", father_name_lat="", grandfather_name_lat="", family_name_lat="")])
    household_make(cast, "lb", members=[head(first_name_ar="قاسم", father_name_ar="محمد", family_name_ar="الزعبي", first_name_lat="", father_name_lat="", grandfather_name_lat="", family_name_lat="")])
    hits = person_search(actor=cast["lb_registration_officer"], query="Casim Muhammet Zubi").hits
    # "Casim" is جاسم read the Turkish way and قاسم read the English way (c as k): both are full
    # readings, so the two tie and their order is the stable per-query hash, not the database's ids.
    top = {hit.household_id: hit.score for hit in hits[:2]}
    assert top.get(household.pk) == 1.0


@pytest.mark.django_db
def test_a_name_in_the_chat_alphabet_is_searched_as_a_name_however_many_digits_it_has(cast, places):
    household = household_make(cast, "lb", members=[head(first_name_ar="عبد العزيز", father_name_ar="أحمد", family_name_ar="حجازي", first_name_lat="", father_name_lat="", grandfather_name_lat="", family_name_lat="")])
    hits = person_search(actor=cast["lb_registration_officer"], query="Abd al 3azeez A7med 7ijazi").hits
    assert hits and hits[0].household_id == household.pk and hits[0].matched_by == "name"
    # Digits that stand apart or fill a word are an identifier's: no name search for these.
    for query in ("Ahmad 03 123 456", "Ahmad LB15C01234"):
        assert all(hit.matched_by != "name" for hit in person_search(actor=cast["lb_registration_officer"], query=query).hits)
