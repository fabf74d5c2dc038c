"""The one permission path: membership by membership, 404 for other groups, hidden field groups
left out, protection-sensitive cases for assigned officers (or break-glass) only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.http import Http404
from django.utils import timezone

from sabeel.core import permissions
from sabeel.core.actors import ANONYMOUS, system
from sabeel.core.exceptions import NotPermitted, NotSignedIn, ServiceError
from sabeel.core.models import AuditEntry
from sabeel.core.roles import POLICY, FieldGroup, Role, Scope, render_markdown
from sabeel.core.selectors import break_glass_on_my_cases
from sabeel.core.services import break_glass_open, case_assign
from sabeel.workgroups.models import Membership, WorkingGroup

pytestmark = pytest.mark.django_db

FIELDS = {
    "family_name": FieldGroup.NAMES_CONTACTS,
    "phone": FieldGroup.NAMES_CONTACTS,
    "needs": FieldGroup.SPECIFIC_NEEDS,
    "documents": FieldGroup.DOCUMENTS,
    "protection_notes": FieldGroup.PROTECTION_CASE,
}
RECORD = {"id": 7, "family_name": "x", "phone": "+961", "needs": ["SM"], "documents": [], "protection_notes": "n"}


@dataclass
class Case:
    """A stand-in for a person-level record (the registry is a later app)."""

    pk: int
    working_group_id: int

    def sabeel_target_ref(self) -> tuple[str, str]:
        return ("test.case", str(self.pk))


def fresh(user):
    permissions.forget_memberships(user)
    return user


def test_lebanon_officer_sees_only_the_lebanon_group(cast):
    officer = cast["lb_registration_officer"]
    visible = permissions.visible_to(officer, WorkingGroup.objects.all())
    assert list(visible) == [cast.groups["lb"]]


def test_a_record_of_another_group_is_not_revealed(cast):
    officer = cast["lb_registration_officer"]
    jordan_case = Case(pk=1, working_group_id=cast.groups["jo"].pk)
    with pytest.raises(Http404):
        permissions.require(officer, "person.view", jordan_case)


def test_wrong_role_in_the_same_group_is_forbidden_not_hidden(cast):
    donor = cast["lb_donor_viewer"]
    case = Case(pk=1, working_group_id=cast.groups["lb"].pk)
    with pytest.raises(NotPermitted):
        permissions.require(donor, "person.view", case)


def test_anonymous_is_asked_to_sign_in(cast):
    with pytest.raises(NotSignedIn):
        permissions.require(ANONYMOUS, "workgroup.view", cast.groups["lb"])


def test_roles_are_checked_membership_by_membership_not_as_a_union(cast):
    # Registration officer in Lebanon, donor viewer in Jordan: her Lebanon role gives her nothing
    # on Jordan's records.
    officer = cast["lb_registration_officer"]
    Membership.objects.create(
        user=officer,
        working_group=cast.groups["jo"],
        organisation=cast.organisations["donor"],
        role=Role.DONOR_VIEWER,
        starts_on=timezone.now().date(),
    )
    fresh(officer)
    lebanon_case = Case(pk=1, working_group_id=cast.groups["lb"].pk)
    jordan_case = Case(pk=2, working_group_id=cast.groups["jo"].pk)
    assert permissions.can(officer, "person.view", lebanon_case)
    assert not permissions.can(officer, "person.view", jordan_case)
    with pytest.raises(NotPermitted):  # she is a member there, so 403 rather than 404
        permissions.require(officer, "person.view", jordan_case)
    assert permissions.visible_field_groups(officer, jordan_case) == frozenset()
    assert permissions.groups_for(officer, "person.view") == {cast.groups["lb"].pk}


def test_ended_and_future_memberships_grant_nothing(cast):
    officer = cast["jo_registration_officer"]
    membership = Membership.objects.get(user=officer)
    membership.ends_on = timezone.now().date() - dt.timedelta(days=1)
    membership.save()
    assert not permissions.can(fresh(officer), "workgroup.view", cast.groups["jo"])
    membership.ends_on = None
    membership.starts_on = timezone.now().date() + dt.timedelta(days=3)
    membership.save()
    assert not permissions.can(fresh(officer), "workgroup.view", cast.groups["jo"])
    membership.starts_on = timezone.now().date()
    membership.save()
    assert permissions.can(fresh(officer), "workgroup.view", cast.groups["jo"])


def test_deactivated_membership_and_user_grant_nothing(cast):
    officer = cast["lb_movement_officer"]
    Membership.objects.filter(user=officer).update(is_active=False)
    assert permissions.memberships(fresh(officer)) == []
    Membership.objects.filter(user=officer).update(is_active=True)
    officer.is_active = False
    officer.save()
    assert permissions.memberships(fresh(officer)) == []


def test_donors_and_aggregate_roles_never_get_person_level_rights():
    for role, policy in POLICY.items():
        if policy.scope is Scope.AGGREGATE:
            assert not any(a.startswith("person.") for a in policy.actions), role
            assert policy.field_groups == frozenset(), role
    assert POLICY[Role.DONOR_VIEWER].scope is Scope.AGGREGATE


def test_donor_viewer_gets_no_person_level_rows(cast):
    donor = cast["lb_donor_viewer"]
    assert permissions.visible_to(donor, WorkingGroup.objects.all(), "person.view").count() == 0
    case = Case(pk=3, working_group_id=cast.groups["lb"].pk)
    assert permissions.redact(donor, case, RECORD, FIELDS) == {"id": 7}


def test_hidden_field_groups_are_left_out_not_masked(cast):
    case = Case(pk=4, working_group_id=cast.groups["lb"].pk)
    finance = permissions.redact(cast["lb_finance_officer"], case, RECORD, FIELDS)
    assert set(finance) == {"id", "family_name", "phone"}
    registration = permissions.redact(cast["lb_registration_officer"], case, RECORD, FIELDS)
    assert set(registration) == {"id", "family_name", "phone", "needs", "documents"}


def test_protection_case_is_visible_to_the_assigned_officer_only(cast):
    case = Case(pk=5, working_group_id=cast.groups["lb"].pk)
    assigned = cast["lb_protection_officer"]
    other = _second_protection_officer(cast)
    case_assign(actor=assigned, case=case, officer=assigned)
    assert FieldGroup.PROTECTION_CASE in permissions.visible_field_groups(assigned, case)
    assert FieldGroup.PROTECTION_CASE not in permissions.visible_field_groups(other, case)
    assert "protection_notes" not in permissions.redact(other, case, RECORD, FIELDS)


def test_break_glass_opens_the_case_with_a_reason_and_shows_it_to_the_assigned_officer(cast):
    case = Case(pk=6, working_group_id=cast.groups["lb"].pk)
    assigned = cast["lb_protection_officer"]
    other = _second_protection_officer(cast)
    case_assign(actor=assigned, case=case, officer=assigned)

    with pytest.raises(ServiceError) as refused:
        break_glass_open(actor=other, case=case, reason="urgent")
    assert "reason" in refused.value.fields

    opening = break_glass_open(actor=other, case=case, reason="Child at risk, assigned officer unreachable")
    assert FieldGroup.PROTECTION_CASE in permissions.visible_field_groups(other, case)
    assert list(break_glass_on_my_cases(actor=assigned)) == [opening]
    row = AuditEntry.objects.get(action="case.break_glass")
    assert (row.target_type, row.target_id, row.actor_id) == ("test.case", "6", str(other.pk))
    assert "Child" not in str(row.data)  # the reason stays out of the trail


def test_break_glass_is_for_protection_officers_of_the_case_group(cast):
    case = Case(pk=7, working_group_id=cast.groups["lb"].pk)
    with pytest.raises(NotPermitted):
        break_glass_open(actor=cast["lb_registration_officer"], case=case, reason="x" * 30)
    with pytest.raises(Http404):
        break_glass_open(actor=cast["jo_protection_officer"], case=case, reason="x" * 30)


def test_system_jobs_may_act(cast):
    assert permissions.can(system("test"), "person.update", Case(pk=1, working_group_id=cast.groups["jo"].pk))


def test_every_audit_view_is_scoped_to_the_auditor_group(cast):
    from sabeel.core import audit

    audit.record(actor=system("t"), action="x.lb", working_group_id=cast.groups["lb"].pk)
    audit.record(actor=system("t"), action="x.jo", working_group_id=cast.groups["jo"].pk)
    rows = permissions.visible_to(cast["lb_auditor"], AuditEntry.objects.all())
    assert [r.action for r in rows] == ["x.lb"]


def test_docs_permissions_md_matches_the_table(settings):
    from pathlib import Path

    path = Path(settings.BASE_DIR) / "docs" / "permissions.md"
    assert path.read_text() == render_markdown(), "run `python manage.py permissions_doc`"


def _second_protection_officer(cast):
    from sabeel.workgroups.models import User

    user = User.objects.create(username="lb_protection_officer_2")
    Membership.objects.create(
        user=user,
        working_group=cast.groups["lb"],
        organisation=cast.organisations["un"],
        role=Role.PROTECTION_OFFICER,
        starts_on=timezone.now().date(),
    )
    return user


@dataclass
class Withdrawable:
    pk: int
    household_id: int
    working_group_id: int


def test_a_refugee_acts_on_their_own_household_only(cast):
    from sabeel.core.actors import refugee

    own = Withdrawable(pk=1, household_id=10, working_group_id=cast.groups["lb"].pk)
    other = Withdrawable(pk=2, household_id=11, working_group_id=cast.groups["lb"].pk)
    person = refugee(household_id=10, individual_id=1)
    assert permissions.can(person, "consent.withdraw", own)
    assert permissions.can(person, "person.view", own)
    assert not permissions.can(person, "person.update", own)
    assert not permissions.can(person, "consent.withdraw")  # never without a record
    with pytest.raises(Http404):
        permissions.require(person, "consent.withdraw", other)
    with pytest.raises(NotPermitted):
        permissions.require(person, "person.update", own)
