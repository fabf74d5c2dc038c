"""The REST API: one NinjaAPI, token or session auth, one error envelope.

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


api = NinjaAPI(
    title="Sabeel API",
    version="1",
    description="Scoped exactly like the pages: a record of another working group answers 404.",
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    docs_url="/docs",
    urls_namespace="api",
)


def error(request: HttpRequest, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None) -> HttpResponse:
    return api.create_response(request, {"error": {"code": code, "message": message, "fields": fields or {}}}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error(request, 401, "unauthenticated", _("Sign in or send a valid API token."))


@api.exception_handler(NotSignedIn)
def _not_signed_in(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error(request, 401, "unauthenticated", _("Sign in or send a valid API token."))


@api.exception_handler(NotPermitted)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error(request, 403, "forbidden", _("Your role does not allow this."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error(request, 404, "not_found", _("Not found."))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        loc = [str(p) for p in item.get("loc", ())]
        if loc and loc[0] in ("body", "query", "path", "form", "cookie", "header"):
            loc = loc[1:]  # the location part, not a field
        if loc and loc[0] == "payload":
            loc = loc[1:]
        fields.setdefault(".".join(loc) or "__all__", []).append(str(item.get("msg", "")))
    return error(request, 422, "invalid", _("Some fields are not valid."), fields)


@api.exception_handler(ServiceError)
def _service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    status = 409 if exc.code == "conflict" else 400
    return error(request, status, exc.code, exc.message, exc.fields)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error(request, exc.status_code, "error", str(exc))


def _register_routers() -> None:
    from sabeel.conditions.api import router as conditions_router
    from sabeel.consent.api import router as consent_router
    from sabeel.consent.intention_api import router as intention_router
    from sabeel.geo.api import router as geo_router
    from sabeel.registry.api import router as registry_router
    from sabeel.workgroups.api import router as workgroups_router

    api.add_router("/working-groups", workgroups_router)
    api.add_router("/geo", geo_router)
    api.add_router("/registry", registry_router)
    api.add_router("/conditions", conditions_router)
    api.add_router("/consent", consent_router)
    api.add_router("/consent", intention_router)


_register_routers()
