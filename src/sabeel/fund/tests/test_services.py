"""Stories of the fund: a pledge in euros through a commitment and a disbursement to a completed
project whose service appears in the area conditions register; earmarks, policy, reversals,
exports (IATI validated against the 2.03 schema of ../shared/standards, HXL read by libhxl)."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import hxl
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import override_settings

from sabeel.conditions.models import AreaCondition
from sabeel.conditions.services import information_package_content
from sabeel.conditions.tests.factories import entry
from sabeel.core.exceptions import ServiceError
from sabeel.fund import exports, ledger, services
from sabeel.fund.models import ProjectStatus, ServiceObservation
from sabeel.fund.tests.factories import DAY, fund_make, usd_pledge

pytestmark = pytest.mark.django_db
# The IATI 2.03 schema of ../shared/standards (read from there, never copied into the project).
_SHARED = [Path(str(django_settings.SABEEL_REFERENCE_DIR)).parent] if django_settings.SABEEL_REFERENCE_DIR else []
SCHEMA = next(
    (p for p in (base / "standards" / "iati" / "iati-activities-schema.xsd" for base in [*_SHARED, Path(__file__).resolve().parents[5] / "shared"]) if p.exists()),
    None,
)


@pytest.fixture
def fund(cast):
    return fund_make(cast)


def _full_story(fund):
    services.exchange_rate_record(actor=fund["finance"], currency="EUR", as_of=DAY, usd_per_unit="1.08", source="ECB reference rate")
    pledge = services.pledge_record(actor=fund["finance"], donor=fund["donor"], amount="2000.00", currency="eur", pledged_on=DAY,
                                    sectors=["power", "health"], conditions="Report quarterly")
    services.receipt_record(actor=fund["finance"], pledge=pledge, amount="1000", received_on=DAY)
    services.commitment_record(actor=fund["planner"], project=fund["power"], pledge=pledge, usd_cents=1000_00, committed_on=DAY)
    services.disbursement_record(actor=fund["finance"], project=fund["power"], pledge=pledge, usd_cents=600_00, disbursed_on=DAY)
    services.expenditure_record(actor=fund["finance"], project=fund["power"], amount="500", currency="USD", reported_on=DAY, text="Transformer")
    services.progress_record(actor=fund["finance"], project=fund["power"], reported_on=DAY, percent_complete=40, status="in_progress", text="Poles up", evidence="photo-1.jpg")
    services.progress_record(actor=fund["finance"], project=fund["power"], reported_on=DAY, percent_complete=100, status="completed", text="Energised", evidence="handover.pdf")
    return pledge


def test_a_pledge_in_euros_keeps_its_rate_and_flows_to_a_completed_project(fund):
    pledge = _full_story(fund)
    assert (pledge.amount, pledge.currency, pledge.usd_per_unit, pledge.rate_as_of, pledge.usd_cents) == (Decimal("2000.00"), "EUR", Decimal("1.08"), DAY, 2160_00)
    summary = {k: v for k, v in ledger.trial_balance(fund["group"].pk).items() if v}
    assert summary == {"contribution": -2160_00, "receivable": 1080_00, "earmark": 80_00, "commitment": 400_00, "disbursed": 100_00, "spent": 500_00}
    fund["power"].refresh_from_db()
    assert fund["power"].status == ProjectStatus.COMPLETED
    observation = ServiceObservation.objects.get(project=fund["power"])
    observed = observation.area_observation
    assert observed is not None and observed.threshold == "services" and observed.system_actor == "fund.project_completion"
    assert "power" in observed.text_en.lower() and fund["power"].code in observed.source and observed.text_ar
    # An observation, not a status: the register's statuses are protection officers' alone.
    assert not AreaCondition.objects.filter(admin_unit=fund["units"]["SY020000"]).exists()


def test_completion_never_replaces_a_status_a_protection_officer_recorded(fund, cast):
    officer_entry = entry(fund["units"]["SY020000"], "services", as_of=DAY, status="not_met", recorded_by=cast["lb_protection_officer"])
    _full_story(fund)
    observation = ServiceObservation.objects.get(project=fund["power"])
    assert observation.area_observation is not None
    assert AreaCondition.objects.filter(admin_unit=fund["units"]["SY020000"], threshold="services").get() == officer_entry
    package = information_package_content(destination=fund["units"]["SY020000"], language="en")
    assert next(t for t in package["thresholds"] if t["threshold"] == "services")["status"] == "not_met"
    assert [o["source"] for o in package["observed"]] == [observation.area_observation.source]  # shown beside it


def test_earmarks_availability_and_the_policy(fund):
    water_only = usd_pledge(fund, 500, sectors=["water"])
    with pytest.raises(ServiceError, match="earmarked"):
        services.commitment_record(actor=fund["planner"], project=fund["power"], pledge=water_only, usd_cents=100, committed_on=DAY)
    with pytest.raises(ServiceError, match="available"):  # nothing received yet
        services.commitment_record(actor=fund["planner"], project=fund["water"], pledge=water_only, usd_cents=100, committed_on=DAY)
    with override_settings(SABEEL_FUND_COMMIT_AGAINST_PLEDGES=True):
        services.commitment_record(actor=fund["planner"], project=fund["water"], pledge=water_only, usd_cents=500_00, committed_on=DAY)
        with pytest.raises(ServiceError, match="not been received"):  # paid out only from cash held
            services.disbursement_record(actor=fund["finance"], project=fund["water"], pledge=water_only, usd_cents=1, disbursed_on=DAY)
    with pytest.raises(ServiceError, match="No exchange rate"):
        services.pledge_record(actor=fund["finance"], donor=fund["donor"], amount=1, currency="GBP", pledged_on=DAY)


def test_a_reversal_restores_the_balances_and_cannot_be_repeated(fund):
    pledge = usd_pledge(fund, 1000)
    receipt = services.receipt_record(actor=fund["finance"], pledge=pledge, amount="400", received_on=DAY)
    before = ledger.pledge_balances(pledge)
    commitment = services.commitment_record(actor=fund["planner"], project=fund["school"], pledge=pledge, usd_cents=300_00, committed_on=DAY)
    with pytest.raises(ServiceError, match="cannot be reversed"):
        services.transaction_reverse(actor=fund["finance"], txn=receipt.transaction, reason="wrong amount")
    services.transaction_reverse(actor=fund["finance"], txn=commitment.transaction, reason="wrong project")
    after = {k: v for k, v in ledger.pledge_balances(pledge).items() if v}
    assert after == {k: v for k, v in before.items() if v}
    with pytest.raises(ServiceError, match="already"):
        services.transaction_reverse(actor=fund["finance"], txn=commitment.transaction, reason="again")


def test_entries_cannot_be_edited_or_deleted(fund):
    from django.db import IntegrityError, transaction
    from django.db.utils import DatabaseError

    from sabeel.fund.models import Entry

    usd_pledge(fund, 10)
    row = Entry.objects.first()
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Entry.objects.filter(pk=row.pk).update(amount_cents=5)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Entry.objects.filter(pk=row.pk).delete()


def test_iati_export_validates_against_the_schema(fund, tmp_path):
    etree = pytest.importorskip("lxml.etree")
    if SCHEMA is None:
        pytest.skip("the IATI schema of ../shared/standards/iati is not on this machine")
    _full_story(fund)
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    document = etree.fromstring(exports.iati_xml([fund["power"], fund["water"]]))
    assert schema.validate(document), schema.error_log
    codes = document.xpath("//transaction/transaction-type/@code")
    assert sorted(codes) == ["11", "2", "3", "4"]
    call_command("iati_export", str(tmp_path / "fund.xml"), stdout=io.StringIO())
    assert schema.validate(etree.parse(str(tmp_path / "fund.xml"))), schema.error_log


def test_flows_csv_is_valid_hxl(fund):
    _full_story(fund)
    source = hxl.data(io.BytesIO(exports.flows_csv([fund["power"]])))
    tags = [c.display_tag for c in source.columns]
    assert "#value+usd" in tags and "#org+name+funder" in tags and "#adm3+code" in tags
    rows = [dict(zip(tags, r.values, strict=False)) for r in source]
    assert [(r["#meta+type"], r["#value+usd"]) for r in rows] == [("commitment", "1000.00"), ("disbursement", "600.00")]


def test_postgresql_refuses_to_commit_an_unbalanced_transaction(fund):
    from django.db import DatabaseError, connection, transaction

    from sabeel.fund.models import Account, Entry, Transaction

    if connection.vendor != "postgresql":
        pytest.skip("the deferred balance trigger is PostgreSQL's (SQLite: the services' check and the state machine)")
    usd_pledge(fund, 10)
    account = Account.objects.filter(kind="receivable").first()
    with pytest.raises(DatabaseError, match="must balance"), transaction.atomic():
        txn = Transaction.objects.create(working_group=fund["group"], kind="receipt", booked_on=DAY)
        Entry.objects.create(transaction=txn, account=account, amount_cents=5)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
