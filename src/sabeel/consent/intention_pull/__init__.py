"""Pull of the return-intention survey from KoboToolbox (API v2) or ODK Central (OData), as a
background run (``core.runs``, kind ``consent.intention_pull``).

A working group's administrator configures a ``PullSource`` (server, kind, form, and the *name*
of the secret that holds the token: ``SABEEL_PULL_TOKEN_<NAME>`` in the environment, read once
by ``config/env.py`` into ``settings.SABEEL_PULL_TOKENS``; the token is never stored in the
database nor shown). An officer who may change the group's files presses "pull now"
(``pull_start``); ``pull_due`` (the management command ``intention_pull_due``, scheduled like
``audit_verify``) queues a pull of every active source whose interval has passed, as a system job.

The worker (``pull_run``) reads the server page by page and records each page in its own short
transaction, the working group's row locked (like the file import's batches), with the file
import's row mapping and checks (``intention_pull._record``):

* idempotent on the submission's id (Kobo ``_uuid``, ODK ``__id``): pulling twice records nothing
  new, and an answer imported earlier from a file export is recognised;
* an edited submission (same id, a new instance id) appends a ``SubmissionVersion`` and updates
  the answer; earlier versions stay (a file-imported answer's values become version 1);
* a submission that fails a check (unknown registration number, a missing required answer, a bad
  date, …) goes to the dead-letter list with its reasons (question names and reason codes, never a
  value), is tried again by every later pull and can be retried at once (``dead_letter_retry``)
  once the register is fixed; unlike the file import, the good submissions are recorded anyway.

One audit row per run (``consent.intentions_pulled`` or ``consent.intentions_pull_failed``) with
the counts; the households whose answer changed are handed to the funnel's refresh
(``core.signals.households_changed``, sent once the page's transaction commits)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sabeel.consent.intention_import import problem_message
from sabeel.consent.intention_pull._client import Client, PullError
from sabeel.consent.intention_pull._record import PageResult, record_submissions
from sabeel.consent.intention_pull._servers import PAGE_SIZE, Submission, kobo_pages, odk_pages
from sabeel.consent.models import DeadLetter, DeadLetterStatus, PullKind, PullSource
from sabeel.core import audit, runs
from sabeel.core.actors import Actor, as_actor, system
from sabeel.core.exceptions import NotPermitted, NotSignedIn, ServiceError
from sabeel.core.models import RUN_FINISHED, ActorKind
from sabeel.core.permissions import can, get_visible, require, visible_to
from sabeel.core.runs import Run, runs_of
from sabeel.core.signals import households_changed
from sabeel.workgroups.models import WorkingGroup

__all__ = [
    "KIND",
    "PullError",
    "dead_letter_list",
    "dead_letter_message",
    "dead_letter_retry",
    "pull_due",
    "pull_run",
    "pull_runs",
    "pull_source_create",
    "pull_source_get",
    "pull_source_list",
    "pull_source_update",
    "pull_start",
    "pull_summary",
]

KIND = "consent.intention_pull"
TOKEN_NAME = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}

FAILURE_MESSAGES: dict[str, Promise] = {
    "unauthorised": gettext_lazy(
        "The server refused the token: check the secret named for this source and its permissions."
    ),
    "not_found": gettext_lazy("The server has no such form: check the form (asset uid, or project id/form id)."),
    "server_error": gettext_lazy("The server kept failing; the pull will be tried again later."),
    "unreachable": gettext_lazy("The server could not be reached; the pull will be tried again later."),
    "bad_response": gettext_lazy("The server's answer was not the survey data its API documents."),
    "foreign_link": gettext_lazy("The server sent a link to another server; nothing further was read."),
    "token_missing": gettext_lazy("No secret of that name is configured on this server."),
    "not_permitted": gettext_lazy("The officer who started the pull may no longer change this working group's files."),
    "internal_error": gettext_lazy("The pull stopped on an error; what was recorded before it stays."),
    "cancelled": gettext_lazy("The pull was stopped; what was recorded before it stays."),
}
EXTRA_PROBLEMS: dict[str, Promise] = {
    "household_changed": gettext_lazy("The edited submission names another household than the answer it edits."),
}


# --- configuration ------------------------------------------------------------------------------


def _check_source(server_url: str, form_id: str, token_name: str, kind: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    parts = urlsplit(server_url.strip())
    # Plain http only to this machine, and never in production (a test's or a demo's fake server).
    local = (parts.hostname or "") in _LOCAL_HOSTS and not getattr(settings, "SABEEL_PRODUCTION", False)
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        errors["server_url"] = [_("Give the server's https:// address.")]
    if parts.username or parts.password or parts.query or parts.fragment:
        errors["server_url"] = [_("Give the server's address only, without a user, token or query.")]
    if kind not in PullKind.values:
        errors["kind"] = [_("Choose KoboToolbox or ODK Central.")]
    if kind == PullKind.ODK_CENTRAL and not re.match(r"^\d+/[^/\s]+$", form_id.strip()):
        errors["form_id"] = [_("For ODK Central, give the project id and the form id, such as 3/intentions.")]
    if kind == PullKind.KOBO and not re.match(r"^[A-Za-z0-9]+$", form_id.strip()):
        errors["form_id"] = [_("For KoboToolbox, give the asset uid (letters and digits).")]
    if not TOKEN_NAME.match(token_name.strip()):
        errors["token_name"] = [_("Give the name of the secret (capital letters, digits and _), not the token itself.")]
    return errors


@transaction.atomic
def pull_source_create(
    *,
    actor: Actor,
    working_group: WorkingGroup,
    kind: str,
    server_url: str,
    form_id: str,
    token_name: str,
    pull_every_minutes: int = 60,
) -> PullSource:
    """A new pull source for ``working_group`` (its administrators: ``workgroup.manage``)."""
    require(actor, "workgroup.manage", working_group)
    if not working_group.host_country:
        raise ServiceError(_("Answers are pulled into a host-country working group."))
    errors = _check_source(server_url, form_id, token_name, kind)
    if pull_every_minutes < 5:
        errors["pull_every_minutes"] = [_("Pull at most every 5 minutes.")]
    if errors:
        raise ServiceError(_("The source was not saved."), fields=errors)
    source = PullSource.objects.create(
        working_group=working_group,
        kind=kind,
        server_url=server_url.strip().rstrip("/"),
        form_id=form_id.strip(),
        token_name=token_name.strip(),
        pull_every_minutes=pull_every_minutes,
    )
    audit.record(
        actor=actor,
        action="consent.pull_source_created",
        target=source,
        data={"pull_source_id": source.pk, "kind": kind},
    )
    return source


@transaction.atomic
def pull_source_update(
    *,
    actor: Actor,
    source: PullSource,
    server_url: str,
    form_id: str,
    token_name: str,
    pull_every_minutes: int,
    is_active: bool,
) -> PullSource:
    """Change a source (its group's administrators). The kind and the group stay: a source of
    another kind or group is a new source."""
    require(actor, "workgroup.manage", source.working_group)
    errors = _check_source(server_url, form_id, token_name, source.kind)
    if pull_every_minutes < 5:
        errors["pull_every_minutes"] = [_("Pull at most every 5 minutes.")]
    if errors:
        raise ServiceError(_("The source was not saved."), fields=errors)
    source.server_url = server_url.strip().rstrip("/")
    source.form_id = form_id.strip()
    source.token_name = token_name.strip()
    source.pull_every_minutes = pull_every_minutes
    source.is_active = is_active
    source.save()
    audit.record(
        actor=actor,
        action="consent.pull_source_changed",
        target=source,
        data={"pull_source_id": source.pk, "is_active": is_active},
    )
    return source


def pull_source_list(*, actor: Actor) -> Any:
    """The pull sources of the groups where the actor runs imports (``person.update``) or configures
    them (``workgroup.manage``); a role with neither has no use for the page (403)."""
    if not can(actor, "workgroup.manage"):
        require(actor, "person.update")
    sources = PullSource.objects.select_related("working_group").order_by("working_group__code", "pk")
    return visible_to(actor, sources, "person.update") | visible_to(actor, sources, "workgroup.manage")


def pull_source_get(*, actor: Actor, pk: int, action: str = "person.update") -> PullSource:
    """One source, for a page that shows its runs and dead letters; 404 for another group's."""
    require(actor, action)
    return get_visible(actor, PullSource.objects.select_related("working_group"), action, pk=pk)


def pull_runs(*, actor: Actor, source: PullSource) -> Any:
    require(actor, "person.update", source.working_group)
    return visible_to(actor, runs_of(kind=KIND), "person.update").filter(params__source_id=source.pk)


def dead_letter_list(*, actor: Actor, source: PullSource) -> Any:
    require(actor, "person.update", source.working_group)
    letters = visible_to(actor, DeadLetter.objects.filter(source=source, status=DeadLetterStatus.OPEN), "person.update")
    return letters.order_by("-last_tried_at", "-pk")


def dead_letter_message(reason: dict[str, Any]) -> str:
    extra = EXTRA_PROBLEMS.get(str(reason.get("problem")))
    return str(extra) if extra is not None else problem_message(reason)


# --- runs ---------------------------------------------------------------------------------------


def _queue(actor: Actor, source: PullSource) -> Run:
    unfinished = runs_of(kind=KIND).filter(params__source_id=source.pk).exclude(status__in=RUN_FINISHED).first()
    if unfinished is not None:
        return unfinished  # one pull of a source at a time
    from sabeel.consent.tasks import intention_pull_task

    run = runs.run_create(
        actor=actor, kind=KIND, working_group_id=source.working_group_id, params={"source_id": source.pk}
    )
    PullSource.objects.filter(pk=source.pk).update(last_pulled_at=timezone.now())
    transaction.on_commit(lambda: intention_pull_task.enqueue(run_id=run.pk))
    return run


@transaction.atomic
def pull_start(*, actor: Actor, source: PullSource) -> Run:
    """Queue a pull of ``source`` now (``person.update`` on its group); the running one if any."""
    require(actor, "person.update", source.working_group)
    if as_actor(actor).user is None:
        raise ServiceError(_("A pull is started by a signed-in officer."))
    if not source.is_active:
        raise ServiceError(_("This source is switched off."))
    return _queue(actor, source)


def pull_due(*, now: dt.datetime | None = None) -> list[Run]:
    """Queue a pull of every active source whose interval has passed (a system job)."""
    now = now or timezone.now()
    queued = []
    for source in PullSource.objects.filter(is_active=True).filter(
        Q(last_pulled_at__isnull=True) | Q(last_pulled_at__lte=now - dt.timedelta(minutes=5))
    ):
        if source.last_pulled_at and source.last_pulled_at > now - dt.timedelta(minutes=source.pull_every_minutes):
            continue
        with transaction.atomic():
            queued.append(_queue(system("intention_pull"), source))
    return queued


def pull_run(*, run_id: int) -> Run | None:
    """The worker's side; never raises (a failure is the run's status)."""
    return runs.run_execute(run_id=run_id, work=_work)


def client_for(source: PullSource) -> Client:
    token = (getattr(settings, "SABEEL_PULL_TOKENS", None) or {}).get(source.token_name)
    if not token:
        raise PullError("token_missing")
    scheme = "Token" if source.kind == PullKind.KOBO else "Bearer"
    return Client(
        server_url=source.server_url,
        authorization=f"{scheme} {token}",
        timeout=float(getattr(settings, "SABEEL_PULL_TIMEOUT_SECONDS", 30)),
        attempts=int(getattr(settings, "SABEEL_PULL_ATTEMPTS", 4)),
        backoff=float(getattr(settings, "SABEEL_PULL_BACKOFF_SECONDS", 1.0)),
    )


def _permitted(actor: Actor, group: WorkingGroup | None) -> bool:
    if group is None:
        return False
    if as_actor(actor).kind == ActorKind.SYSTEM:
        return True
    try:
        require(actor, "person.update", group)
    except (NotPermitted, NotSignedIn):
        return False
    return True


def _work(run: Run) -> None:
    actor = runs.run_actor(run)
    source = PullSource.objects.filter(pk=run.params.get("source_id") or 0).select_related("working_group").first()
    group = source.working_group if source is not None else None
    total = PageResult()
    if source is None or group is None or not _permitted(actor, group):
        _close(run, actor, total, failure="not_permitted")
        return
    user = as_actor(actor).user
    try:
        client = client_for(source)
        size = int(getattr(settings, "SABEEL_PULL_PAGE_SIZE", PAGE_SIZE))
        pages = (
            kobo_pages(client, source.form_id, size)
            if source.kind == PullKind.KOBO
            else odk_pages(client, source.form_id, size)
        )
        for page in pages:
            with transaction.atomic():
                # One writer per group at a time (the file import takes the same lock).
                list(WorkingGroup.objects.select_for_update().filter(pk=group.pk).values_list("pk"))
                result = record_submissions(page, group=group, source=source, run_id=run.pk, user=user)
                total.add(result)
                going_on = runs.run_progress(run=run, done=total.fetched, counts=total.counts(), report=result.report)
                _changed(result.household_ids)
            if not going_on:
                _close(run, actor, total, failure="cancelled")
                return
    except PullError as exc:
        _close(run, actor, total, failure=exc.code)
        return
    _close(run, actor, total)


def _changed(household_ids: set[int]) -> None:
    """The funnel snapshot refreshes these households once the page's transaction commits."""
    households_changed(household_ids)


def _close(run: Run, actor: Actor, total: PageResult, *, failure: str = "") -> None:
    counts = total.counts()
    with transaction.atomic():
        if failure == "cancelled":
            pass  # the run is already cancelled: its counts are written by run_progress
        elif failure:
            runs.run_fail(run=run, failure=failure, counts=counts)
        else:
            runs.run_finish(run=run, counts=counts)
        audit.record(
            actor=actor,
            action="consent.intentions_pull_failed" if failure else "consent.intentions_pulled",
            target=run,
            working_group_id=run.working_group_id,
            data={"run_id": run.pk, "pull_source_id": run.params.get("source_id"), "failure": failure, **counts},
        )


def pull_summary(run: Run) -> str:
    """What the run did, in one sentence."""
    counts = run.counts or {}
    if not run.is_finished:
        return _("Pulling the survey's submissions…")
    if run.failure:
        return str(FAILURE_MESSAGES.get(run.failure, FAILURE_MESSAGES["internal_error"]))
    return _(
        "New answers: %(created)d. Updated by an edit: %(updated)d. Already recorded: %(already)d. "
        "Not imported: %(dead)d (see below)."
    ) % {
        "created": int(counts.get("created", 0)),
        "updated": int(counts.get("updated", 0)),
        "already": int(counts.get("already_imported", 0)),
        "dead": int(counts.get("dead_letters", 0)),
    }


# --- dead letters -------------------------------------------------------------------------------


def dead_letter_retry(*, actor: Actor, dead_letter: DeadLetter) -> bool:
    """Try a dead letter again with its kept answers, now (after the register was fixed). True
    when it was recorded; otherwise its reasons are brought up to date."""
    source = dead_letter.source
    group = source.working_group
    require(actor, "person.update", group)
    if dead_letter.status != DeadLetterStatus.OPEN:
        return True
    submission = Submission(
        key=dead_letter.submission_id,
        instance_id=dead_letter.instance_id or dead_letter.submission_id,
        submitted_at=None,
        fields={**dead_letter.answers, "_uuid": dead_letter.submission_id},
    )
    with transaction.atomic():
        list(WorkingGroup.objects.select_for_update().filter(pk=group.pk).values_list("pk"))
        result = record_submissions([submission], group=group, source=source, run_id=None, user=as_actor(actor).user)
        recorded = bool(result.created or result.updated or result.already)
        if result.already:
            DeadLetter.objects.filter(pk=dead_letter.pk).update(status=DeadLetterStatus.RESOLVED)
        audit.record(
            actor=actor,
            action="consent.dead_letter_retried",
            target=dead_letter,
            working_group_id=group.pk,
            data={"dead_letter_id": dead_letter.pk, "pull_source_id": source.pk, "recorded": recorded},
        )
        _changed(result.household_ids)
    return recorded
