"""Writing the register and generating the information package: protection officers record,
nothing is overwritten, and a package gets a new version only when its content changes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import translation

from sabeel.conditions import services
from sabeel.conditions.models import AreaCondition, InformationPackage
from sabeel.conditions.tests.factories import entry
from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import AuditEntry
from sabeel.geo.models import AdminUnit

pytestmark = pytest.mark.django_db

D = dt.date


def _record(cast, unit, persona="lb_protection_officer", **values):
    defaults = {
        "threshold": "safety",
        "status": "not_met",
        "source": "UN protection monitoring, report 12",
        "as_of": D(2025, 3, 3),
        "text_en": "Shelling reported near the town centre.",
        "text_ar": "أُبلغ عن قصف قرب مركز البلدة.",
        "active_hostilities": True,
    }
    return services.area_condition_record(actor=cast[persona], admin_unit=unit, **{**defaults, **values})


def test_a_protection_officer_records_an_entry_and_the_trail_holds_ids_only(cast, places):
    condition = _record(cast, places["SY020000"])
    assert condition.recorded_by == cast["lb_protection_officer"]
    row = AuditEntry.objects.get(action="conditions.recorded")
    assert row.target_id == str(condition.pk)
    assert row.data["admin_unit_id"] == places["SY020000"].pk
    assert "Shelling" not in json.dumps(row.data, ensure_ascii=False) and "قصف" not in json.dumps(row.data, ensure_ascii=False)


@pytest.mark.parametrize("persona", ["lb_registration_officer", "jo_movement_officer", "jo_donor_viewer", "outsider"])
def test_roles_without_the_record_action_cannot_record(cast, places, persona):
    with pytest.raises(NotPermitted):
        _record(cast, places["SY020000"], persona)
    assert not AreaCondition.objects.exists()


def test_a_newer_entry_is_added_beside_the_old_one_never_over_it(cast, places):
    first = _record(cast, places["SY020000"])
    second = _record(cast, places["SY020000"], persona="jo_protection_officer", status="partly_met", active_hostilities=False, as_of=D(2025, 4, 1))
    assert AreaCondition.objects.count() == 2
    first.refresh_from_db()
    assert first.status == "not_met" and first.active_hostilities
    assert AuditEntry.objects.filter(action="conditions.recorded").last().data["superseded_id"] == first.pk
    assert second.pk != first.pk


def test_the_same_entry_submitted_twice_is_recorded_once(cast, places):
    assert _record(cast, places["SY020000"]) == _record(cast, places["SY020000"])
    assert AreaCondition.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"threshold": "amnesty", "active_hostilities": True}, "active_hostilities"),
        ({"text_ar": ""}, "text_ar"),
        ({"text_en": "  "}, "text_en"),
        ({"source": ""}, "source"),
        ({"as_of": D(2999, 1, 1)}, "as_of"),
        ({"status": "fine"}, "status"),
        ({"threshold": "weather", "active_hostilities": False}, "threshold"),
    ],
)
def test_an_incomplete_entry_is_refused_with_a_message_on_the_field(cast, places, values, field):
    with pytest.raises(ServiceError) as refused:
        _record(cast, places["SY020000"], **values)
    assert field in refused.value.fields
    assert not AreaCondition.objects.exists()


def test_an_unknown_status_needs_no_description(cast, places):
    condition = _record(cast, places["SY02"], threshold="amnesty", status="unknown", text_en="", text_ar="", active_hostilities=False)
    assert condition.status == "unknown"


def test_conditions_are_recorded_for_syrian_units_only(cast, places):
    with pytest.raises(ServiceError) as refused:
        _record(cast, AdminUnit.objects.get(key="LB2"))
    assert "admin_unit" in refused.value.fields


# --- the information package -------------------------------------------------------------------


def test_the_package_gets_a_new_version_only_when_its_content_changes(cast, places):
    unit = places["SY020000"]
    entry(places["SY02"], "services", as_of=D(2025, 1, 1), status="partly_met")
    first = services.information_package_current(destination=unit, language="en")
    assert first.version == 1
    assert services.information_package_current(destination=unit, language="en") == first
    assert InformationPackage.objects.count() == 1
    entry(unit, "services", as_of=D(2025, 2, 1), status="met")
    second = services.information_package_current(destination=unit, language="en")
    assert second.version == 2 and second.digest != first.digest
    assert services.information_package_current(destination=unit, language="en") == second
    first.refresh_from_db()
    assert first.content["thresholds"][4]["status"] == "partly_met"  # the version a person saw is kept as it was
    assert AuditEntry.objects.filter(action="conditions.package_versioned").count() == 2


def test_each_language_has_its_own_versions(cast, places):
    unit = places["SY020000"]
    arabic = services.information_package_current(destination=unit, language="ar")
    english = services.information_package_current(destination=unit, language="en")
    assert (arabic.version, english.version) == (1, 1) and arabic != english


def test_the_package_gives_each_threshold_with_source_date_and_the_unit_it_came_from(cast, places):
    entry(places["SY02"], "amnesty", as_of=D(2025, 1, 20), status="not_met", source="Amnesty decree monitoring")
    content = services.information_package_current(destination=places["SY020000"], language="en").content
    amnesty = next(t for t in content["thresholds"] if t["threshold"] == "amnesty")
    assert amnesty["status"] == "not_met" and amnesty["source"] == "Amnesty decree monitoring"
    assert amnesty["as_of"]["iso"] == "2025-01-20"
    assert amnesty["unit"]["key"] == "SY02" and amnesty["inherited"] is True
    assert amnesty["text"] == "amnesty in Aleppo"
    assert [t["threshold"] for t in content["thresholds"]] == [
        "safety", "amnesty", "documentation", "hlp", "services", "monitor_access", "movement",
    ]
    assert content["destination"]["key"] == "SY020000"
    assert any("never a reason to refuse your decision" in sentence for sentence in content["statement"])
    assert content["active_hostilities"] == {"flagged": False}


def test_the_package_carries_the_active_hostilities_flag_and_what_it_means(cast, places):
    entry(places["SY0200"], as_of=D(2025, 3, 3), active_hostilities=True, status="not_met")
    content = services.information_package_current(destination=places["SY020000"], language="en").content
    assert content["active_hostilities"]["flagged"] is True
    assert content["active_hostilities"]["since"]["iso"] == "2025-03-03"
    assert content["active_hostilities"]["unit"]["key"] == "SY0200"
    assert any("you may still return on your own" in sentence for sentence in content["statement"])


def test_the_package_in_arabic_is_in_arabic(cast, places):
    entry(places["SY02"], "safety", as_of=D(2025, 1, 1), text_en="Calm for months.", text_ar="هدوء منذ أشهر.")
    with translation.override("en"):  # whatever the officer's own language
        content = services.information_package_current(destination=places["SY020000"], language="ar").content
    safety = content["thresholds"][0]
    assert content["language"] == "ar"
    assert safety["text"] == "هدوء منذ أشهر." and safety["text_language"] == "ar"
    assert content["destination"]["name"] == "جبل سمعان" and safety["unit"]["name"] == "حلب"
    assert "Calm" not in json.dumps(content, ensure_ascii=False)
    with translation.override("ar"):
        catalog_has_arabic = translation.gettext("Safety and security") != "Safety and security"
    if catalog_has_arabic:
        assert safety["label"] != "Safety and security"
        assert all(not any("a" <= ch <= "z" for ch in sentence) for sentence in content["statement"])


def test_the_package_in_english_falls_back_to_the_arabic_text_and_says_so(cast, places):
    AreaCondition.objects.create(
        admin_unit=places["SY020000"], threshold="hlp", status="not_met", text_ar="منازل مدمرة", source="Shelter cluster", as_of=D(2025, 1, 1)
    )
    hlp = services.information_package_current(destination=places["SY020000"], language="en").content["thresholds"][3]
    assert (hlp["text"], hlp["text_language"]) == ("منازل مدمرة", "ar")


def test_a_package_is_made_in_arabic_or_english_for_a_syrian_destination_only(cast, places):
    with pytest.raises(ServiceError):
        services.information_package_current(destination=places["SY02"], language="fr")
    with pytest.raises(ServiceError):
        services.information_package_current(destination=AdminUnit.objects.get(key="LB2"), language="ar")
