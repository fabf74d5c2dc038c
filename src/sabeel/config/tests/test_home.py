"""The home page per role: each role finds what it does first, inside its own working group only;
aggregate roles get figures and never a name; the one list of households is a recorded read."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from sabeel.consent.services import follow_up_callback_request
from sabeel.core import audit
from sabeel.core.actors import system
from sabeel.core.models import ReadEntry
from sabeel.core.roles import Role
from sabeel.registry.models import Household
from sabeel.registry.tests.factories import household_make
from sabeel.registry.tests.route_expectations import _waiting_birth_date, _waiting_departure
from sabeel.workgroups.models import Membership, MembershipApproval
from sabeel.workgroups.testing import Cast, sign_in

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")
AGGREGATE = ["lb_coordinator", "lb_donor_viewer", "jrg_reconstruction_planner", "lb_auditor", "lb_administrator", "platform_admin"]
# Names of the factories' household (head and spouse), in both scripts.
NAMES = ["محمد", "الحريري", "Mohamad", "Hariri", "فاطمة", "Fatima", "Zoubi"]


def _home(cast: Cast, username: str) -> str:
    response = sign_in(Client(), cast[username]).get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def _figure(page: str, testid: str) -> int:
    match = re.search(rf'data-testid="{testid}"><dt>[^<]*</dt><dd>(?:<a href="[^"]*">)?(\d+)', page)
    assert match, f"no figure {testid}"
    return int(match.group(1))


def _section(page: str, group: str, role: str) -> str:
    start = page.index(f'data-testid="membership-{group}-{role}"')
    end = page.find('data-testid="membership-', start + 1)
    return page[start : end if end != -1 else len(page)]


# --- registration officers ----------------------------------------------------------------------


def test_a_registration_officer_sees_todays_registrations_of_her_group_only(cast: Cast) -> None:
    household_make(cast, "lb")
    household_make(cast, "lb")
    household_make(cast, "jo")
    last_week = household_make(cast, "lb")
    Household.objects.filter(pk=last_week.pk).update(created_at=timezone.now() - dt.timedelta(days=10))

    page = _home(cast, "lb_registration_officer")
    assert (_figure(page, "registered-today"), _figure(page, "registered-week"), _figure(page, "registered-mine")) == (2, 2, 2)
    assert _figure(_home(cast, "jo_registration_officer"), "registered-today") == 1


def test_a_registration_officer_searches_before_registering_by_post(cast: Cast) -> None:
    section = _section(_home(cast, "lb_registration_officer"), "lb", "registration_officer")
    form = re.search(r'<form class="home-search" action="([^"]+)" method="post"', section)
    assert form and form.group(1) == reverse("registry:search")  # the query never goes into a URL
    assert f'href="{reverse("registry:household_create")}"' in section
    assert f'href="{reverse("consent:intention_import")}"' in section


def test_a_registration_officer_sees_her_groups_recent_survey_imports(cast: Cast) -> None:
    from sabeel.consent.intention_import import intention_import_start

    content = b"registration_number,hopes_to_return\n"
    run = intention_import_start(actor=cast["lb_registration_officer"], working_group=cast.groups["lb"], file_name="s.csv", content=content)
    assert reverse("consent:intention_import_detail", args=[run.pk]) in _home(cast, "lb_registration_officer")
    assert reverse("consent:intention_import_detail", args=[run.pk]) not in _home(cast, "jo_registration_officer")


# --- protection officers ------------------------------------------------------------------------


def test_a_protection_officer_sees_follow_ups_and_verifications_of_his_group(cast: Cast) -> None:
    departure = _waiting_departure(cast, "lb")
    birth_date = _waiting_birth_date(cast, "lb")
    _waiting_departure(cast, "jo")
    follow_up_callback_request(actor=cast["lb_registration_officer"], household=Household.objects.get(pk=departure["pk"]))

    page = _home(cast, "lb_protection_officer")
    assert _figure(page, "follow-ups-due") == 1
    assert _figure(page, "departures-pending") == 1
    assert _figure(page, "birth-dates-pending") == 1
    listed = re.findall(r'href="/registry/households/(\d+)/"', _section(page, "lb", "protection_officer"))
    assert sorted(int(pk) for pk in listed) == sorted([departure["pk"], birth_date["pk"]])

    jordan = _home(cast, "jo_protection_officer")
    assert (_figure(jordan, "follow-ups-due"), _figure(jordan, "departures-pending"), _figure(jordan, "birth-dates-pending")) == (0, 1, 0)


def test_the_list_of_households_waiting_is_a_recorded_read_without_names(cast: Cast) -> None:
    waiting = _waiting_departure(cast, "lb")
    page = _home(cast, "lb_protection_officer")
    assert Household.objects.get(pk=waiting["pk"]).registration_number in page
    assert not [name for name in NAMES if name in page]
    [read] = ReadEntry.objects.filter(action="home.verifications_listed")
    assert read.actor_id == str(cast["lb_protection_officer"].pk)
    assert read.data["row_ids"] == [waiting["pk"]] and read.count == 1
    assert read.working_group_id == cast.groups["lb"].pk


def test_a_departure_whose_person_came_back_waits_for_nobody(cast: Cast) -> None:
    from sabeel.registry.models import Individual, MemberDeparture

    waiting = _waiting_departure(cast, "lb")
    departure = MemberDeparture.objects.get(pk=waiting["departure"])
    Individual.objects.filter(pk=departure.individual_id).update(status="active", household_id=waiting["pk"])
    assert _figure(_home(cast, "lb_protection_officer"), "departures-pending") == 0


def test_an_assigned_officer_sees_who_opened_her_case_with_break_glass(cast: Cast) -> None:
    from sabeel.core.services import break_glass_open, case_assign
    from sabeel.workgroups.testing import _user

    household = household_make(cast, "lb")
    assigned = cast["lb_protection_officer"]
    other = _user("lb_second_protection_officer", display_name="Second protection officer")
    Membership.objects.create(
        user=other, working_group=cast.groups["lb"], role=Role.PROTECTION_OFFICER, organisation=cast.organisations["un"], starts_on=dt.date(2020, 1, 1)
    )
    case_assign(actor=assigned, case=household, officer=assigned)
    break_glass_open(actor=other, case=household, reason="Urgent call at night")

    table = _home(cast, "lb_protection_officer").split('data-testid="break-glass"')[1]
    assert "Second protection officer" in table and "Urgent call at night" in table
    page = sign_in(Client(), other).get(HOME).content.decode()
    assert 'data-testid="break-glass"' not in page


def test_a_registration_officer_reads_no_protection_queue(cast: Cast) -> None:
    _waiting_departure(cast, "lb")
    page = _home(cast, "lb_registration_officer")
    assert 'data-testid="departures-pending"' not in page
    assert not ReadEntry.objects.filter(action="home.verifications_listed").exists()


# --- aggregate roles ----------------------------------------------------------------------------


@pytest.mark.parametrize("username", AGGREGATE)
def test_aggregate_roles_never_receive_a_name_or_a_household(cast: Cast, username: str) -> None:
    household = household_make(cast, "lb")
    _waiting_departure(cast, "lb")
    page = _home(cast, username)
    assert not [name for name in NAMES if name in page]
    assert household.registration_number not in page
    assert "/registry/households/" not in page


@pytest.mark.parametrize(("username", "group", "role"), [
    ("lb_coordinator", "lb", "coordinator"),
    ("lb_donor_viewer", "lb", "donor_viewer"),
    ("jrg_reconstruction_planner", "jrg", "reconstruction_planner"),
])
def test_coordinators_donors_and_planners_get_the_funnel(cast: Cast, username: str, group: str, role: str) -> None:
    section = _section(_home(cast, username), group, role)
    try:
        card = reverse("reports:home_card")
    except NoReverseMatch:
        assert 'data-testid="funnel-card-pending"' in section  # until the funnel pages land
    else:
        assert f'hx-get="{card}" hx-trigger="load"' in section
    assert f'href="{reverse("reports:funnel")}"' in section  # in the card's placeholder too, should it not load


def test_the_funnel_card_is_loaded_once_for_several_figure_roles(cast: Cast) -> None:
    donor = cast["lb_donor_viewer"]
    Membership.objects.create(
        user=donor, working_group=cast.groups["jrg"], role=Role.DONOR_VIEWER, organisation=cast.organisations["donor"], starts_on=dt.date(2020, 1, 1)
    )
    page = _home(cast, "lb_donor_viewer")
    assert 'data-testid="membership-jrg-donor_viewer"' in page and 'data-testid="membership-lb-donor_viewer"' in page
    assert page.count('data-testid="funnel-card"') == 1


def test_an_auditor_sees_the_trail_of_her_group(cast: Cast) -> None:
    for _ in range(3):
        audit.record(actor=system("test"), action="test.lebanon", working_group_id=cast.groups["lb"].pk)
    audit.record(actor=system("test"), action="test.jordan", working_group_id=cast.groups["jo"].pk)
    lebanon = _home(cast, "lb_auditor")
    assert _figure(lebanon, "audit-week") >= 3
    assert _figure(lebanon, "audit-week") - _figure(_home(cast, "jo_auditor"), "audit-week") == 2
    assert f'href="{reverse("workgroups:audit")}"' in _section(lebanon, "lb", "auditor")


def test_an_auditor_sees_when_the_hash_chain_was_last_verified(cast: Cast, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.SABEEL_AUDIT_ANCHOR_DIR = tmp_path
    status = r'data-testid="chain-status">([^<]*)<'
    assert "not been verified" in re.search(status, _home(cast, "lb_auditor")).group(1)  # type: ignore[union-attr]

    from sabeel.core.management.commands.audit_verify import write_anchor

    (tmp_path / "audit-anchor-20200101T000000000000Z.txt").write_text("1:" + "0" * 64)
    write_anchor(tmp_path, audit.Anchor(2, "a" * 64))  # the newest: just now
    page = _home(cast, "lb_auditor")
    assert "last verified intact" in re.search(status, page).group(1)  # type: ignore[union-attr]
    assert 'class="chain-status"' in page  # fresh: no warning

    for path in tmp_path.iterdir():
        if "2020" not in path.name:
            path.unlink()
    assert 'class="chain-status attention"' in _home(cast, "lb_auditor")  # only an old check: a warning


def _pending_membership(cast: Cast, group: str) -> Membership:
    from sabeel.workgroups.testing import _user

    newcomer = _user(f"{group}_newcomer", display_name=f"Newcomer {group}")
    return Membership.objects.create(
        user=newcomer,
        working_group=cast.groups[group],
        role=Role.REGISTRATION_OFFICER,
        organisation=cast.organisations["un"],
        starts_on=dt.date(2020, 1, 1),
        approval=MembershipApproval.PENDING,
        requested_by=cast["platform_admin"],
    )


def test_an_administrator_sees_memberships_waiting_in_his_group(cast: Cast) -> None:
    _pending_membership(cast, "lb")
    _pending_membership(cast, "jo")
    page = _home(cast, "lb_administrator")
    assert _figure(page, "pending-approvals") == 1
    assert "Newcomer lb" in page and "Newcomer jo" not in page
    assert _figure(page, "members") == Membership.objects.current().filter(working_group=cast.groups["lb"]).count()


def test_a_platform_administrator_sees_every_group_waiting_and_the_admin(cast: Cast) -> None:
    lebanon = _pending_membership(cast, "lb")
    _pending_membership(cast, "jo")
    page = _home(cast, "platform_admin")
    assert _figure(page, "platform-pending") == 2
    assert reverse("admin:workgroups_membership_change", args=[lebanon.pk]) in page
    assert f'href="{reverse("admin:index")}"' in page
    assert 'data-testid="no-membership"' not in page


def test_an_outsider_is_told_to_ask_an_administrator(cast: Cast) -> None:
    page = _home(cast, "outsider")
    assert 'data-testid="no-membership"' in page and 'class="role-section"' not in page


# --- the page as a whole ------------------------------------------------------------------------


def test_a_user_with_several_memberships_gets_a_section_per_role_grouped_by_group(cast: Cast) -> None:
    officer = cast["lb_registration_officer"]
    for group, role in (("lb", Role.AUDITOR), ("jo", Role.COORDINATOR)):
        Membership.objects.create(user=officer, working_group=cast.groups[group], role=role, organisation=cast.organisations["un"], starts_on=dt.date(2020, 1, 1))
    page = _home(cast, "lb_registration_officer")
    order = [page.index(f'data-testid="{testid}"') for testid in (
        "workspace-jo", "membership-jo-coordinator", "workspace-lb", "membership-lb-registration_officer", "membership-lb-auditor"
    )]
    assert order == sorted(order)


def test_the_home_page_in_arabic_names_the_group_in_arabic(cast: Cast) -> None:
    client = sign_in(Client(), cast["lb_coordinator"])
    client.cookies["django_language"] = "ar"
    page = client.get(HOME, headers={"accept-language": "ar"}).content.decode()
    assert 'dir="rtl"' in page and "مجموعة عمل لبنان" in page


def test_the_home_page_keeps_its_query_budget_whatever_the_data(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sabeel.core.middleware.LAST_SEEN_RESOLUTION_SECONDS", 3600)
    client = sign_in(Client(), cast["lb_protection_officer"])
    client.get(HOME)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(HOME).status_code == 200
        return len(captured)

    _waiting_departure(cast, "lb")
    few = queries()
    for _ in range(4):
        _waiting_departure(cast, "lb")
        _waiting_birth_date(cast, "lb")
        household_make(cast, "lb")
    assert queries() == few


# --- acting on a membership waiting for approval ------------------------------------------------


def test_a_group_administrator_approves_a_membership_from_the_home_page(cast: Cast) -> None:
    from sabeel.core.models import AuditEntry

    waiting = _pending_membership(cast, "lb")
    client = sign_in(Client(), cast["lb_administrator"])
    approve = reverse("core:membership_approve", args=[waiting.pk])
    assert f'action="{approve}"' in client.get(HOME).content.decode()

    response = client.post(approve, follow=True)
    assert response.redirect_chain == [(HOME, 302)]
    waiting.refresh_from_db()
    assert waiting.approval == MembershipApproval.APPROVED and waiting.approved_by == cast["lb_administrator"]
    assert AuditEntry.objects.filter(action="membership.approved", target_id=str(waiting.pk)).exists()
    assert _figure(response.content.decode(), "pending-approvals") == 0


def test_only_a_second_administrator_of_that_group_may_approve(cast: Cast) -> None:
    waiting = _pending_membership(cast, "lb")
    approve = reverse("core:membership_approve", args=[waiting.pk])
    assert sign_in(Client(), cast["jo_administrator"]).post(approve).status_code == 404
    assert sign_in(Client(), cast["lb_registration_officer"]).post(approve).status_code == 403
    assert sign_in(Client(), cast["lb_administrator"]).get(approve).status_code == 405

    requester = sign_in(Client(), cast["platform_admin"])  # asked for it: no button, and refused
    assert f'action="{approve}"' not in requester.get(HOME).content.decode()
    refused = requester.post(approve, follow=True).content.decode()
    assert "cannot approve" in refused
    waiting.refresh_from_db()
    assert waiting.approval == MembershipApproval.PENDING


def test_another_platform_administrator_approves_any_group(cast: Cast) -> None:
    waiting = _pending_membership(cast, "jo")
    client = sign_in(Client(), cast["platform_admin_2"])
    approve = reverse("core:membership_approve", args=[waiting.pk])
    assert f'action="{approve}"' in client.get(HOME).content.decode()
    assert client.post(approve).status_code == 302
    waiting.refresh_from_db()
    assert waiting.approval == MembershipApproval.APPROVED
