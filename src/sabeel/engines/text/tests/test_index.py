"""The name index: the best name per key, ranked, exact matches marked, ties in key order."""

from sabeel.engines.text import Candidate, Match, NameIndex

PLACES = [
    Candidate("gov-homs", "Homs"),
    Candidate("gov-homs", "حمص"),
    Candidate("dist-homs", "Homs"),
    Candidate("gov-hama", "Hama"),
    Candidate("gov-hama", "حماة"),
    Candidate("gov-dz", "Deir-ez-Zor"),
    Candidate("gov-dz", "دير الزور"),
    Candidate("gov-idlib", "Idleb"),
    Candidate("gov-idlib", "Idlib"),
]


def test_an_exact_name_ranks_first_and_is_marked_exact():
    found = NameIndex(PLACES).search("Hama")
    assert found[0] == Match(key="gov-hama", text="Hama", score=1.0, exact=True)
    assert "gov-homs" not in [m.key for m in found]


def test_keys_sharing_a_name_tie_and_come_in_key_order():
    found = NameIndex(PLACES).search("homs")
    assert [(m.key, m.score) for m in found[:2]] == [("dist-homs", 1.0), ("gov-homs", 1.0)]


def test_each_key_appears_once_with_its_best_name():
    found = NameIndex(PLACES).search("Idlib")
    assert [m.key for m in found] == ["gov-idlib"]
    assert found[0].text == "Idlib"


def test_arabic_with_tashkeel_finds_the_arabic_name():
    found = NameIndex(PLACES).search("دَيْرُ الزُّور")
    assert found[0].key == "gov-dz" and found[0].exact


def test_a_transliteration_variant_finds_the_place():
    found = NameIndex(PLACES).search("Dayr al-Zawr")
    assert found[0].key == "gov-dz"
    assert 0.75 <= found[0].score < 1.0


def test_nothing_below_the_threshold_and_limit_is_respected():
    index = NameIndex(PLACES)
    assert index.search("Tokyo") == ()
    assert len(index.search("homs", limit=1)) == 1
    assert index.search("") == ()


def test_candidates_without_letters_or_digits_are_not_indexed():
    assert len(NameIndex([Candidate("x", "--"), Candidate("y", "Homs")])) == 1
