"""Re-issue of a failed payment: a finance officer re-issues a failed or returned payment as the
next attempt of the same instalment, once; an instalment is never pending or paid twice, and the
run, the results import and the reconciliation keep their idempotency."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.http import Http404
from django.test import Client

from sabeel.assistance import selectors, services
from sabeel.assistance.choices import PaymentStatus
from sabeel.assistance.models import Payment
from sabeel.assistance.tests.factories import programme_with_rule, returned
from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import AuditEntry
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db


def _paid_list(cast, households=2):
    programme, _rule = programme_with_rule(cast)
    for _ in range(households):
        returned(cast)
    run = services.payment_run_start(actor=cast["lb_finance_officer"], programme=programme)
    services.payment_run_execute(run_id=run.pk)
    run.refresh_from_db()
    return programme, run.payment_list


def _result(cast, plist, payment, result):
    return services.results_record(actor=cast["lb_finance_officer"], payment_list=plist, rows=[{"idempotency_key": payment.idempotency_key, "result": result}])


def test_a_failed_payment_is_reissued_once_as_the_next_attempt(cast):
    programme, plist = _paid_list(cast)
    first, other = plist.payments.order_by("pk")
    _result(cast, plist, first, "failed")
    first.refresh_from_db()
    again = services.payment_reissue(actor=cast["lb_finance_officer"], payment=first)
    assert (again.attempt, again.reissue_of_id, again.status, again.entitlement_id) == (2, first.pk, PaymentStatus.PENDING, first.entitlement_id)
    assert again.idempotency_key == f"{first.idempotency_key}:a2"
    assert again.amount == first.entitlement.amount and again.payment_list_id == plist.pk
    assert AuditEntry.objects.filter(action="assistance.payment_reissued").count() == 1
    # pressing again, or re-issuing a pending, paid or the new attempt, is refused
    for target in (first, other, again):
        with pytest.raises(ServiceError):
            services.payment_reissue(actor=cast["lb_finance_officer"], payment=target)
    assert Payment.objects.filter(entitlement=first.entitlement).count() == 2
    # a later payment run does not pay the entitlement again
    run = services.payment_run_start(actor=cast["lb_finance_officer"], programme=programme)
    services.payment_run_execute(run_id=run.pk)
    assert run.payment_list.payments.count() == 0
    # the re-issue's result comes back (twice, as files do); the old failure stays as it was
    assert _result(cast, plist, again, "paid")["counts"]["recorded"] == 1
    assert _result(cast, plist, again, "paid")["counts"]["unchanged"] == 1
    first.refresh_from_db()
    assert first.status == PaymentStatus.FAILED and first.results.count() == 1
    # the reconciliation lists no difference for the re-issued failure
    rec = selectors.reconciliation(actor=cast["lb_finance_officer"], programme=programme)
    assert not [d for d in rec.differences if d.kind == "payment_failed"]
    assert rec.counts["reissued"] == 1 and rec.counts["payments_paid"] == 1


def test_a_returned_payment_is_reissued_and_never_two_live_attempts(cast):
    _programme, plist = _paid_list(cast, households=1)
    first = plist.payments.get()
    _result(cast, plist, first, "paid")
    first.refresh_from_db()
    with pytest.raises(ServiceError):
        services.payment_reissue(actor=cast["lb_finance_officer"], payment=first)  # paid: nothing to re-issue
    _result(cast, plist, first, "returned")
    first.refresh_from_db()
    again = services.payment_reissue(actor=cast["lb_finance_officer"], payment=first)
    assert again.attempt == 2
    # the database itself refuses a second live attempt of the same instalment
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            payment_list=plist, entitlement=first.entitlement, household_id=first.household_id, programme_id=first.programme_id,
            rule_version=first.rule_version, instalment=first.instalment, attempt=3, idempotency_key="x", amount=first.amount, currency=first.currency,
        )  # fmt: skip


def test_only_the_finance_officer_of_the_group_reissues(cast):
    _programme, plist = _paid_list(cast, households=1)
    first = plist.payments.get()
    _result(cast, plist, first, "failed")
    first.refresh_from_db()
    for persona in ("lb_registration_officer", "lb_protection_officer", "jo_finance_officer"):
        with pytest.raises((NotPermitted, Http404)):
            services.payment_reissue(actor=cast[persona], payment=first)
    assert Payment.objects.count() == 1


def test_the_list_page_offers_a_reissue_button_for_failures_only(cast):
    _programme, plist = _paid_list(cast)
    first, other = plist.payments.order_by("pk")
    _result(cast, plist, first, "failed")
    client = sign_in(Client(), cast["lb_finance_officer"])
    page = client.get(f"/assistance/lists/{plist.pk}/").content.decode()
    assert f'data-testid="reissue-{first.pk}"' in page and f'data-testid="reissue-{other.pk}"' not in page
    response = client.post(f"/assistance/lists/{plist.pk}/payments/{first.pk}/reissue/")
    assert response.status_code == 302
    assert Payment.objects.filter(reissue_of=first).count() == 1
    page = client.get(f"/assistance/lists/{plist.pk}/").content.decode()
    assert f'data-testid="reissue-{first.pk}"' not in page
    # pressed again (a second tab): refused with a message, nothing added
    client.post(f"/assistance/lists/{plist.pk}/payments/{first.pk}/reissue/")
    assert Payment.objects.filter(entitlement=first.entitlement).count() == 2


def test_the_api_reissues_once_and_answers_400_after(cast):
    _programme, plist = _paid_list(cast, households=1)
    first = plist.payments.get()
    client = sign_in(Client(), cast["lb_finance_officer"])
    url = f"/api/assistance/payment-lists/{plist.pk}/payments/{first.pk}/reissue"
    assert client.post(url).status_code == 400  # pending: nothing to re-issue
    _result(cast, plist, first, "failed")
    answer = client.post(url)
    assert answer.status_code == 201 and (answer.json()["attempt"], answer.json()["reissue_of"]) == (2, first.pk)
    assert client.post(url).status_code == 400
    assert Payment.objects.filter(entitlement=first.entitlement).count() == 2
