from typing import Any

from django.http import HttpRequest


def sabeel(request: HttpRequest) -> dict[str, Any]:
    from django.conf import settings

    return {"SABEEL_PRODUCTION": settings.SABEEL_PRODUCTION}
