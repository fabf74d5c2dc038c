"""Return grants, from the rule to the result: a finance officer sets the programme's rule, a
payment run makes the entitlements of the families that came home and puts each on a list once,
the provider's results come back (twice, as files do) and change a payment once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.http import Http404
from hypothesis import given
from hypothesis import strategies as st

from sabeel.assistance import services
from sabeel.assistance.choices import PaymentStatus
from sabeel.assistance.grants import grant_amount
from sabeel.assistance.models import Entitlement, Payment, PaymentList, PaymentResult
from sabeel.assistance.tests.factories import programme_with_rule, returned, self_returned
from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import AuditEntry, Run, RunStatus
from sabeel.registry.tests.factories import head, spouse

pytestmark = pytest.mark.django_db


def _run(cast, programme, group="lb"):
    run = services.payment_run_start(actor=cast[f"{group}_finance_officer"], programme=programme)
    services.payment_run_execute(run_id=run.pk)  # the task, which runs on commit
    run.refresh_from_db()
    return run


def test_rule_versions_are_kept_and_the_version_is_on_every_entitlement(cast):
    programme, first = programme_with_rule(cast)
    second = services.grant_rule_create(actor=cast["lb_finance_officer"], programme=programme, currency="usd", per_family="200")
    assert (first.version, second.version, second.currency) == (1, 2, "USD")
    household = returned(cast)
    _run(cast, programme)
    entitlement = Entitlement.objects.get(household=household)
    assert (entitlement.rule_id, entitlement.rule_version, entitlement.amount) == (second.pk, 2, Decimal("200.00"))


def test_only_finance_officers_set_rules(cast):
    programme, _rule = programme_with_rule(cast)
    with pytest.raises((NotPermitted, Http404)):
        services.grant_rule_create(actor=cast["lb_protection_officer"], programme=programme, currency="USD", per_family="1")


@pytest.mark.parametrize(
    "values",
    [{"currency": "US"}, {"per_family": "-1"}, {"per_family": "abc"}, {"per_family": "0", "per_person": "0"}, {"instalments": 13}, {"per_person": "1.005"}, {"top_ups": {"nonsense": "5"}}],
)
def test_bad_rules_are_refused_with_a_reason(cast, values):
    programme, _rule = programme_with_rule(cast)
    with pytest.raises(ServiceError):
        services.grant_rule_create(actor=cast["lb_finance_officer"], programme=programme, **{"currency": "USD", "per_family": "10", **values})
    assert programme.grant_rules.count() == 1


def test_arrivals_are_owed_and_departures_not_yet_under_an_arrival_rule(cast):
    programme, _rule = programme_with_rule(cast, trigger="arrival")
    arrived = returned(cast)
    on_the_road = returned(cast, arrived=False)
    run = _run(cast, programme)
    assert run.status == RunStatus.SUCCEEDED
    paid = set(Payment.objects.values_list("household_id", flat=True))
    assert paid == {arrived.pk}
    assert on_the_road.pk not in set(Entitlement.objects.values_list("household_id", flat=True))


def test_departure_rule_and_self_organised_returns(cast):
    programme, _rule = programme_with_rule(cast, trigger="departure", include_self_organised=True)
    boarded = returned(cast, arrived=False)
    alone = self_returned(cast)
    _run(cast, programme)
    sources = dict(Entitlement.objects.values_list("household_id", "source"))
    assert sources == {boarded.pk: "departure", alone.pk: "self_organised"}


def test_amount_per_person_with_a_top_up_and_a_cap(cast):
    programme, _rule = programme_with_rule(cast, per_family="100", per_person="50", top_ups={"DS": "75"}, cap="260")
    household = returned(cast, members=[head(specific_needs=["DS-PS"]), spouse()])
    _run(cast, programme)
    entitlement = Entitlement.objects.get(household=household)
    # 100 + 2 × 50 + 75 = 275, capped at 260
    assert entitlement.amount == Decimal("260.00")
    assert entitlement.breakdown["top_ups"] == "75" and entitlement.breakdown["capped"] == "yes"


def test_a_second_run_pays_nobody_twice_and_only_the_new_family(cast):
    programme, _rule = programme_with_rule(cast)
    first = returned(cast)
    _run(cast, programme)
    again = _run(cast, programme)
    assert Payment.objects.count() == 1
    assert PaymentList.objects.get(run=again).payments.count() == 0
    second = returned(cast)
    third_run = _run(cast, programme)
    assert list(PaymentList.objects.get(run=third_run).payments.values_list("household_id", flat=True)) == [second.pk]
    assert Payment.objects.filter(household=first).count() == 1


def test_a_later_rule_version_does_not_make_a_paid_family_owed_again(cast):
    programme, _rule = programme_with_rule(cast)
    household = returned(cast)
    _run(cast, programme)
    services.grant_rule_create(actor=cast["lb_finance_officer"], programme=programme, currency="USD", per_family="999")
    _run(cast, programme)
    assert Entitlement.objects.filter(household=household).count() == 1
    assert Payment.objects.filter(household=household).count() == 1


def test_instalments_are_paid_one_after_the_other(cast):
    programme, _rule = programme_with_rule(cast, per_family="100", per_person="0", instalments=2)
    household = returned(cast)
    run = _run(cast, programme)
    assert list(Entitlement.objects.filter(household=household).values_list("instalment", "amount")) == [(1, Decimal("50.00")), (2, Decimal("50.00"))]
    assert Payment.objects.filter(household=household).count() == 1
    plist = PaymentList.objects.get(run=run)
    key = plist.payments.get().idempotency_key
    services.results_import(actor=cast["lb_finance_officer"], payment_list=plist, content=f"idempotency_key,result\n{key},paid\n".encode())
    _run(cast, programme)
    assert sorted(Payment.objects.filter(household=household).values_list("instalment", flat=True)) == [1, 2]


def test_results_are_imported_once_and_bad_rows_are_named(cast):
    programme, _rule = programme_with_rule(cast)
    paid, failed = returned(cast), returned(cast)
    run = _run(cast, programme)
    plist = PaymentList.objects.get(run=run)
    keys = dict(plist.payments.values_list("household_id", "idempotency_key"))
    content = f"idempotency_key,result,reference\n{keys[paid.pk]},paid,TX1\n{keys[failed.pk]},failed,\nnot-a-key,paid,\n".encode()
    officer = cast["lb_finance_officer"]
    first = services.results_import(actor=officer, payment_list=plist, content=content)
    assert first["counts"] == {"recorded": 2, "unchanged": 0, "refused": 1}
    assert first["problems"] == [{"row": 4, "problem": "unknown_key"}]
    second = services.results_import(actor=officer, payment_list=plist, content=content)
    assert second["counts"] == {"recorded": 0, "unchanged": 2, "refused": 1}
    assert PaymentResult.objects.count() == 2
    statuses = dict(Payment.objects.values_list("household_id", "status"))
    assert statuses == {paid.pk: PaymentStatus.PAID, failed.pk: PaymentStatus.FAILED}
    # a failed payment cannot become paid by a later line; a paid one can come back returned
    later = services.results_import(
        actor=officer, payment_list=plist, content=f"idempotency_key,result\n{keys[failed.pk]},paid\n{keys[paid.pk]},returned\n".encode()
    )
    assert later["counts"] == {"recorded": 1, "unchanged": 0, "refused": 1}
    assert Payment.objects.get(household=paid).status == PaymentStatus.RETURNED


def test_an_unreadable_results_file_changes_nothing(cast):
    programme, _rule = programme_with_rule(cast)
    returned(cast)
    plist = PaymentList.objects.get(run=_run(cast, programme))
    for content in (b"", b"\xff\xfe\x00garbage", b"key,outcome\n1,paid\n"):
        with pytest.raises(ServiceError):
            services.results_import(actor=cast["lb_finance_officer"], payment_list=plist, content=content)
    assert PaymentResult.objects.count() == 0


def test_payment_file_without_agreement_has_no_names(cast):
    programme, _rule = programme_with_rule(cast)
    household = returned(cast)
    plist = PaymentList.objects.get(run=_run(cast, programme))
    content, kind, _name = services.payment_file(actor=cast["lb_finance_officer"], payment_list=plist, fmt="csv")
    assert kind.startswith("text/csv")
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0] == "idempotency_key,registration_number,amount,currency,instalment"
    assert household.registration_number in text
    head_member = household.members.order_by("pk").first()
    assert head_member.first_name_ar not in text
    assert AuditEntry.objects.filter(action="assistance.payment_file_exported").count() == 1
    xlsx, _kind, name = services.payment_file(actor=cast["lb_finance_officer"], payment_list=plist, fmt="xlsx")
    assert xlsx[:2] == b"PK" and name.endswith(".xlsx")


def test_payment_file_with_names_needs_an_active_agreement(cast):
    from sabeel.sharing.services import AgreementRefused

    programme, _rule = programme_with_rule(cast)
    returned(cast)
    plist = PaymentList.objects.get(run=_run(cast, programme))
    with pytest.raises((AgreementRefused, ServiceError)):
        services.payment_file(actor=cast["lb_finance_officer"], payment_list=plist, fmt="csv", agreement_id=999_999)


def test_other_groups_and_other_roles_cannot_start_a_run(cast):
    programme, _rule = programme_with_rule(cast)
    for who in ("jo_finance_officer", "lb_registration_officer", "lb_monitor"):
        with pytest.raises((NotPermitted, Http404)):
            services.payment_run_start(actor=cast[who], programme=programme)
    assert not Run.objects.filter(kind=services.RUN_KIND).exists()


@given(
    per_family=st.decimals(0, 10_000, places=2),
    per_person=st.decimals(0, 1_000, places=2),
    persons=st.integers(1, 30),
    instalments=st.integers(1, 12),
    cap=st.none() | st.decimals(0, 50_000, places=2),
)
def test_instalments_add_up_to_the_capped_whole(per_family, per_person, persons, instalments, cap):
    parts, breakdown = grant_amount(
        per_family=per_family, per_person=per_person, max_persons=None, top_ups={}, cap=cap, instalments=instalments, persons=persons, needs=[]
    )
    whole = Decimal(breakdown["whole"])
    assert sum(parts) == whole and len(parts) == instalments
    assert all(p >= 0 for p in parts)
    if cap is not None:
        assert whole <= cap


def test_names_and_phones_leave_only_under_an_agreement_for_the_people_it_covers(cast):
    from sabeel.sharing.models import ShareEntry
    from sabeel.sharing.tests.factories import agreement_make, sharing_consent

    programme, _rule = programme_with_rule(cast)
    consenting, other = returned(cast), returned(cast)
    plist = PaymentList.objects.get(run=_run(cast, programme))
    provider = cast.organisations["iom"]
    agreement = agreement_make(cast, purpose="Return grant payments")
    head_member = consenting.members.order_by("pk").first()
    sharing_consent(cast, head_member, purpose="Return grant payments")
    content, _kind, _name = services.payment_file(
        actor=cast["lb_finance_officer"], payment_list=plist, fmt="csv", agreement_id=agreement.pk, recipient_id=provider.pk
    )
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0].endswith(",name,phone")
    row = {line.split(",")[1]: line for line in lines[1:]}
    assert head_member.first_name_ar in row[consenting.registration_number]
    assert row[other.registration_number].endswith(",,")  # not covered: no name, no phone
    share = ShareEntry.objects.get()
    assert (share.agreement_id, share.people_count, share.recipient_id) == (agreement.pk, 1, provider.pk)
