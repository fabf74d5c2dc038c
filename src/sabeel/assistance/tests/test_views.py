"""The finance officer's pages and API: set a rule, run a payment list, download the file, import
the provider's results twice, and read the differences on the reconciliation page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sabeel.assistance import services
from sabeel.assistance.choices import PaymentStatus
from sabeel.assistance.models import GrantRule, Payment, PaymentList
from sabeel.assistance.tests.factories import programme_with_rule, returned
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db


def _officer(cast):
    return sign_in(Client(), cast["lb_finance_officer"])


def _list(cast, programme):
    run = services.payment_run_start(actor=cast["lb_finance_officer"], programme=programme)
    services.payment_run_execute(run_id=run.pk)
    return PaymentList.objects.get(run=run)


def test_rule_form_saves_a_new_version_and_shows_errors(cast):
    programme, _rule = programme_with_rule(cast)
    client = _officer(cast)
    prefix = f"p{programme.pk}-"
    ok = client.post(
        f"/assistance/programmes/{programme.pk}/rules/",
        {prefix + "trigger": "arrival", prefix + "currency": "EUR", prefix + "per_family": "150", prefix + "per_person": "0", prefix + "instalments": "1", prefix + "top_ups": "DS 40\nER-NF 20"},
    )
    assert ok.status_code == 302
    rule = GrantRule.objects.get(programme=programme, version=2)
    assert (rule.currency, rule.top_ups) == ("EUR", {"DS": "40", "ER-NF": "20"})
    bad = client.post(
        f"/assistance/programmes/{programme.pk}/rules/",
        {prefix + "trigger": "arrival", prefix + "currency": "EUR", prefix + "per_family": "0", prefix + "per_person": "0", prefix + "instalments": "1", prefix + "top_ups": "XX 5"},
    )
    assert bad.status_code == 400
    assert GrantRule.objects.filter(programme=programme).count() == 2
    page = client.get("/assistance/").content.decode()
    assert "EUR" in page


def test_run_button_export_import_and_reconciliation(cast):
    programme, _rule = programme_with_rule(cast)
    paid, failed = returned(cast), returned(cast)
    client = _officer(cast)
    response = client.post(f"/assistance/programmes/{programme.pk}/runs/")
    assert response.status_code == 302
    # in tests the task runs on commit, which a test transaction never reaches: run it as the worker would
    plist = PaymentList.objects.get()
    services.payment_run_execute(run_id=plist.run_id)
    page = client.get(response["Location"]).content.decode()
    assert paid.registration_number in page and failed.registration_number in page
    assert paid.members.first().first_name_ar not in page

    csv_file = client.post(f"/assistance/lists/{plist.pk}/export/", {"fmt": "csv"})
    assert csv_file.status_code == 200 and csv_file["Content-Type"].startswith("text/csv")
    assert paid.registration_number in csv_file.content.decode("utf-8-sig")
    refused = client.post(f"/assistance/lists/{plist.pk}/export/", {"fmt": "csv", "agreement": "999999"})
    assert refused.status_code == 400

    # names and phones: an agreement in force and its party are chosen from lists, never typed
    from sabeel.sharing.models import ShareEntry
    from sabeel.sharing.tests.factories import agreement_make, sharing_consent

    agreement = agreement_make(cast, purpose="Return grant payments")
    provider = cast.organisations["iom"]
    page = client.get(f"/assistance/lists/{plist.pk}/").content.decode()
    assert f'<option value="{agreement.pk}">{agreement.reference}</option>' in page
    assert f'<option value="{provider.pk}">' in page
    head = paid.members.order_by("pk").first()
    sharing_consent(cast, head, purpose="Return grant payments")
    named = client.post(f"/assistance/lists/{plist.pk}/export/", {"fmt": "csv", "agreement": agreement.pk, "recipient": provider.pk})
    assert named.status_code == 200 and head.first_name_ar in named.content.decode("utf-8-sig")
    assert ShareEntry.objects.get().agreement_id == agreement.pk

    keys = dict(Payment.objects.values_list("household_id", "idempotency_key"))
    results = f"idempotency_key,result\n{keys[paid.pk]},paid\n{keys[failed.pk]},failed\n".encode()
    for expected in ("Results recorded: 2", "Results recorded: 0"):
        upload = SimpleUploadedFile("results.csv", results, content_type="text/csv")
        answer = client.post(f"/assistance/lists/{plist.pk}/results/", {"file": upload})
        assert answer.status_code == 200
        assert expected in answer.content.decode()
    assert Payment.objects.get(household=paid).status == PaymentStatus.PAID

    late = returned(cast)
    rec = client.get(f"/assistance/programmes/{programme.pk}/reconciliation/").content.decode()
    assert 'data-kind="payment_failed"' in rec and failed.registration_number in rec
    assert 'data-kind="return_without_entitlement"' in rec and late.registration_number in rec
    assert 'data-kind="payment_without_result"' not in rec


def test_api_from_rule_to_reconciliation(cast):
    programme, _rule = programme_with_rule(cast)
    household = returned(cast)
    client = _officer(cast)
    rule = client.post(f"/api/assistance/programmes/{programme.pk}/rules", {"currency": "USD", "per_family": "300", "top_ups": {"DS": "10"}}, content_type="application/json")
    assert rule.status_code == 201 and rule.json()["version"] == 2
    bad = client.post(f"/api/assistance/programmes/{programme.pk}/rules", {"currency": "USDX", "per_family": "300"}, content_type="application/json")
    assert bad.status_code in (400, 422)
    run = client.post(f"/api/assistance/programmes/{programme.pk}/payment-runs")
    assert run.status_code == 201
    services.payment_run_execute(run_id=run.json()["id"])
    state = client.get(f"/api/assistance/payment-runs/{run.json()['id']}").json()
    assert state["status"] == "succeeded"
    listed = client.get(f"/api/assistance/payment-lists/{state['payment_list']}").json()
    assert [p["registration_number"] for p in listed["payments"]] == [household.registration_number]
    assert listed["payments"][0]["amount"] in ("300.00", 300.0, "300")
    key = listed["payments"][0]["idempotency_key"]
    body = {"rows": [{"idempotency_key": key, "result": "paid", "reference": "TX9"}]}
    first = client.post(f"/api/assistance/payment-lists/{state['payment_list']}/results", body, content_type="application/json").json()
    again = client.post(f"/api/assistance/payment-lists/{state['payment_list']}/results", body, content_type="application/json").json()
    assert (first["counts"]["recorded"], again["counts"]["unchanged"]) == (1, 1)
    rec = client.get(f"/api/assistance/programmes/{programme.pk}/reconciliation").json()
    assert rec["counts"]["payments_paid"] == 1 and rec["differences"] == []
