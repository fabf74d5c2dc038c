"""The movements pages as a movement officer uses them: printing is audited, a manifest handed
to an authority needs an agreement and is logged, the PDF shapes Arabic."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sabeel.core.models import AuditEntry
from sabeel.movements.models import Plan, Vehicle
from sabeel.movements.tests.factories import approved, mover, planned, world
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db


def _vehicle(cast):  # type: ignore[no-untyped-def]
    w = world(cast)
    mover(cast, w)
    return Vehicle.objects.get(plan=approved(cast, w))


def test_printing_a_manifest_is_its_own_audited_action(cast):
    vehicle = _vehicle(cast)
    client = sign_in(Client(), cast["lb_movement_officer"])
    response = client.get(reverse("movements:manifest_print", kwargs={"pk": vehicle.pk, "language": "ar"}))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'dir="rtl"' in body and "محمد" in body and "Mohamad" in body
    assert "+961" not in body  # no phone on a manifest
    entry = AuditEntry.objects.filter(action="movement.manifest_printed").get()
    assert entry.data["format"] == "html" and entry.data["language"] == "ar"
    client.get(reverse("movements:manifest_excel", kwargs={"pk": vehicle.pk, "language": "en"}))
    assert AuditEntry.objects.filter(action="movement.manifest_printed").count() == 2
    assert client.get(reverse("movements:manifest_print", kwargs={"pk": vehicle.pk, "language": "fr"})).status_code == 404


def test_a_manifest_leaves_only_under_an_agreement_and_the_share_is_logged(cast):
    from sabeel.sharing.models import ShareEntry

    vehicle = _vehicle(cast)
    client = sign_in(Client(), cast["lb_movement_officer"])
    page = client.get(reverse("movements:manifest", kwargs={"pk": vehicle.pk})).content.decode()
    assert 'data-testid="no-agreement"' in page and 'data-testid="share-form"' not in page
    url = reverse("movements:manifest_share", kwargs={"pk": vehicle.pk})
    refused = client.post(url, {"agreement": 999, "recipient": cast.organisations["un"].pk})
    assert refused.status_code == 302
    assert not ShareEntry.objects.exists()
    no_names = _agreement(cast, reference="LB-CROSSING-DOCS", categories=["documents"])
    refused = client.post(url, {"agreement": no_names.pk, "recipient": cast.organisations["un"].pk}, follow=True)
    assert "This agreement does not cover all the data asked for." in refused.content.decode()  # offered, refused: no names
    assert not ShareEntry.objects.exists()
    agreement = _agreement(cast)
    page = client.get(reverse("movements:manifest", kwargs={"pk": vehicle.pk})).content.decode()
    assert f'<option value="{agreement.pk}">LB-CROSSING-1</option>' in page  # chosen from a list, never typed
    assert f'<option value="{cast.organisations["un"].pk}">' in page
    shared = client.post(url, {"agreement": agreement.pk, "recipient": cast.organisations["un"].pk})
    assert shared.status_code == 200
    assert shared["Content-Type"].startswith("application/vnd.openxmlformats")
    entry = ShareEntry.objects.get()
    assert entry.kind == "authority_list" and entry.people_count == 2 and entry.agreement == agreement


def _agreement(cast, *, reference="LB-CROSSING-1", categories=("names_contacts",)):  # type: ignore[no-untyped-def]
    import datetime as dt

    from sabeel.sharing import services as sharing

    today = dt.date.today()  # noqa: DTZ011 - the agreement runs for a year around today
    return sharing.agreement_create(
        actor=cast["lb_administrator"],
        working_group=cast.groups["lb"],
        reference=reference,
        parties=[cast.organisations["un"].pk],
        purpose="Crossing manifests",
        categories=list(categories),
        level="person",
        legal_basis="mandate",
        retention_days=30,
        onward_transfer_banned=True,
        requires_consent=False,
        starts_on=today - dt.timedelta(days=1),
        expires_on=today + dt.timedelta(days=365),
    )


def test_the_pdf_manifest_shapes_arabic_and_is_audited(cast):
    pytest.importorskip("fpdf")
    pytest.importorskip("uharfbuzz")
    vehicle = _vehicle(cast)
    client = sign_in(Client(), cast["lb_movement_officer"])
    for language in ("ar", "en"):
        response = client.get(reverse("movements:manifest_pdf", kwargs={"pk": vehicle.pk, "language": language}))
        assert response.status_code == 200, language
        assert response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="movement.manifest_printed", data__format="pdf").count() == 2


def test_only_movement_officers_of_the_group_open_the_pdf(cast):
    vehicle = _vehicle(cast)
    url = reverse("movements:manifest_pdf", kwargs={"pk": vehicle.pk, "language": "ar"})
    assert sign_in(Client(), cast["lb_registration_officer"]).get(url).status_code == 403
    assert sign_in(Client(), cast["jo_movement_officer"]).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_a_household_is_found_by_its_registration_number_in_its_own_group_only(cast):
    w = world(cast)
    household = mover(cast, w)
    url = reverse("movements:find")
    mine = sign_in(Client(), cast["lb_movement_officer"]).post(url, {"registration_number": household.registration_number.lower()})
    assert mine["Location"] == reverse("movements:request", kwargs={"pk": household.pk})
    other = sign_in(Client(), cast["jo_movement_officer"]).post(url, {"registration_number": household.registration_number})
    assert other["Location"] == reverse("movements:index")


def test_an_arrival_is_confirmed_from_the_list_of_its_day_after_that_day(cast):
    import datetime as dt

    from sabeel.movements import services
    from sabeel.movements.models import Placement

    w = world(cast)
    mover(cast, w)
    plan = approved(cast, w)
    placement = Placement.objects.get(plan=plan)
    services.check_in(actor=cast["lb_movement_officer"], placement=placement, status="present")
    services.confirm(actor=cast["lb_movement_officer"], placement=placement, kind="crossed")
    Placement.objects.filter(pk=placement.pk).update(date=placement.date - dt.timedelta(days=1))  # it was yesterday
    client = sign_in(Client(), cast["lb_movement_officer"])
    url = reverse("movements:check_in_list", kwargs={"pk": w.point.pk})
    day = (placement.date - dt.timedelta(days=1)).isoformat()
    assert 'data-testid="present"' not in client.get(f"{url}?day={day}").content.decode()  # no check-in on another day
    response = client.post(reverse("movements:confirm", kwargs={"pk": placement.pk}), {"kind": "arrived"})
    assert response["Location"] == f"{url}?day={day}"
    assert placement.confirmations.filter(kind="arrived").exists()
    assert client.get(f"{url}?day=not-a-date").status_code == 200


def test_the_setup_page_adds_a_departure_point_a_route_and_reception_capacity(cast):
    from sabeel.geo.models import AdminUnit
    from sabeel.movements.models import DeparturePoint, DepartureRoute, ReceptionCapacity

    w = world(cast)
    client = sign_in(Client(), cast["lb_movement_officer"])
    url = reverse("movements:setup")
    group = cast.groups["lb"].pk
    refused = client.post(url, {"form": "point", "point-working_group": group, "point-seats_per_day": 10, "point-vehicle_seats": 5, "point-medical_seats_per_day": 0, "point-medical_vehicle_seats": 4})
    assert refused.status_code == 200 and "English or an Arabic name" in refused.content.decode()
    client.post(url, {"form": "point", "point-working_group": group, "point-name_en": "Arsal", "point-seats_per_day": 10, "point-vehicle_seats": 5, "point-medical_seats_per_day": 0, "point-medical_vehicle_seats": 4})
    arsal = DeparturePoint.objects.get(name_en="Arsal")
    client.post(url, {"form": "route", "route-departure_point": arsal.pk, "route-crossing": w.crossing.pk, "route-travel_minutes": 40})
    assert DepartureRoute.objects.get(departure_point=arsal).travel_minutes == 40
    daraa = AdminUnit.objects.get(key="SY12")
    client.post(url, {"form": "reception", "reception-working_group": group, "reception-destination": daraa.pk, "reception-persons_per_day": 70})
    assert ReceptionCapacity.objects.get(working_group_id=group, destination=daraa).persons_per_day == 70
    page = client.get(url).content.decode()
    assert "Arsal" in page and "70 persons a day" in page


def test_a_refused_change_shows_why_on_the_form_or_the_page_and_changes_nothing(cast):
    """A service's refusal reaches the officer: on the form's field when there is a form (the
    request's dates), as the page's message otherwise (approving a plan twice)."""
    import datetime as dt

    from sabeel.consent.tests.factories import today
    from sabeel.movements.models import MovementRequest, Plan

    w = world(cast)
    household = mover(cast, w)
    before = MovementRequest.objects.filter(household=household).values_list("earliest", "latest").get()
    client = sign_in(Client(), cast["lb_movement_officer"])
    url = reverse("movements:request", kwargs={"pk": household.pk})
    day = today() + dt.timedelta(days=10)
    refused = client.post(url, {"departure_point": w.point.pk, "earliest": day, "latest": day - dt.timedelta(days=3)})
    assert refused.status_code == 200
    assert "The latest date must not be before the earliest." in refused.content.decode()
    assert MovementRequest.objects.filter(household=household).values_list("earliest", "latest").get() == before

    plan = approved(cast, w)
    again = client.post(reverse("movements:plan_approve", kwargs={"pk": plan.pk}), follow=True)
    assert "Only a draft plan can be approved." in again.content.decode()
    assert Plan.objects.get(pk=plan.pk).status == plan.status


@pytest.mark.parametrize(
    ("status", "arabic", "english"),
    [
        ("optimal", "حُلّت حتى الأمثلية", "solved to optimality"),
        ("killed at the time limit (60 s)", "أُوقفت عند حدّها الزمني (60 ث)", "stopped at its time limit (60 s)"),
        (
            "optimal without the reception limits; the full LP was killed at the time limit (60 s)",
            "حُلّت دون حدود الاستقبال؛ وأُوقف النموذج الكامل عند حدّه الزمني (60 ث)",
            "solved without the reception limits; the full model was stopped at its time limit (60 s)",
        ),
        ("failed: MemoryError: ", "فشلت (MemoryError: )", "failed (MemoryError: )"),
    ],
)
def test_the_solver_status_is_shown_in_the_pages_language(cast, status, arabic, english):
    w = world(cast)
    mover(cast, w)
    plan = planned(cast, w)
    Plan.objects.filter(pk=plan.pk).update(solver_status=status, solver_killed="killed" in status)
    client = sign_in(Client(), cast["lb_movement_officer"])
    url = reverse("movements:plan_detail", kwargs={"pk": plan.pk})
    for language, expected in (("ar", arabic), ("en", english)):
        client.cookies["django_language"] = language
        page = client.get(url).content.decode()
        shown = page.split('data-testid="plan-solver">')[1].split("</dd>")[0]
        assert expected in shown, (language, shown)
        assert "killed" not in shown and "LP" not in shown


def test_the_manifest_shows_a_check_in_in_the_pages_language(cast):
    from sabeel.movements import services
    from sabeel.movements.models import Placement

    w = world(cast)
    mover(cast, w)
    placement = Placement.objects.get(plan=approved(cast, w))
    services.check_in(actor=cast["lb_movement_officer"], placement=placement, status="present")
    client = sign_in(Client(), cast["lb_movement_officer"])
    url = reverse("movements:manifest", kwargs={"pk": placement.vehicle_id})
    for language, shown in (("ar", "حاضر"), ("en", "Present")):
        client.cookies["django_language"] = language
        page = client.get(url).content.decode()
        assert f'data-testid="manifest-check-in">{shown}</span>' in page, language
