"""Checks across the files of a set: keys once, parents present, references known."""

from __future__ import annotations

from django.utils.translation import gettext as _

from sabeel.geo.choices import Country
from sabeel.geo.loader._rows import Problem, ReferenceSet, UnitRow
from sabeel.geo.models import AdminUnit


def check_reference_set(ref: ReferenceSet) -> list[Problem]:
    """Every key once, every parent present (in the set or already loaded) one level up in the
    same country, every alias and crossing pointing at a known unit."""
    problems: list[Problem] = []
    planned: dict[str, UnitRow] = {}
    for row in ref.units:
        if not row.key:
            continue
        first = planned.get(row.key)
        if first is not None:
            problems.append(
                Problem(row.source, row.line, _("%(key)s appears twice (first in %(file)s line %(line)d)")
                        % {"key": row.key, "file": first.source, "line": first.line})
            )  # fmt: skip
            continue
        planned[row.key] = row
    stored = {
        key: (country, level)
        for key, country, level in AdminUnit.objects.values_list("key", "country", "level")
    }
    known: dict[str, tuple[str, int]] = {**stored, **{k: (r.country, r.level) for k, r in planned.items()}}
    for row in planned.values():
        if row.key in stored and stored[row.key] != (row.country, row.level):
            problems.append(
                Problem(row.source, row.line, _("%(key)s is already loaded as a level-%(level)d unit of %(country)s")
                        % {"key": row.key, "level": stored[row.key][1], "country": stored[row.key][0]})
            )  # fmt: skip
        if row.parent_key is None:
            continue
        parent = known.get(row.parent_key)
        if parent is None:
            problems.append(Problem(row.source, row.line, _("parent %(parent)s does not exist") % {"parent": row.parent_key}))
        elif parent != (row.country, row.level - 1):
            problems.append(
                Problem(row.source, row.line, _("parent %(parent)s is not a level-%(level)d unit of the same country")
                        % {"parent": row.parent_key, "level": row.level - 1})
            )  # fmt: skip
    for name in ref.names:
        unit = known.get(name.unit_key)
        if unit is None:
            problems.append(Problem(name.source, name.line, _("unit %(key)s does not exist") % {"key": name.unit_key}))
        elif name.level is not None and unit[1] != name.level:
            problems.append(
                Problem(name.source, name.line, _("unit %(key)s is at level %(actual)d, not %(level)d")
                        % {"key": name.unit_key, "actual": unit[1], "level": name.level})
            )  # fmt: skip
    seen: dict[str, int] = {}
    for crossing in ref.crossings:
        if crossing.key in seen:
            problems.append(
                Problem(crossing.source, crossing.line, _("%(key)s appears twice (first on line %(line)d)")
                        % {"key": crossing.key, "line": seen[crossing.key]})
            )  # fmt: skip
        seen.setdefault(crossing.key, crossing.line)
        for key in crossing.syria_keys:
            if known.get(key, ("", 0))[0] != Country.SYRIA:
                problems.append(Problem(crossing.source, crossing.line, _("Syrian unit %(key)s does not exist") % {"key": key}))
        for key in crossing.neighbour_keys:
            if known.get(key, ("", 0))[0] != crossing.neighbour_country_key:
                problems.append(
                    Problem(crossing.source, crossing.line, _("unit %(key)s of %(country)s does not exist")
                            % {"key": key, "country": crossing.neighbour_country_key})
                )  # fmt: skip
        if len(crossing.neighbour_keys) == 2:
            district = planned.get(crossing.neighbour_keys[1])
            if district is not None and district.parent_key != crossing.neighbour_keys[0]:
                problems.append(
                    Problem(crossing.source, crossing.line, _("%(code)s is not in %(parent)s")
                            % {"code": crossing.neighbour_keys[1], "parent": crossing.neighbour_keys[0]})
                )  # fmt: skip
    return problems
