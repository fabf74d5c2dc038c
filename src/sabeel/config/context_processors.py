"""What ``base.html`` needs on every page: the menu items the signed-in user may open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sabeel.config.menu import visible_items
from sabeel.core.actors import request_actor
from sabeel.core.views_helpers import is_fully_signed_in


def menu(request: HttpRequest) -> dict[str, Any]:
    """``menu_items``: the visible menu (empty until the second factor is verified), computed only
    when a template reads it."""
    if not is_fully_signed_in(request):
        return {"menu_items": []}
    actor = request_actor(request)
    path = request.path
    cache: list[Any] = []

    def items() -> list[Any]:
        if not cache:
            cache.append(visible_items(actor, path=path))
        return list(cache[0])

    return {"menu_items": items}
