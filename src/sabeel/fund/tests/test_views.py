"""Pages and API as the personas: a donor viewer sees only their organisation's pledges and the
projects those funded (plus fund totals); the planner runs the optimiser, reviews its
explanations and approves commitments (nothing committed before); other roles are refused."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sabeel.core.models import RunStatus
from sabeel.fund import services
from sabeel.fund.models import Commitment, PortfolioRun
from sabeel.fund.tests.factories import DAY, fund_make, usd_pledge
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(cast):
    fund = fund_make(cast)
    mine = usd_pledge(fund, 3000, reference="MINE-PLEDGE")
    theirs = usd_pledge(fund, 4000, donor="other", reference="THEIR-PLEDGE")
    for pledge in (mine, theirs):
        services.receipt_record(actor=fund["finance"], pledge=pledge, amount=2500, received_on=DAY)
    services.commitment_record(actor=fund["planner"], project=fund["water"], pledge=mine, usd_cents=1000_00, committed_on=DAY)
    services.commitment_record(actor=fund["planner"], project=fund["school"], pledge=theirs, usd_cents=700_00, committed_on=DAY)
    return {**fund, "mine": mine, "theirs": theirs}


def test_a_donor_viewer_sees_their_pledges_what_they_funded_and_the_totals_only(cast, fund):
    client = sign_in(Client(), cast["jrg_donor_viewer"])
    pledges = client.get(reverse("fund:pledges")).content.decode()
    assert "MINE-PLEDGE" in pledges and "THEIR-PLEDGE" not in pledges
    api = client.get("/api/fund/pledges").json()
    assert [p["reference"] for p in api] == ["MINE-PLEDGE"]
    projects = [p["code"] for p in client.get("/api/fund/projects").json()]
    assert projects == [fund["water"].code]
    assert client.get(reverse("fund:project_detail", kwargs={"pk": fund["water"].pk})).status_code == 200
    assert client.get(reverse("fund:project_detail", kwargs={"pk": fund["school"].pk})).status_code == 404
    totals = client.get("/api/fund/totals").json()
    assert totals[0]["pledged_cents"] == 7000_00 and totals[0]["trial_balance_cents"] == 0
    ledger = client.get(reverse("fund:ledger")).content.decode()
    assert fund["water"].code in ledger and fund["school"].code not in ledger
    assert client.get(reverse("fund:portfolio_runs")).status_code == 403
    assert client.post(f"/api/fund/pledges/{fund['mine'].pk}/receipts", data={"amount": "1", "received_on": "2025-03-01"},
                       content_type="application/json").status_code == 403


def test_the_finance_officer_sees_every_pledge_and_project(cast, fund):
    client = sign_in(Client(), cast["jrg_finance_officer"])
    assert sorted(p["reference"] for p in client.get("/api/fund/pledges").json()) == ["MINE-PLEDGE", "THEIR-PLEDGE"]
    assert len(client.get("/api/fund/projects").json()) == 4
    assert client.get(reverse("fund:portfolio_runs")).status_code == 403


def test_the_planner_runs_the_optimiser_reviews_and_approves(cast, fund, settings, django_capture_on_commit_callbacks):
    from sabeel.consent.intentions import intention_record
    from sabeel.registry.tests.factories import head, household_make, spouse

    settings.SABEEL_FUND_PORTFOLIO_TIME_LIMIT = 20.0
    settings.SABEEL_FUND_MINIMUM_SERVICES = ["power", "health"]
    for _ in range(3):  # three families (six people) intend to return to Jebel Saman
        household = household_make(cast, "lb", members=[head(), spouse()])
        intention_record(actor=cast["lb_registration_officer"], household=household, hopes_to_return="yes",
                         intends_within_12_months="yes", preferred_destination=fund["units"]["SY020000"])
    planner = sign_in(Client(), cast["jrg_reconstruction_planner"])
    committed_before = Commitment.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = planner.post(reverse("fund:portfolio_runs"))
    record = PortfolioRun.objects.select_related("run").get()
    assert response.status_code == 302 and record.run.status == RunStatus.SUCCEEDED
    assert Commitment.objects.count() == committed_before  # nothing committed automatically
    page = planner.get(reverse("fund:portfolio_detail", kwargs={"pk": record.pk}))
    assert page.status_code == 200 and 'data-testid="explanations"' in page.content.decode() and "Chosen" in page.content.decode()
    fragment = planner.get(reverse("fund:portfolio_detail", kwargs={"pk": record.pk}), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="portfolio-review">') and "<html" not in fragment
    assert {e["project_id"] for e in record.proposal["explanations"]} == {str(fund["power"].pk), str(fund["clinic"].pk)}
    assert sorted(record.proposal["chosen"]) == sorted([str(fund["power"].pk), str(fund["clinic"].pk)])
    assert record.proposal["returnees_covered"] == 6 and record.summary["returnees"] == 6
    planner.post(reverse("fund:portfolio_approve", kwargs={"pk": record.pk}))
    record.refresh_from_db()
    assert record.approved_at is not None
    made = Commitment.objects.filter(portfolio_run=record)
    assert {c.project_id for c in made} == {int(p) for p in record.proposal["chosen"]}
    # The proposal is approved once only.
    planner.post(reverse("fund:portfolio_approve", kwargs={"pk": record.pk}))
    assert Commitment.objects.filter(portfolio_run=record).count() == made.count()


def test_other_groups_and_roles_are_refused_the_planning_pages(cast, fund):
    record_client = sign_in(Client(), cast["jrg_reconstruction_planner"])
    record_client.post(reverse("fund:portfolio_runs"))
    record = PortfolioRun.objects.get()
    for persona in ("lb_finance_officer", "lb_registration_officer", "jrg_donor_viewer"):
        client = sign_in(Client(), cast[persona])
        assert client.get(reverse("fund:portfolio_detail", kwargs={"pk": record.pk})).status_code in (403, 404)
        assert client.post(reverse("fund:portfolio_approve", kwargs={"pk": record.pk})).status_code in (403, 404)
    assert Client().get(reverse("fund:portfolio_runs")).status_code == 302


def test_commitments_through_the_api_need_the_planner(cast, fund):
    url = f"/api/fund/projects/{fund['power'].pk}/pledges/{fund['mine'].pk}/commitments"
    body = {"usd_cents": 100, "on": "2025-03-01"}
    finance = sign_in(Client(), cast["jrg_finance_officer"])
    assert finance.post(url, data=body, content_type="application/json").status_code == 403
    planner = sign_in(Client(), cast["jrg_reconstruction_planner"])
    assert planner.post(url, data=body, content_type="application/json").status_code == 201
    too_much = planner.post(url, data={"usd_cents": 10**9, "on": "2025-03-01"}, content_type="application/json")
    assert too_much.status_code == 400


def test_progress_through_the_api_completes_a_project_and_observes_its_service(cast, fund):
    from sabeel.fund.models import ServiceObservation

    finance = sign_in(Client(), cast["jrg_finance_officer"])
    url = f"/api/fund/projects/{fund['water'].pk}/progress"
    refused = finance.post(url, data={"reported_on": "2025-03-01", "percent_complete": 90, "status": "completed", "text": "Done"},
                           content_type="application/json")
    assert refused.status_code == 400 and not ServiceObservation.objects.exists()
    done = finance.post(url, data={"reported_on": "2025-03-01", "percent_complete": 100, "status": "completed", "text": "Done",
                                   "evidence": "handover.pdf"}, content_type="application/json")
    assert done.status_code == 201
    assert ServiceObservation.objects.get().sector == "water"


def test_the_portfolio_through_the_api(cast, fund, settings, django_capture_on_commit_callbacks):
    settings.SABEEL_FUND_MINIMUM_SERVICES = ["water"]
    planner = sign_in(Client(), cast["jrg_reconstruction_planner"])
    finance = sign_in(Client(), cast["jrg_finance_officer"])
    assert finance.post("/api/fund/portfolio-runs", content_type="application/json").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        started = planner.post("/api/fund/portfolio-runs", content_type="application/json")
    assert started.status_code == 201
    run = planner.get(f"/api/fund/portfolio-runs/{started.json()['id']}").json()
    assert run["status"] == "succeeded" and run["approved_at"] is None and run["minimum_services"] == ["water"]
    assert finance.get(f"/api/fund/portfolio-runs/{run['id']}").status_code == 403
    nothing = planner.post(f"/api/fund/portfolio-runs/{run['id']}/approval", data={"project_ids": [999999]}, content_type="application/json")
    assert nothing.status_code == 400  # no intending returnees: nothing chosen, nothing to approve
