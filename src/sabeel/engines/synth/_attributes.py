"""What is recorded about one person: birth date and its precision, civil documents, specific needs.

The rates are approximate public figures or modelling choices: about one adult in seven knows only the
year of birth (one in three among people over 50); about 30 % of adults lack a national ID; chronic
illness for about 30 % of people aged 60 or over; registered disability about 3 %; the rest follows the
household's make-up (single parents, women at risk, separated and unaccompanied children).
"""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import date
from itertools import accumulate

_DISABILITY_WEIGHTS = (("DS-PM", 35), ("DS-PS", 10), ("DS-BD", 15), ("DS-DF", 10), ("DS-MM", 20), ("DS-MS", 10))
_DISABILITIES = tuple(code for code, _ in _DISABILITY_WEIGHTS)
_DISABILITY_CUM = tuple(accumulate(float(w) for _, w in _DISABILITY_WEIGHTS))
_LAST = len(_DISABILITIES) - 1


def birth_date(rng: random.Random, born_on: int, host_born: bool, age: float) -> tuple[date, str]:
    """The recorded birth date and its precision: year-only dates are stored as 1 January."""
    born = date.fromordinal(born_on)
    roll = rng.random()
    if host_born:
        year_only, month_only = 0.04, 0.01
    elif age < 18:
        year_only, month_only = 0.12, 0.03
    elif age < 50:
        year_only, month_only = 0.15, 0.03
    else:
        year_only, month_only = 0.35, 0.05
    if roll < year_only:
        return date(born.year, 1, 1), "year"
    if roll < year_only + month_only:
        return date(born.year, born.month, 1), "month"
    if age >= 18 and rng.random() < 0.04:
        return date(born.year, 1, 1), "day"  # documents that themselves say 1 January
    return born, "day"


def documents(
    rng: random.Random, *, relationship: str, host_born: bool, age: int, married: bool, marriage_papers: bool,
    birth_registered: float,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Civil documents held and missing (approximate rates, modelling choices)."""
    held: list[str] = []
    missing: list[str] = []
    if age < 18:
        p = birth_registered if host_born else 0.8
        (held if rng.random() < p else missing).append("birth_certificate")
    if age >= 14:
        p = 0.72 if age >= 25 else 0.5 if age >= 18 else 0.35
        (held if rng.random() < p else missing).append("national_id")
    if relationship == "head" and married:
        (held if rng.random() < 0.6 else missing).append("family_booklet")
    if married and relationship in ("head", "spouse"):
        (held if marriage_papers else missing).append("marriage_certificate")
    if rng.random() < (0.2 if age >= 18 else 0.07):
        held.append("passport")
    return tuple(held), tuple(missing)


def specific_needs(
    rng: random.Random, *, sex: str, relationship: str, age: int, kind: str, context: tuple[bool, bool, bool, int],
    held: tuple[str, ...],
) -> tuple[str, ...]:
    """UNHCR specific-needs codes for one person, given the household's type and make-up."""
    has_spouse, adult_male, minor_children, size = context
    needs: list[str] = []
    r = rng.random
    if r() < (0.015 if age < 18 else 0.06 if age < 60 else 0.3):
        needs.append("SM-CI")
    if age >= 18 and r() < 0.01:
        needs.append("SM-MI")
    if r() < 0.004:
        needs.append("SM-CC")
    if r() < 0.01:
        needs.append("SM-OT")
    if r() < (0.02 if age < 18 else 0.03 if age < 60 else 0.12):
        needs.append(_DISABILITIES[bisect_right(_DISABILITY_CUM, rng.random() * _DISABILITY_CUM[-1], 0, _LAST)])
    if age >= 60:
        if r() < 0.2:
            needs.append("ER-NF")
        if size == 1:
            needs.append("ER-UR")
        if kind == "grandparent_grandchildren" and relationship == "head":
            needs.append("ER-MC")
    if relationship == "head":
        if sex == "F" and age >= 18 and not adult_male:
            if r() < 0.6:
                needs.append("WR-SF")
            if r() < 0.35:
                needs.append("WR-WR")
        if not has_spouse and minor_children and kind != "grandparent_grandchildren" and r() < 0.9:
            needs.append("SP-PT")
        if kind == "grandparent_grandchildren" and r() < 0.8:
            needs.append("SP-GP")
        if kind == "female_single_parent" and r() < 0.15:
            needs.append("FU-TR")
        elif r() < 0.01:
            needs.append("FU-FR")
        if kind == "child_headed" and age < 18:
            needs.extend(("SC-CH", "SC-UC"))
    if age < 18:
        if kind == "grandparent_grandchildren" and relationship == "grandchild":
            needs.append("SC-SC")
        if kind == "child_headed" and relationship == "sibling":
            needs.append("SC-UC")
        if relationship == "spouse" and sex == "F":
            needs.append("CR-CS")
        if sex == "M" and age >= 12 and r() < 0.06:
            needs.append("CR-CL")
        if age >= 6 and r() < 0.04:
            needs.append("CR-NE")
    if age >= 18:
        if r() < (0.02 if sex == "M" else 0.006):
            needs.append("TR-PI")
        if r() < 0.005:
            needs.append("TR-WV")
        if sex == "M" and r() < 0.004:
            needs.append("LP-DO")
        if r() < 0.002:
            needs.append("LP-DT")
    if age >= 15:
        p_origin, p_asylum = (0.006, 0.004) if sex == "F" else (0.001, 0.0005)
        if r() < p_origin:
            needs.append("SV-VO")
        if r() < p_asylum:
            needs.append("SV-VA")
    if age >= 14 and "national_id" not in held and "passport" not in held and r() < 0.3:
        needs.append("LP-ND")
    return tuple(sorted(set(needs))) if needs else ()
