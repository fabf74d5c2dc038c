"""Text kept in both languages: the one a page shows (names; the separators of a list)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Choices
from django.utils.translation import get_language


def in_page_language(english: str, arabic: str) -> str:
    """``arabic`` on an Arabic page, ``english`` otherwise; the other one when it is empty."""
    if (get_language() or "").startswith("ar"):
        return arabic or english
    return english or arabic


def list_separator() -> str:
    """What goes between the items of a list in running text: the Arabic comma on an Arabic page."""
    return in_page_language(", ", "، ")


def listed(items: Iterable[object]) -> str:
    """``items`` one after another, separated as the page's language writes a list."""
    return list_separator().join(str(item) for item in items)


def choice_label(choices: type[Choices], code: object) -> str:
    """The translated label of a stored choice; a code that is no longer one of them, as stored."""
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code)
