"""From the registry and from an uploaded list to the engine's records."""

from __future__ import annotations

import io

import pytest

from sabeel.identity import records
from sabeel.identity.models import ListRecord
from sabeel.registry.models import Individual
from sabeel.registry.tests.factories import head, household_make, spouse

pytestmark = pytest.mark.django_db

HAS_GENERATED = any(f.name == "generated_names" for f in Individual._meta.get_fields())


def test_readings_keep_typed_and_mark_generated():
    fields = {"first_name_ar": "محمد", "family_name_ar": "الحريري"}
    names = records.person_readings(fields, {"first_name_lat": "Mohammad", "family_name_lat": "Al Hariri", "phone": "x"})
    assert [(n.first, n.family, n.generated) for n in names] == [("محمد", "الحريري", False), ("Mohammad", "Al Hariri", True)]
    # A generated value never replaces a typed one.
    typed_latin = records.person_readings({"first_name_lat": "Mohamad"}, {"first_name_lat": "Mohammad", "family_name_lat": "Hariri"})
    assert [(n.first, n.family, n.generated) for n in typed_latin] == [("Mohamad", "", False), ("Mohamad", "Hariri", True)]
    assert records.person_readings({}) == ()


def test_registry_records_carry_household_context_and_partial_dates(cast, places):
    household = household_make(cast, "lb", members=[head(date_of_birth="1980"), spouse(date_of_birth="1984-05")])
    household_make(cast, "jo")  # another group's people are never read
    found = {r.record_id: r for r in records.registry_records(cast.groups["lb"].pk, batch_size=1)}
    husband, wife = household.members.order_by("pk")
    assert set(found) == {records.individual_id(husband.pk), records.individual_id(wife.pk)}
    record = found[records.individual_id(husband.pk)]
    assert (record.birth_year, record.birth_month, record.birth_day) == (1980, None, None)
    assert record.sex == "M" and record.household_size == 2 and record.origin == "SY12"
    assert record.household_id == f"h{household.pk}"
    assert {n.first for n in record.head_names} == {"محمد", "Mohamad"}
    assert {n.first for n in record.names} == {"محمد", "Mohamad"}
    other = found[records.individual_id(wife.pk)]
    assert (other.birth_year, other.birth_month, other.birth_day) == (1984, 5, None)
    assert other.head_names == record.head_names
    assert records.registry_count(cast.groups["lb"].pk) == 2


@pytest.mark.skipif(not HAS_GENERATED, reason="Individual.generated_names is the registry part's field")
def test_registry_records_include_generated_readings_marked(cast, places):
    household = household_make(
        cast, "lb", members=[head(first_name_lat="", father_name_lat="", grandfather_name_lat="", family_name_lat="")]
    )
    person = household.members.get()
    Individual.objects.filter(pk=person.pk).update(generated_names={"first_name_lat": "Muhammad", "family_name_lat": "Alhariri"})
    (record,) = records.registry_records(cast.groups["lb"].pk)
    generated = [n for n in record.names if n.generated]
    assert [(n.first, n.family) for n in generated] == [("Muhammad", "Alhariri")]
    assert any(n.first == "محمد" and not n.generated for n in record.names)


def test_a_household_counts_a_merged_record_once_in_its_size(cast, places):
    from sabeel.identity.models import LinkState, PersonLink

    household = household_make(cast, "lb", members=[head(), spouse(), spouse(first_name_lat="Fatme")])
    husband, wife, again = household.members.order_by("pk")
    group = cast.groups["lb"]
    PersonLink.objects.create(merged=again, survivor=wife, merged_group=group, survivor_group=group, state=LinkState.ACTIVE, reason="test")
    found = {r.record_id: r for r in records.registry_records(cast.groups["lb"].pk)}
    assert found[records.individual_id(husband.pk)].household_size == 2  # three records, two people


def test_left_people_are_not_compared(cast, places):
    household = household_make(cast, "lb")
    wife = household.members.order_by("pk")[1]
    Individual.objects.filter(pk=wife.pk).update(status="moved")
    assert [r.record_id for r in records.registry_records(cast.groups["lb"].pk)] == [
        records.individual_id(household.members.order_by("pk")[0].pk)
    ]


def test_record_ids_round_trip():
    assert records.parse_record_id(records.individual_id(12)) == ("p", 12)
    assert records.parse_record_id(records.list_record_id(7)) == ("l", 7)
    with pytest.raises(ValueError):
        records.parse_record_id("x12")


CSV = (
    "first_name,father_name,family_name_lat,family_name_ar,sex,date_of_birth,household_id,household_size,head_name,origin,extra\n"
    "Mohamad,Ahmad,El Hariri,,m,1980,C-1,2,Mohamad El Hariri,SY0100,x\n"
    "فاطمة,علي,,الزعبي,أنثى,02/05/1984,C-1,2,,SY0100,\n"
    ",,,,F,1990,C-2,1,,,\n"
    "Khaled,,Haddad,,X,31/02/1990,C-3,many,,,\n"
)


def _table(text: str) -> records.Table:
    return records.read_table(text.encode())


def test_a_list_is_read_into_rows_and_every_problem_is_reported_per_row():
    table = _table(CSV)
    columns, problems = records.list_columns(table.headers)
    assert problems == [] and columns.ignored == ["extra"]
    rows, report = records.list_rows(table, columns)
    assert [r.row_number for r in rows] == [2, 3, 5]
    first, second, third = (r.values for r in rows)
    assert (first["first_name_lat"], first["father_name_lat"], first["family_name_lat"], first["first_name_ar"]) == (
        "Mohamad", "Ahmad", "El Hariri", ""
    )
    assert (first["sex"], first["birth_year"], first["birth_month"], first["household_size"]) == ("M", 1980, None, 2)
    assert first["head_name_lat"] == "Mohamad El Hariri" and first["origin"] == "SY0100"
    # A column without a script suffix is placed by the script of each cell.
    assert (second["first_name_ar"], second["father_name_ar"], second["family_name_ar"], second["first_name_lat"]) == (
        "فاطمة", "علي", "الزعبي", ""
    )
    assert (second["sex"], second["birth_year"], second["birth_month"], second["birth_day"]) == ("F", 1984, 5, 2)
    # Row 4 has no name: refused and reported. Row 5 keeps its names; its bad cells are reported.
    assert {(e["row"], e["problem"], e["kept"]) for e in report} == {
        (4, "no_name", False),
        (5, "sex_unreadable", True),
        (5, "date_unreadable", True),
        (5, "size_unreadable", True),
    }
    assert (third["sex"], third["birth_year"], third["household_size"]) == ("", None, None)
    # The report names columns by their header and never quotes a cell.
    assert all(set(e) == {"row", "column", "problem", "kept"} for e in report)
    assert "Khaled" not in repr(report) and "many" not in repr(report)


def test_a_row_of_hxl_hashtags_under_the_header_is_not_read_as_a_person():
    table = _table("first_name_lat,family_name_lat,sex\n#affected+name+first,#affected+name+last,#affected+sex\nOmar,Zoubi,M\n")
    assert table.rows == [(3, ["Omar", "Zoubi", "M"])]  # numbered as in the file, for the report


def test_a_list_without_name_columns_or_with_a_repeated_column_is_refused():
    assert records.list_columns(["given", "surname", "sex"])[1] == ["names_missing"]
    assert records.list_columns(["first_name_ar", "family_name_lat", "Sex", "gender"])[1] == ["column_repeated:gender"]
    assert records.list_columns(["First Name (AR)", "family-name-lat"])[1] == ["names_missing"]
    assert records.list_columns(["First name ar", "family-name-lat"])[1] == []


def test_unreadable_files():
    with pytest.raises(records.Unreadable) as caught:
        records.read_table(b"\xd0\xcf\x11\xe0 old excel")
    assert caught.value.problem == "xls_not_supported"
    with pytest.raises(records.Unreadable) as caught:
        records.read_table(b"first_name\n")
    assert caught.value.problem == "file_empty"
    with pytest.raises(records.Unreadable) as caught:
        records.read_table("first_name;family_name\nعلي;حداد\n".encode("cp1256"))
    assert caught.value.problem == "encoding"
    for not_a_list in (b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"abc\0def\n"):
        with pytest.raises(records.Unreadable) as caught:
            records.read_table(not_a_list)
        assert caught.value.problem == "file_unreadable"


def test_excel_unicode_text_is_read():
    table = records.read_table("first_name\tfamily_name\r\nعلي\tحداد\r\n".encode("utf-16"))
    assert table.headers == ["first_name", "family_name"] and table.rows == [(2, ["علي", "حداد"])]


def test_an_xlsx_list_is_read_from_its_first_sheet():
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["first_name_ar", "family_name_ar", "date_of_birth", "household_size"])
    sheet.append(["خالد", "حداد", dt.datetime(1979, 3, 4), 3])
    buffer = io.BytesIO()
    book.save(buffer)
    table = records.read_table(buffer.getvalue())
    rows, report = records.list_rows(table, records.list_columns(table.headers)[0])
    assert report == []
    assert (rows[0].values["first_name_ar"], rows[0].values["birth_day"], rows[0].values["household_size"]) == ("خالد", 4, 3)


def test_a_list_row_becomes_an_engine_record():
    row = ListRecord(
        pk=5, row_number=2, first_name_lat="Mohamad", family_name_lat="El Hariri", sex="M", birth_year=1980,
        household_ref="C-1", household_size=2, head_name_lat="Mohamad Ahmad Khaled El Hariri", origin="SY0100",
    )
    record = records.list_record(row)
    assert record.record_id == "l5" and record.household_id == "xC-1" and record.source == "list"
    assert [(n.first, n.family) for n in record.names] == [("Mohamad", "El Hariri")]
    assert [(n.first, n.father, n.grandfather, n.family) for n in record.head_names] == [("Mohamad", "Ahmad", "Khaled", "El Hariri")]


def test_a_record_merged_into_another_is_not_compared_again(cast, places):
    from sabeel.identity.models import LinkState, PersonLink

    first = household_make(cast, "lb")
    second = household_make(cast, "lb")
    survivor, other = first.members.order_by("pk")
    merged, pending = second.members.order_by("pk")
    group = cast.groups["lb"]
    for record, state in ((merged, LinkState.ACTIVE), (pending, LinkState.PENDING)):
        PersonLink.objects.create(merged=record, survivor=survivor, merged_group=group, survivor_group=group, state=state, reason="test")
    ids = {r.record_id for r in records.registry_records(group.pk)}
    assert ids == {records.individual_id(p.pk) for p in (survivor, other, pending)}
    assert records.registry_count(group.pk) == 3
