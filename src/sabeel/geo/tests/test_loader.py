"""Loading geography: the built-in gazetteer, reference file sets, refusals with file and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sabeel.core.actors import system
from sabeel.core.models import AuditEntry
from sabeel.geo import loader
from sabeel.geo.choices import Country, KeyKind, Level
from sabeel.geo.models import AdminUnit, AdminUnitName, BorderCrossing

pytestmark = pytest.mark.django_db

ADMIN1 = """\
    adm1_pcode,adm1_name_en_ocha,adm1_name_en_alt,adm1_name_ar,iso3166_2,centroid_lat,centroid_lon
    SY04,Homs,Homs,حمص,SY-HI,34.5,38.3
    SY12,Dar'a,Daraa,درعا,SY-DR,32.85,36.2
"""
ADMIN2 = """\
    adm2_pcode,adm2_name_en_ocha,adm2_name_en_alt,adm2_name_ar,adm1_pcode,centroid_lat,centroid_lon
    SY0400,Homs,Homs,حمص,SY04,34.7,36.7
    SY1200,Dar'a,Daraa,درعا,SY12,32.6,36.1
"""
ADMIN3 = """\
    adm3_pcode,adm3_name_en,adm3_name_ar,adm2_pcode,adm1_pcode,centroid_lat,centroid_lon
    SY040000,Homs,حمص,SY0400,SY04,34.7,36.7
    SY120000,Dar'a,درعا,SY1200,SY12,32.6,36.1
"""
CROSSINGS = """\
    crossing_id,name_en,name_ar,syria_side_name_ar,neighbour_iso3,neighbour_side_name,neighbour_side_name_ar,crossing_kind,lat,lon,coord_precision,sy_adm1_pcode,sy_adm2_pcode,sy_adm3_pcode,nb_adm1_code,nb_adm2_code
    sy-nasib,Nasib Border Crossing,معبر نصيب,نصيب,JOR,Jaber,جابر,official,32.543,36.202,~100 m,SY12,SY1200,SY120000,,
    sy-new,New Crossing,,,LBN,,,official (opened 2022),,,,SY04,SY0400,,,
"""


def write_set(root: Path, **files: str) -> Path:
    """A small reference set in the shared layout; ``files`` maps a short name to CSV text."""
    paths = {
        "admin1": "syria/sy_admin1_governorates.csv",
        "admin2": "syria/sy_admin2_districts.csv",
        "admin3": "syria/sy_admin3_subdistricts.csv",
        "aliases": "syria/sy_admin_name_aliases.csv",
        "hosts": "hosts/host_admin1_admin2_pcodes.csv",
        "crossings": "borders/border_crossings.csv",
    }
    contents = {"admin1": ADMIN1, "admin2": ADMIN2, "admin3": ADMIN3, **files}
    for name, text in contents.items():
        if text is None:
            continue
        path = root / paths[name]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def refused(directory: Path) -> list[str]:
    with pytest.raises(loader.ReferenceSetRefused) as caught:
        loader.geo_load(directory, actor=system("test"))
    return [str(p) for p in caught.value.problems]


def assert_nothing_loaded() -> None:
    assert AdminUnit.objects.count() == 0
    assert AdminUnitName.objects.count() == 0
    assert BorderCrossing.objects.count() == 0
    assert not AuditEntry.objects.filter(action="geo.reference_loaded").exists()


# --- the gazetteer -------------------------------------------------------------------------------


def test_gazetteer_loads_the_countries_and_the_first_level_of_syria_lebanon_and_jordan():
    report = loader.load_gazetteer()

    assert set(AdminUnit.objects.filter(level=Level.COUNTRY).values_list("key", flat=True)) == {c.value for c in Country}
    syria = AdminUnit.objects.filter(country=Country.SYRIA, level=Level.ADMIN1)
    assert sorted(syria.values_list("key", flat=True)) == [f"SY{n:02d}" for n in range(1, 15)]
    assert dict(syria.values_list("key", "iso_code"))["SY09"] == "SY-DY"
    assert all(u.name_ar and u.name_en and u.lat is not None for u in syria)
    assert sorted(AdminUnit.objects.filter(country=Country.LEBANON, level=1).values_list("key", flat=True)) == [
        f"LB{n}" for n in range(1, 9)
    ]
    jordan = AdminUnit.objects.filter(country=Country.JORDAN, level=1)
    assert jordan.count() == 12
    assert set(jordan.values_list("key_kind", flat=True)) == {KeyKind.WIKIDATA}
    assert report.units_created == 6 + 14 + 8 + 12


def test_gazetteer_is_audited_once_per_run_by_the_system():
    loader.load_gazetteer()

    entry = AuditEntry.objects.get(action="geo.gazetteer_loaded")
    assert (entry.actor_kind, entry.actor_id) == ("system", "geo_gazetteer")
    assert entry.data["units_created"] == 40


def test_gazetteer_twice_changes_nothing():
    loader.load_gazetteer()
    before = list(AdminUnit.objects.values_list("pk", "key", "updated_at"))

    again = loader.load_gazetteer()

    assert not again.changed
    assert list(AdminUnit.objects.values_list("pk", "key", "updated_at")) == before


def test_geo_gazetteer_command_loads_and_points_to_geo_load(capsys):
    call_command("geo_gazetteer")

    out = capsys.readouterr().out
    assert "40 added" in out
    assert "SABEEL_REFERENCE_DIR" in out and "geo_load DIR" in out
    assert AdminUnit.objects.filter(key="SY14").exists()


# --- small file sets -----------------------------------------------------------------------------


def test_a_good_small_set_loads_units_names_and_crossings(tmp_path):
    report = loader.geo_load(write_set(tmp_path, crossings=CROSSINGS), actor=system("test"))

    homs = AdminUnit.objects.get(key="SY040000")
    assert (homs.level, homs.parent.key, homs.parent.parent.key, homs.name_ar) == (3, "SY0400", "SY04", "حمص")
    assert AdminUnitName.objects.filter(unit__key="SY12", name="Daraa", name_type="alternate_spelling").exists()
    nasib = BorderCrossing.objects.get(key="sy-nasib")
    assert (nasib.syria_unit.key, nasib.neighbour_country.key, nasib.neighbour_unit) == ("SY120000", "JO", None)
    assert report.crossings_created == 2


def test_missing_optional_fields_of_a_crossing_are_accepted_as_empty(tmp_path):
    loader.geo_load(write_set(tmp_path, crossings=CROSSINGS), actor=system("test"))

    new = BorderCrossing.objects.get(key="sy-new")
    assert (new.lat, new.lon, new.opening_days, new.daily_capacity) == (None, None, None, None)
    assert new.syria_unit.key == "SY0400"  # the most precise Syrian unit given
    assert new.kind == "official" and new.kind_note == "official (opened 2022)"


def test_a_child_code_not_starting_with_its_parents_is_refused_with_file_and_line(tmp_path):
    bad = ADMIN2.replace("SY1200,Dar'a,Daraa,درعا,SY12", "SY1300,Dar'a,Daraa,درعا,SY12")

    problems = refused(write_set(tmp_path, admin2=bad))

    assert "syria/sy_admin2_districts.csv:3: SY1300 does not start with its parent's code SY12" in problems
    assert_nothing_loaded()


def test_a_missing_parent_is_refused_with_file_and_line(tmp_path):
    bad = ADMIN3 + "    SY040100,Qusair,القصير,SY0401,SY04,34.5,36.5\n"

    problems = refused(write_set(tmp_path, admin3=bad))

    assert problems == ["syria/sy_admin3_subdistricts.csv:4: parent SY0401 does not exist"]
    assert_nothing_loaded()


def test_every_bad_row_of_every_file_is_reported_before_anything_is_written(tmp_path):
    admin1 = ADMIN1.replace("SY12,Dar'a,Daraa,درعا", "SY12,Dar'a,Daraa,")
    admin3 = ADMIN3.replace("32.6,36.1", "132.6,36.1")
    crossings = CROSSINGS.replace("SY12,SY1200,SY120000", "SY12,SY1200,SY129999")

    problems = refused(write_set(tmp_path, admin1=admin1, admin3=admin3, crossings=crossings))

    assert "syria/sy_admin1_governorates.csv:3: adm1_name_ar is empty" in problems
    assert "syria/sy_admin3_subdistricts.csv:3: coordinates out of range: 132.6, 36.1" in problems
    assert "borders/border_crossings.csv:2: SY129999 does not start with its parent's code SY1200" in problems
    assert len(problems) == 3  # checks across files wait until every file reads cleanly
    assert_nothing_loaded()


def test_a_crossing_pointing_at_an_unknown_unit_refuses_the_whole_set(tmp_path):
    crossings = CROSSINGS.replace("SY12,SY1200,SY120000", "SY12,SY1200,SY120099")

    problems = refused(write_set(tmp_path, crossings=crossings))

    assert problems == ["borders/border_crossings.csv:2: Syrian unit SY120099 does not exist"]
    assert_nothing_loaded()


def test_an_alias_of_an_unknown_unit_or_wrong_level_is_refused(tmp_path):
    aliases = """\
        pcode,admin_level,name,lang,name_type
        SY04,1,Hims,en,alias
        SY05,1,Hamah,en,alias
        SY0400,3,Homs district,en,formal
    """

    problems = refused(write_set(tmp_path, aliases=aliases))

    assert problems == [
        "syria/sy_admin_name_aliases.csv:3: unit SY05 does not exist",
        "syria/sy_admin_name_aliases.csv:4: unit SY0400 is at level 2, not 3",
    ]
    assert_nothing_loaded()


def test_a_missing_syrian_file_or_column_is_refused(tmp_path):
    write_set(tmp_path, admin2=ADMIN2.replace("adm1_pcode,", "governorate,"))
    assert refused(tmp_path) == ["syria/sy_admin2_districts.csv:1: missing columns: adm1_pcode"]

    (tmp_path / "syria/sy_admin3_subdistricts.csv").unlink()
    assert refused(tmp_path) == [
        "syria/sy_admin3_subdistricts.csv:0: the file is missing; the Syrian admin units are required"
    ]
    assert_nothing_loaded()


def test_a_key_twice_in_a_set_is_refused(tmp_path):
    admin1 = ADMIN1 + "    SY04,Homs again,,حمص,,,\n"

    assert refused(write_set(tmp_path, admin1=admin1)) == [
        "syria/sy_admin1_governorates.csv:4: SY04 appears twice (first in syria/sy_admin1_governorates.csv line 2)"
    ]


def test_host_units_load_under_their_country_without_the_prefix_rule(tmp_path):
    hosts = """\
        iso3,admin_level,pcode,name_en,parent_pcode,valid_from
        LBN,1,LB7,Akkar,LBN,2016-08-22
        LBN,1,LB5,North,LBN,2016-08-22
        LBN,2,LB51,Akkar,LB7,2016-08-22
    """

    loader.geo_load(write_set(tmp_path, hosts=hosts), actor=system("test"))

    akkar = AdminUnit.objects.get(key="LB51")
    assert (akkar.country, akkar.level, akkar.parent.key, akkar.parent.parent.key) == ("LB", 2, "LB7", "LB")
    assert akkar.name_ar == ""  # Arabic is optional outside Syria


def test_the_command_prints_a_summary_or_the_problems(tmp_path, capsys):
    call_command("geo_load", str(write_set(tmp_path / "good", crossings=CROSSINGS)))
    out = capsys.readouterr().out
    assert "admin units: 12 added" in out  # 6 countries and 2 Syrian units at each of 3 levels
    assert "crossings: 2 added" in out
    bad = write_set(tmp_path / "bad", admin3=ADMIN3 + "    SY049999,X,س,SY0499,SY04,,\n")

    with pytest.raises(CommandError):
        call_command("geo_load", str(bad))

    assert "syria/sy_admin3_subdistricts.csv:4: parent SY0499 does not exist" in capsys.readouterr().err


def test_a_second_run_of_a_small_set_changes_nothing(tmp_path):
    directory = write_set(tmp_path, crossings=CROSSINGS)
    loader.geo_load(directory, actor=system("test"))
    before = list(AdminUnit.objects.values_list("pk", "updated_at"))

    again = loader.geo_load(directory, actor=system("test"))

    assert not again.changed
    assert list(AdminUnit.objects.values_list("pk", "updated_at")) == before
    assert AuditEntry.objects.filter(action="geo.reference_loaded").count() == 2


# --- the reference set ---------------------------------------------------------------------------


def test_the_reference_set_loads_every_level_and_every_crossing(reference_loaded):
    counts = {
        (country, level): AdminUnit.objects.filter(country=country, level=level).count()
        for country, level in [("SY", 1), ("SY", 2), ("SY", 3), ("LB", 1), ("LB", 2), ("JO", 1), ("JO", 2), ("JO", 3)]
    }
    assert counts == {
        ("SY", 1): 14, ("SY", 2): 62, ("SY", 3): 272, ("LB", 1): 8, ("LB", 2): 26,
        ("JO", 1): 12, ("JO", 2): 51, ("JO", 3): 89,
    }  # fmt: skip
    assert AdminUnit.objects.filter(country="TR", level=2).count() == 973
    assert AdminUnit.objects.filter(key_kind=KeyKind.GENERATED, country="JO", level=3).count() == 25
    assert BorderCrossing.objects.count() == 32
    matraba = BorderCrossing.objects.get(key="sy-matraba-border-crossing")
    assert (matraba.lat, matraba.lon, matraba.neighbour_unit.key) == (None, None, "LB22")
    assert AdminUnitName.objects.filter(unit__key="SY020600", name="Kobani").exists()
    assert reference_loaded.not_stored == []  # every polygon file of the layout is read
    assert reference_loaded.boundaries_stored == 14 + 8 + AdminUnit.objects.filter(country="JO").exclude(boundary=None).count()
    assert not AdminUnit.objects.filter(country="SY", level=1, boundary=None).exists()
    assert not AdminUnit.objects.filter(country="LB", level=1, boundary=None).exists()


def test_a_second_reference_run_changes_nothing_and_adds_no_twins(reference_dir, reference_loaded):
    units, names = AdminUnit.objects.count(), AdminUnitName.objects.count()

    again = loader.geo_load(reference_dir, actor=system("test"))

    assert not again.changed
    assert (AdminUnit.objects.count(), AdminUnitName.objects.count()) == (units, names)
    entries = AuditEntry.objects.filter(action="geo.reference_loaded").order_by("seq")
    assert [e.data["units_created"] for e in entries] == [reference_loaded.units_created, 0]


def test_gazetteer_then_reference_updates_the_same_rows_and_their_names(reference_dir):
    loader.load_gazetteer()
    idlib = AdminUnit.objects.get(key="SY07")
    amman = AdminUnit.objects.get(key="Q472788")
    assert idlib.name_en == "Idlib"

    loader.geo_load(reference_dir, actor=system("test"))

    assert AdminUnit.objects.filter(country="SY", level=1).count() == 14
    assert AdminUnit.objects.filter(country="JO", level=1).count() == 12
    assert AdminUnit.objects.filter(country="LB", level=1).count() == 8
    idlib.refresh_from_db()
    assert (idlib.name_en, idlib.source) == ("Idleb", "syria/sy_admin1_governorates.csv")
    assert AdminUnit.objects.get(key="Q472788").pk == amman.pk
    lebanon_north = AdminUnit.objects.get(key="LB5")
    assert lebanon_north.name_ar == "الشمال"  # the file has no Arabic; the gazetteer's stays


def test_the_gazetteer_never_overwrites_what_the_reference_set_loaded(reference_dir, reference_loaded):
    report = loader.load_gazetteer()

    assert report.units_created == report.units_updated == 0
    assert AdminUnit.objects.get(key="SY07").name_en == "Idleb"


def test_capacity_set_in_the_app_survives_a_reload(reference_dir, reference_loaded):
    BorderCrossing.objects.filter(key="sy-nasib-border-crossing").update(daily_capacity=1200, opening_days=0b0011111)

    loader.geo_load(reference_dir, actor=system("test"))

    nasib = BorderCrossing.objects.get(key="sy-nasib-border-crossing")
    assert (nasib.daily_capacity, nasib.opening_days) == (1200, 0b0011111)
