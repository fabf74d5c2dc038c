"""Background work of the self-service page: sending a one-time code."""

from __future__ import annotations

from django_tasks import task

from sabeel.portal import services


@task()
def code_send(*, code_request_id: int, language: str) -> bool:
    """Make and send the code of a request (nothing for an unknown number). Takes ids only: the
    code exists in clear only inside this call."""
    return services.code_issue(code_request_id=code_request_id, language=language)
