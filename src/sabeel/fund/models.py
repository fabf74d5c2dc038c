"""The joint reconstruction fund (C8): donors, pledges, exchange rates, projects and their
progress, and the double-entry ledger underneath every movement of money.

Money in the ledger is in US cents (integers, so that every balance is exact). A pledge, a cash
receipt or an expenditure keeps its amount in the original currency with the rate used and its
date. Balances are never stored: they are sums of ledger entries, and entries are never changed
or deleted (database triggers refuse it) — a mistake is undone by a reversing transaction.

Every fund row belongs to a working group (the joint reconstruction group). Donor viewers see
only their own organisation's donor, pledges and what those pledges funded (``fund.selectors``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sabeel.core.i18n import choice_label
from sabeel.core.models import BaseModel

VIEW_ACTION = "fund.view"


class Sector(models.TextChoices):
    """The fund's sectors; the values are those of ``engines.portfolio.Sector``."""

    WATER = "water", _("Water")
    POWER = "power", _("Power")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Primary education")
    HOUSING_REPAIR = "housing_repair", _("Housing repair")
    ROADS = "roads", _("Roads")
    CIVIL_DOCUMENTATION = "civil_documentation", _("Civil documentation offices")


# OECD DAC 5-digit purpose codes (IATI Sector vocabulary 1).
DAC_CODES: dict[str, str] = {
    Sector.WATER: "14030",  # Basic drinking water supply and basic sanitation
    Sector.POWER: "23630",  # Electric power transmission and distribution
    Sector.HEALTH: "12220",  # Basic health care
    Sector.EDUCATION: "11220",  # Primary education
    Sector.HOUSING_REPAIR: "16040",  # Low-cost housing
    Sector.ROADS: "21020",  # Road transport
    Sector.CIVIL_DOCUMENTATION: "15130",  # Legal and judicial development (civil registration)
}


class FundScoped(BaseModel):
    """A row of the fund: scoped through its working group and read with ``fund.view``."""

    working_group = models.ForeignKey(
        "workgroups.WorkingGroup", on_delete=models.PROTECT, related_name="+", verbose_name=_("working group")
    )

    sabeel_scope = "working_group"
    sabeel_view_action = VIEW_ACTION

    class Meta:
        abstract = True


class Donor(FundScoped):
    """An organisation that pledges to the fund."""

    organisation = models.ForeignKey(
        "workgroups.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    iati_ref = models.CharField(_("IATI organisation identifier"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        constraints = [
            models.UniqueConstraint(
                fields=["working_group", "organisation"],
                name="fund_one_donor_per_organisation",
                violation_error_message=_("This organisation is already a donor of the fund."),
            ),
        ]

    def __str__(self) -> str:
        return f"donor #{self.pk}"


class ExchangeRate(BaseModel):
    """How many US dollars one unit of ``currency`` was worth on ``as_of``, and where that came from."""

    currency = models.CharField(_("currency"), max_length=3)
    as_of = models.DateField(_("date of the rate"))
    usd_per_unit = models.DecimalField(_("US dollars per unit"), max_digits=18, decimal_places=8)
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["currency", "as_of"], name="fund_one_rate_per_day"),
            models.CheckConstraint(
                condition=Q(usd_per_unit__gt=0), name="fund_rate_positive",
                violation_error_message=_("An exchange rate is positive."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.as_of}"


class Money(models.Model):
    """An amount in its original currency, the rate used and its date, and its value in US cents."""

    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    usd_per_unit = models.DecimalField(_("rate used (US dollars per unit)"), max_digits=18, decimal_places=8)
    rate_as_of = models.DateField(_("date of the rate"))
    usd_cents = models.BigIntegerField(_("amount in US cents"))

    class Meta:
        abstract = True


class Pledge(Money, FundScoped):
    """A donor's signed pledge, earmarked by sector and/or governorate (empty: not earmarked)."""

    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("donor"))
    pledged_on = models.DateField(_("date of the pledge"))
    sectors = models.JSONField(_("earmarked sectors"), default=list, blank=True)
    governorates = models.JSONField(_("earmarked governorates (p-codes)"), default=list, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0, usd_cents__gt=0), name="fund_pledge_positive",
                violation_error_message=_("A pledge is a positive amount."),
            ),
        ]

    def __str__(self) -> str:
        return f"pledge #{self.pk}"

    @property
    def earmarked(self) -> bool:
        return bool(self.sectors or self.governorates)

    @property
    def sector_labels(self) -> list[str]:
        """The earmarked sectors by name, in the page's language (a code no longer a sector: as
        stored)."""
        return [choice_label(Sector, code) for code in self.sectors]

    def may_fund(self, sector: str, governorate: str) -> bool:
        return (not self.sectors or sector in self.sectors) and (not self.governorates or governorate in self.governorates)


class Implementer(FundScoped):
    """An organisation that carries out projects, and how much it can take on (empty: no limit)."""

    organisation = models.ForeignKey(
        "workgroups.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    max_projects = models.PositiveIntegerField(_("most projects at once"), null=True, blank=True)
    max_budget_usd = models.PositiveBigIntegerField(_("largest total budget (US dollars)"), null=True, blank=True)

    class Meta:
        verbose_name = _("implementer")
        verbose_name_plural = _("implementers")
        constraints = [
            models.UniqueConstraint(fields=["working_group", "organisation"], name="fund_one_implementer_per_organisation"),
        ]

    def __str__(self) -> str:
        return f"implementer #{self.pk}"


class ProjectStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Project(FundScoped):
    """An infrastructure project in a Syrian sub-district. ``requires``: projects that must be done
    too unless their service already works there ("the clinic needs power")."""

    code = models.CharField(_("code"), max_length=32)
    title = models.CharField(_("title"), max_length=200)
    title_ar = models.CharField(_("Arabic title"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=24, choices=Sector.choices)
    subdistrict = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("sub-district")
    )
    cost_usd = models.PositiveBigIntegerField(_("cost (US dollars)"))
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"))
    implementer = models.ForeignKey(
        Implementer, on_delete=models.PROTECT, null=True, blank=True, related_name="projects", verbose_name=_("implementer")
    )
    requires = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="required_by", verbose_name=_("depends on"))
    status = models.CharField(_("status"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.CANDIDATE)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.UniqueConstraint(fields=["working_group", "code"], name="fund_project_code_unique"),
            models.CheckConstraint(
                condition=Q(cost_usd__gt=0), name="fund_project_cost_positive",
                violation_error_message=_("A project costs a positive amount."),
            ),
            models.CheckConstraint(
                condition=Q(status="completed", completed_on__isnull=False) | (~Q(status="completed") & Q(completed_on__isnull=True)),
                name="fund_project_completed_on_iff_completed",
            ),
        ]

    @property
    def dac_code(self) -> str:
        return DAC_CODES[self.sector]

    def __str__(self) -> str:
        return self.code


class ProgressReport(FundScoped):
    """A dated report on a project: how far it is, what changed, and the evidence."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="progress_reports", verbose_name=_("project"))
    reported_on = models.DateField(_("date of the report"))
    percent_complete = models.PositiveSmallIntegerField(_("percent complete"))
    status = models.CharField(_("status after the report"), max_length=16, choices=ProjectStatus.choices)
    text = models.TextField(_("what was done"))
    evidence = models.CharField(_("evidence (document reference or link)"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.CheckConstraint(condition=Q(percent_complete__lte=100), name="fund_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"progress #{self.pk}"


class ServiceObservation(FundScoped):
    """A service observed functional in a sub-district because a fund project completed there,
    written by the named system actor ``fund.project_completion``. ``area_observation`` is the
    observed entry it added to the area conditions register (no status: those are protection
    officers' to set)."""

    admin_unit = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("sub-district"))
    sector = models.CharField(_("service"), max_length=24, choices=Sector.choices)
    observed_on = models.DateField(_("observed on"))
    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="observation", verbose_name=_("project"))
    area_observation = models.ForeignKey(
        "conditions.AreaObservation", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("register entry")
    )
    system_actor = models.CharField(_("written by (system actor)"), max_length=64)

    class Meta:
        verbose_name = _("service observation")
        verbose_name_plural = _("service observations")

    def __str__(self) -> str:
        return f"{self.admin_unit_id} {self.sector} {self.observed_on}"


# --- the ledger ---------------------------------------------------------------------------------


class AccountKind(models.TextChoices):
    CONTRIBUTION = "contribution", _("Donor contribution (pledged)")
    RECEIVABLE = "receivable", _("Donor pledge receivable")
    CASH = "cash", _("Fund cash")
    EARMARK = "earmark", _("Earmark sub-account")
    COMMITMENT = "commitment", _("Project commitment")
    DISBURSED = "disbursed", _("Project disbursed (not yet reported)")
    SPENT = "spent", _("Project spent")


class Account(FundScoped):
    """A ledger account. Money is traced to its pledge all the way: every account but a project's
    names the pledge, and a project's accounts name the pledge whose money they hold. A pledge's
    received money sits in fund cash (no earmark) or in its earmark sub-account."""

    kind = models.CharField(_("kind"), max_length=16, choices=AccountKind.choices)
    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("pledge"))
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="accounts", verbose_name=_("project")
    )

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "pledge"], condition=Q(project__isnull=True), name="fund_one_pledge_account_per_kind"
            ),
            models.UniqueConstraint(
                fields=["kind", "pledge", "project"], condition=Q(project__isnull=False), name="fund_one_project_account_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["commitment", "disbursed", "spent"], project__isnull=False)
                | Q(kind__in=["contribution", "receivable", "cash", "earmark"], project__isnull=True),
                name="fund_project_accounts_name_a_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} p{self.pledge_id}" + (f" / {self.project_id}" if self.project_id else "")


class TransactionKind(models.TextChoices):
    PLEDGE = "pledge", _("Pledge recorded")
    RECEIPT = "receipt", _("Cash received")
    COMMITMENT = "commitment", _("Commitment to a project")
    DISBURSEMENT = "disbursement", _("Disbursement to an implementer")
    EXPENDITURE = "expenditure", _("Expenditure reported")
    REVERSAL = "reversal", _("Reversal")


class Transaction(FundScoped):
    """A balanced set of entries (their amounts sum to zero). Never changed: a reversal is a new
    transaction with every entry negated, naming the one it reverses (at most one reversal each)."""

    kind = models.CharField(_("kind"), max_length=16, choices=TransactionKind.choices)
    booked_on = models.DateField(_("date"))
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by", verbose_name=_("reverses")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False) | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="fund_reversal_names_its_transaction",
            ),
        ]

    def __str__(self) -> str:
        return f"transaction #{self.pk} ({self.kind})"


class Entry(models.Model):
    """One line of a transaction: a signed amount in US cents (positive: debit, negative: credit)."""

    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries", verbose_name=_("transaction"))
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries", verbose_name=_("account"))
    amount_cents = models.BigIntegerField(_("amount (US cents; debit positive)"))

    sabeel_scope = "transaction__working_group"
    sabeel_view_action = VIEW_ACTION

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(condition=~Q(amount_cents=0), name="fund_entry_not_zero"),
        ]

    def __str__(self) -> str:
        return f"entry #{self.pk}"


# --- the documents behind the transactions ------------------------------------------------------


class Receipt(Money, FundScoped):
    """Cash received from a donor against a pledge (in the pledge's currency, at the day's rate)."""

    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="receipts", verbose_name=_("pledge"))
    received_on = models.DateField(_("received on"))
    transaction = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="receipt", verbose_name=_("transaction"))

    class Meta:
        verbose_name = _("cash receipt")
        verbose_name_plural = _("cash receipts")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0, usd_cents__gt=0), name="fund_receipt_positive")]

    def __str__(self) -> str:
        return f"receipt #{self.pk}"


class Commitment(FundScoped):
    """Money of one pledge committed to a project, approved by a planner (from a portfolio run's
    proposal or directly)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("project"))
    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("pledge"))
    usd_cents = models.BigIntegerField(_("amount in US cents"))
    committed_on = models.DateField(_("committed on"))
    portfolio_run = models.ForeignKey(
        "PortfolioRun", on_delete=models.PROTECT, null=True, blank=True, related_name="commitments", verbose_name=_("portfolio run")
    )
    transaction = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="commitment", verbose_name=_("transaction"))

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [models.CheckConstraint(condition=Q(usd_cents__gt=0), name="fund_commitment_positive")]

    def __str__(self) -> str:
        return f"commitment #{self.pk}"


class Disbursement(FundScoped):
    """Money of one pledge paid to a project's implementer out of its commitment."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="disbursements", verbose_name=_("project"))
    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="disbursements", verbose_name=_("pledge"))
    usd_cents = models.BigIntegerField(_("amount in US cents"))
    disbursed_on = models.DateField(_("disbursed on"))
    transaction = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="disbursement", verbose_name=_("transaction"))

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        constraints = [models.CheckConstraint(condition=Q(usd_cents__gt=0), name="fund_disbursement_positive")]

    def __str__(self) -> str:
        return f"disbursement #{self.pk}"


class ExpenditureReport(Money, FundScoped):
    """Expenditure an implementer reported on a project, charged to the money disbursed to it
    (oldest pledge first)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="expenditures", verbose_name=_("project"))
    reported_on = models.DateField(_("reported on"))
    text = models.TextField(_("what the money paid for"), blank=True)
    evidence = models.CharField(_("evidence (document reference or link)"), max_length=500, blank=True)
    transaction = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="expenditure", verbose_name=_("transaction"))

    class Meta:
        verbose_name = _("expenditure report")
        verbose_name_plural = _("expenditure reports")
        constraints = [models.CheckConstraint(condition=Q(usd_cents__gt=0), name="fund_expenditure_positive")]

    def __str__(self) -> str:
        return f"expenditure #{self.pk}"


class PortfolioRun(FundScoped):
    """One run of the portfolio optimiser (its progress is the ``core.runs`` record): the
    instance's summary, the proposal with its explanations, and whether a planner approved it."""

    run = models.OneToOneField("core.Run", on_delete=models.PROTECT, related_name="+", verbose_name=_("run"))
    minimum_services = models.JSONField(_("minimum service set"), default=list)
    summary = models.JSONField(_("inputs"), default=dict, blank=True)
    proposal = models.JSONField(_("proposal"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved by")
    )

    class Meta:
        verbose_name = _("portfolio run")
        verbose_name_plural = _("portfolio runs")

    def __str__(self) -> str:
        return f"portfolio run #{self.pk}"
