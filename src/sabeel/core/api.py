"""What every API of Sabeel shares, whatever app it serves: token or session authentication and the
one error envelope. The API itself is assembled in ``sabeel.config.api`` (the composition root),
which mounts every app's router; core imports no app.

Errors always have the shape ``{"error": {"code": ..., "message": ..., "fields": {...}}}``.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from sabeel.core.exceptions import NotPermitted, NotSignedIn, ServiceError
from sabeel.core.tokens import api_token_user
from sabeel.core.views_helpers import is_fully_signed_in


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session (second factor verified), with CSRF on unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        if is_fully_signed_in(request):
            return request.user
        return None


def api_create(*, title: str, version: str, description: str = "", urls_namespace: str = "api") -> NinjaAPI:
    """A NinjaAPI with Sabeel's authentication (token, or the signed-in session with CSRF) and
    error envelope; the caller mounts the routers."""
    api = NinjaAPI(
        title=title,
        version=version,
        description=description,
        auth=[TokenAuth(), SessionAuth(csrf=True)],
        docs_url="/docs",
        urls_namespace=urls_namespace,
    )
    error_envelope_install(api)
    return api


def error(api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None) -> HttpResponse:
    return api.create_response(request, {"error": {"code": code, "message": message, "fields": fields or {}}}, status=status)


def _invalid_fields(exc: ValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        loc = [str(p) for p in item.get("loc", ())]
        if loc and loc[0] in ("body", "query", "path", "form", "cookie", "header"):
            loc = loc[1:]  # the location part, not a field
        if loc and loc[0] == "payload":
            loc = loc[1:]
        fields.setdefault(".".join(loc) or "__all__", []).append(str(item.get("msg", "")))
    return fields


def error_envelope_install(api: NinjaAPI) -> None:
    """Answer every failure of ``api`` in the one envelope, with the status the pages use."""

    def unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        return error(api, request, 401, "unauthenticated", _("Sign in or send a valid API token."))

    def forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        return error(api, request, 403, "forbidden", _("Your role does not allow this."))

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return error(api, request, 404, "not_found", _("Not found."))

    def invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        return error(api, request, 422, "invalid", _("Some fields are not valid."), _invalid_fields(exc))

    def service_error(request: HttpRequest, exc: Any) -> HttpResponse:
        status = {"conflict": 409, "throttled": 429}.get(exc.code, 400)
        return error(api, request, status, exc.code, exc.message, exc.fields)

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return error(api, request, exc.status_code, "error", str(exc))

    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(NotSignedIn, unauthenticated)
    api.add_exception_handler(NotPermitted, forbidden)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ValidationError, invalid)
    api.add_exception_handler(ServiceError, service_error)
    api.add_exception_handler(HttpError, http_error)
