"""find_matches: one new record against a prepared registry, the same pairs and weights as Splink."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sabeel.engines.linkage import RegistryIndex, TrainedModel, deduplicate, find_matches
from sabeel.engines.linkage.testing import SyntheticLists
from sabeel.engines.linkage.tests.conftest import SETTINGS


def test_the_index_gives_splinks_pairs_and_match_weights(lists: SyntheticLists, model: TrainedModel) -> None:
    """Every record against the registry of all records: the pairs above the floor and their
    match weights, level by level, are those of ``deduplicate`` (Splink on DuckDB)."""
    expected: dict[str, dict[str, object]] = {}
    for pair in deduplicate(lists.records, model=model, settings=SETTINGS).pairs:
        expected.setdefault(pair.left_id, {})[pair.right_id] = pair
        expected.setdefault(pair.right_id, {})[pair.left_id] = pair
    index = RegistryIndex.build(lists.records, model=model)
    assert len(index) == len(lists.records)
    compared = 0
    for record in lists.records:
        found = {pair.right_id: pair for pair in find_matches(record, index, model=model, settings=SETTINGS)}
        assert set(found) == set(expected.get(record.record_id, {})), record.record_id
        for other, pair in found.items():
            splink = expected[record.record_id][other]
            assert pair.match_weight == pytest.approx(splink.match_weight, abs=1e-9)  # type: ignore[attr-defined]
            assert pair.probability == pytest.approx(splink.probability, abs=1e-12)  # type: ignore[attr-defined]
            assert [(e.comparison, e.level) for e in pair.evidence] == [(e.comparison, e.level) for e in splink.evidence]  # type: ignore[attr-defined]
            compared += 1
    assert compared > 400


def test_a_new_record_finds_its_person_first(lists: SyntheticLists, model: TrainedModel) -> None:
    """The second agency's records (one script only, another style) against the first agency's
    registry: the true record is the best match for nearly all of them."""
    index = RegistryIndex.build(lists.first, model=model)
    truth = {right: left for left, right in lists.truth}
    by_id = {r.record_id: r for r in lists.second}
    first_hits = 0
    for right, left in truth.items():
        matches = find_matches(by_id[right], index, model=model, settings=SETTINGS)
        assert all(m.left_id == right for m in matches)
        assert [m.probability for m in matches] == sorted((m.probability for m in matches), reverse=True)
        first_hits += bool(matches) and matches[0].right_id == left
    assert first_hits / len(truth) >= 0.95


def test_a_plain_list_is_indexed_on_the_spot_and_the_record_itself_is_never_a_match(
    lists: SyntheticLists, model: TrainedModel
) -> None:
    record = lists.first[0]
    matches = find_matches(record, lists.first[:80], model=model, settings=SETTINGS)
    assert record.record_id not in {m.right_id for m in matches}
    with pytest.raises(ValueError, match="appears twice"):
        RegistryIndex.build([record, record], model=model)


def test_members_of_one_registered_household_get_no_household_weight(lists: SyntheticLists, model: TrainedModel) -> None:
    """Two members of one household share its head, origin and size by construction: that level
    is neutral (weight 0), while two records of one family in two households' registrations
    (the second agency's) still earn the household context (a little: among people of one
    father's and family name a shared head is common, see ``_model.household_comparison``)."""
    index = RegistryIndex.build(lists.records, model=model)
    by_id = {record.record_id: record for record in lists.records}
    household_weights: dict[bool, list[float]] = {True: [], False: []}
    for record in lists.records[::3]:
        for pair in find_matches(record, index, model=model, settings=replace(SETTINGS, floor=0.01)):
            other = by_id[pair.right_id]
            same = (other.source, other.household_id) == (record.source, record.household_id)
            (evidence,) = [e for e in pair.evidence if e.comparison == "household"]
            if same:
                assert evidence.level == "same registered household" and evidence.weight == 0.0
            household_weights[same].append(evidence.weight)
    assert household_weights[True] and max(household_weights[False]) > 0
