"""Permission expectations for the fund's pages and API (merged by core/tests/test_route_matrix.py).

Fund rows belong to a working group: the matrix's Lebanon fund (``_lebanon``) is seen by Lebanon's
finance officer, not by a registration officer (no ``fund.view``), not by Jordan's finance officer
(another group: 404 or absent) nor by the outsider. Planning routes (``fund.plan``) belong to the
reconstruction planner, a role only the joint reconstruction group has among the personas: they
are covered, with the donor viewer's organisation scoping, by ``fund/tests/test_views.py``."""

from __future__ import annotations

from typing import Any

from sabeel.core.testing_routes import Scoped, Skip
from sabeel.workgroups.testing import Cast

READER = "finance_officer"
NOT_READER = "registration_officer"
MARKER_PLEDGE = "LB-MATRIX-PLEDGE"
PLAN_SKIP = "fund.plan belongs to the joint group's reconstruction planner; covered by fund/tests/test_views.py"


def _lebanon(cast: Cast) -> dict[str, Any]:
    """Lebanon's fund: a pledge received and committed to the substation, part of it paid."""
    from sabeel.core.actors import system
    from sabeel.fund import services
    from sabeel.fund.models import Project
    from sabeel.fund.tests.factories import DAY, fund_make

    existing = Project.objects.filter(working_group=cast.groups["lb"], code="lb-PWR-1").first()
    if existing is not None:
        from sabeel.fund.models import Donor, Pledge

        return {"power": existing, "donor": Donor.objects.filter(working_group=cast.groups["lb"]).order_by("pk").first(),
                "pledge": Pledge.objects.get(reference=MARKER_PLEDGE)}
    fund = fund_make(cast, "lb")
    pledge = services.pledge_record(actor=fund["finance"], donor=fund["donor"], amount=5000, currency="USD", pledged_on=DAY, reference=MARKER_PLEDGE)
    services.receipt_record(actor=fund["finance"], pledge=pledge, amount=3000, received_on=DAY)
    services.commitment_record(actor=system("matrix"), project=fund["power"], pledge=pledge, usd_cents=1000_00, committed_on=DAY)
    services.disbursement_record(actor=fund["finance"], project=fund["power"], pledge=pledge, usd_cents=500_00, disbursed_on=DAY)
    return {**fund, "pledge": pledge}


def _group_name(cast: Cast) -> str:
    _lebanon(cast)
    return cast.groups["lb"].name


def _pledge_marker(cast: Cast) -> str:
    _lebanon(cast)
    return MARKER_PLEDGE


def _project_marker(cast: Cast) -> str:
    _lebanon(cast)
    return "lb-PWR-1"


def _project(cast: Cast, group: str) -> dict[str, Any]:
    return {"pk": _lebanon(cast)["power"].pk}


def _donor(cast: Cast, group: str) -> dict[str, Any]:
    return {"pk": _lebanon(cast)["donor"].pk}


def _pledge(cast: Cast, group: str) -> dict[str, Any]:
    return {"pk": _lebanon(cast)["pledge"].pk}


def _project_pledge(cast: Cast, group: str) -> dict[str, Any]:
    fund = _lebanon(cast)
    return {"pk": fund["power"].pk, "pledge_pk": fund["pledge"].pk}


def _fresh_transaction(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.fund import services
    from sabeel.fund.models import Transaction
    from sabeel.fund.tests.factories import DAY

    fund = _lebanon(cast)
    pledge = services.pledge_record(actor=cast["lb_finance_officer"], donor=fund["donor"], amount=10, currency="USD", pledged_on=DAY)
    return {"pk": Transaction.objects.filter(kind="pledge", entries__account__pledge=pledge).distinct().get().pk}


def _read(**extra: Any) -> Scoped:
    return Scoped("fund.view", READER, NOT_READER, **extra)


def _manage(**extra: Any) -> Scoped:
    return Scoped("fund.manage", READER, NOT_READER, ok=201, **extra)


PAGES = {
    "fund:overview": _read(marker=_group_name),
    "fund:pledges": _read(marker=_pledge_marker),
    "fund:projects": _read(marker=_project_marker),
    "fund:project_detail": _read(kwargs=_project),
    "fund:pledge_detail": _read(kwargs=_pledge),
    # Exchange rates are platform-wide; a donor is added to the actor's own fund (no record of another group in the URL).
    "fund:rate_record": Scoped("fund.manage", READER, NOT_READER, group_scoped=False, method="post",
                               data={"currency": "EUR", "as_of": "2025-03-01", "usd_per_unit": "1.1", "source": "matrix"}, ok=302),
    "fund:donor_record": Scoped("fund.manage", READER, NOT_READER, group_scoped=False, method="post", data={"organisation": "0"}, ok=302),
    "fund:project_record": Skip(PLAN_SKIP),
    "fund:project_commit": Skip(PLAN_SKIP),
    # The body names no valid pledge: the permitted persona is sent back to the page with the error.
    "fund:project_disburse": Scoped("fund.manage", READER, NOT_READER, kwargs=_project, method="post",
                                    data={"disburse-pledge": "0", "disburse-usd": "1", "disburse-on": "2025-03-01"}, ok=302),
    "fund:project_expenditure": Scoped("fund.manage", READER, NOT_READER, kwargs=_project, method="post",
                                       data={"spend-amount": "1", "spend-currency": "USD", "spend-reported_on": "2025-03-01"}, ok=302),
    "fund:transaction_reverse": Scoped("fund.manage", READER, NOT_READER, kwargs=_fresh_transaction, method="post",
                                       data={"reason": "typed twice"}, ok=302),
    "fund:ledger": _read(marker=_project_marker),
    "fund:iati": _read(marker=_project_marker),
    "fund:flows": _read(marker=_project_marker),
    "fund:portfolio_runs": Skip(PLAN_SKIP),
    "fund:portfolio_detail": Skip(PLAN_SKIP),
    "fund:portfolio_approve": Skip(PLAN_SKIP),
}
DAY_ISO = "2025-03-01"
API = {
    ("get", "/api/fund/totals"): _read(marker=_group_name),
    ("get", "/api/fund/pledges"): _read(marker=_pledge_marker),
    ("get", "/api/fund/projects"): _read(marker=_project_marker),
    ("get", "/api/fund/projects/{pk}"): _read(kwargs=_project),
    ("post", "/api/fund/donors/{pk}/pledges"): _manage(kwargs=_donor, data={"amount": "100", "currency": "USD", "pledged_on": DAY_ISO}),
    ("post", "/api/fund/pledges/{pk}/receipts"): _manage(kwargs=_pledge, data={"amount": "10", "received_on": DAY_ISO}),
    ("post", "/api/fund/projects/{pk}/pledges/{pledge_pk}/commitments"): Skip(PLAN_SKIP),
    ("post", "/api/fund/projects/{pk}/pledges/{pledge_pk}/disbursements"): _manage(kwargs=_project_pledge, data={"usd_cents": 100, "on": DAY_ISO}),
    ("post", "/api/fund/projects/{pk}/expenditures"): _manage(kwargs=_project, data={"amount": "1", "currency": "USD", "reported_on": DAY_ISO}),
    ("post", "/api/fund/projects/{pk}/progress"): _manage(kwargs=_project, data={"reported_on": DAY_ISO, "percent_complete": 30,
                                                                              "status": "in_progress", "text": "Poles up"}),
    ("post", "/api/fund/portfolio-runs"): Skip(PLAN_SKIP),
    ("get", "/api/fund/portfolio-runs/{pk}"): Skip(PLAN_SKIP),
    ("post", "/api/fund/portfolio-runs/{pk}/approval"): Skip(PLAN_SKIP),
    ("post", "/api/fund/transactions/{pk}/reversal"): _manage(kwargs=_fresh_transaction, data={"reason": "typed twice"}),
}
