"""Permission expectations for the voluntariness routes (merged by core/tests/test_route_matrix.py).

Every route is person-level except the programmes (``workgroup.view`` to read, ``workgroup.manage``
— administrators — to change). Reading a household's records needs ``person.view``; recording
counselling, consent, re-confirmations, go-and-see visits, best-interests procedures, splits and
sign-offs needs ``consent.record`` (protection officers); recording a withdrawal needs
``consent.withdraw`` (registration, protection and movement officers); the work queue is the
protection officers'. The conditions engineer's ``intention_route_expectations`` are merged in.

``PAGES`` and ``API`` (the same as ``ALL_PAGES`` and ``ALL_API``) hold every expectation, and the
matrix checks them against ``config/urls.py`` itself: a route declared here and not wired fails."""

from __future__ import annotations

import importlib
from typing import Any

from sabeel.core.testing_routes import Open, Scoped, Skip
from sabeel.workgroups.testing import Cast

PROTECTION = "protection_officer"
REGISTRAR = "registration_officer"
NO_PEOPLE = "donor_viewer"  # holds no person-level action
NO_WITHDRAW = "finance_officer"  # reads people, records no withdrawal


def _household(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.consent.tests.factories import family

    return {"pk": family(cast, group).pk}


def _adult(cast: Cast, group: str) -> dict[str, Any]:
    """An adult counselled today (consent needs counselling first)."""
    from sabeel.consent.tests.factories import adults, counselled, family, today

    person = adults(family(cast, group))[1]
    counselled(cast, person, on=today(group), group=group)
    return {"pk": person.pk}


def _consent_of(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.consent.tests.factories import adults, consent, family

    household = family(cast, group)
    return {"pk": household.pk, "consent": consent(cast, adults(household)[0], group=group).pk}


def _visit_of(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.consent import services
    from sabeel.consent.tests.factories import adults, days_ago, family

    household = family(cast, group)
    visit = services.go_and_see_record(
        actor=cast[f"{group}_{PROTECTION}"], individual=adults(household)[0], starts_on=days_ago(9, group), ends_on=days_ago(7, group)
    )
    return {"pk": household.pk, "visit": visit.pk}


def _sharing_of(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.consent import services
    from sabeel.consent.tests.factories import adults, family

    household = family(cast, group)
    sharing = services.sharing_consent_record(
        actor=cast[f"{group}_{PROTECTION}"],
        individual=adults(household)[0],
        parties=[cast.organisations["un"].pk],
        data_categories=["identity"],
        purpose="Reception on arrival",
    )
    return {"pk": household.pk, "sharing": sharing.pk}


def _procedure_of(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.consent import services
    from sabeel.consent.tests.factories import days_ago, family, member
    from sabeel.registry.tests.factories import head, spouse

    child = head(relationship="son", first_name_lat="Omar", date_of_birth="2016", specific_needs=["SC-SC"])
    household = family(cast, group, members=[head(), spouse(), child])
    procedure = services.best_interests_record(
        actor=cast[f"{group}_{PROTECTION}"], child=member(household, "son"), started_on=days_ago(5, group)
    )
    return {"pk": household.pk, "procedure": procedure.pk}


def _follow_up(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.consent import services
    from sabeel.consent.models import FollowUp
    from sabeel.consent.tests.factories import adults, family

    person = adults(family(cast, group))[1]
    services.consent_withdraw(actor=cast[f"{group}_{REGISTRAR}"], individual=person, channel="phone")
    return {"pk": FollowUp.objects.get(individual=person).pk}


def _programme(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.consent.tests.factories import programme_make

    return {"pk": programme_make(cast, group).pk}


def _lebanon_programme(cast: Cast) -> str:
    from sabeel.consent.tests.factories import programme_make

    return programme_make(cast, "lb").name


def _lebanon_follow_up(cast: Cast) -> str:
    from sabeel.consent.models import FollowUp

    _follow_up(cast, "lb")
    return FollowUp.objects.filter(household__working_group=cast.groups["lb"]).select_related("household").first().household.registration_number  # type: ignore[union-attr]


def _read(**extra: Any) -> Scoped:
    return Scoped("person.view", PROTECTION, NO_PEOPLE, **extra)


def _record(**extra: Any) -> Scoped:
    return Scoped("consent.record", PROTECTION, REGISTRAR, **extra)


def _withdraw(**extra: Any) -> Scoped:
    return Scoped("consent.withdraw", REGISTRAR, NO_WITHDRAW, **extra)


ALL_PAGES: dict[str, Open | Scoped | Skip] = {
    "consent:timeline": _read(kwargs=_household),
    "consent:eligibility": _read(kwargs=_household),
    "consent:consent_print": _read(kwargs=_consent_of),
    "consent:counselling_record": _record(kwargs=_household),
    "consent:go_and_see_record": _record(kwargs=_household),
    "consent:go_and_see_outcome": _record(kwargs=_visit_of),
    "consent:consent_record": _record(kwargs=_household),
    "consent:reconfirmation_record": _record(kwargs=_household),
    "consent:withdrawal_record": _withdraw(kwargs=_household),
    "consent:sharing_consent_record": _record(kwargs=_household),
    "consent:sharing_consent_withdraw": _withdraw(kwargs=_sharing_of),
    "consent:best_interests_record": _record(kwargs=_household),
    "consent:best_interests_complete": _record(kwargs=_procedure_of),
    "consent:split_record": _record(kwargs=_household),
    "consent:sign_off_record": _record(kwargs=_household),
    "consent:follow_up_list": _record(marker=_lebanon_follow_up),
    "consent:follow_up_close": _record(kwargs=_follow_up),
    "consent:programme_list": Scoped("workgroup.view", REGISTRAR, None, marker=_lebanon_programme),
    "consent:programme_create": Scoped("workgroup.manage", "administrator", REGISTRAR, group_scoped=False),
    "consent:programme_edit": Scoped("workgroup.manage", "administrator", REGISTRAR, kwargs=_programme),
}

ALL_API: dict[tuple[str, str], Open | Scoped | Skip] = {
    ("get", "/api/consent/programmes"): Scoped("workgroup.view", REGISTRAR, None, marker=_lebanon_programme),
    ("get", "/api/consent/programmes/{pk}"): Scoped("workgroup.view", REGISTRAR, None, kwargs=_programme),
    ("patch", "/api/consent/programmes/{pk}"): Scoped(
        "workgroup.manage", "administrator", REGISTRAR, kwargs=_programme, data={"cooling_off_days": 5}
    ),
    ("get", "/api/consent/households/{pk}/consents"): _read(kwargs=_household),
    ("post", "/api/consent/individuals/{pk}/consents"): _record(
        kwargs=_adult, data={"free": True, "informed": True, "express": True}, ok=201
    ),
    ("get", "/api/consent/households/{pk}/withdrawals"): _read(kwargs=_household),
    ("post", "/api/consent/individuals/{pk}/withdrawals"): _withdraw(kwargs=_adult, data={"channel": "phone"}, ok=201),
    ("get", "/api/consent/households/{pk}/counselling"): _read(kwargs=_household),
    ("post", "/api/consent/households/{pk}/counselling"): _record(kwargs=_household, data={"language": "ar"}, ok=201),
    ("get", "/api/consent/households/{pk}/eligibility"): Scoped("person.view", "movement_officer", NO_PEOPLE, kwargs=_household),
    ("get", "/api/consent/follow-ups"): _record(marker=_lebanon_follow_up),
    ("post", "/api/consent/follow-ups/{pk}/close"): _record(kwargs=_follow_up, data={"outcome": "Called back; all is well"}),
}


def _merge_intentions(module: str = "intention_route_expectations") -> None:
    try:
        intentions = importlib.import_module(f"sabeel.consent.tests.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"sabeel.consent.tests.{module}":
            raise
        return
    for name, spec in getattr(intentions, "PAGES", {}).items():
        assert name not in ALL_PAGES, f"{name} declared twice"
        ALL_PAGES[name] = spec
    for key, spec in getattr(intentions, "API", {}).items():
        assert key not in ALL_API, f"{key} declared twice"
        ALL_API[key] = spec


_merge_intentions()
_merge_intentions("pull_route_expectations")  # the survey pull's pages
# Every route declared here must be wired in config/urls.py: the matrix fails for one that is not.
PAGES = ALL_PAGES
API = ALL_API
