"""HTTP to the survey server: JSON over ``urllib.request``, with a timeout, retries with backoff
for the failures that may pass (a 5xx, 429, a timeout, a refused connection), and a short error
code for the run when it fails. Only the configured server is ever asked: a paging link that
points elsewhere is refused. Error codes and log lines never carry the token or an answer."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger("sabeel.consent.intention_pull")

TIMEOUT_SECONDS = 30
ATTEMPTS = 4
BACKOFF_SECONDS = 1.0  # 1 s, 2 s, 4 s between the attempts
MAX_RESPONSE_BYTES = 50 * 1024 * 1024
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


class PullError(Exception):
    """The server could not be read. ``code``: ``unauthorised`` (401/403: the token is wrong or
    lacks the permission), ``not_found`` (the form or asset), ``server_error`` (still failing after
    the retries), ``unreachable``, ``bad_response`` (not the JSON the API documents) or
    ``foreign_link`` (a paging link to another server)."""

    def __init__(self, code: str, status: int | None = None) -> None:
        super().__init__(code if status is None else f"{code} (HTTP {status})")
        self.code = code
        self.status = status


def same_origin(url: str, server_url: str) -> bool:
    a, b = urlsplit(url), urlsplit(server_url)
    return (a.scheme, a.netloc.lower()) == (b.scheme, b.netloc.lower())


class Client:
    """Reads JSON documents from one server with one ``Authorization`` header."""

    def __init__(
        self,
        *,
        server_url: str,
        authorization: str,
        timeout: float = TIMEOUT_SECONDS,
        attempts: int = ATTEMPTS,
        backoff: float = BACKOFF_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self._authorization = authorization
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self._sleep = sleep

    def get_json(self, url: str) -> Any:
        if not same_origin(url, self.server_url):
            raise PullError("foreign_link")
        request = urllib.request.Request(  # noqa: S310 (the scheme and host are the configured server's)
            url, headers={"Authorization": self._authorization, "Accept": "application/json"}, method="GET"
        )
        last: PullError = PullError("unreachable")
        for attempt in range(self.attempts):
            if attempt:
                self._sleep(self.backoff * 2 ** (attempt - 1))
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    body = response.read(MAX_RESPONSE_BYTES + 1)
            except urllib.error.HTTPError as exc:
                if exc.code in (401, 403):
                    raise PullError("unauthorised", exc.code) from None
                if exc.code == 404:
                    raise PullError("not_found", exc.code) from None
                if exc.code not in RETRIED_STATUSES:
                    raise PullError("server_error", exc.code) from None
                last = PullError("server_error", exc.code)
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
                last = PullError("unreachable")
                logger.warning("survey server unreachable (attempt %d): %s", attempt + 1, type(exc).__name__)
            else:
                if len(body) > MAX_RESPONSE_BYTES:
                    raise PullError("bad_response")
                try:
                    return json.loads(body.decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    raise PullError("bad_response") from None
            logger.warning("survey server answered %s (attempt %d of %d)", last, attempt + 1, self.attempts)
        raise last
