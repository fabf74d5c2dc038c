"""`manage.py demo_load` builds the demo cast and geography, twice without twins, never in production;
the demo keeps its generated keys in an ignored local file and reuses them. Identity resolution in
the demo: people registered twice (Arabic only, then Latin only in the French or Turkish style by
another agency) are found from either script, and a duplicate run of the whole registry is queued."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from sabeel.config import demo_identity, env
from sabeel.config.demo_identity import AGENCY_ARABIC, AGENCY_LATIN, DEMO_TWICE_HOUSEHOLDS
from sabeel.core import audit
from sabeel.core.actors import system
from sabeel.core.models import RunStatus
from sabeel.geo import loader
from sabeel.identity.models import LinkageRun, RunKind
from sabeel.registry.models import Individual, RecordVersion
from sabeel.registry.search import person_search
from sabeel.workgroups.models import Membership, User, WorkingGroup
from sabeel.workgroups.testing import create_cast

pytestmark = pytest.mark.django_db


def _agency_people(group: WorkingGroup, agency: str) -> list[Individual]:
    ids = RecordVersion.objects.filter(household__working_group=group, actor_id=agency, action="individual.created")
    return list(Individual.objects.filter(pk__in=ids.values("individual_id")).order_by("pk"))


def _twice_registered() -> dict[str, tuple[int, int]]:
    """Per group code: households registered by the Arabic-script agency and by the Latin-script one."""
    counts = {}
    for group in WorkingGroup.objects.filter(code__in=("lb", "jo")):
        counts[group.code] = tuple(
            len({p.household_id for p in _agency_people(group, agency)}) for agency in (AGENCY_ARABIC, AGENCY_LATIN)
        )
    return counts


def test_demo_load_refuses_production_settings(settings):
    settings.SABEEL_PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("demo_load", stdout=io.StringIO())
    assert not User.objects.exists()


def test_demo_load_twice_adds_no_twins_and_prints_sign_in_details(settings):
    settings.SABEEL_REFERENCE_DIR = None  # a fresh machine: the built-in gazetteer
    out = io.StringIO()
    call_command("demo_load", stdout=out)
    users, memberships = User.objects.count(), Membership.objects.count()
    twice, runs = _twice_registered(), LinkageRun.objects.count()
    # People registered twice, in Arabic only and again in Latin only, in both host groups …
    assert twice == {"lb": (DEMO_TWICE_HOUSEHOLDS, DEMO_TWICE_HOUSEHOLDS), "jo": (DEMO_TWICE_HOUSEHOLDS, DEMO_TWICE_HOUSEHOLDS)}
    # … and one duplicate run over the whole Lebanon registry, queued for the worker, by its registration officer.
    run = LinkageRun.objects.select_related("run").get()
    assert (run.working_group.code, run.kind, run.run.status) == ("lb", RunKind.REGISTRY, RunStatus.QUEUED)
    assert run.run.actor_id == str(User.objects.get(username="lb_registration_officer").pk)
    call_command("demo_load", stdout=io.StringIO())
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)
    assert (_twice_registered(), LinkageRun.objects.count()) == (twice, runs)
    from sabeel.conditions.models import AreaCondition
    from sabeel.consent.models import ReturnProgramme

    assert ReturnProgramme.objects.filter(is_active=True).count() == 2  # Lebanon and Jordan, not twice
    assert AreaCondition.objects.filter(active_hostilities=True).count() == 1
    text = out.getvalue()
    assert "otpauth://totp/Sabeel%3Alb_registration_officer?secret=" in text
    assert "SABEEL_REFERENCE_DIR" in text
    assert "Duplicate run, Lebanon working group: the whole registry queued" in text
    assert audit.verify().ok


def test_local_secrets_are_generated_once_and_reused(tmp_path, monkeypatch):
    monkeypatch.setattr(env, "LOCAL_DIR", tmp_path / ".local")
    first = env.local_secrets()
    second = env.local_secrets()
    assert first == second
    assert first["secret_key"] != first["audit_key"]
    assert len(first["audit_key"]) >= 40
    assert (tmp_path / ".local" / "secrets.json").stat().st_mode & 0o077 == 0


def test_people_registered_twice_are_found_from_either_script_and_a_run_is_queued(settings, django_capture_on_commit_callbacks):
    settings.IDENTITY_TRAIN_MIN = 50  # a small registry here; the demo's has tens of thousands
    cast = create_cast()
    loader.load_gazetteer(actor=system("test"))
    lebanon = cast.groups["lb"]
    assert "8 households in Arabic script only" in demo_identity.demo_twice_register(groups=("lb",), households=8)
    assert "none added" in demo_identity.demo_twice_register(groups=("lb",), households=8)

    arabic, latin = _agency_people(lebanon, AGENCY_ARABIC), _agency_people(lebanon, AGENCY_LATIN)
    assert not any(p.first_name_lat or p.family_name_lat for p in arabic) and all(p.first_name_ar for p in arabic)
    assert not any(p.first_name_ar or p.family_name_ar for p in latin) and all(p.first_name_lat for p in latin)
    # Each record got its other-script reading, marked as generated.
    assert all(p.generated_names.get("first_name_lat") for p in arabic)
    assert all(p.generated_names.get("first_name_ar") for p in latin)
    twice = demo_identity.twice_registered(lebanon, households=8)
    assert {h.latin_style for h in twice.latin} <= {"french", "turkish"} and {h.scripts for h in twice.latin} == {"latin"}

    # The heads, matched through the generator's truth (registered head first, in order).
    def heads(households, people):
        rows = iter(people)
        found = {}
        for household in households:
            for person in sorted(household.members, key=lambda p: p.relationship != "head"):
                row = next(rows)
                if person.relationship == "head":
                    found[person.true_person.person_id] = row
        return found

    by_arabic, by_latin = heads(twice.arabic, arabic), heads(twice.latin, latin)
    officer = cast.users["lb_registration_officer"]
    found_from_latin = found_from_arabic = 0
    for key, registered in by_latin.items():
        other = by_arabic.get(key)
        if other is None:  # the second agency made the spouse the head
            continue
        latin_query = " ".join(filter(None, [registered.first_name_lat, registered.father_name_lat, registered.family_name_lat]))
        arabic_query = " ".join(filter(None, [other.first_name_ar, other.father_name_ar, other.family_name_ar]))
        found_from_latin += other.pk in [h.individual_id for h in person_search(actor=officer, query=latin_query).hits]
        found_from_arabic += registered.pk in [h.individual_id for h in person_search(actor=officer, query=arabic_query).hits]
    assert len(by_latin) >= 7 and found_from_latin >= 6 and found_from_arabic >= 6

    with django_capture_on_commit_callbacks() as enqueued:
        assert "the whole registry queued" in demo_identity.demo_run_queue(officer=officer)
    assert len(enqueued) == 1  # the task, once committed
    run = LinkageRun.objects.select_related("run").get()
    assert (run.working_group, run.kind, run.run.status, run.records_total) == (lebanon, RunKind.REGISTRY, RunStatus.QUEUED, 0)
    assert "exists already" in demo_identity.demo_run_queue(officer=officer)
    assert LinkageRun.objects.count() == 1
