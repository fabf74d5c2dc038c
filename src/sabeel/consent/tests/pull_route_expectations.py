"""Permission expectations for the survey pull's pages, merged into the consent app's
``tests/route_expectations.py`` like the intention routes.

The list of sources holds no person's data (every staff role of the group sees it); a new source
(the server and the name of its secret) is the administrators' (``workgroup.manage``); a source's
runs and dead letters, "pull now" and "try again" need ``person.update`` (the finance officer reads
people but may not change them). Another group's source or dead letter answers 404."""

from __future__ import annotations

from typing import Any

from sabeel.core.testing_routes import Scoped
from sabeel.workgroups.testing import Cast

REGISTRAR = "registration_officer"
READ_ONLY = "finance_officer"
MARKER_FORM = "matrixLebanonAsset"


def _source_of(cast: Cast, group: str, form_id: str = "matrixAsset") -> Any:
    from sabeel.consent.models import PullKind, PullSource

    return PullSource.objects.create(
        working_group=cast.groups[group],
        kind=PullKind.KOBO,
        server_url="https://kf.kobotoolbox.org",
        form_id=form_id,
        token_name="MATRIX",
    )


def _source(cast: Cast, group: str) -> dict[str, Any]:
    return {"pk": _source_of(cast, group).pk}


def _lebanon_source(cast: Cast) -> str:
    _source_of(cast, "lb", MARKER_FORM)
    return MARKER_FORM


def _dead_letter(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.consent.models import DeadLetter

    source = _source_of(cast, group)
    letter = DeadLetter.objects.create(
        source=source,
        working_group=source.working_group,
        submission_id=f"matrix-{group}",
        instance_id=f"matrix-{group}",
        reasons=[{"column": "registration_number", "problem": "household_not_found"}],
        answers={"registration_number": "LB-99999999-9", "intends_return_12m": "yes"},
    )
    return {"pk": letter.pk}


PAGES: dict[str, Scoped] = {
    "consent:pull_source_list": Scoped("person.update", REGISTRAR, "donor_viewer", marker=_lebanon_source),
    "consent:pull_source_create": Scoped("workgroup.manage", "administrator", REGISTRAR, group_scoped=False),
    "consent:pull_source_edit": Scoped("workgroup.manage", "administrator", REGISTRAR, kwargs=_source),
    "consent:pull_source_detail": Scoped("person.update", REGISTRAR, READ_ONLY, kwargs=_source),
    "consent:pull_now": Scoped("person.update", REGISTRAR, READ_ONLY, kwargs=_source, method="post", ok=302),
    "consent:dead_letter_retry": Scoped(
        "person.update", REGISTRAR, READ_ONLY, kwargs=_dead_letter, method="post", ok=302
    ),
}
API: dict[tuple[str, str], Scoped] = {}
