"""A local stand-in for KoboToolbox (API v2) and ODK Central (OData), speaking their documented
JSON on 127.0.0.1 at a random port, for the pull's tests: paging (Kobo ``start``/``limit`` and
``next``; Central ``$top``/``$skip``/``$count`` and ``@odata.nextLink``), a token checked as each
server checks it (401 otherwise), and failures queued on purpose (a 500 before an answer)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

TOKEN = "fake-server-token-0123456789"


@dataclass
class FakeServer:
    kobo: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # asset uid → results
    odk: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # "project/form" → rows
    failures: list[int] = field(default_factory=list)  # statuses answered before anything else
    next_override: str | None = None  # a Kobo "next" link to give instead of the real one
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path with query, Authorization)
    delay: float = 0.0  # seconds before each answer (a slow server)
    base: str = ""

    def answer(self, path: str, authorization: str) -> tuple[int, Any]:
        self.requests.append((path, authorization))
        if self.failures:
            return self.failures.pop(0), {"detail": "Server error"}
        parts = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        segments = [s for s in parts.path.split("/") if s]
        if segments[:3] == ["api", "v2", "assets"] and segments[4:] == ["data"]:
            if authorization != f"Token {TOKEN}":
                return 401, {"detail": "Invalid token."}
            return self._kobo(segments[3], query)
        if segments[:2] == ["v1", "projects"] and len(segments) == 6 and segments[5] == "Submissions":
            if authorization != f"Bearer {TOKEN}":
                return 401, {"message": "Could not authenticate with the provided credentials.", "code": 401.2}
            form = segments[4].removesuffix(".svc")
            return self._odk(f"{segments[2]}/{form}", query)
        return 404, {"detail": "Not found."}

    def _kobo(self, uid: str, query: dict[str, str]) -> tuple[int, Any]:
        if uid not in self.kobo:
            return 404, {"detail": "Not found."}
        items = self.kobo[uid]
        start, limit = int(query.get("start", 0)), int(query.get("limit", 1000))
        following = None
        if start + limit < len(items):
            following = f"{self.base}/api/v2/assets/{uid}/data/?" + urlencode(
                {"format": "json", "limit": limit, "start": start + limit}
            )
        if self.next_override is not None:
            following = self.next_override
        return 200, {"count": len(items), "next": following, "previous": None, "results": items[start : start + limit]}

    def _odk(self, form: str, query: dict[str, str]) -> tuple[int, Any]:
        if form not in self.odk:
            return 404, {"message": "Could not find the resource you were looking for.", "code": 404.1}
        rows = self.odk[form]
        top, skip = int(query.get("$top", 1000)), int(query.get("$skip", 0))
        project, form_id = form.split("/")
        document: dict[str, Any] = {
            "@odata.context": f"{self.base}/v1/projects/{project}/forms/{form_id}.svc/$metadata#Submissions",
            "value": rows[skip : skip + top],
        }
        if query.get("$count") == "true":
            document["@odata.count"] = len(rows)
        if skip + top < len(rows):
            document["@odata.nextLink"] = (
                f"{self.base}/v1/projects/{project}/forms/{form_id}.svc/Submissions?%24top={top}&%24skip={skip + top}"
            )
        return 200, document


def _handler(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if server.delay:
                time.sleep(server.delay)
            status, body = server.answer(self.path, self.headers.get("Authorization", ""))
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextmanager
def running(server: FakeServer) -> Iterator[FakeServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    server.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def kobo_item(
    uid: str,
    number: str,
    *,
    intends: str = "yes",
    instance: str | None = None,
    deprecated: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One Kobo result as the API v2 data endpoint gives it (a flat object, group paths as keys)."""
    item: dict[str, Any] = {
        "_id": abs(hash(uid)) % 10_000_000,
        "formhub/uuid": "3f2e8a0c6d5b4e7f9a1b2c3d4e5f6a7b",
        "start": "2026-11-02T09:55:00.000+02:00",
        "end": "2026-11-02T10:05:00.000+02:00",
        "consent": "ok",
        "group_hh/asylum_country": "LBN",
        "group_hh/registration_number": number,
        "group_ab12cd/intends_return_12m": intends,
        "group_ab12cd/origin_adm1": "SY02",
        "group_ab12cd/needs": "shelter documents",
        "meta/instanceID": f"uuid:{instance or uid}",
        "_uuid": uid,
        "_submission_time": "2026-11-02T08:05:10",
        "_status": "submitted_via_web",
        "_submitted_by": "enumerator_rana",
        "_attachments": [],
        "_geolocation": [None, None],
        "_tags": [],
        "_notes": [],
        "_validation_status": {},
        "__version__": "vQ7xyz",
    }
    if deprecated:
        item["meta/deprecatedID"] = f"uuid:{deprecated}"
    item.update(extra)
    return {k: v for k, v in item.items() if v is not None}


def odk_row(
    uid: str,
    number: str,
    *,
    intends: str = "yes",
    instance: str | None = None,
    deprecated: str | None = None,
    end: str = "2026-11-02T10:05:00.000+02:00",
) -> dict[str, Any]:
    """One ODK Central OData row (groups nested as objects, ``__id`` kept across edits)."""
    meta: dict[str, Any] = {"instanceID": f"uuid:{instance or uid}"}
    if deprecated:
        meta["deprecatedID"] = f"uuid:{deprecated}"
    return {
        "__id": f"uuid:{uid}",
        "__system": {
            "submissionDate": "2026-11-02T08:05:10.123Z",
            "updatedAt": "2026-11-03T08:00:00.000Z" if deprecated else None,
            "submitterId": "5",
            "submitterName": "Rana Haddad",
            "attachmentsPresent": 0,
            "attachmentsExpected": 0,
            "status": None,
            "reviewState": "edited" if deprecated else None,
            "deviceId": None,
            "edits": 1 if deprecated else 0,
            "formVersion": "2026110101",
        },
        "meta": meta,
        "start": "2026-11-02T09:55:00.000+02:00",
        "end": end,
        "consent": "ok",
        "asylum_country": "LBN",
        "registration_number": number,
        "intention": {"intends_return_12m": intends, "origin_adm1": "SY02", "needs": "livelihood"},
    }
