"""Bulk loading of synthetic households (``engines.synth``) into the registry: ``manage.py
synth_load``, ``make demo`` and the benchmarks.

One run loads one working group in **one transaction**: households, members, phones, external
ids, the search index (``NameKey``, from ``search.name_keys_for``), the first ``RecordVersion`` of
every household and person (``household.created`` / ``individual.created``, the initial values
as ``[old, new]`` changes, as ``services.household_create`` writes them) and **one** audit record
for the run. A failure rolls all of it back, registration numbers included; a second run adds
another batch under new numbers.

The batch is generated in parts of ``PART_HOUSEHOLDS``: part 0 with the run's seed (so a run of up
to that many households is exactly ``generate_households`` for the seed), part *i* with a seed
derived from it, so that the same seed always gives the same people in the same order, however
many processes generate them. (Each part numbers UNHCR cases on its own, so two parts may now and
then share a case number, as two registrations of one case would.)

How it is fast:

* Ids are assigned in the process, without round trips: the loaded tables are locked against
  other writers (``EXCLUSIVE`` on PostgreSQL, so reads go on; SQLite's write lock), each id
  sequence is read once and set past the batch at the end. Registration numbers come in one
  block from ``RegistrationCounter`` (``numbers.numbers_allocate``).
* PostgreSQL: ``COPY … FROM STDIN``. A large batch is generated and turned into COPY text by
  worker processes (forked before any thread starts; they never touch the database) while the
  loading process streams the finished parts to PostgreSQL from a second thread. With
  ``rebuild_indexes`` (by default when the batch at least doubles the tables) the non-unique
  secondary indexes of the loaded tables and their foreign keys are dropped first and built again
  at the end: the indexes Django declares (``Meta.indexes``, foreign-key and ``_like`` indexes)
  from the schema editor's own statements, any other from its catalogue definition, and each
  foreign key validated in one pass instead of one trigger per row. That takes ``ACCESS
  EXCLUSIVE`` locks until the end: run large loads when nobody works in the registry. The tables
  are ``ANALYZE``d afterwards, and the name keys ``VACUUM``ed after the commit (when the load is
  not inside a caller's transaction), so that the search's index-only scans need no table visits.
* SQLite: ``executemany`` per part inside the one transaction.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import operator
import os
import queue
import re
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from sabeel.core import audit
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import require
from sabeel.engines.synth import AdminUnitRef, SynthConfig, SynthHousehold, SynthPerson, generate_households
from sabeel.geo.models import AdminUnit
from sabeel.registry.choices import DatePrecision, HouseholdStatus, IdScheme, Language, MemberStatus
from sabeel.registry.fieldgroups import NAME_FIELDS
from sabeel.registry.models import ExternalId, Household, Individual, NameKey, Phone, RecordVersion
from sabeel.registry.needs import is_sensitive
from sabeel.registry.numbers import external_id_normalise, numbers_allocate, registration_number
from sabeel.registry.readings import generated_readings, with_generated
from sabeel.registry.search import name_keys_for
from sabeel.workgroups.models import WorkingGroup

__all__ = [
    "COLUMNS",
    "DEMO_HOUSEHOLDS_PER_GROUP",
    "DEMO_SEED",
    "LOADED_MODELS",
    "PART_HOUSEHOLDS",
    "SYNTH_HOSTS",
    "LoadReport",
    "declared_indexes",
    "demo_households_load",
    "part_seeds",
    "synth_batch",
    "synth_config",
    "synth_households_load",
    "working_groups_for",
]

SYNTH_HOSTS = {"LB": "LBN", "JO": "JOR"}  # working-group host country → engines.synth host code
DEMO_SEED = 2025
DEMO_HOUSEHOLDS_PER_GROUP = 10_000
PART_HOUSEHOLDS = 5_000
AUTO_REBUILD_MIN_HOUSEHOLDS = 5_000
LOADED_MODELS: tuple[type[models.Model], ...] = (Household, Individual, Phone, ExternalId, NameKey, RecordVersion)
# The columns each loaded row fills, in order (checked against the models at every run).
COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    Household: (
        "id", "created_at", "updated_at", "registration_number", "working_group_id", "host_country",
        "current_location_id", "origin_id", "destination_id", "preferred_language", "status", "closed_reason",
        "closed_at", "protection_notes", "version", "created_by_id",
    ),
    Individual: (
        "id", "created_at", "updated_at", "household_id", *NAME_FIELDS, "generated_names", "sex", "date_of_birth",
        "dob_precision", "relationship", "documents_held", "documents_missing", "specific_needs", "sensitive_needs",
        "status", "status_reason", "version",
    ),
    Phone: ("id", "created_at", "updated_at", "household_id", "number", "is_primary", "is_active"),
    ExternalId: (
        "id", "created_at", "updated_at", "household_id", "individual_id", "scheme", "value", "normalised", "is_active",
    ),
    NameKey: ("id", "individual_id", "working_group_id", "born", "key"),
    RecordVersion: ("id", "household_id", "individual_id", "version", "at", "actor_kind", "actor_id", "action", "changes"),
}  # fmt: skip

Model = type[models.Model]
Rows = dict[Model, list[tuple[Any, ...]]]


@dataclass(frozen=True)
class LoadReport:
    """What one run loaded into one working group."""

    working_group_id: int
    seed: int
    households: int
    individuals: int
    phones: int
    external_ids: int
    name_keys: int
    versions: int
    first_household_id: int
    last_household_id: int
    first_number: str
    last_number: str
    indexes_rebuilt: bool
    workers: int
    seconds: float = 0.0
    phases: tuple[tuple[str, float], ...] = ()  # (phase, seconds): rows, indexes, foreign keys, analyze

    @property
    def rows(self) -> int:
        return self.households + self.individuals + self.phones + self.external_ids + self.name_keys + self.versions

    def audit_data(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "household_count": self.households,
            "individual_count": self.individuals,
            "phone_count": self.phones,
            "external_id_count": self.external_ids,
            "name_key_count": self.name_keys,
            "version_count": self.versions,
            "first_household_id": self.first_household_id,
            "last_household_id": self.last_household_id,
            "indexes_rebuilt": self.indexes_rebuilt,
        }

    def summary(self) -> str:
        return (
            f"{self.households:,} households, {self.individuals:,} people ({self.first_number} … {self.last_number}), "
            f"{self.rows:,} rows in {self.seconds:.1f} s"
        )


# --- what to generate ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Places:
    syria: tuple[AdminUnitRef, ...]
    host: tuple[AdminUnitRef, ...]
    ids: dict[str, int]


def _places(host_country: str) -> _Places:
    # In key order: the generator draws places by position, so the same seed loads the same
    # places on every database (the table's own order differs between fresh databases).
    rows = (
        AdminUnit.objects.filter(country__in=("SY", host_country), level__gte=1)
        .order_by("key")
        .values_list("id", "key", "country", "level", "parent__key")
    )
    ids: dict[str, int] = {}
    units: dict[str, list[AdminUnitRef]] = {"SY": [], host_country: []}
    for pk, key, country, level, parent_key in rows:
        ids[key] = pk
        units[country].append(AdminUnitRef(key, level, parent_key if level > 1 else None))
    if not units["SY"] or not units[host_country]:
        raise ServiceError(
            f"No admin units of Syria and {host_country} are loaded: run `manage.py geo_gazetteer` "
            "(or `manage.py geo_load DIR`) first."
        )
    return _Places(tuple(units["SY"]), tuple(units[host_country]), ids)


def synth_config(*, working_group: WorkingGroup, seed: int, households: int, places: _Places | None = None) -> SynthConfig:
    """The generator's config for a working group: its host country and the loaded admin units
    (Syrian origins, host locations); needs at least the gazetteer."""
    places = places or _places(str(working_group.host_country))
    return SynthConfig(
        seed=seed, host_country=SYNTH_HOSTS[str(working_group.host_country)], households=households,
        syria_units=places.syria, host_units=places.host,
    )  # fmt: skip


def part_seeds(seed: int, households: int) -> list[tuple[int, int]]:
    """(seed, households) of each part of a batch: part 0 has the run's seed."""
    parts = []
    for index, start in enumerate(range(0, households, PART_HOUSEHOLDS)):
        derived = int.from_bytes(hashlib.sha256(f"sabeel-synth/{seed}/{index}".encode()).digest()[:8], "big")
        parts.append((seed if index == 0 else derived, min(PART_HOUSEHOLDS, households - start)))
    return parts


def synth_batch(config: SynthConfig) -> Iterator[SynthHousehold]:
    """The households a run with ``config`` loads, in registration order (part by part)."""
    for part_seed, count in part_seeds(config.seed, config.households):
        yield from generate_households(replace(config, seed=part_seed, households=count))


@dataclass(frozen=True)
class _Part:
    index: int
    seed: int
    households: int
    first_sequence: int  # the registration-number sequence value of its first household


@dataclass
class _Generated:
    households: list[SynthHousehold]
    keys: list[tuple[str, ...]]  # per person, in order
    counts: dict[Model, int]
    readings: list[str] = dataclass_field(default_factory=list)  # per person, in order: generated_names as JSON


def _readings_json(generated: Mapping[str, str]) -> str:
    return json.dumps(generated, ensure_ascii=False, sort_keys=True) if generated else "{}"


_names = operator.attrgetter(*NAME_FIELDS)


def _generate(part: _Part, template: SynthConfig) -> _Generated:
    households = list(generate_households(replace(template, seed=part.seed, households=part.households)))
    # The other-script reading of the names the generator left empty (one-script registrations),
    # cached per distinct part by readings.generated_readings; indexed with the typed names.
    keys, readings = [], []
    for household in households:
        for person in household.members:
            typed = dict(zip(NAME_FIELDS, _names(person), strict=True))
            generated = generated_readings(typed)
            keys.append(tuple(sorted(name_keys_for(with_generated(typed, generated)))))
            readings.append(_readings_json(generated))
    people = len(keys)
    counts = {
        Household: len(households),
        Individual: people,
        Phone: sum(len(h.phones) for h in households),
        ExternalId: sum(bool(h.unhcr_case_number) + bool(h.host_government_id) for h in households),
        NameKey: sum(map(len, keys)),
        RecordVersion: len(households) + people,
    }
    return _Generated(households, keys, counts, readings)


# --- rows ---------------------------------------------------------------------------------------


class _Rows:
    """Turns a generated part into rows of the loaded tables, with ids from ``starts``.

    Versions carry what ``services.household_create`` records: ``household.created`` with the
    places (admin-unit keys), language, status, phones and external ids; ``individual.created``
    with every non-empty value of the person. A ``NameKey`` row is kept as ``(first id,
    individual id, group id, year of birth, keys)`` and spread out by the writer."""

    def __init__(self, *, group: WorkingGroup, place_ids: dict[str, int], stamp: Any, actor: Actor, null: Any = None):
        who = as_actor(actor)
        self.actor_kind, self.actor_id = str(who.kind), str(who.id)
        self.group_id = group.pk
        self.host = str(group.host_country)
        self.places = place_ids
        self.stamp = stamp
        self.null = null  # what an empty column holds: None, or COPY's \N
        self.ids: dict[Model, int] = {}
        self.json: dict[Any, str] = {}
        self.changes: dict[tuple[str, Any], str] = {}

    def _json(self, value: str | tuple[str, ...]) -> str:
        text = self.json.get(value)
        if text is None:
            text = self.json[value] = json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)
        return text

    def _change(self, field: str, value: str | tuple[str, ...]) -> str:
        text = self.changes.get((field, value))
        if text is None:
            text = self.changes[(field, value)] = f'"{field}":[null,{self._json(value)}]'
        return text

    def build(self, generated: _Generated, part: _Part, starts: Mapping[Model, int]) -> Rows:
        self.ids = dict(starts)
        out: Rows = {model: [] for model in LOADED_MODELS}
        keys = iter(generated.keys)
        readings = iter(generated.readings)
        for offset, household in enumerate(generated.households):
            self._household(household, registration_number(self.host, part.first_sequence + offset), keys, readings, out)
        used = {model: self.ids[model] - starts[model] for model in LOADED_MODELS}
        if used != generated.counts:
            raise RuntimeError(f"rows built {used} differ from the counts announced {generated.counts}")
        return out

    def _take(self, model: Model, count: int = 1) -> int:
        value = self.ids[model]
        self.ids[model] = value + count
        return value

    def _household(
        self, synth: SynthHousehold, number: str, keys: Iterator[tuple[str, ...]], readings: Iterator[str], out: Rows
    ) -> None:
        stamp, places, as_json = self.stamp, self.places, self._json
        household_id = self._take(Household)
        out[Household].append((
            household_id, stamp, stamp, number, self.group_id, self.host, places[synth.current_location_code],
            places[synth.origin_code], places[synth.destination_code], Language.ARABIC.value,
            HouseholdStatus.OPEN.value, "", self.null, "", 1, self.null,
        ))  # fmt: skip
        changes = [
            f'"current_location":[null,{as_json(synth.current_location_code)}]',
            f'"origin":[null,{as_json(synth.origin_code)}]',
            f'"destination":[null,{as_json(synth.destination_code)}]',
            f'"preferred_language":[null,"{Language.ARABIC.value}"]',
            f'"status":[null,"{HouseholdStatus.OPEN.value}"]',
        ]
        if synth.phones:
            first = self._take(Phone, len(synth.phones))
            out[Phone].extend(
                (first + i, stamp, stamp, household_id, phone, i == 0, True) for i, phone in enumerate(synth.phones)
            )
            changes.append(f'"phones":[[],{as_json(synth.phones)}]')
        external = []
        for scheme, value in ((IdScheme.UNHCR_CASE.value, synth.unhcr_case_number), (IdScheme.HOST_GOVERNMENT.value, synth.host_government_id)):
            if value:
                out[ExternalId].append(
                    (self._take(ExternalId), stamp, stamp, household_id, self.null, scheme, value, external_id_normalise(value), True)
                )
                external.append(f"{scheme}:{value}")
        if external:
            changes.append(f'"external_ids":[[],{as_json(tuple(external))}]')
        out[RecordVersion].append(self._version(household_id, self.null, "household.created", changes))
        for person in synth.members:
            self._person(person, household_id, next(keys), next(readings), out)

    def _person(self, person: SynthPerson, household_id: int, keys: tuple[str, ...], readings: str, out: Rows) -> None:
        stamp, as_json = self.stamp, self._json
        individual_id = self._take(Individual)
        names: tuple[str, ...] = _names(person)
        needs: tuple[str, ...] = person.specific_needs
        sensitive: tuple[str, ...] = ()
        if any(is_sensitive(code) for code in needs):
            needs = tuple(code for code in person.specific_needs if not is_sensitive(code))
            sensitive = tuple(code for code in person.specific_needs if is_sensitive(code))
        born = person.birth_date.isoformat() if person.birth_date is not None else self.null
        precision = person.birth_date_precision or DatePrecision.UNKNOWN.value
        out[Individual].append((
            individual_id, stamp, stamp, household_id, *names, readings, person.sex, born, precision, person.relationship,
            as_json(person.documents_held), as_json(person.documents_missing), as_json(needs), as_json(sensitive),
            MemberStatus.ACTIVE.value, "", 1,
        ))  # fmt: skip
        year = person.birth_date.year if person.birth_date is not None else self.null
        out[NameKey].append((self._take(NameKey, len(keys)), individual_id, self.group_id, year, keys))
        change = self._change
        changes = [change(field, value) for field, value in zip(NAME_FIELDS, names, strict=True) if value]
        changes += (change("sex", person.sex), change("relationship", person.relationship))
        if person.birth_date is not None:
            changes.append(f'"date_of_birth":[null,"{born}"]')
        changes.append(change("dob_precision", precision))
        for field, codes in (
            ("documents_held", person.documents_held), ("documents_missing", person.documents_missing),
            ("specific_needs", needs), ("sensitive_needs", sensitive),
        ):  # fmt: skip
            if codes:
                changes.append(change(field, codes))
        out[RecordVersion].append(self._version(household_id, individual_id, "individual.created", changes))

    def _version(self, household_id: int, individual_id: Any, action: str, changes: list[str]) -> tuple[Any, ...]:
        body = "{" + ",".join(changes) + "}"
        return (self._take(RecordVersion), household_id, individual_id, 1, self.stamp, self.actor_kind, self.actor_id, action, body)


def _name_key_rows(rows: list[tuple[Any, ...]]) -> Iterator[tuple[int, int, int, int | None, str]]:
    for first, individual_id, group_id, born, keys in rows:
        for offset, key in enumerate(keys):
            yield first + offset, individual_id, group_id, born, key


def _check_columns() -> None:
    """Every column of a loaded model is filled here or may be left to the database: a field added
    to a model later stops the load at once with this message, not half-way through."""
    for model, columns in COLUMNS.items():
        fields = {f.column: f for f in model._meta.concrete_fields}
        unknown = sorted(set(columns) - set(fields))
        missing = [c for c, f in fields.items() if c not in columns and not f.null and not f.has_db_default()]  # type: ignore[attr-defined]
        if unknown or missing:
            raise RuntimeError(
                f"registry.bulk does not match {model._meta.label}: it fills {unknown}, which the model lacks, "
                f"and leaves out {missing}, which are required; update bulk.COLUMNS and _Rows."
            )


# --- writers ------------------------------------------------------------------------------------


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _copy_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


_NULL = "\\N"  # COPY's empty column; the builder puts this very object where a value is missing
_TEMPLATES = {model: "\t".join(["%s"] * len(columns)) for model, columns in COLUMNS.items()}
_SPECIAL = re.compile(r'[\\\x00-\x1f"]')  # what COPY text or JSON would escape
_COPY_SPECIAL = re.compile(r"[\\\x00-\x1f]")  # what COPY text would escape


def _copy_text(model: Model, rows: list[tuple[Any, ...]], *, clean: bool) -> bytes:
    """Rows (empty columns already ``_NULL``) in PostgreSQL's COPY text format. ``clean``: no value
    holds a backslash, control character or quote (checked once per part), so no escaping."""
    if model is NameKey:
        lines = [
            f"{first + offset}\t{individual_id}\t{group_id}\t{born}\t{key if clean else _copy_escape(key)}"
            for first, individual_id, group_id, born, keys in rows
            for offset, key in enumerate(keys)
        ]
    elif clean:
        template = _TEMPLATES[model]
        lines = [template % row for row in rows]
    else:
        lines = ["\t".join(v if v is _NULL else _copy_escape(str(v)) for v in row) for row in rows]
    lines.append("")
    return "\n".join(lines).encode()


def _is_clean(generated: _Generated) -> bool:
    values = [key for keys in generated.keys for key in keys]
    for household in generated.households:
        values += household.phones
        values += (household.unhcr_case_number or "", household.host_government_id or "")
        values += (household.current_location_code, household.origin_code, household.destination_code)
        for person in household.members:
            values += _names(person)
            values += (*person.documents_held, *person.documents_missing, *person.specific_needs)
    # The readings are JSON already (quotes are theirs): only what COPY text escapes matters there.
    return not _SPECIAL.search("".join(values)) and not _COPY_SPECIAL.search("".join(generated.readings))


class _SqliteWriter:
    """``executemany`` per table and part, inside the caller's transaction."""

    def __init__(self) -> None:
        self.raw = connection.connection
        self.sql = {
            model: f"INSERT INTO {_quote(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 - names from the models
            f"VALUES ({', '.join('?' * len(columns))})"
            for model, columns in COLUMNS.items()
        }

    def write(self, rows: Rows, *, clean: bool) -> None:
        for model, values in rows.items():
            if values:
                self.raw.executemany(self.sql[model], _name_key_rows(values) if model is NameKey else values)


class _PostgresWriter:
    """``COPY … FROM STDIN`` of COPY text, per table and part. ``start_thread`` moves the writing
    to a second thread fed through a short queue, so that parts arrive while others are written."""

    def __init__(self) -> None:
        self.raw = connection.connection
        self.sql = {
            model: f"COPY {_quote(model._meta.db_table)} ({', '.join(columns)}) FROM STDIN" for model, columns in COLUMNS.items()
        }
        self.queue: queue.Queue[dict[Model, bytes] | None] = queue.Queue(maxsize=2)
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def write(self, rows: Rows, *, clean: bool) -> None:
        self.write_text({model: _copy_text(model, values, clean=clean) for model, values in rows.items() if values})

    def write_text(self, texts: Mapping[Model, bytes]) -> None:
        with self.raw.cursor() as cursor:
            for model, text in texts.items():
                with cursor.copy(self.sql[model]) as copy:
                    copy.write(text)

    def start_thread(self) -> None:
        self.thread = threading.Thread(target=self._drain, name="synth-load-copy", daemon=True)
        self.thread.start()

    def _drain(self) -> None:
        while (texts := self.queue.get()) is not None:
            if self.error is None:
                try:
                    self.write_text(texts)
                except BaseException as exc:  # raised in the loading thread by put() or finish()
                    self.error = exc

    def put(self, texts: dict[Model, bytes]) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(texts)

    def finish(self) -> None:
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.thread = None
        if self.error is not None:
            raise self.error


# --- worker processes ---------------------------------------------------------------------------


def _worker(pipe: Any, parts: Sequence[_Part], template: SynthConfig, builder: _Rows) -> None:
    """Generate parts and send them back as COPY text: the counts first, to be given the first
    ids, then the text. Never touches the database (it shares the parent's connection socket)."""
    try:
        for part in parts:
            generated = _generate(part, template)
            pipe.send(("counts", generated.counts))
            rows = builder.build(generated, part, pipe.recv())
            clean = _is_clean(generated)
            pipe.send(("text", {model: _copy_text(model, values, clean=clean) for model, values in rows.items() if values}))
    except BaseException:
        pipe.send(("error", traceback.format_exc()))
    finally:
        pipe.close()


def _receive(pipe: Any, expected: str) -> Any:
    try:
        kind, payload = pipe.recv()
    except EOFError as exc:
        raise RuntimeError("a synth_load worker process ended unexpectedly") from exc
    if kind == "error":
        raise RuntimeError(f"a synth_load worker process failed:\n{payload}")
    if kind != expected:
        raise RuntimeError(f"a synth_load worker sent {kind!r}, expected {expected!r}")
    return payload


def _load_in_workers(
    parts: Sequence[_Part], template: SynthConfig, builder: _Rows, ids: dict[Model, int], writer: _PostgresWriter,
    workers: int, progress: Callable[[int], None] | None,
) -> None:  # fmt: skip
    context = multiprocessing.get_context("fork")
    pipes, processes = [], []
    for k in range(workers):
        ours, theirs = context.Pipe()
        process = context.Process(target=_worker, args=(theirs, parts[k::workers], template, builder), daemon=True)
        process.start()
        theirs.close()
        pipes.append(ours)
        processes.append(process)
    writer.start_thread()  # only now: no thread may run while the workers are forked
    try:
        done = 0
        for part in parts:
            pipe = pipes[part.index % workers]
            counts = _receive(pipe, "counts")
            pipe.send(dict(ids))
            for model, count in counts.items():
                ids[model] += count
            writer.put(_receive(pipe, "text"))
            done += part.households
            if progress is not None:
                progress(done)
        writer.finish()
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()
        writer.finish()


# --- PostgreSQL: locks, sequences, indexes and foreign keys --------------------------------------


def declared_indexes() -> list[tuple[str, str, str]]:
    """(table, index name, CREATE INDEX statement) of the non-unique indexes Django declares for the
    loaded models: field indexes (foreign keys, ``_like``) and ``Meta.indexes``."""
    editor = connection.schema_editor(collect_sql=True)
    declared = []
    for model in LOADED_MODELS:
        for statement in editor._model_indexes_sql(model):  # type: ignore[attr-defined]
            declared.append((model._meta.db_table, str(statement.parts["name"]).strip('"'), str(statement)))
    return declared


@dataclass
class _Deferred:
    indexes: list[tuple[str, str]]  # (name, CREATE INDEX statement)
    foreign_keys: list[tuple[str, str, str]]  # (table, name, definition)


def _pg_drop_secondary(cursor: Any) -> _Deferred:
    tables = [m._meta.db_table for m in LOADED_MODELS]
    cursor.execute(
        """SELECT i.relname, pg_get_indexdef(x.indexrelid)
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
            WHERE c.relname = ANY(%s) AND c.relnamespace = current_schema()::regnamespace
              AND NOT x.indisunique AND NOT x.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
            ORDER BY i.relname""",
        [tables],
    )
    declared = {name: sql for _table, name, sql in declared_indexes()}
    indexes = [(name, declared.get(name, definition)) for name, definition in cursor.fetchall()]
    cursor.execute(
        """SELECT c.relname, k.conname, pg_get_constraintdef(k.oid)
             FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
            WHERE k.contype = 'f' AND c.relname = ANY(%s) AND c.relnamespace = current_schema()::regnamespace
            ORDER BY c.relname, k.conname""",
        [tables],
    )
    foreign_keys = list(cursor.fetchall())
    # Checks still queued in this transaction (rows written before the load) block ALTER TABLE:
    # run them now, then go back to Django's deferred foreign keys.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    for table, name, _definition in foreign_keys:
        cursor.execute(f"ALTER TABLE {_quote(table)} DROP CONSTRAINT {_quote(name)}")
    for name, _sql in indexes:
        cursor.execute(f"DROP INDEX {_quote(name)}")
    return _Deferred(indexes, foreign_keys)


def _pg_restore_secondary(cursor: Any, deferred: _Deferred, clock: _Clock) -> None:
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    for _name, sql in deferred.indexes:
        cursor.execute(sql)
    clock.lap("indexes")
    for table, name, definition in deferred.foreign_keys:
        cursor.execute(f"ALTER TABLE {_quote(table)} ADD CONSTRAINT {_quote(name)} {definition}")
    clock.lap("foreign_keys")


def _id_starts(cursor: Any) -> tuple[dict[Model, int], dict[Model, str]]:
    starts: dict[Model, int] = {}
    sequences: dict[Model, str] = {}
    for model in LOADED_MODELS:
        table = model._meta.db_table
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
            sequences[model] = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [sequences[model]])
            starts[model] = cursor.fetchone()[0]
        else:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {_quote(table)}")  # noqa: S608 - a model's table
            highest = cursor.fetchone()[0]
            cursor.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM sqlite_sequence WHERE name = %s", [table])
            starts[model] = max(highest, cursor.fetchone()[0])
    return starts, sequences


# --- the run ------------------------------------------------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.phases: list[tuple[str, float]] = []

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.phases.append((phase, round(now - self.last, 2)))
        self.last = now


def synth_households_load(
    *,
    actor: Actor,
    working_group: WorkingGroup,
    households: int,
    seed: int,
    rebuild_indexes: bool | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> LoadReport:
    """Generate ``households`` synthetic households (``engines.synth``, seeded) for a host-country
    working group and load them, with members, phones, external ids, search keys, first versions
    and one audit record, in one transaction (the module docstring tells how).

    ``rebuild_indexes`` (PostgreSQL): drop the secondary indexes and foreign keys of the loaded
    tables first and build them at the end; ``None`` decides by size. ``workers``: processes
    that generate the parts on PostgreSQL (``None``: one more than the CPUs, at most three; 0:
    none). Never in production."""
    if settings.SABEEL_PRODUCTION:
        raise ServiceError("Synthetic households are never loaded into a production registry.")
    require(actor, "person.create", Household(working_group=working_group))
    host = str(working_group.host_country)
    if host not in SYNTH_HOSTS:
        raise ServiceError(f"The synthetic generator knows Lebanon and Jordan only, not {host!r}.")
    if households < 1:
        raise ServiceError("Load at least one household.")
    _check_columns()
    clock = _Clock()
    places = _places(host)
    template = synth_config(working_group=working_group, seed=seed, households=0, places=places)
    postgres = connection.vendor == "postgresql"
    if rebuild_indexes is None:
        rebuild_indexes = households >= max(AUTO_REBUILD_MIN_HOUSEHOLDS, Household.objects.count())
    rebuild = postgres and rebuild_indexes
    if workers is None:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        workers = min(3, cpus + 1)  # generating is the slower side: one more than the CPUs
    plan = part_seeds(seed, households)
    workers = min(workers, len(plan)) if postgres and len(plan) > 1 else 0

    with transaction.atomic(), connection.cursor() as cursor:
        block = numbers_allocate(host, households)
        parts, sequence = [], block.start
        for index, (part_seed, count) in enumerate(plan):
            parts.append(_Part(index, part_seed, count, sequence))
            sequence += count
        deferred = None
        if postgres:
            tables = ", ".join(_quote(m._meta.db_table) for m in LOADED_MODELS)
            cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
            if rebuild:
                deferred = _pg_drop_secondary(cursor)
        starts, sequences = _id_starts(cursor)
        ids = dict(starts)
        clock.lap("prepare")
        now = timezone.now()
        stamp = now.isoformat() if postgres else connection.ops.adapt_datetimefield_value(now)
        builder = _Rows(group=working_group, place_ids=places.ids, stamp=stamp, actor=actor, null=_NULL if postgres else None)
        if workers:
            writer = _PostgresWriter()
            _load_in_workers(parts, template, builder, ids, writer, workers, progress)
        else:
            sink: _PostgresWriter | _SqliteWriter = _PostgresWriter() if postgres else _SqliteWriter()
            done = 0
            for part in parts:
                generated = _generate(part, template)
                sink.write(builder.build(generated, part, ids), clean=postgres and _is_clean(generated))
                ids = dict(builder.ids)
                done += part.households
                if progress is not None:
                    progress(done)
        clock.lap("rows")
        if postgres:
            for model, sequence_name in sequences.items():
                if ids[model] > starts[model]:  # else the one value taken stays unused
                    cursor.execute("SELECT setval(%s, %s)", [sequence_name, ids[model] - 1])
            if deferred is not None:
                _pg_restore_secondary(cursor, deferred, clock)
            for model in LOADED_MODELS:
                cursor.execute(f"ANALYZE {_quote(model._meta.db_table)}")
            clock.lap("analyze")
        used = {model: ids[model] - starts[model] for model in LOADED_MODELS}
        report = LoadReport(
            working_group_id=working_group.pk,
            seed=seed,
            households=used[Household],
            individuals=used[Individual],
            phones=used[Phone],
            external_ids=used[ExternalId],
            name_keys=used[NameKey],
            versions=used[RecordVersion],
            first_household_id=starts[Household],
            last_household_id=ids[Household] - 1,
            first_number=registration_number(host, block.start),
            last_number=registration_number(host, block.stop - 1),
            indexes_rebuilt=rebuild,
            workers=workers,
        )
        audit.record(actor=actor, action="registry.synth_loaded", data=report.audit_data(), working_group_id=working_group.pk)
    clock.lap("commit")
    if postgres and not connection.in_atomic_block:
        # The search's key counts are index-only scans of the name keys; until the new rows are
        # vacuumed (autovacuum gets there minutes later) each entry also visits its table row:
        # 150 ms instead of 7 ms for a long query at a million people, measured.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {_quote(NameKey._meta.db_table)}")
        clock.lap("vacuum")
    return replace(report, seconds=round(time.perf_counter() - clock.started, 2), phases=tuple(clock.phases))


def working_groups_for(codes: Sequence[str]) -> list[WorkingGroup]:
    """The working groups with these codes, or a ServiceError naming the one that is missing."""
    groups = []
    for code in codes:
        group = WorkingGroup.objects.filter(code=code).first()
        if group is None:
            raise ServiceError(f"No working group with code {code!r}: run `manage.py demo_load` or create it first.")
        groups.append(group)
    return groups


def demo_households_load(*, actor: Actor, per_group: int = DEMO_HOUSEHOLDS_PER_GROUP, seed: int = DEMO_SEED) -> str:
    """``make demo``: ``per_group`` synthetic households in each of the Lebanon and Jordan working
    groups (codes ``lb`` and ``jo``); a group that has households already is left alone, so a
    second ``make demo`` adds nothing. Returns what was done, a line per group."""
    lines = []
    for group in [g for code in ("lb", "jo") for g in WorkingGroup.objects.filter(code=code)]:
        if Household.objects.filter(working_group=group).exists():
            lines.append(f"Registry, {group.name}: households already loaded, none added.")
            continue
        report = synth_households_load(actor=actor, working_group=group, households=per_group, seed=seed)
        lines.append(f"Registry, {group.name}: {report.summary()}.")
    return "\n".join(lines)
