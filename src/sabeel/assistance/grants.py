"""The amount a rule gives a family: pure arithmetic over the rule's numbers (no database)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")


def grant_amount(
    *,
    per_family: Decimal,
    per_person: Decimal,
    max_persons: int | None,
    top_ups: Mapping[str, Any],
    cap: Decimal | None,
    instalments: int,
    persons: int,
    needs: Iterable[Iterable[str]],
) -> tuple[list[Decimal], dict[str, str]]:
    """The instalments (they add up to the whole, the last one takes the rounding) and how the
    whole was reached. ``needs`` holds each travelling person's specific needs: a person with a
    need that has a top-up adds it once per need code (a top-up may name a code such as ``DS-PS``
or a category such as ``DS``, every code of which it then covers; a code's own top-up wins)."""
    counted = min(persons, max_persons) if max_persons is not None else persons
    base = per_family + per_person * counted
    top = Decimal(0)
    for person_needs in needs:
        for key in {code if code in top_ups else code.split("-")[0] for code in person_needs}:
            if key in top_ups:
                top += Decimal(str(top_ups[key]))
    whole = base + top
    capped = False
    if cap is not None and whole > cap:
        capped, whole = True, cap
    whole = whole.quantize(CENT, rounding=ROUND_HALF_UP)
    share = (whole / instalments).quantize(CENT, rounding=ROUND_DOWN)
    parts = [share] * (instalments - 1) + [whole - share * (instalments - 1)]
    breakdown = {
        "per_family": str(per_family),
        "per_person": str(per_person),
        "persons": str(persons),
        "persons_counted": str(counted),
        "top_ups": str(top),
        "capped": "yes" if capped else "no",
        "whole": str(whole),
    }
    return parts, breakdown
