"""Demo data for voluntariness: one return programme per host-country group and a few area
conditions, so that counselling, consent and eligibility can be tried in `make demo`."""

from __future__ import annotations

import datetime as dt

from sabeel.conditions.models import AreaCondition, ConditionStatus, Threshold
from sabeel.conditions.services import area_condition_record
from sabeel.consent.models import ReturnProgramme
from sabeel.consent.services import programme_create
from sabeel.core.actors import Actor
from sabeel.geo.models import AdminUnit
from sabeel.workgroups.models import WorkingGroup

PROGRAMMES = {
    "lb": ("Organised return from Lebanon (demo)", "العودة المنظمة من لبنان (تجريبي)"),
    "jo": ("Organised return from Jordan (demo)", "العودة المنظمة من الأردن (تجريبي)"),
}
SOURCE = "Demo data — not a real assessment"
# (governorate, threshold, status, active hostilities, English, Arabic): illustrative, not facts.
CONDITIONS = [
    (
        "SY12",
        Threshold.SAFETY,
        ConditionStatus.PARTLY_MET,
        False,
        "Demo: incidents reported in some rural areas.",
        "تجريبي: أُبلغ عن حوادث في بعض المناطق الريفية.",
    ),
    (
        "SY12",
        Threshold.SERVICES,
        ConditionStatus.PARTLY_MET,
        False,
        "Demo: health centres open; water supply intermittent.",
        "تجريبي: المراكز الصحية مفتوحة؛ إمدادات المياه متقطعة.",
    ),
    (
        "SY04",
        Threshold.DOCUMENTATION,
        ConditionStatus.MET,
        False,
        "Demo: civil registry office open.",
        "تجريبي: مكتب السجل المدني مفتوح.",
    ),
    (
        "SY07",
        Threshold.SAFETY,
        ConditionStatus.NOT_MET,
        True,
        "Demo: active hostilities reported.",
        "تجريبي: أُبلغ عن أعمال قتالية جارية.",
    ),
]


def demo_voluntariness_load(*, actor: Actor) -> str:
    """Idempotent: programmes and conditions that exist already are left alone."""
    lines = []
    for code, (name, name_ar) in PROGRAMMES.items():
        group = WorkingGroup.objects.filter(code=code).first()
        if group is None or ReturnProgramme.objects.filter(working_group=group).exists():
            continue
        programme_create(actor=actor, working_group=group, name=name, name_ar=name_ar)
        lines.append(f"Programme: {name}.")
    if not AreaCondition.objects.filter(source=SOURCE).exists():
        today = dt.date.today()  # noqa: DTZ011 - a demo date
        for key, threshold, status, hostilities, text_en, text_ar in CONDITIONS:
            unit = AdminUnit.objects.filter(key=key).first()
            if unit is None:
                continue
            area_condition_record(
                actor=actor,
                admin_unit=unit,
                threshold=threshold,
                status=status,
                source=SOURCE,
                as_of=today,
                text_en=text_en,
                text_ar=text_ar,
                active_hostilities=hostilities,
            )
        lines.append(f"Area conditions: {len(CONDITIONS)} illustrative entries (source marked as demo).")
    return "\n".join(lines)
