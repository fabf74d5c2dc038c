"""The two survey servers' documented JSON, read into one shape: ``Submission``.

KoboToolbox (API v2): ``GET {server}/api/v2/assets/{uid}/data/?format=json&limit=&start=`` with
``Authorization: Token …``; a page is ``{"count", "next", "previous", "results": [...]}`` and each
result a flat object whose keys are the question paths (``group/question``) plus ``_uuid``,
``_submission_time``, ``meta/instanceID`` and, for an edited submission, ``meta/deprecatedID``
(an edit keeps ``_uuid`` and gets a new instance id). The submission's key is ``_uuid``.

ODK Central (OData): ``GET {server}/v1/projects/{p}/forms/{f}.svc/Submissions?$top=&$skip=&$count=true``
with ``Authorization: Bearer …``; a page is ``{"@odata.count", "value": [...], "@odata.nextLink"?}``
and each row nests groups as objects, with ``__id`` (the submission's first instance id, kept
across edits), ``__system`` (``submissionDate``, ``updatedAt``, ``reviewState``…) and
``meta/instanceID`` (the current version) and ``meta/deprecatedID`` after an edit. The key is
``__id``.

Either way ``fields`` is the flat ``path → text`` the file import's row mapping reads, with the
key under ``_uuid`` (so the same submission imported from a file export has the same id)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from sabeel.consent.intention_pull._client import Client, PullError

PAGE_SIZE = 100
MAX_PAGES = 10_000


@dataclass(frozen=True)
class Submission:
    key: str  # the submission's id, the same across edits ("uuid:" dropped)
    instance_id: str  # this version's id
    submitted_at: dt.datetime | None
    fields: dict[str, str]
    rejected: bool = False  # refused by a reviewer on the server (ODK "rejected", Kobo "not approved")


def _bare(value: Any) -> str:
    text = str(value or "").strip()
    return text[5:] if text.lower().startswith("uuid:") else text


def _text(value: Any) -> str | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str | int | float):
        return str(value).strip()
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return " ".join(str(v) for v in value)
    return None  # a repeat group or an attachment: not a question the survey import reads


def _moment(value: Any) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _flatten(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for name, value in data.items():
        path = f"{prefix}/{name}" if prefix else str(name)
        if isinstance(value, Mapping):
            yield from _flatten(value, path)
        else:
            yield path, value


_VERSION_KEYS = {"meta/instanceid", "meta/deprecatedid", "_uuid", "__id", "instanceid", "deprecatedid"}


def _fields(flat: Mapping[str, Any], key: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for path, value in flat.items():
        if path.lower() in _VERSION_KEYS or (path.startswith("__system/") and path != "__system/submissionDate"):
            continue
        text = _text(value)
        if text is not None:
            fields[path] = text
    fields["_uuid"] = key
    return fields


def kobo_submission(item: Mapping[str, Any]) -> Submission:
    key = _bare(item.get("_uuid")) or _bare(item.get("meta/instanceID"))
    instance = _bare(item.get("meta/instanceID")) or key
    validation = item.get("_validation_status")
    rejected = isinstance(validation, Mapping) and validation.get("uid") == "validation_status_not_approved"
    return Submission(key, instance, _moment(item.get("_submission_time")), _fields(item, key), rejected)


def odk_submission(item: Mapping[str, Any]) -> Submission:
    flat = dict(_flatten(item))
    key = _bare(flat.get("__id")) or _bare(flat.get("meta/instanceID"))
    instance = _bare(flat.get("meta/instanceID")) or key
    found = item.get("__system")
    system: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    moment = _moment(system.get("updatedAt") or system.get("submissionDate"))
    return Submission(key, instance, moment, _fields(flat, key), system.get("reviewState") == "rejected")


def kobo_pages(client: Client, asset_uid: str, page_size: int = PAGE_SIZE) -> Iterator[list[Submission]]:
    """Pages by ``start``/``limit`` (computed here: the ``next`` link a server behind a proxy gives
    may name another scheme or host, and is never followed), until ``count`` is reached."""
    base = f"{client.server_url}/api/v2/assets/{quote(asset_uid, safe='')}/data/"
    start = 0
    for _page in range(MAX_PAGES):
        document = client.get_json(f"{base}?{urlencode({'format': 'json', 'limit': page_size, 'start': start})}")
        if not isinstance(document, Mapping) or not isinstance(document.get("results"), list):
            raise PullError("bad_response")
        items = [i for i in document["results"] if isinstance(i, Mapping)]
        yield [kobo_submission(i) for i in items]
        start += len(items)
        count = document.get("count")
        if (
            not items
            or (isinstance(count, int) and start >= count)
            or (not isinstance(count, int) and not document.get("next"))
        ):
            return


def odk_pages(client: Client, form: str, page_size: int = PAGE_SIZE) -> Iterator[list[Submission]]:
    project, _slash, form_id = form.partition("/")
    if not project.strip().isdigit() or not form_id.strip():
        raise PullError("not_found")
    base = f"{client.server_url}/v1/projects/{int(project)}/forms/{quote(form_id.strip(), safe='')}.svc/Submissions"
    skip = 0
    for _page in range(MAX_PAGES):
        query = urlencode({"$top": page_size, "$skip": skip, "$count": "true"})
        document = client.get_json(f"{base}?{query}")
        if not isinstance(document, Mapping) or not isinstance(document.get("value"), list):
            raise PullError("bad_response")
        items = [i for i in document["value"] if isinstance(i, Mapping)]
        yield [odk_submission(i) for i in items if not _deleted(i)]
        skip += len(items)
        total = document.get("@odata.count")
        if not items or len(items) < page_size or (isinstance(total, int) and skip >= total):
            return


def _deleted(item: Mapping[str, Any]) -> bool:
    system = item.get("__system")
    return isinstance(system, Mapping) and bool(system.get("deletedAt"))
