"""Errors raised by services and the permission path; views and the API translate them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class NotPermitted(PermissionDenied):
    """The actor is signed in but their role does not allow the action (HTTP 403)."""


class NotSignedIn(PermissionDenied):
    """No actor is signed in (pages: redirect to sign-in; API: 401)."""


class ServiceError(Exception):
    """A write refused with a clear, translated message, optionally per field."""

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.code = code


class Conflict(ServiceError):
    """The record changed since the user loaded it (HTTP 409)."""

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message, fields=fields, code="conflict")
