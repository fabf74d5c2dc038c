"""Permission expectations for the assistance routes (merged by core/tests/test_route_matrix.py).

Every route needs ``assistance.manage`` (finance officers) in the programme's working group: a
registration officer (no such action) gets 403, Jordan's finance officer 404 on Lebanon's
programme and lists. POSTs that a page answers with a redirect expect 302."""

from __future__ import annotations

from typing import Any

from sabeel.core.testing_routes import Scoped
from sabeel.workgroups.testing import Cast

OFFICER = "finance_officer"
NOT_OFFICER = "registration_officer"
RULE = {"currency": "USD", "per_family": "100", "per_person": "25"}


def _programme(cast: Cast, group: str) -> Any:
    from sabeel.assistance.tests.factories import programme_with_rule

    return programme_with_rule(cast, group)[0]


def _programme_pk(cast: Cast, group: str) -> dict[str, Any]:
    return {"pk": _programme(cast, group).pk}


def _list(cast: Cast, group: str) -> Any:
    from sabeel.assistance import services
    from sabeel.assistance.tests.factories import returned

    programme = _programme(cast, group)
    returned(cast, group)
    run = services.payment_run_start(actor=cast[f"{group}_finance_officer"], programme=programme)
    services.payment_run_execute(run_id=run.pk)
    return run.payment_list


def _list_pk(cast: Cast, group: str) -> dict[str, Any]:
    return {"pk": _list(cast, group).pk}


def _run_pk(cast: Cast, group: str) -> dict[str, Any]:
    return {"pk": _list(cast, group).run_id}


def _failed_payment(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.assistance import services

    plist = _list(cast, group)
    payment = plist.payments.get()
    services.results_record(actor=cast[f"{group}_finance_officer"], payment_list=plist, rows=[{"idempotency_key": payment.idempotency_key, "result": "failed"}])
    return {"pk": plist.pk, "payment": payment.pk}


def _marker(cast: Cast) -> str:
    return str(_programme(cast, "lb").name)


def _scoped(**extra: Any) -> Scoped:
    return Scoped("assistance.manage", OFFICER, NOT_OFFICER, **extra)


PAGES = {
    "assistance:index": _scoped(marker=_marker),
    "assistance:rule_create": _scoped(kwargs=_programme_pk, method="post", data={f"p{{pk}}-{k}": v for k, v in RULE.items()}, ok=400),
    "assistance:run_start": _scoped(kwargs=_programme_pk, method="post", ok=302),
    "assistance:reconciliation": _scoped(kwargs=_programme_pk),
    "assistance:list_detail": _scoped(kwargs=_list_pk),
    "assistance:list_export": _scoped(kwargs=_list_pk, method="post", data={"fmt": "csv"}),
    # The matrix sends one body to every persona, so no file: the permitted officer is told the
    # file is missing (400); test_views.py imports real files.
    "assistance:results_import": _scoped(kwargs=_list_pk, method="post", ok=400),
    "assistance:payment_reissue": _scoped(kwargs=_failed_payment, method="post", ok=302),
}
API = {
    ("get", "/api/assistance/programmes/{pk}/rules"): _scoped(kwargs=_programme_pk),
    ("post", "/api/assistance/programmes/{pk}/rules"): _scoped(kwargs=_programme_pk, data=RULE, ok=201),
    ("post", "/api/assistance/programmes/{pk}/payment-runs"): _scoped(kwargs=_programme_pk, ok=201),
    ("get", "/api/assistance/payment-runs/{pk}"): _scoped(kwargs=_run_pk),
    ("get", "/api/assistance/payment-lists/{pk}"): _scoped(kwargs=_list_pk),
    ("post", "/api/assistance/payment-lists/{pk}/results"): _scoped(kwargs=_list_pk, data={"rows": []}),
    ("get", "/api/assistance/programmes/{pk}/reconciliation"): _scoped(kwargs=_programme_pk),
    ("post", "/api/assistance/payment-lists/{pk}/payments/{payment}/reissue"): _scoped(kwargs=_failed_payment, ok=201),
}


def _household_pk(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.registry.tests.factories import household_make

    return {"pk": household_make(cast, group).pk}


# Deregistration after a return: read with person.view, verified return with person.update, a
# presumed return only by a protection officer. The matrix's bodies carry no real evidence, so the
# permitted persona is refused by the service (400); test_deregistration_api.py closes real files.
API.update(
    {
        ("get", "/api/assistance/households/{pk}/deregistration"): Scoped("person.view", "registration_officer", "coordinator", kwargs=_household_pk),
        ("post", "/api/assistance/households/{pk}/verified-return"): Scoped(
            "person.update", "registration_officer", "movement_officer", kwargs=_household_pk, data={"confirmation_id": 0}, ok=400
        ),
        ("post", "/api/assistance/households/{pk}/presumed-return"): Scoped(
            "deregistration.presume", "protection_officer", "registration_officer", kwargs=_household_pk, ok=400
        ),
    }
)
