"""Loading reference geography: the built-in gazetteer and file sets in the layout of the shared
reference data (``syria/``, ``hosts/``, ``borders/``).

Everything is read and checked first; a file set with any bad row is refused as a whole, with
the file and line of every problem, and nothing is written. A good set is written in one
transaction, keyed on the unit and crossing keys, so a second run changes nothing. Fields a
source leaves empty never erase a value already stored (for example coordinates, or the opening
days and capacity set in the app), and the gazetteer never overwrites a unit a file has loaded.
Boundary polygons (``*.geojson`` of the shared layout) are simplified and stored on their units,
matched by p-code or Wikidata id; a polygon without a known unit is counted, never refused. One
audit record per run, with counts.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from sabeel.core import audit
from sabeel.core.actors import Actor, system
from sabeel.core.permissions import require
from sabeel.geo.loader._check import check_reference_set
from sabeel.geo.loader._read import gazetteer_set, generated_key, read_reference_set
from sabeel.geo.loader._rows import GAZETTEER_SOURCE, LoadReport, Problem, ReferenceSet, ReferenceSetRefused
from sabeel.geo.loader._write import write_reference_set

__all__ = [
    "GAZETTEER_SOURCE",
    "LoadReport",
    "Problem",
    "ReferenceSet",
    "ReferenceSetRefused",
    "check_reference_set",
    "gazetteer_set",
    "generated_key",
    "geo_load",
    "load_gazetteer",
    "read_reference_set",
]


@transaction.atomic
def geo_load(directory: Path | str, *, actor: Actor) -> LoadReport:
    """Load a reference file set (the layout of the shared data) in one transaction, or refuse
    it as a whole with every problem (``ReferenceSetRefused``). Idempotent; audited once."""
    require(actor, "geo.edit")
    ref, problems = read_reference_set(directory)
    if not problems:
        problems = check_reference_set(ref)
    if problems:
        raise ReferenceSetRefused(problems)
    report = write_reference_set(ref, LoadReport(source="reference"))
    audit.record(
        actor=actor,
        action="geo.reference_loaded",
        data={**report.counts(), "files": report.files, "absent": report.absent, "not_stored": report.not_stored},
    )
    return report


@transaction.atomic
def load_gazetteer(*, actor: Actor | None = None) -> LoadReport:
    """Load the built-in gazetteer (countries, and the first level of Syria, Lebanon and Jordan).
    Idempotent and audited; never overwrites a unit that a reference file set has loaded."""
    actor = actor or system("geo_gazetteer")
    require(actor, "geo.edit")
    ref = gazetteer_set()
    problems = check_reference_set(ref)
    if problems:  # a mistake in the facts themselves: fail loudly
        raise ReferenceSetRefused(problems)
    report = write_reference_set(ref, LoadReport(source=GAZETTEER_SOURCE))
    audit.record(actor=actor, action="geo.gazetteer_loaded", data=report.counts())
    return report
