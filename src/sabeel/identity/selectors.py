"""Reads of the identity app, scoped to the actor: runs, the review queue and its pairs.

A user sees the runs and pairs of the working groups where they hold ``identity.run`` or
``identity.review`` (runs are per group; a pair never joins two groups). The queue puts the
uncertain pairs first, the pair whose probability is nearest 0.5 first, then the likely pairs,
least sure first; the pair's id only breaks exact ties. Every read that shows names (a queue page,
one pair) writes one read-log row with the ids of the people and list rows shown, never a name.
Queue pages count as list pages (``core.throttle``) for roles that may not export.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from sabeel.core import audit, throttle
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import NotSignedIn
from sabeel.core.i18n import choice_label
from sabeel.core.permissions import can, get_visible, groups_for, visible_field_groups
from sabeel.core.roles import FieldGroup
from sabeel.core.runs import RunStatus
from sabeel.identity.models import Band, CandidatePair, Decision, LinkageRun, ListRecord, PairDecision
from sabeel.identity.records import NAME_FIELDS
from sabeel.registry.choices import DatePrecision, MemberStatus, Relationship, Sex
from sabeel.registry.models import ExternalId, Household, Individual
from sabeel.workgroups.models import WorkingGroup

__all__ = [
    "COMPARISONS",
    "DECISION_FILTERS",
    "LEVELS",
    "NameLine",
    "PairCard",
    "Side",
    "level_label",
    "merge_url",
    "pair_cards",
    "pair_get",
    "pair_history",
    "pair_queue",
    "pending_review",
    "run_get",
    "run_groups",
    "run_list",
]

DECISION_FILTERS = ("pending", "unsure", "same", "different", "all")

# The engine's comparisons (``engines.linkage``), in words; an unknown one is shown as named.
COMPARISONS: dict[str, Any] = {
    "first": gettext_lazy("First name"),
    "first_name": gettext_lazy("First name"),
    "father": gettext_lazy("Father's name"),
    "father_name": gettext_lazy("Father's name"),
    "grandfather": gettext_lazy("Grandfather's name"),
    "grandfather_name": gettext_lazy("Grandfather's name"),
    "family": gettext_lazy("Family name"),
    "family_name": gettext_lazy("Family name"),
    "name": gettext_lazy("Name"),
    "full_name": gettext_lazy("Full name"),
    "sex": gettext_lazy("Sex"),
    "birth_date": gettext_lazy("Date of birth"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "dob": gettext_lazy("Date of birth"),
    "birth_year": gettext_lazy("Year of birth"),
    "head": gettext_lazy("Head of household"),
    "head_name": gettext_lazy("Head of household"),
    "household_size": gettext_lazy("Household size"),
    "origin": gettext_lazy("Origin sub-district"),
    "household": gettext_lazy("Household"),
}

# The levels the engine's comparisons reach (``engines.linkage._model``), in words; a level not
# listed here (a new one of the engine) is shown as the engine names it.
_PART_LEVEL_NAMES = {
    "first name": gettext_lazy("first name"),
    "father's name": gettext_lazy("father's name"),
    "grandfather's name": gettext_lazy("grandfather's name"),
    "family name": gettext_lazy("family name"),
}
LEVELS: dict[str, Any] = {
    "same Arabic spelling": gettext_lazy("same Arabic spelling"),
    "same in common form": gettext_lazy("same name across scripts"),
    "same common form, another Arabic spelling": gettext_lazy("same name, another Arabic spelling"),
    "same common form, another typed Arabic spelling": gettext_lazy("same name, another Arabic spelling typed"),
    "nearly the same": gettext_lazy("nearly the same"),
    "similar": gettext_lazy("similar"),
    "same": gettext_lazy("same"),
    "different": gettext_lazy("different"),
    "date of birth missing": gettext_lazy("date of birth missing"),
    "same date": gettext_lazy("same date"),
    "same year and month": gettext_lazy("same year and month"),
    "same year (one side year only)": gettext_lazy("same year (one side has the year only)"),
    "same year, day and month swapped": gettext_lazy("same year, day and month swapped"),
    "same year, different day or month": gettext_lazy("same year, different day or month"),
    "a year apart": gettext_lazy("a year apart"),
    "sex missing": gettext_lazy("sex missing"),
    "household not known": gettext_lazy("household not known"),
    "same registered household": gettext_lazy("same registered household (no evidence either way)"),
    "same head, origin and size": gettext_lazy("same head of household, origin and size"),
    "same head and origin": gettext_lazy("same head of household and origin"),
    "similar head, same origin and size": gettext_lazy("similar head of household, same origin and size"),
    "same head": gettext_lazy("same head of household"),
    "same origin and size": gettext_lazy("same origin and household size"),
    "same origin": gettext_lazy("same origin"),
}


def level_label(level: str) -> str:
    """The engine's level in words (``"father's name missing"``, ``"swapped with family name"``,
    ``"2 to 10 years apart"`` are put together from their parts)."""
    known = LEVELS.get(level)
    if known is not None:
        return str(known)
    if level.endswith(" missing") and level[: -len(" missing")] in _PART_LEVEL_NAMES:
        return _("%(part)s missing") % {"part": _PART_LEVEL_NAMES[level[: -len(" missing")]]}
    if level.startswith("swapped with ") and level[len("swapped with ") :] in _PART_LEVEL_NAMES:
        return _("swapped with the %(part)s") % {"part": _PART_LEVEL_NAMES[level[len("swapped with ") :]]}
    words = level.split()
    if len(words) == 5 and words[0].isdigit() and words[1] == "to" and words[2].isdigit() and words[3:] == ["years", "apart"]:
        return _("%(low)s to %(high)s years apart") % {"low": words[0], "high": words[2]}
    if len(words) == 4 and words[:2] == ["more", "than"] and words[2].isdigit() and words[3] == "years":
        return _("more than %(years)s years") % {"years": words[2]}
    if len(words) == 5 and words[:2] == ["more", "than"] and words[2].isdigit() and words[3:] == ["years", "apart"]:
        return _("more than %(years)s years apart") % {"years": words[2]}
    return level


def _groups(actor: Actor) -> set[int]:
    return groups_for(actor, "identity.run") | groups_for(actor, "identity.review")


def run_groups(*, actor: Actor) -> QuerySet[WorkingGroup]:
    """The working groups where the actor may start a run."""
    return WorkingGroup.objects.filter(pk__in=groups_for(actor, "identity.run")).order_by("code")


def run_list(*, actor: Actor) -> QuerySet[LinkageRun]:
    """The runs of the actor's groups, newest first (no names: not audited)."""
    return (
        LinkageRun.objects.filter(working_group_id__in=_groups(actor))
        .select_related("run", "working_group", "run__started_by")
        .defer("run__payload", "model_settings")
        .annotate(
            pending=Count("pairs", filter=Q(pairs__decision=Decision.PENDING)),
        )
        .order_by("-created_at", "-pk")
    )


def pending_review(*, actor: Actor, working_group: WorkingGroup) -> dict[str, Any] | None:
    """For the home page: how many pairs of the group's finished runs wait for a decision, and the
    newest run that has some (``run_id``); ``None`` when the actor may not review in the group.
    Counts only, no names: not audited."""
    if not can(actor, "identity.review", working_group):
        return None
    waiting = CandidatePair.objects.filter(
        linkage_run__working_group=working_group, linkage_run__run__status=RunStatus.SUCCEEDED, decision=Decision.PENDING
    )
    latest = waiting.order_by("-linkage_run__created_at", "-linkage_run_id").values_list("linkage_run_id", flat=True).first()
    return {"pending": waiting.count(), "run_id": latest}


def _require_any(actor: Actor) -> None:
    """403 for a role that may neither run nor review anywhere (404 is for another group's row)."""
    if not as_actor(actor).is_authenticated:
        raise NotSignedIn
    if not _groups(actor):
        from sabeel.core.exceptions import NotPermitted

        raise NotPermitted


def run_get(*, actor: Actor, pk: int) -> LinkageRun:
    """One run of the actor's groups (404 for another group's)."""
    _require_any(actor)
    run = (
        LinkageRun.objects.filter(pk=pk, working_group_id__in=_groups(actor))
        .select_related("run", "working_group", "run__started_by")
        .defer("run__payload")
        .first()
    )
    if run is None:
        from django.http import Http404

        raise Http404
    return run


def _ordered(pairs: QuerySet[CandidatePair]) -> QuerySet[CandidatePair]:
    band_rank = Case(When(band=Band.UNCERTAIN, then=Value(0)), default=Value(1), output_field=IntegerField())
    return pairs.annotate(band_rank=band_rank).order_by("band_rank", "uncertainty", "-match_weight", "pk")


def pair_queue(*, actor: Actor, linkage_run: LinkageRun, decision: str = "pending") -> QuerySet[CandidatePair]:
    """The pairs of a run to review, in queue order (see the module's docstring); ``decision``
    one of ``DECISION_FILTERS``. Not yet audited: ``pair_cards`` reads and audits a page."""
    get_visible(actor, LinkageRun.objects.all(), "identity.review", pk=linkage_run.pk)
    pairs = CandidatePair.objects.filter(linkage_run=linkage_run)
    if decision != "all":
        pairs = pairs.filter(decision=decision if decision in DECISION_FILTERS else Decision.PENDING)
    return _ordered(pairs)


def pair_get(*, actor: Actor, pk: int, action: str = "identity.review") -> CandidatePair:
    """One pair of the actor's groups (404 for another group's). Not audited here."""
    _require_any(actor)
    return get_visible(actor, CandidatePair.objects.select_related("linkage_run", "linkage_run__working_group"), action, pk=pk)


def pair_history(pair: CandidatePair) -> QuerySet[PairDecision]:
    """The decisions on this pair and on the same two registered people in the group's earlier
    runs (a decision carried into a later run keeps its history), newest first."""
    if pair.right_individual_id is None:
        return pair.decisions.select_related("decided_by").order_by("-decided_at", "-pk")
    same_people = CandidatePair.objects.filter(
        linkage_run__working_group_id=pair.linkage_run.working_group_id,
        left_id=pair.left_id,
        right_individual_id=pair.right_individual_id,
    )
    return PairDecision.objects.filter(pair__in=same_people).select_related("decided_by", "pair").order_by("-decided_at", "-pk")


# --- the two records side by side -----------------------------------------------------------------


@dataclass(frozen=True)
class NameLine:
    text: str
    script: str  # "ar" or "lat"
    generated: bool = False


@dataclass
class Side:
    kind: str  # "person" (registered) or "row" (of the uploaded list)
    pk: int
    names: list[NameLine] = field(default_factory=list)
    date_of_birth: str = ""
    sex: str = ""
    household: str = ""  # registration number, or the list's household reference
    household_id: int | None = None
    household_size: int | None = None
    head: str = ""
    origin: str = ""
    numbers: list[tuple[str, str]] = field(default_factory=list)  # (scheme, value)
    row_number: int | None = None
    status: str = ""  # a registered person's status when not in the household (a MemberStatus code)

    @property
    def status_label(self) -> str:
        """The status in the page's language (a code no longer a status: as stored)."""
        return choice_label(MemberStatus, self.status) if self.status else ""


@dataclass
class PairCard:
    pair: CandidatePair
    left: Side
    right: Side
    evidence: list[dict[str, Any]]
    merge_url: str | None = None


def _joined(values: dict[str, Any], suffix: str) -> str:
    return " ".join(str(values.get(f"{part}_name{suffix}") or "").strip() for part in ("first", "father", "grandfather", "family")).strip()


def _name_lines(values: dict[str, Any], generated: dict[str, Any] | None = None) -> list[NameLine]:
    lines = []
    for suffix, script in (("_ar", "ar"), ("_lat", "lat")):
        typed = _joined(values, suffix)
        if typed:
            lines.append(NameLine(" ".join(typed.split()), script))
        extra = {k: v for k, v in (generated or {}).items() if k.endswith(suffix) and isinstance(v, str) and v.strip()}
        if extra:
            merged = {**{k: values.get(k) for k in NAME_FIELDS}, **{k: v for k, v in extra.items() if not values.get(k)}}
            lines.append(NameLine(" ".join(_joined(merged, suffix).split()), script, generated=True))
    return lines


def _date(value: dt.date | None, precision: str) -> str:
    if value is None or precision == DatePrecision.UNKNOWN:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return f"{value.year}-{value.month:02d}"
    return value.isoformat()


def _partial(year: int | None, month: int | None, day: int | None) -> str:
    if year is None:
        return ""
    if month is None:
        return str(year)
    if day is None:
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-{day:02d}"


def _sex(code: str) -> str:
    return str(Sex(code).label) if code in Sex.values and code != Sex.UNKNOWN else ""


def _people_sides(ids: set[int], *, documents: bool) -> dict[int, Side]:
    if not ids:
        return {}
    has_generated = any(f.name == "generated_names" for f in Individual._meta.get_fields())
    fields = ["pk", "household_id", "sex", "date_of_birth", "dob_precision", "status", *NAME_FIELDS]
    if has_generated:
        fields.append("generated_names")
    people = list(Individual.objects.filter(pk__in=ids).values(*fields))
    household_ids = {p["household_id"] for p in people}
    arabic = (get_language() or "").startswith("ar")
    # The size counts people: a record merged into another while the merge is in effect is not a
    # member on its own (docs/eligibility.md rule 18), so the person counts once, as the survivor.
    from sabeel.identity.links import merged_away

    people_counted = Q(members__status=MemberStatus.ACTIVE) & ~Q(members__pk__in=merged_away())
    households = {
        h["pk"]: h
        for h in Household.objects.filter(pk__in=household_ids)
        .annotate(size=Count("members", filter=people_counted))
        .values("pk", "registration_number", "size", "origin__key", "origin__name_en", "origin__name_ar")
    }
    heads: dict[int, str] = {}
    for head in (
        Individual.objects.filter(household_id__in=household_ids, relationship=Relationship.HEAD, status=MemberStatus.ACTIVE)
        .order_by("pk")
        .values("household_id", *NAME_FIELDS)
    ):
        lines = _name_lines(head)
        heads.setdefault(head["household_id"], " / ".join(line.text for line in lines))
    numbers: dict[int, list[tuple[str, str]]] = {}
    if documents:
        for ext in ExternalId.objects.filter(individual_id__in=ids, is_active=True).order_by("pk"):
            numbers.setdefault(ext.individual_id or 0, []).append((ext.get_scheme_display(), ext.value))
    sides = {}
    for p in people:
        h = households.get(p["household_id"], {})
        origin_name = (h.get("origin__name_ar") if arabic else h.get("origin__name_en")) or h.get("origin__name_en") or ""
        sides[p["pk"]] = Side(
            kind="person",
            pk=p["pk"],
            names=_name_lines(p, p.get("generated_names")),
            date_of_birth=_date(p["date_of_birth"], p["dob_precision"]),
            sex=_sex(p["sex"]),
            household=h.get("registration_number", ""),
            household_id=p["household_id"],
            household_size=h.get("size"),
            head=heads.get(p["household_id"], ""),
            origin=f"{origin_name} ({h['origin__key']})" if h.get("origin__key") else "",
            numbers=numbers.get(p["pk"], []),
            status=p["status"] if p["status"] != MemberStatus.ACTIVE else "",
        )
    return sides


def _row_side(row: ListRecord) -> Side:
    values = {name: getattr(row, name) for name in NAME_FIELDS}
    return Side(
        kind="row",
        pk=row.pk,
        names=_name_lines(values),
        date_of_birth=_partial(row.birth_year, row.birth_month, row.birth_day),
        sex=_sex(row.sex),
        household=row.household_ref,
        household_size=row.household_size,
        head=" / ".join(t for t in (row.head_name_ar, row.head_name_lat) if t),
        origin=row.origin,
        numbers=[(_("Reference in the list"), row.reference)] if row.reference else [],
        row_number=row.row_number,
    )


def _evidence(pair: CandidatePair) -> list[dict[str, Any]]:
    out = []
    for item in pair.evidence or []:
        name = str(item.get("comparison", ""))
        weight = float(item.get("weight") or 0.0)
        out.append(
            {
                "label": str(COMPARISONS.get(name, name.replace("_", " "))),
                "level": level_label(str(item.get("level", ""))),
                "weight": weight,
                "direction": "for" if weight > 0.5 else "against" if weight < -0.5 else "neutral",
                "magnitude": round(min(10.0, abs(weight)), 2),
            }
        )
    return out


def merge_url(pair: CandidatePair) -> str | None:
    """The merges helper's page for a pair decided "same", when that page exists."""
    if pair.decision != Decision.SAME or pair.right_individual_id is None:
        return None
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("identity:merge_confirm", kwargs={"pair": pair.pk})
    except NoReverseMatch:
        return None


def pair_cards(
    *, actor: Actor, pairs: list[CandidatePair], linkage_run: LinkageRun, action: str = "identity.pairs_listed", is_list: bool = True
) -> list[PairCard]:
    """The pairs with both records side by side, read and audited: one read-log row naming the
    people and list rows shown (the page's pairs in ``pair_ids``)."""
    if is_list:
        throttle.list_page_check(actor)
    groups = visible_field_groups(actor, linkage_run.working_group)
    if FieldGroup.NAMES_CONTACTS not in groups:
        from sabeel.core.exceptions import NotPermitted

        raise NotPermitted
    people_ids = {p.left_id for p in pairs} | {p.right_individual_id for p in pairs if p.right_individual_id}
    people = _people_sides(people_ids, documents=FieldGroup.DOCUMENTS in groups)
    rows = {r.pk: r for r in ListRecord.objects.filter(pk__in=[p.right_record_id for p in pairs if p.right_record_id])}
    cards = []
    for pair in pairs:
        left = people.get(pair.left_id) or Side(kind="person", pk=pair.left_id)
        if pair.right_individual_id:
            right = people.get(pair.right_individual_id) or Side(kind="person", pk=pair.right_individual_id)
        else:
            right = _row_side(rows[pair.right_record_id]) if pair.right_record_id in rows else Side(kind="row", pk=pair.right_record_id or 0)
        cards.append(PairCard(pair=pair, left=left, right=right, evidence=_evidence(pair), merge_url=merge_url(pair)))
    if pairs:
        audit.record_read(
            actor=actor,
            action=action,
            ids=sorted(people_ids),
            target=linkage_run,
            is_list=is_list,
            data={
                "linkage_run_id": linkage_run.pk,
                "pair_ids": [p.pk for p in pairs],
                "list_record_ids": sorted(rows),
            },
        )
    return cards
