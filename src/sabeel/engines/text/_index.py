from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sabeel.engines.text._normalise import NormalisedText, normalise
from sabeel.engines.text._similarity import _trigrams, compare


@dataclass(frozen=True)
class Candidate:
    """One name of a thing to be found; a thing (``key``) may have many names."""

    key: str
    text: str


@dataclass(frozen=True)
class Match:
    """The best-matching name of one key: its score (0.0 to 1.0) and whether the normalised
    forms are equal."""

    key: str
    text: str
    score: float
    exact: bool


class NameIndex:
    """An in-memory index of names for fuzzy look-up in Arabic or Latin script.

    Candidates sharing character trigrams with the query (in their own script or in the
    consonant skeleton) are scored with ``name_similarity``; the best name per key is kept.
    """

    def __init__(self, candidates: Iterable[Candidate], *, shortlist: int = 300) -> None:
        self._entries: list[tuple[Candidate, NormalisedText]] = []
        self._grams: dict[str, list[int]] = defaultdict(list)
        self._exact: dict[str, list[int]] = defaultdict(list)
        self._shortlist = shortlist
        for candidate in candidates:
            folded = normalise(candidate.text)
            if not folded.tokens:
                continue
            position = len(self._entries)
            self._entries.append((candidate, folded))
            self._exact[folded.key].append(position)
            for gram in self._grams_of(folded):
                self._grams[gram].append(position)

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def _grams_of(folded: NormalisedText) -> set[str]:
        grams = {"t" + g for g in _trigrams(folded.joined)}
        if folded.skeleton_key:
            grams |= {"s" + g for g in _trigrams(folded.skeleton_key)}
        return grams

    def search(self, query: str, *, limit: int = 10, min_score: float = 0.8) -> tuple[Match, ...]:
        """The keys whose names best match ``query``, best first (ties by key), at most ``limit``."""
        folded = normalise(query)
        if not folded.tokens or limit <= 0:
            return ()
        shared: dict[int, int] = defaultdict(int)
        for gram in self._grams_of(folded):
            for position in self._grams.get(gram, ()):
                shared[position] += 1
        shortlist = sorted(shared, key=lambda p: (-shared[p], p))[: self._shortlist]
        exact = set(self._exact.get(folded.key, ()))
        best: dict[str, Match] = {}
        for position in exact.union(shortlist):
            candidate, other = self._entries[position]
            score = 1.0 if position in exact else compare(folded, other)
            if score < min_score:
                continue
            current = best.get(candidate.key)
            if current is None or (score, position in exact) > (current.score, current.exact):
                best[candidate.key] = Match(key=candidate.key, text=candidate.text, score=score, exact=position in exact)
        ranked = sorted(best.values(), key=lambda m: (-m.score, not m.exact, m.key))
        return tuple(ranked[:limit])
