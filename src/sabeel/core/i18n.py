"""Names kept in both languages: the one a page shows."""

from __future__ import annotations

from django.utils.translation import get_language


def in_page_language(english: str, arabic: str) -> str:
    """``arabic`` on an Arabic page, ``english`` otherwise; the other one when it is empty."""
    if (get_language() or "").startswith("ar"):
        return arabic or english
    return english or arabic
