"""The funnel's queries: counted by aggregate queries over the snapshot, scoped to the actor's
groups, exact for person-level roles in their own group, protected for aggregate roles and
exports, with their provenance."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sabeel.consent.intentions import intention_record
from sabeel.consent.tests.factories import family, ready_family
from sabeel.core.actors import as_actor
from sabeel.reports import selectors, snapshot
from sabeel.reports.types import Dimension, Method, Stage


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    selectors._cache.clear()
    yield
    selectors._cache.clear()


def _figures(table) -> dict[Stage, int | None]:  # type: ignore[no-untyped-def]
    return {stage: cell.value for stage, cell in table.total.cells.items()}


def _world(cast):  # type: ignore[no-untyped-def]
    """Lebanon: six households registered, two intending (one of them eligible); Jordan: one."""
    lb = [family(cast) for _ in range(5)]
    officer = cast["lb_registration_officer"]
    intention_record(actor=officer, household=lb[0], hopes_to_return="yes", intends_within_12_months="yes")
    eligible = ready_family(cast)
    jo = family(cast, group="jo")
    snapshot.refresh_households([h.pk for h in [*lb, eligible, jo]])
    return lb, eligible, jo


def test_a_protection_officer_sees_exact_figures_of_their_own_group(cast) -> None:  # type: ignore[no-untyped-def]
    _world(cast)
    table = selectors.funnel_table(cast["lb_protection_officer"], dimension=Dimension.HOST_COUNTRY)
    assert table.stages == selectors.SHOWN_STAGES
    assert _figures(table) == {
        Stage.REGISTERED: 6,
        Stage.INTENDING: 2,
        Stage.COUNSELLED: 1,
        Stage.CONSENTED: 1,
        Stage.ELIGIBLE: 1,
        Stage.SCHEDULED: 0,
        Stage.DEPARTED: 0,
        Stage.ARRIVED: 0,
        Stage.MONITORED: 0,
    }
    assert [row.key for row in table.rows] == ["LB"]  # Jordan's household is not theirs
    assert table.provenance.threshold is None
    assert table.provenance.method is Method.COUNTED


@pytest.mark.parametrize("username", ["lb_coordinator", "lb_donor_viewer", "lb_administrator"])
def test_aggregate_roles_get_protected_figures(cast, username) -> None:  # type: ignore[no-untyped-def]
    _world(cast)
    table = selectors.funnel_table(cast[username], dimension=Dimension.HOST_COUNTRY)
    figures = [cell.value for row in (*table.rows, table.total) for cell in row.cells.values()]
    assert table.provenance.threshold == selectors.threshold() == 5
    assert all(value is None or value == 0 or value >= 5 for value in figures)
    assert any(cell.suppressed for cell in table.total.cells.values())


def test_an_export_is_protected_even_for_a_protection_officer(cast) -> None:  # type: ignore[no-untyped-def]
    _world(cast)
    table = selectors.funnel_table(cast["lb_protection_officer"], dimension=Dimension.ORIGIN, suppress=True)
    assert table.provenance.threshold == 5
    assert table.total.cells[Stage.ELIGIBLE].suppressed


def test_rows_by_origin_and_area_with_filters(cast) -> None:  # type: ignore[no-untyped-def]
    _world(cast)
    officer = cast["lb_protection_officer"]
    by_origin = selectors.funnel_table(officer, dimension=Dimension.ORIGIN)
    assert [(row.key, row.cells[Stage.REGISTERED].value) for row in by_origin.rows] == [("SY12", 6)]
    assert by_origin.rows[0].label  # the governorate's name, not its code only
    by_area = selectors.funnel_table(
        officer, dimension=Dimension.HOST_AREA, filters={"host_country": "LB", "origin": "SY12"}
    )
    assert sum(row.cells[Stage.REGISTERED].value or 0 for row in by_area.rows) == 6
    assert by_area.filters == {"host_country": "LB", "origin": "SY12"}
    elsewhere = selectors.funnel_table(officer, dimension=Dimension.ORIGIN, filters={"origin": "SY01"})
    assert _figures(elsewhere)[Stage.REGISTERED] == 0


def test_trends_by_week_add_up_to_the_funnel(cast) -> None:  # type: ignore[no-untyped-def]
    _world(cast)
    table = selectors.funnel_table(cast["lb_protection_officer"], dimension=Dimension.WEEK)
    assert table.rows and all("-W" in row.key for row in table.rows)
    assert sum(row.cells[Stage.REGISTERED].value or 0 for row in table.rows) == 6
    assert _figures(table)[Stage.ELIGIBLE] == 1
    later = selectors.funnel_table(
        cast["lb_protection_officer"], dimension=Dimension.WEEK, filters={"week_from": "2999-W01"}
    )
    assert later.rows == () and _figures(later)[Stage.REGISTERED] == 0


def test_a_household_without_a_verdict_is_never_eligible(cast) -> None:  # type: ignore[no-untyped-def]
    household = ready_family(cast)
    table = selectors.funnel_table(cast["lb_protection_officer"], dimension=Dimension.HOST_COUNTRY)
    assert _figures(table)[Stage.REGISTERED] == 1 and _figures(table)[Stage.ELIGIBLE] == 0
    assert "no verdict yet" in table.provenance.note
    snapshot.refresh_households([household.pk])
    table = selectors.funnel_table(cast["lb_protection_officer"], dimension=Dimension.HOST_COUNTRY)
    assert _figures(table)[Stage.ELIGIBLE] == 1


def test_the_as_of_time_is_the_oldest_verdict_counted(cast) -> None:  # type: ignore[no-untyped-def]
    from sabeel.reports.models import HouseholdFunnel

    lb, _eligible, _jo = _world(cast)
    HouseholdFunnel.objects.filter(pk=lb[0].pk).update(computed_at="2026-01-01T00:00:00Z")
    table = selectors.funnel_table(cast["lb_protection_officer"], dimension=Dimension.HOST_COUNTRY)
    assert table.provenance.as_of.isoformat().startswith("2026-01-01")


def test_the_queries_do_not_grow_with_the_households(cast) -> None:  # type: ignore[no-untyped-def]
    officer = as_actor(cast["lb_protection_officer"])
    snapshot.refresh_households([family(cast).pk])
    selectors.funnel_table(officer, dimension=Dimension.ORIGIN)  # the places, read once a while
    selectors._cache.clear()
    with CaptureQueriesContext(connection) as few:
        selectors.funnel_table(officer, dimension=Dimension.ORIGIN)
    snapshot.refresh_households([family(cast).pk for _ in range(4)])
    selectors._cache.clear()
    with CaptureQueriesContext(connection) as more:
        selectors.funnel_table(officer, dimension=Dimension.ORIGIN)
    assert len(more) == len(few)


def test_the_protected_cube_is_reused_until_the_snapshot_changes(cast) -> None:  # type: ignore[no-untyped-def]
    coordinator = as_actor(cast["lb_coordinator"])
    household = family(cast)
    snapshot.refresh_households([household.pk])
    selectors.funnel_table(coordinator, dimension=Dimension.ORIGIN)
    with CaptureQueriesContext(connection) as again:
        selectors.funnel_table(coordinator, dimension=Dimension.HOST_AREA)
    assert len(again) <= 3  # the version check only
    snapshot.refresh_households([family(cast).pk])
    table = selectors.funnel_table(cast["lb_protection_officer"], dimension=Dimension.HOST_COUNTRY)
    assert _figures(table)[Stage.REGISTERED] == 2


def test_outsiders_see_no_figures(cast) -> None:  # type: ignore[no-untyped-def]
    _world(cast)
    assert selectors.home_summary(cast["outsider"]) is None
    table = selectors.funnel_table(cast["outsider"], dimension=Dimension.HOST_COUNTRY)
    assert table.rows == ()


def test_the_home_summary_is_the_total_row(cast) -> None:  # type: ignore[no-untyped-def]
    _world(cast)
    summary = selectors.home_summary(cast["lb_protection_officer"])
    assert summary is not None and _figures(summary)[Stage.REGISTERED] == 6
    donor = selectors.home_summary(cast["lb_donor_viewer"])
    assert donor is not None and donor.provenance.threshold == 5


def test_people_are_counted_and_protected_by_their_households(cast) -> None:  # type: ignore[no-untyped-def]
    _world(cast)
    exact = selectors.funnel_table(cast["lb_protection_officer"], dimension=Dimension.HOST_COUNTRY, unit="people")
    assert _figures(exact)[Stage.REGISTERED] == 12  # two people in each of six households
    protected = selectors.funnel_table(cast["lb_coordinator"], dimension=Dimension.HOST_COUNTRY, unit="people")
    assert protected.total.cells[Stage.ELIGIBLE].suppressed  # one household of two people


def test_one_page_reads_its_tables_at_one_version(cast, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    """The page's three tables check the version once: the second and third come from the cache."""
    from sabeel.reports import selectors as funnel

    coordinator = cast["lb_coordinator"]
    funnel._cache.clear()
    with funnel.one_version():
        funnel.funnel_table(coordinator, dimension="origin")
        with django_assert_max_num_queries(3):  # memberships and units; no version, no counting
            funnel.funnel_table(coordinator, dimension="week")
            funnel.funnel_table(coordinator, dimension="host_area")


def test_after_a_change_a_recent_cube_answers_at_once_and_a_new_one_is_protected_in_the_background(
    cast, monkeypatch, settings
) -> None:  # type: ignore[no-untyped-def]
    from sabeel.consent.tests.factories import family as new_family
    from sabeel.reports import selectors as funnel
    from sabeel.reports.snapshot import refresh_households

    settings.SABEEL_FUNNEL_SERVE_STALE_SECONDS = 300
    jobs: list = []  # type: ignore[type-arg]
    monkeypatch.setattr(funnel, "_start_background", jobs.append)
    officer = cast["lb_protection_officer"]
    funnel._cache.clear()
    before = funnel.funnel_table(officer, dimension="host_country").total.cells
    refresh_households([new_family(cast).pk])

    kept = funnel.funnel_table(officer, dimension="host_country")
    again = funnel.funnel_table(officer, dimension="host_country")

    assert kept.total.cells == before  # the kept cube, at once
    assert again.total.cells == before and len(jobs) == 1  # one background job, not one a request
    jobs[0]()
    fresh = funnel.funnel_table(officer, dimension="host_country").total.cells
    registered = next(iter(fresh))
    assert fresh[registered].value == before[registered].value + 1


def test_a_cube_older_than_the_setting_is_never_answered_after_a_change(cast, monkeypatch, settings) -> None:  # type: ignore[no-untyped-def]
    from sabeel.consent.tests.factories import family as new_family
    from sabeel.reports import selectors as funnel
    from sabeel.reports.snapshot import refresh_households

    settings.SABEEL_FUNNEL_SERVE_STALE_SECONDS = 0
    monkeypatch.setattr(funnel, "_start_background", lambda job: pytest.fail("no background job expected"))
    officer = cast["lb_protection_officer"]
    funnel._cache.clear()
    before = funnel.funnel_table(officer, dimension="host_country").total.cells
    refresh_households([new_family(cast).pk])

    after = funnel.funnel_table(officer, dimension="host_country").total.cells
    registered = next(iter(after))
    assert after[registered].value == before[registered].value + 1
