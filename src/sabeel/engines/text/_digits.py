from __future__ import annotations

# Arabic-Indic (U+0660..0669) and Extended Arabic-Indic / Persian (U+06F0..06F9) digits.
_DIGITS = str.maketrans(
    {**{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)}}
)


def fold_digits(text: str) -> str:
    """Replace Eastern Arabic (٠-٩) and Persian (۰-۹) digits by ASCII digits; nothing else changes."""
    return text.translate(_DIGITS)
