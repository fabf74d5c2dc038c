"""Writes of the assistance app: grant rules, payment runs (entitlements, then payments, in short
batches), payment files for the provider and the results imported back.

A payment run is a ``core.runs`` run (kind ``assistance.payment_run``) done by a thin task. Its
work first makes the entitlements owed (departures, arrivals or self-organised returns, as the
rule says) and then puts every entitlement without a payment on the run's payment list, batch by
batch, each batch its own transaction. Both inserts ignore rows the unique constraints refuse, so
a run enqueued again after its worker was killed, a second run started by another officer, or the
same run retried all find what is already there and add only what is missing: nothing twice,
nothing lost."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils.translation import gettext as _

from sabeel.assistance.choices import RESULT_FOLLOWS, EntitlementSource, PaymentStatus, Trigger
from sabeel.assistance.grants import grant_amount
from sabeel.assistance.models import MAX_AMOUNT, Entitlement, GrantRule, Payment, PaymentList, PaymentResult
from sabeel.consent.models import ReturnProgramme
from sabeel.core import audit, runs
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.models import Run
from sabeel.core.permissions import require
from sabeel.registry.choices import MemberStatus
from sabeel.registry.models import Individual
from sabeel.registry.needs import SPECIFIC_NEEDS

RUN_KIND = "assistance.payment_run"
BATCH = 500
MAX_TOP_UPS = 20
MAX_RESULT_ROWS = 100_000


def _fail(field: str, message: str) -> ServiceError:
    return ServiceError(message, fields={field: [message]})


def _after_batch() -> None:
    """Called after each committed batch of a payment run (the kill -9 test pauses here)."""


def _amount(value: Any, field: str, *, optional: bool = False) -> Decimal | None:
    if optional and value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _fail(field, _("Enter an amount such as 150 or 150.50.")) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise _fail(field, _("Enter an amount between 0 and 1,000,000 with at most two decimals."))
    return amount


@transaction.atomic
def grant_rule_create(
    *,
    actor: Actor,
    programme: ReturnProgramme,
    currency: str,
    per_family: Any = 0,
    per_person: Any = 0,
    max_persons: int | None = None,
    top_ups: Mapping[str, Any] | None = None,
    cap: Any = None,
    instalments: int = 1,
    trigger: str = Trigger.ARRIVAL,
    include_self_organised: bool = False,
    presumed_return_months: int | None = None,
) -> GrantRule:
    """A new version of the programme's grant rule; earlier versions stay, with the entitlements
    computed under them."""
    require(actor, "assistance.manage", programme)
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
        raise _fail("currency", _("Enter a three-letter currency code such as USD."))
    if trigger not in Trigger.values:
        raise _fail("trigger", _("Choose departure or arrival."))
    if not 1 <= int(instalments) <= 12:
        raise _fail("instalments", _("A grant is paid in 1 to 12 instalments."))
    if presumed_return_months is not None and not 1 <= int(presumed_return_months) <= 120:
        raise _fail("presumed_return_months", _("The rule counts 1 to 120 months."))
    if max_persons is not None and not 1 <= int(max_persons) <= 100:
        raise _fail("max_persons", _("Count between 1 and 100 persons at most."))
    ups: dict[str, str] = {}
    for code, value in dict(top_ups or {}).items():
        code = str(code).strip()
        if code not in SPECIFIC_NEEDS and code not in {c.split("-")[0] for c in SPECIFIC_NEEDS}:
            raise _fail("top_ups", _("Each top-up names a specific need (a code such as DS-PS, or a category such as DS)."))
        ups[code] = str(_amount(value, "top_ups"))
    if len(ups) > MAX_TOP_UPS:
        raise _fail("top_ups", _("At most 20 top-ups."))
    family, person = _amount(per_family, "per_family"), _amount(per_person, "per_person")
    if not family and not person:
        raise _fail("per_family", _("Give an amount per family, per person or both."))
    ReturnProgramme.objects.select_for_update().get(pk=programme.pk)  # one new version at a time
    version = (GrantRule.objects.filter(programme=programme).aggregate(v=Max("version"))["v"] or 0) + 1
    rule = GrantRule.objects.create(
        programme=programme,
        version=version,
        trigger=trigger,
        include_self_organised=include_self_organised,
        currency=currency,
        per_family=family or Decimal(0),
        per_person=person or Decimal(0),
        max_persons=max_persons,
        top_ups=ups,
        cap=_amount(cap, "cap", optional=True),
        instalments=int(instalments),
        presumed_return_months=presumed_return_months,
        created_by_id=as_actor(actor).user_id,
    )
    audit.record(
        actor=actor,
        action="assistance.rule_created",
        target=rule,
        data={"programme_id": programme.pk, "version": version},
        working_group_id=programme.working_group_id,
    )
    return rule


def rule_current(programme: ReturnProgramme) -> GrantRule | None:
    return GrantRule.objects.filter(programme=programme).order_by("-version").first()


@transaction.atomic
def payment_run_start(*, actor: Actor, programme: ReturnProgramme) -> Run:
    """Queue a payment run of the programme under its current rule; the task runs on commit."""
    require(actor, "assistance.manage", programme)
    if not programme.is_active:
        raise _fail("programme", _("This programme is not active."))
    rule = rule_current(programme)
    if rule is None:
        raise _fail("programme", _("This programme has no grant rule yet."))
    run = runs.run_create(
        actor=actor,
        kind=RUN_KIND,
        working_group_id=programme.working_group_id,
        params={"programme_id": programme.pk, "rule_id": rule.pk, "rule_version": rule.version},
    )
    PaymentList.objects.create(run=run, working_group_id=programme.working_group_id, programme=programme)
    audit.record(
        actor=actor,
        action="assistance.payment_run_started",
        target=run,
        data={"run_id": run.pk, "programme_id": programme.pk, "rule_version": rule.version},
        working_group_id=programme.working_group_id,
    )
    run_id = run.pk
    transaction.on_commit(lambda: _enqueue(run_id))
    return run


def _enqueue(run_id: int) -> None:
    from sabeel.assistance.tasks import payment_run_task

    payment_run_task.enqueue(run_id=run_id)


def payment_run_execute(*, run_id: int) -> Run | None:
    """The task's work (never raises; a failure fails the run). Enqueued again, it resumes."""
    return runs.run_execute(run_id=run_id, work=_payment_work)


def returns_owed(rule: GrantRule) -> list[tuple[int, str, int, int, list[int]]]:
    """(household id, source, source id, persons, travelling member ids) of every return of the
    programme's group that the rule makes owed, oldest first."""
    from sabeel.movements.choices import CheckInStatus, ConfirmationKind
    from sabeel.movements.models import CheckIn, Confirmation, SelfOrganisedReturn

    group_id = rule.programme.working_group_id
    owed: list[tuple[int, str, int, int, list[int]]] = []
    if rule.trigger == Trigger.DEPARTURE:
        for c in (
            CheckIn.objects.filter(status=CheckInStatus.PRESENT, placement__plan__working_group_id=group_id)
            .select_related("placement")
            .order_by("pk")
        ):
            owed.append((c.placement.household_id, EntitlementSource.DEPARTURE, c.pk, c.persons or c.placement.persons, list(c.placement.member_ids or [])))
    else:
        for a in (
            Confirmation.objects.filter(kind=ConfirmationKind.ARRIVED, placement__plan__working_group_id=group_id)
            .select_related("placement", "placement__check_in")
            .order_by("pk")
        ):
            check_in = getattr(a.placement, "check_in", None)
            persons = (check_in.persons if check_in is not None else 0) or a.placement.persons
            owed.append((a.placement.household_id, EntitlementSource.ARRIVAL, a.pk, persons, list(a.placement.member_ids or [])))
    if rule.include_self_organised:
        for s in SelfOrganisedReturn.objects.filter(household__working_group_id=group_id).order_by("pk"):
            owed.append((s.household_id, EntitlementSource.SELF_ORGANISED, s.pk, 0, []))
    return owed


def _needs(household_ids: Iterable[int]) -> dict[int, list[tuple[int, list[str]]]]:
    members: dict[int, list[tuple[int, list[str]]]] = {}
    for pk, household_id, needs in Individual.objects.filter(household_id__in=list(household_ids), status=MemberStatus.ACTIVE).values_list(
        "pk", "household_id", "specific_needs"
    ):
        members.setdefault(household_id, []).append((pk, [str(n) for n in (needs or [])]))
    return members


def _entitlements_make(run: Run, rule: GrantRule) -> int:
    """Make the entitlements still missing, batch by batch; a household is owed the programme's
    grant once (whatever version a later rule has)."""
    already = set(Entitlement.objects.filter(programme_id=rule.programme_id).values_list("household_id", flat=True))
    todo: dict[int, tuple[str, int, int, list[int]]] = {}
    for household_id, source, source_id, persons, member_ids in returns_owed(rule):
        if household_id not in already and household_id not in todo:
            todo[household_id] = (source, source_id, persons, member_ids)
    made = 0
    ids = list(todo)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        members = _needs(chunk)
        rows = []
        for household_id in chunk:
            source, source_id, persons, member_ids = todo[household_id]
            people = [m for m in members.get(household_id, []) if not member_ids or m[0] in member_ids]
            parts, breakdown = grant_amount(
                per_family=rule.per_family,
                per_person=rule.per_person,
                max_persons=rule.max_persons,
                top_ups=rule.top_ups,
                cap=rule.cap,
                instalments=rule.instalments,
                persons=persons or len(people),
                needs=[needs for _pk, needs in people],
            )
            for number, amount in enumerate(parts, start=1):
                rows.append(
                    Entitlement(
                        household_id=household_id,
                        programme_id=rule.programme_id,
                        rule=rule,
                        rule_version=rule.version,
                        instalment=number,
                        amount=amount,
                        currency=rule.currency,
                        persons=persons or len(people),
                        breakdown=breakdown,
                        source=source,
                        source_id=source_id,
                    )
                )
        with transaction.atomic():
            Entitlement.objects.bulk_create(rows, ignore_conflicts=True)
        made += len(rows)
        _after_batch()
    return made


def idempotency_key(entitlement: Entitlement, attempt: int = 1) -> str:
    """(household, programme, rule version, instalment), and the attempt after the first."""
    key = f"{entitlement.household_id}:{entitlement.programme_id}:v{entitlement.rule_version}:{entitlement.instalment}"
    return key if attempt == 1 else f"{key}:a{attempt}"


def _payable(programme_id: int) -> Any:
    """Entitlements with no payment yet whose turn has come: the first instalment, or a later one
    once the one before it was paid."""
    earlier_paid = Payment.objects.filter(
        household_id=OuterRef("household_id"),
        programme_id=OuterRef("programme_id"),
        rule_version=OuterRef("rule_version"),
        instalment=OuterRef("instalment") - 1,
        status=PaymentStatus.PAID,
    )
    return Entitlement.objects.filter(programme_id=programme_id, payments__isnull=True).filter(Q(instalment=1) | Exists(earlier_paid))


def _payment_work(run: Run) -> None:
    """Entitlements made, then every payable one put on the list in one pass in key order (a
    cursor, so that each batch reads only what follows the last one: the whole pass is linear),
    each batch its own transaction."""
    payment_list = PaymentList.objects.get(run=run)
    rule = GrantRule.objects.select_related("programme").get(pk=run.params["rule_id"])
    _entitlements_make(run, rule)
    done = Payment.objects.filter(payment_list=payment_list).count()
    total = _payable(rule.programme_id).count() + done
    after = 0
    entitlements = Entitlement.objects.filter(programme_id=rule.programme_id)
    while True:
        # the next keys first (a range of the primary key, whatever the table's statistics say),
        # then which of them are payable: asked of the whole table at once, the anti-join's plan
        # followed statistics taken before this run's payments existed and cost 190 ms a batch
        keys = list(entitlements.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not keys:
            break
        after = keys[-1]
        chunk = list(_payable(rule.programme_id).filter(pk__in=keys).order_by("pk"))
        if not chunk:
            continue
        with transaction.atomic():
            Payment.objects.bulk_create(
                [
                    Payment(
                        payment_list=payment_list,
                        entitlement=e,
                        household_id=e.household_id,
                        programme_id=e.programme_id,
                        rule_version=e.rule_version,
                        instalment=e.instalment,
                        idempotency_key=idempotency_key(e),
                        amount=e.amount,
                        currency=e.currency,
                    )
                    for e in chunk
                ],
                ignore_conflicts=True,
            )
            # what this list holds of the batch (another run may have taken some of it)
            done += Payment.objects.filter(payment_list=payment_list, entitlement_id__in=[e.pk for e in chunk]).count()
            if not runs.run_progress(run=run, done=done, total=max(total, done), counts={"payments": done}):
                return
        _after_batch()
    done = Payment.objects.filter(payment_list=payment_list).count()
    with transaction.atomic():
        fresh = Run.objects.select_for_update().get(pk=run.pk)
        if fresh.status == runs.RunStatus.RUNNING:
            runs.run_finish(run=fresh, counts={"payments": done})
            audit.record(
                actor=runs.run_actor(run),
                action="assistance.payment_run_finished",
                target=run,
                data={"run_id": run.pk, "payments": done},
                working_group_id=payment_list.working_group_id,
            )


# ---- payment files and results ---------------------------------------------------------------

EXPORT_COLUMNS = ["idempotency_key", "registration_number", "amount", "currency", "instalment"]
NAME_COLUMNS = ["name", "phone"]


def _head_and_phone(household_ids: list[int]) -> dict[int, tuple[int | None, str, str]]:
    from sabeel.registry.models import Phone

    found: dict[int, tuple[int | None, str, str]] = {}
    for person in Individual.objects.filter(household_id__in=household_ids, status=MemberStatus.ACTIVE).order_by("household_id", "pk"):
        if person.household_id in found and person.relationship != "head":
            continue
        name = " ".join(p for p in (person.first_name_ar, person.father_name_ar, person.family_name_ar) if p) or " ".join(
            p for p in (person.first_name_lat, person.family_name_lat) if p
        )
        if person.household_id not in found or person.relationship == "head":
            found[person.household_id] = (person.pk, name, "")
    for phone in Phone.objects.filter(household_id__in=household_ids, is_active=True).order_by("-is_primary", "pk"):
        pk, name, number = found.get(phone.household_id, (None, "", ""))
        if not number:
            found[phone.household_id] = (pk, name, phone.number)
    return found


@transaction.atomic
def payment_file(
    *,
    actor: Actor,
    payment_list: PaymentList,
    fmt: str,
    agreement_id: int | None = None,
    recipient_id: int | None = None,
) -> tuple[bytes, str, str]:
    """The payment list as a file for the provider (``csv`` or ``xlsx``): (content, content type,
    file name). Without an agreement the rows carry the registration number and the key only;
    with an active agreement covering names and contacts for the recipient, the head's name and
    the household's phone too, and the share is written to the share log."""
    from sabeel.core.roles import FieldGroup
    from sabeel.sharing.choices import ShareKind
    from sabeel.sharing.services import agreement_require, people_covered, share_record
    from sabeel.workgroups.models import WorkingGroup

    require(actor, "assistance.manage", payment_list)
    if fmt not in ("csv", "xlsx"):
        raise _fail("fmt", _("Choose CSV or Excel."))
    payments = list(
        Payment.objects.filter(payment_list=payment_list, status=PaymentStatus.PENDING).select_related("household").order_by("pk")
    )
    columns = list(EXPORT_COLUMNS)
    names: dict[int, tuple[int | None, str, str]] = {}
    if agreement_id is not None:
        group = WorkingGroup.objects.get(pk=payment_list.working_group_id)
        categories = [str(FieldGroup.NAMES_CONTACTS)]
        agreement = agreement_require(
            actor, agreement_id=agreement_id, working_group=group, purpose=None, categories=categories, recipient=recipient_id
        )
        names = _head_and_phone([p.household_id for p in payments])
        person_ids = [pk for pk, _n, _p in names.values() if pk is not None]
        covered = set(
            people_covered(agreement, Individual.objects.filter(pk__in=person_ids), recipient=recipient_id, categories=categories).values_list(
                "pk", flat=True
            )
        )
        names = {h: v for h, v in names.items() if v[0] in covered}
        columns += NAME_COLUMNS
        share_record(
            actor=actor,
            kind=ShareKind.EXPORT,
            agreement=agreement,
            recipient=recipient_id,
            individual_ids=sorted(covered),
            categories=categories,
            run_id=payment_list.run_id,
        )
    rows = []
    for p in payments:
        row = [p.idempotency_key, p.household.registration_number, str(p.amount), p.currency, str(p.instalment)]
        if agreement_id is not None:
            _pk, name, phone = names.get(p.household_id, (None, "", ""))
            row += [name, phone]
        rows.append(row)
    audit.record(
        actor=actor,
        action="assistance.payment_file_exported",
        target=payment_list,
        data={"payment_list_id": payment_list.pk, "rows": len(rows), "format": fmt, "agreement_id": agreement_id},
        working_group_id=payment_list.working_group_id,
    )
    stem = f"payment-list-{payment_list.pk}"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows(rows)
        return out.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8", f"{stem}.csv"
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("payments")
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"{stem}.xlsx"


def _read_results(content: bytes) -> list[dict[str, str]]:
    if content[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:
            raise _fail("file", _("This file cannot be read as CSV or Excel.")) from None
        sheet = book.worksheets[0]
        values = [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _fail("file", _("This file cannot be read as CSV or Excel.")) from None
        values = list(csv.reader(io.StringIO(text)))
    if not values:
        raise _fail("file", _("The file is empty."))
    header = [h.strip().lower() for h in values[0]]
    if "idempotency_key" not in header or "result" not in header:
        raise _fail("file", _("The file needs the columns idempotency_key and result."))
    if len(values) - 1 > MAX_RESULT_ROWS:
        raise _fail("file", _("The file has too many rows."))
    return [dict(zip(header, [v.strip() for v in row], strict=False)) for row in values[1:] if any(v.strip() for v in row)]


def results_import(*, actor: Actor, payment_list: PaymentList, content: bytes) -> dict[str, Any]:
    """A results file (CSV or Excel) read into ``results_record``; an unreadable file changes nothing."""
    require(actor, "assistance.manage", payment_list)
    return results_record(actor=actor, payment_list=payment_list, rows=_read_results(content))


@transaction.atomic
def results_record(*, actor: Actor, payment_list: PaymentList, rows: list[dict[str, str]]) -> dict[str, Any]:
    """Read the provider's results (columns ``idempotency_key``, ``result`` = paid / failed /
    returned, optional ``reference`` and ``date``) into the list's payments. Idempotent: a result
    already recorded is counted as unchanged; a result that cannot follow the payment's state, or
    a key not on this list, is refused with its row number and changes nothing else."""
    require(actor, "assistance.manage", payment_list)
    if len(rows) > MAX_RESULT_ROWS:
        raise _fail("file", _("The file has too many rows."))
    by_key = {p.idempotency_key: p for p in Payment.objects.select_for_update().filter(payment_list=payment_list)}
    counts = {"recorded": 0, "unchanged": 0, "refused": 0}
    problems: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=2):
        key, result = str(row.get("idempotency_key") or ""), str(row.get("result") or "").lower()
        payment = by_key.get(key)
        if payment is None:
            counts["refused"] += 1
            problems.append({"row": number, "problem": "unknown_key"})
            continue
        if result not in (PaymentStatus.PAID, PaymentStatus.FAILED, PaymentStatus.RETURNED):
            counts["refused"] += 1
            problems.append({"row": number, "problem": "unknown_result"})
            continue
        if PaymentResult.objects.filter(payment=payment, status=result).exists():
            counts["unchanged"] += 1
            continue
        if result not in RESULT_FOLLOWS[payment.status]:
            counts["refused"] += 1
            problems.append({"row": number, "problem": "cannot_follow", "status": payment.status})
            continue
        reported: dt.date | None = None
        if row.get("date"):
            try:
                reported = dt.date.fromisoformat(str(row["date"])[:10])
            except ValueError:
                reported = None
        PaymentResult.objects.create(
            payment=payment, status=result, reference=str(row.get("reference") or "")[:64], reported_on=reported, imported_by_id=as_actor(actor).user_id
        )
        payment.status = result
        payment.save(update_fields=["status", "updated_at"])
        counts["recorded"] += 1
    audit.record(
        actor=actor,
        action="assistance.results_imported",
        target=payment_list,
        data={"payment_list_id": payment_list.pk, **counts},
        working_group_id=payment_list.working_group_id,
    )
    return {"counts": counts, "problems": problems[:200]}


REISSUABLE = (PaymentStatus.FAILED, PaymentStatus.RETURNED)


def payment_reissue(*, actor: Actor, payment: Payment) -> Payment:
    """Re-issue a failed or returned payment as the entitlement's next attempt, on the same list
    (it goes out in the list's next file, with a key of its own). Refused when the payment has no
    such result, was re-issued already, or another attempt of the instalment is pending or paid;
    two officers pressing at once get one re-issue (the entitlement row is locked, and the unique
    constraints refuse a second one if anything slipped past)."""
    from django.db import IntegrityError

    payment_list = PaymentList.objects.get(pk=payment.payment_list_id)
    require(actor, "assistance.manage", payment_list)
    try:
        with transaction.atomic():
            entitlement = Entitlement.objects.select_for_update().get(pk=payment.entitlement_id)
            payment = Payment.objects.select_for_update().get(pk=payment.pk)
            if payment.status not in REISSUABLE:
                raise _fail("payment", _("Only a failed or returned payment can be re-issued."))
            if Payment.objects.filter(reissue_of=payment).exists():
                raise _fail("payment", _("This payment was re-issued already."))
            if Payment.objects.filter(entitlement=entitlement, status__in=[PaymentStatus.PENDING, PaymentStatus.PAID]).exists():
                raise _fail("payment", _("This instalment already has a payment pending or paid."))
            attempt = (Payment.objects.filter(entitlement=entitlement).aggregate(n=Max("attempt"))["n"] or 0) + 1
            again = Payment.objects.create(
                payment_list_id=payment.payment_list_id,
                entitlement=entitlement,
                household_id=entitlement.household_id,
                programme_id=entitlement.programme_id,
                rule_version=entitlement.rule_version,
                instalment=entitlement.instalment,
                attempt=attempt,
                reissue_of=payment,
                idempotency_key=idempotency_key(entitlement, attempt),
                amount=entitlement.amount,
                currency=entitlement.currency,
            )
            audit.record(
                actor=actor,
                action="assistance.payment_reissued",
                target=again,
                data={"payment_id": again.pk, "reissue_of_id": payment.pk, "attempt": attempt, "payment_list_id": payment.payment_list_id},
                working_group_id=payment_list.working_group_id,
            )
    except IntegrityError:
        raise _fail("payment", _("This payment was re-issued already.")) from None
    return again


# ---- deregistration after a return (the registry keeps the state machine) ---------------------


def presumed_return_confirm(*, actor: Actor, household: Any) -> Any:
    """A protection officer confirms that a household presumably returned, under its programme's
    current rule (``presumed_return_months``); refused when the programme has no such rule."""
    from sabeel.registry.deregistration import presumed_rule
    from sabeel.registry.services import household_presumed_return

    rule = presumed_rule(household)
    if rule is None:
        raise _fail("household", _("The programme sets no rule for presumed returns."))
    return household_presumed_return(actor=actor, household=household, months=rule.months, programme_id=rule.programme_id, rule_version=rule.version)
