"""The funnel pages per role: aggregate roles never receive a name and always get suppressed
figures; a person-level officer inside the group sees exact ones; exports are suppressed for
everyone (they leave the group), validated with libhxl, and audited with parameters only; the home
card; place filters by name in either script."""

from __future__ import annotations

import datetime as dt
import html
import io
import re

import hxl
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sabeel.core.models import AuditEntry
from sabeel.registry.tests.factories import household_make
from sabeel.reports.snapshot import refresh_households
from sabeel.workgroups.models import Membership
from sabeel.workgroups.testing import Cast, sign_in

pytestmark = pytest.mark.django_db

AGGREGATE_ROLES = ("coordinator", "donor_viewer", "reconstruction_planner", "auditor", "administrator")
# Every name the factories give a household member, in both scripts.
NAMES = ("محمد", "الحريري", "فاطمة", "الزعبي", "Mohamad", "Hariri", "Fatima", "Zoubi")
ORIGINS = {"SY02": 8, "SY04": 6, "SY12": 3}  # Aleppo, Homs, Dar'a households in Lebanon


@pytest.fixture(autouse=True)
def _language_back():  # type: ignore[no-untyped-def]
    """A request in Arabic leaves Arabic active in the thread; later tests get the default back."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def households(cast: Cast) -> dict[str, list[int]]:
    """17 households in Lebanon (3 from Dar'a: below the threshold), 7 in Jordan."""
    made: dict[str, list[int]] = {"lb": [], "jo": []}
    for origin, count in ORIGINS.items():
        made["lb"] += [household_make(cast, "lb", origin=origin).pk for _ in range(count)]
    made["jo"] += [household_make(cast, "jo", origin="SY12").pk for _ in range(7)]
    refresh_households(made["lb"] + made["jo"])
    return made


def _page(cast: Cast, username: str, query: str = "", lang: str = "en") -> str:
    client = sign_in(Client(), cast[username])
    if lang != "en":
        client.post(reverse("set_language"), {"language": lang})
    response = client.get(reverse("reports:funnel") + query)
    assert response.status_code == 200
    return response.content.decode()


def _row(page: str, key: str) -> str:
    found = re.search(rf'<tr data-key="{key}">(.*?)</tr>', page, re.DOTALL)
    assert found, f"no row {key}"
    return found.group(1)


def _registered(row: str) -> str:
    cells = re.findall(r'<td class="num"[^>]*>(.*?)</td>', row, re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", "", cells[0])).strip()


def _aggregate_persona(cast: Cast, role: str) -> str:
    """The Lebanon persona of ``role``; the planner (a persona of the joint group) joins Lebanon."""
    if f"lb_{role}" in cast.users:
        return f"lb_{role}"
    planner = cast[f"jrg_{role}"]
    Membership.objects.create(
        user=planner, working_group=cast.groups["lb"], role=role, organisation=cast.organisations["ngo"],
        starts_on=dt.date(2020, 1, 1),
    )  # fmt: skip
    return f"jrg_{role}"


@pytest.mark.parametrize("role", AGGREGATE_ROLES)
def test_aggregate_roles_get_suppressed_figures_and_never_a_name(cast, households, role):
    page = _page(cast, _aggregate_persona(cast, role))

    assert 'data-testid="suppressed-cell"' in _row(page, "SY12")
    assert _registered(_row(page, "SY12")) == "<5"
    assert 'data-testid="suppression-legend"' in page
    assert not [name for name in NAMES if name in page]
    assert "/registry/households/" not in page


def test_a_protection_officer_inside_the_group_sees_exact_figures_of_her_group_only(cast, households):
    page = _page(cast, "lb_protection_officer")

    assert _registered(_row(page, "SY12")) == "3"  # exact: Jordan's seven from Dar'a do not count
    assert _registered(_row(page, "SY02")) == "8"
    assert 'data-testid="suppressed-cell"' not in page
    assert not [name for name in NAMES if name in page]


def test_every_block_carries_its_provenance(cast, households):
    page = _page(cast, "lb_donor_viewer")

    assert page.count('data-testid="provenance"') == 4  # table, chart, map, trends
    assert "Counted from records" in page and "Beirut time" in page
    assert 'data-testid="funnel-chart"' in page and "<svg" in page
    assert 'data-testid="funnel-map"' in page and 'data-key="SY12"' in page


def test_the_map_does_not_show_a_suppressed_figure(cast, households):
    page = _page(cast, "lb_donor_viewer", "?stage=registered")

    title = re.search(r'data-key="SY12"[^>]*><title>([^<]*)</title>', page)
    assert title and "suppressed" in title.group(1)


def test_the_origin_filter_takes_a_name_in_either_script(cast, households):
    for name in ("Aleppo", "حلب", "SY02"):
        page = _page(cast, "lb_protection_officer", f"?origin={name}")
        assert 'data-key="SY02"' in page and 'data-key="SY12"' not in page, name


def test_an_unknown_place_is_refused_with_a_message(cast, households):
    page = _page(cast, "lb_donor_viewer", "?origin=Atlantis")

    assert "No place matches" in page and 'data-testid="funnel-table"' not in page


def test_the_page_is_in_arabic_and_right_to_left(cast, households):
    page = _page(cast, "lb_donor_viewer", lang="ar")

    assert 'lang="ar" dir="rtl"' in page
    assert "الأسر" in page  # "Households", in the chart's axis and the form


@pytest.mark.parametrize("username", ["lb_protection_officer", "lb_donor_viewer"])
def test_the_csv_export_is_suppressed_for_everyone_and_valid_hxl(cast, households, username):
    client = sign_in(Client(), cast[username])

    response = client.get(reverse("reports:funnel_export") + "?format=csv&dimension=origin")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = {r.get("#adm1+code"): r for r in hxl.data(io.BytesIO(response.content))}
    assert rows["SY12"].get("#affected+hh+num+registered") == "<5"
    assert not [name for name in NAMES if name in response.content.decode("utf-8")]


def test_an_export_is_audited_with_its_parameters_only(cast, households):
    client = sign_in(Client(), cast["lb_coordinator"])

    client.get(reverse("reports:funnel_export") + "?format=xlsx&dimension=origin&origin=SY02")

    entry = AuditEntry.objects.get(action="report.exported")
    assert entry.actor_id == str(cast["lb_coordinator"].pk)
    assert entry.data["format"] == "xlsx" and entry.data["filters"] == {"origin": "SY02"}
    assert entry.data["threshold"] == 5
    assert entry.working_group_id == cast.groups["lb"].pk  # in Lebanon's trail, for its auditors
    assert entry.data["groups"] == [cast.groups["lb"].pk]


def test_a_bad_export_format_is_refused(cast, households):
    client = sign_in(Client(), cast["lb_donor_viewer"])

    assert client.get(reverse("reports:funnel_export") + "?format=pdf").status_code == 400
    assert not AuditEntry.objects.filter(action="report.exported").exists()


def test_the_home_card_shows_the_headline_funnel_and_links_to_the_page(cast, households):
    client = sign_in(Client(), cast["lb_coordinator"])

    response = client.get(reverse("reports:home_card"))

    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body  # a fragment
    assert 'data-testid="funnel-card-figures"' in body and reverse("reports:funnel") in body
    assert 'data-testid="provenance"' in body
    assert not [name for name in NAMES if name in body]


def test_someone_without_a_group_may_not_open_the_funnel(cast):
    client = sign_in(Client(), cast["outsider"])

    assert client.get(reverse("reports:funnel")).status_code == 403
    assert client.get(reverse("reports:home_card")).status_code == 403


def test_a_choice_left_out_of_the_query_shows_its_default_in_the_form(cast, households):
    page = _page(cast, "lb_donor_viewer", "?stage=registered")

    assert '<option value="origin" selected>' in page  # the rows shown are by origin, and the form says so
    assert '<option value="registered" selected>' in page
    assert 'data-key="SY02"' in page


def test_the_page_with_its_charts_and_map_has_nothing_the_policy_blocks(cast, households):
    from sabeel.core.tests.test_security import INLINE

    for lang in ("en", "ar"):
        page = _page(cast, "lb_donor_viewer", "?stage=registered", lang=lang)
        assert page.count("<svg") >= 3  # funnel chart, map, trends: inline, drawn on the server
        found = INLINE.search(page)
        assert found is None, found.group(0) if found else ""


@pytest.mark.parametrize("dimension", ["host_country", "host_area", "origin", "origin_subdistrict", "week"])
@pytest.mark.parametrize("unit", ["households", "people"])
def test_every_dimension_and_unit_renders_its_table_chart_and_map(cast, households, dimension, unit):
    page = _page(cast, "lb_coordinator", f"?dimension={dimension}&unit={unit}&stage=registered")

    assert 'data-testid="funnel-table"' in page and 'data-testid="funnel-map"' in page
    assert f'<option value="{dimension}" selected>' in page
    total = re.search(r'<tr data-testid="funnel-total">(.*?)</tr>', page, re.DOTALL)
    assert total is not None
    expected = "17" if unit == "households" else "34"  # two people a household
    assert _registered(total.group(1)) == expected
    assert not [name for name in NAMES if name in page]
