"""Writes of the area conditions register (C9) and the versioned information package.

An entry is never changed or deleted: a newer entry for the same unit and threshold supersedes it.
The information package for a destination and a language is generated from the register; a new
version is stored only when its content changes, so a consent can name the version the person saw.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import formats, translation
from django.utils.translation import gettext as _

from sabeel.conditions.models import AreaCondition, AreaObservation, ConditionStatus, InformationPackage, Threshold
from sabeel.conditions.selectors import (
    RECORD_ACTION,
    CurrentCondition,
    area_observations,
    current_conditions,
    destination_has_active_hostilities,
    hostilities_status,
)
from sabeel.core import audit
from sabeel.core.actors import Actor, as_actor, system
from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import ActorKind
from sabeel.core.permissions import require
from sabeel.core.signals import conditions_changed
from sabeel.geo.choices import Country
from sabeel.geo.models import AdminUnit

__all__ = [
    "PACKAGE_LANGUAGES",
    "area_condition_record",
    "area_observation_record",
    "destination_has_active_hostilities",  # a read, re-exported for the eligibility adapter
    "information_package_content",
    "information_package_current",
]

TEXT_MAX = 4000
SOURCE_MAX = 300
PACKAGE_LANGUAGES = ("ar", "en")
PACKAGE_FORMAT = 1
# Entries describe places in Syria; their dates are Syrian calendar days.
SYRIA_TIME_ZONE = ZoneInfo("Asia/Damascus")
Errors = dict[str, list[str]]


def _syrian_today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate(timezone=SYRIA_TIME_ZONE)


def _check_entry(
    *,
    admin_unit: AdminUnit,
    threshold: str,
    status: str,
    source: str,
    as_of: dt.date | None,
    text_en: str,
    text_ar: str,
    active_hostilities: bool,
) -> None:
    errors: Errors = {}
    if admin_unit.country != Country.SYRIA:
        errors["admin_unit"] = [_("Conditions are recorded for admin units in Syria.")]
    if threshold not in Threshold.values:
        errors["threshold"] = [_("Choose one of the protection thresholds.")]
    if status not in ConditionStatus.values:
        errors["status"] = [_("Choose met, partly met, not met or unknown.")]
    if active_hostilities and threshold != Threshold.SAFETY:
        errors["active_hostilities"] = [_("Only the safety threshold carries the active-hostilities flag.")]
    if not source.strip():
        errors["source"] = [_("Say where this information comes from.")]
    elif len(source) > SOURCE_MAX:
        errors["source"] = [_("Keep the source under %(max)d characters.") % {"max": SOURCE_MAX}]
    if as_of is None:
        errors["as_of"] = [_("Give the date of the information.")]
    elif as_of > _syrian_today():
        errors["as_of"] = [_("The date of the information cannot be in the future.")]
    for name, text in (("text_en", text_en), ("text_ar", text_ar)):
        if len(text) > TEXT_MAX:
            errors[name] = [_("Keep the text under %(max)d characters.") % {"max": TEXT_MAX}]
        elif status != ConditionStatus.UNKNOWN and not text.strip():
            errors[name] = [_("Describe the condition in Arabic and in English: the person reads it in their language.")]
    if errors:
        raise ServiceError(_("The condition was not recorded."), fields=errors)


@transaction.atomic
def area_condition_record(
    *,
    actor: Actor,
    admin_unit: AdminUnit,
    threshold: str,
    status: str,
    source: str,
    as_of: dt.date | None,
    text_en: str = "",
    text_ar: str = "",
    active_hostilities: bool = False,
) -> AreaCondition:
    """Record a dated entry of the register for a Syrian admin unit (any level). The newest entry
    (by date, then by recording order) of a unit and threshold is the one in force; older ones
    stay as history. Recording the same entry again (a double submit) returns the existing one."""
    require(actor, RECORD_ACTION)
    text_en, text_ar, source = text_en.strip(), text_ar.strip(), source.strip()
    _check_entry(
        admin_unit=admin_unit,
        threshold=threshold,
        status=status,
        source=source,
        as_of=as_of,
        text_en=text_en,
        text_ar=text_ar,
        active_hostilities=active_hostilities,
    )
    latest = AreaCondition.objects.filter(admin_unit=admin_unit, threshold=threshold).order_by("-as_of", "-id").first()
    values = {
        "status": status,
        "active_hostilities": active_hostilities,
        "text_en": text_en,
        "text_ar": text_ar,
        "source": source,
        "as_of": as_of,
    }
    if latest is not None and all(getattr(latest, k) == v for k, v in values.items()):
        return latest
    entry = AreaCondition.objects.create(
        admin_unit=admin_unit, threshold=threshold, recorded_by_id=as_actor(actor).user_id, **values
    )
    superseded = latest if latest is not None and as_of is not None and latest.as_of <= as_of else None
    audit.record(
        actor=actor,
        action="conditions.recorded",
        target=entry,
        data={
            "admin_unit_id": admin_unit.pk,
            "threshold": threshold,
            "status": status,
            "active_hostilities": active_hostilities,
            "superseded_id": superseded.pk if superseded else None,
        },
    )
    # Every verdict in the areas below may change: the funnel snapshot refreshes them all, on commit.
    conditions_changed()
    return entry


@transaction.atomic
def area_observation_record(
    *,
    actor: Actor,
    admin_unit: AdminUnit,
    threshold: str,
    observed_on: dt.date | None,
    source: str,
    text_en: str,
    text_ar: str,
    cites: tuple[str, str | int] | None = None,
) -> AreaObservation:
    """Add a dated observed entry to the register, written by a named system actor (a fund
    project's completion, a monitoring visit): information beside the threshold statuses that
    never changes one, nor the active-hostilities flag. ``source`` cites the project or the visit,
    never a person's name; ``cites`` names the record it comes from as (type, id), for example
    ``("monitoring.visit", 123)``. The same entry written again (a retried job) returns the
    existing one."""
    who = as_actor(actor)
    if who.kind != ActorKind.SYSTEM or not who.id:
        raise NotPermitted  # people record statuses; observations come from the platform's own records
    text_en, text_ar, source = text_en.strip(), text_ar.strip(), source.strip()
    errors: Errors = {}
    if admin_unit.country != Country.SYRIA:
        errors["admin_unit"] = [_("Conditions are recorded for admin units in Syria.")]
    if threshold not in Threshold.values:
        errors["threshold"] = [_("Choose one of the protection thresholds.")]
    if not source or len(source) > SOURCE_MAX:
        errors["source"] = [_("Say where this information comes from.")]
    if observed_on is None or observed_on > _syrian_today():
        errors["observed_on"] = [_("The date of the information cannot be in the future.")]
    for name, text in (("text_en", text_en), ("text_ar", text_ar)):
        if not text or len(text) > TEXT_MAX:
            errors[name] = [_("Describe the condition in Arabic and in English: the person reads it in their language.")]
    if errors:
        raise ServiceError(_("The condition was not recorded."), fields=errors)
    cites_type, cites_id = (str(cites[0]), str(cites[1])) if cites else ("", "")
    values = {
        "admin_unit": admin_unit,
        "threshold": threshold,
        "observed_on": observed_on,
        "source": source,
        "text_en": text_en,
        "text_ar": text_ar,
        "cites_type": cites_type,
        "cites_id": cites_id,
    }
    existing = AreaObservation.objects.filter(**values).first()
    if existing is not None:
        return existing
    observation = AreaObservation.objects.create(system_actor=who.id, **values)
    audit.record(
        actor=actor,
        action="conditions.observed",
        target=observation,
        data={
            "admin_unit_id": admin_unit.pk,
            "threshold": threshold,
            "observed_on": observed_on.isoformat() if observed_on else None,
            "cites": f"{cites_type}:{cites_id}" if cites_type else None,
        },
    )
    # No ``conditions_changed()``: an observation is no status and changes no verdict (the funnel's
    # full refresh is for statuses); the information packages read it when they are next built.
    return observation


# --- the information package -------------------------------------------------------------------


def _level_label(level: int) -> str:
    # Syria's own names for its levels, plainer for the person than the generic level names.
    labels = {0: _("country"), 1: _("governorate"), 2: _("district"), 3: _("sub-district")}
    return str(labels.get(level, level))


def _unit_ref(unit: AdminUnit | None, language: str) -> dict[str, Any] | None:
    if unit is None:
        return None
    name = (unit.name_ar or unit.name_en) if language == "ar" else (unit.name_en or unit.name_ar)
    return {"id": unit.pk, "key": unit.key, "level": unit.level, "level_label": _level_label(unit.level), "name": name}


def _day(value: dt.date | None) -> dict[str, str] | None:
    if value is None:
        return None
    return {"iso": value.isoformat(), "display": formats.date_format(value, "DATE_FORMAT")}


def _threshold_item(current: CurrentCondition, language: str) -> dict[str, Any]:
    entry = current.entry
    item: dict[str, Any] = {
        "threshold": str(current.threshold.value),
        "label": str(current.threshold.label),
        "status": current.status,
        "status_label": str(ConditionStatus(current.status).label),
        "recorded": entry is not None,
    }
    if entry is None:
        item["text"] = str(_("Nothing has been recorded about this yet."))
        item["text_language"] = language
        return item
    own, other = (entry.text_ar, entry.text_en) if language == "ar" else (entry.text_en, entry.text_ar)
    other_language = "en" if language == "ar" else "ar"
    item.update(
        {
            "entry_id": entry.pk,
            "text": own or other,
            "text_language": language if own or not other else other_language,
            "source": entry.source,
            "as_of": _day(entry.as_of),
            "unit": _unit_ref(current.source_unit, language),
            "inherited": current.inherited,
        }
    )
    if current.threshold == Threshold.SAFETY:
        item["active_hostilities"] = entry.active_hostilities
    return item


def information_package_content(*, destination: AdminUnit, language: str) -> dict[str, Any]:
    """The package's content for ``destination`` in ``language`` as the register stands now:
    per threshold the status, text, source, date and the unit it came from; the
    active-hostilities flag; and the plain statement of what this information is for."""
    with translation.override(language):
        hostilities = hostilities_status(destination)
        statement = [
            str(_("This information describes the conditions reported in the area you may return to. It is given to help you make your own decision.")),
            str(_("It is never a reason to refuse your decision. Whether you return, and when, is for you to decide, and you can change your mind at any time.")),
        ]
        flag: dict[str, Any] = {"flagged": hostilities.flagged}
        if hostilities.flagged and hostilities.since is not None:
            flag.update({"since": _day(hostilities.since), "unit": _unit_ref(hostilities.source_unit, language)})
            statement.append(
                str(
                    _(
                        "Active hostilities have been reported in this area since %(date)s. The programme organises "
                        "transport there only after a protection officer has signed off; you may still return on your own."
                    )
                    % {"date": formats.date_format(hostilities.since, "DATE_FORMAT")}
                )
            )
        content = {
            "format": PACKAGE_FORMAT,
            "language": language,
            "destination": _unit_ref(destination, language),
            "thresholds": [_threshold_item(c, language) for c in current_conditions(destination)],
            "active_hostilities": flag,
            "statement": statement,
        }
        observed = [_observation_item(o, language) for o in area_observations(destination)]
        if observed:  # absent rather than empty, so packages without any keep their digest
            content["observed"] = observed
        return content


def _observation_item(observation: AreaObservation, language: str) -> dict[str, Any]:
    return {
        "threshold": str(observation.threshold),
        "label": str(Threshold(observation.threshold).label),
        "text": observation.text_ar if language == "ar" else observation.text_en,
        "source": observation.source,
        "observed_on": _day(observation.observed_on),
        "unit": _unit_ref(observation.admin_unit, language),
        **({"cites": {"type": observation.cites_type, "id": observation.cites_id}} if observation.cites_type else {}),
    }


def _digest(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _latest_package(destination: AdminUnit, language: str) -> InformationPackage | None:
    return InformationPackage.objects.filter(admin_unit=destination, language=language).order_by("-version").first()


def _package_language(language: str) -> str:
    code = (language or "").strip().lower()[:2]
    if code not in PACKAGE_LANGUAGES:
        message = _("The information package is available in Arabic and in English.")
        raise ServiceError(message, fields={"language": [message]})
    return code


def information_package_current(*, destination: AdminUnit, language: str) -> InformationPackage:
    """The current information package for ``destination`` in ``language`` (``"ar"`` or
    ``"en"``): built from the register, stored as a new version only when its content differs
    from the latest version's, else the latest version is returned. Consents and counselling
    sessions record the version returned here. No permission check: conditions are information
    every staff role and the person themself may read; callers check their own action."""
    language = _package_language(language)
    if destination.country != Country.SYRIA:
        message = _("An information package is made for a destination in Syria.")
        raise ServiceError(message, fields={"destination": [message]})
    content = information_package_content(destination=destination, language=language)
    digest = _digest(content)
    latest = _latest_package(destination, language)
    if latest is not None and latest.digest == digest:
        return latest
    with transaction.atomic():
        # One writer per destination, so two requests cannot both take the next version number.
        list(AdminUnit.objects.select_for_update().filter(pk=destination.pk).values_list("pk"))
        latest = _latest_package(destination, language)
        if latest is not None and latest.digest == digest:
            return latest
        package = InformationPackage.objects.create(
            admin_unit=destination,
            language=language,
            version=latest.version + 1 if latest else 1,
            content=content,
            digest=digest,
        )
        audit.record(
            actor=system("information_package"),
            action="conditions.package_versioned",
            target=package,
            data={"admin_unit_id": destination.pk, "information_package_id": package.pk, "version": package.version},
        )
    return package
