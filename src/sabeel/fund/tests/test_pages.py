"""The whole story through the pages: a finance officer records a pledge and its cash, the planner
commits it to the substation, the finance officer pays the implementer, records the expenditure
and the completion, and the power service appears on the area conditions page; a wrong amount is
refused with a clear message and a reversal puts the money back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sabeel.fund import ledger
from sabeel.fund.models import Commitment, Pledge, Transaction
from sabeel.fund.tests.factories import fund_make
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db
DAY = "2025-03-01"


def test_from_a_pledge_to_a_completed_project_on_the_area_page(cast):
    fund = fund_make(cast)
    finance = sign_in(Client(), cast["jrg_finance_officer"])
    planner = sign_in(Client(), cast["jrg_reconstruction_planner"])

    response = finance.post(reverse("fund:pledges"), {"donor": fund["donor"].pk, "amount": "5000", "currency": "USD", "pledged_on": DAY,
                                                      "sectors": ["power", "health"], "governorates": "sy02", "reference": "PAGE-PLEDGE"})
    pledge = Pledge.objects.get(reference="PAGE-PLEDGE")
    assert response.status_code == 302 and pledge.sectors == ["health", "power"] and pledge.governorates == ["SY02"]
    finance.post(reverse("fund:pledge_detail", kwargs={"pk": pledge.pk}), {"amount": "3000", "received_on": DAY})
    project = reverse("fund:project_detail", kwargs={"pk": fund["power"].pk})
    assert 'data-testid="commit-form"' in planner.get(project).content.decode()

    too_much = planner.post(reverse("fund:project_commit", kwargs={"pk": fund["power"].pk}),
                            {"commit-pledge": pledge.pk, "commit-usd": "2000", "commit-on": DAY}, follow=True)
    assert "needs only 1,000.00 US dollars more" in too_much.content.decode() and not Commitment.objects.exists()
    planner.post(reverse("fund:project_commit", kwargs={"pk": fund["power"].pk}), {"commit-pledge": pledge.pk, "commit-usd": "1000", "commit-on": DAY})
    finance.post(reverse("fund:project_disburse", kwargs={"pk": fund["power"].pk}), {"disburse-pledge": pledge.pk, "disburse-usd": "1000", "disburse-on": DAY})
    finance.post(reverse("fund:project_expenditure", kwargs={"pk": fund["power"].pk}),
                 {"spend-amount": "900", "spend-currency": "USD", "spend-reported_on": DAY, "spend-text": "Transformer"})
    finance.post(project, {"reported_on": DAY, "percent_complete": "100", "status": "completed", "text": "Energised", "evidence": "handover.pdf"})

    balances = {k: v for k, v in ledger.pledge_balances(pledge).items() if v}
    assert balances == {("contribution", None): -5000_00, ("receivable", None): 2000_00, ("earmark", None): 2000_00,
                        ("disbursed", fund["power"].pk): 100_00, ("spent", fund["power"].pk): 900_00}
    area = finance.get(reverse("conditions:unit_conditions", kwargs={"pk": fund["units"]["SY020000"].pk})).content.decode()
    assert fund["power"].code in area and "Power" in area

    # A receipt recorded twice is reversed from the ledger page: the cash goes back to receivable.
    finance.post(reverse("fund:pledge_detail", kwargs={"pk": pledge.pk}), {"amount": "100", "received_on": DAY})
    twice = Transaction.objects.filter(kind="receipt").order_by("-pk").first()
    finance.post(reverse("fund:transaction_reverse", kwargs={"pk": twice.pk}), {"reason": "typed twice"})
    assert ledger.pledge_balances(pledge)[("receivable", None)] == 2000_00
    assert "Trial balance" in finance.get(reverse("fund:ledger")).content.decode()


def test_pages_render_in_arabic_right_to_left(cast):
    fund = fund_make(cast)
    client = sign_in(Client(), cast["jrg_finance_officer"])
    client.cookies["django_language"] = "ar"
    for name, kwargs in (("fund:overview", {}), ("fund:pledges", {}), ("fund:projects", {}), ("fund:ledger", {}),
                         ("fund:project_detail", {"pk": fund["clinic"].pk})):
        page = client.get(reverse(name, kwargs=kwargs), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
        assert 'dir="rtl"' in page, name
    assert "صندوق إعادة الإعمار" in client.get(reverse("fund:overview"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()


def test_rates_donors_and_projects_are_added_from_the_pages(cast):
    from sabeel.fund.models import Donor, ExchangeRate, Project
    from sabeel.fund.tests.factories import organisation

    fund = fund_make(cast)
    finance = sign_in(Client(), cast["jrg_finance_officer"])
    planner = sign_in(Client(), cast["jrg_reconstruction_planner"])
    finance.post(reverse("fund:rate_record"), {"currency": "try", "as_of": DAY, "usd_per_unit": "0.031", "source": "Central bank"})
    assert ExchangeRate.objects.get(currency="TRY").usd_per_unit == Decimal("0.031")
    new = organisation("New Donor (test)")
    finance.post(reverse("fund:donor_record"), {"organisation": new.pk})
    assert Donor.objects.filter(organisation=new, working_group=cast.groups["jrg"]).exists()
    planner.post(reverse("fund:project_record"), {"code": "JS-DOC-1", "title": "Civil registry", "sector": "civil_documentation",
                                                 "subdistrict": "sy020000", "cost_usd": "90000", "duration_months": "4",
                                                 "implementer": fund["implementer"].pk, "requires": fund["power"].code})
    project = Project.objects.get(code="JS-DOC-1")
    assert project.subdistrict == fund["units"]["SY020000"] and list(project.requires.all()) == [fund["power"]]
    wrong = planner.post(reverse("fund:project_record"), {"code": "X-1", "title": "x", "sector": "water", "subdistrict": "SY02",
                                                         "cost_usd": "1", "duration_months": "1"}, follow=True)
    assert "Choose a sub-district in Syria." in wrong.content.decode() and not Project.objects.filter(code="X-1").exists()


def test_a_pledges_sectors_are_named_in_the_pages_language(cast):
    fund = fund_make(cast)
    client = sign_in(Client(), cast["jrg_finance_officer"])
    client.post(reverse("fund:pledges"), {"donor": fund["donor"].pk, "amount": "5000", "currency": "USD", "pledged_on": DAY,
                                          "sectors": ["power", "health"], "reference": "NAMED-SECTORS"})
    pledge = Pledge.objects.get(reference="NAMED-SECTORS")
    for language, named in (("ar", "الصحة، الكهرباء"), ("en", "Health, Power")):
        client.cookies["django_language"] = language
        for url in (reverse("fund:pledges"), reverse("fund:pledge_detail", kwargs={"pk": pledge.pk})):
            page = client.get(url).content.decode()
            assert named in page, (language, url)
            assert "health, power" not in page, (language, url)
