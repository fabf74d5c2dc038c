from __future__ import annotations

from collections.abc import Callable, Sequence

from sabeel.engines.text._normalise import NormalisedText, Script, normalise

# A match found only through the consonant skeleton (across scripts, or vowels spelt
# differently) never scores as high as a spelling match, and skeleton words that differ count
# less still: a skeleton is short and loses the vowels.
SKELETON_WEIGHT = 0.9
SKELETON_FUZZY_WEIGHT = 0.85
# Two consonants or fewer say little ("داريا" and "Daraa" are both "dr").
SHORT_SKELETON = 2
SHORT_SKELETON_WEIGHT = 0.85
# Within one script the spelling is the better evidence: the skeleton may lift a spelled score by
# this much at most ("Dayr al-Zawr" / "Deir ez-Zor"), not make two unlike spellings meet.
SKELETON_LIFT = 0.12


def jaro_winkler(a: str, b: str, *, prefix_scale: float = 0.1) -> float:
    """Jaro-Winkler similarity of two strings, 0.0 (nothing shared) to 1.0 (equal)."""
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    if not la or not lb:
        return 0.0
    window = max(max(la, lb) // 2 - 1, 0)
    a_flags = [False] * la
    b_flags = [False] * lb
    matches = 0
    for i, char in enumerate(a):
        for j in range(max(0, i - window), min(lb, i + window + 1)):
            if not b_flags[j] and b[j] == char:
                a_flags[i] = b_flags[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    transpositions = 0
    j = 0
    for i in range(la):
        if a_flags[i]:
            while not b_flags[j]:
                j += 1
            if a[i] != b[j]:
                transpositions += 1
            j += 1
    m = float(matches)
    jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3
    if jaro <= 0.7:
        return jaro
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * prefix_scale * (1 - jaro)


def _trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def trigram_similarity(a: str, b: str) -> float:
    """Dice coefficient of the two strings' padded character trigrams, 0.0 to 1.0."""
    if a == b:
        return 1.0
    ta, tb = _trigrams(a), _trigrams(b)
    if not ta or not tb:
        return 0.0
    return 2 * len(ta & tb) / (len(ta) + len(tb))


def _skeleton_pair(a: str, b: str) -> float:
    return 1.0 if a == b else SKELETON_FUZZY_WEIGHT * jaro_winkler(a, b)


def _directed(x: Sequence[str], y: Sequence[str], pair: Callable[[str, str], float]) -> float:
    return sum(max(pair(t, u) for u in y) * len(t) for t in x)


def token_similarity(
    a: Sequence[str], b: Sequence[str], *, pair: Callable[[str, str], float] = jaro_winkler
) -> float:
    """Symmetric similarity of two token lists: each token meets its best partner on the other
    side (Jaro-Winkler by default), weighted by length, so that word order does not matter and
    an extra word lowers the score."""
    if not a or not b:
        return 0.0
    total = sum(len(t) for t in a) + sum(len(t) for t in b)
    if not total:
        return 0.0
    return (_directed(a, b, pair) + _directed(b, a, pair)) / total


def _same_script(a: NormalisedText, b: NormalisedText) -> bool:
    return a.script == b.script or Script.MIXED in (a.script, b.script)


def compare(a: NormalisedText, b: NormalisedText) -> float:
    if not a.tokens or not b.tokens:
        return 0.0
    if a.tokens == b.tokens:
        return 1.0
    same_script = _same_script(a, b)
    spelled = 0.0
    if same_script:
        # Words written together or apart ("Tallkalakh", "Tall Kalakh") meet on the joined form.
        spelled = max(token_similarity(a.tokens, b.tokens), trigram_similarity(a.joined, b.joined))
    if not (a.skeleton and b.skeleton):
        return round(spelled, 4)
    if a.skeleton_key == b.skeleton_key:
        by_skeleton = SHORT_SKELETON_WEIGHT if len(a.skeleton_key) <= SHORT_SKELETON else SKELETON_WEIGHT
    else:
        by_skeleton = SKELETON_WEIGHT * token_similarity(a.skeleton, b.skeleton, pair=_skeleton_pair)
    if same_script:
        by_skeleton = min(by_skeleton, spelled + SKELETON_LIFT)
    return round(max(spelled, by_skeleton), 4)


def name_similarity(a: str | NormalisedText, b: str | NormalisedText) -> float:
    """How alike two names are, 0.0 to 1.0, whatever script each is typed in.

    1.0 means equal once normalised; a match through the consonant skeleton alone (for example
    Arabic against Latin script) scores at most 0.9."""
    na = a if isinstance(a, NormalisedText) else normalise(a)
    nb = b if isinstance(b, NormalisedText) else normalise(b)
    return compare(na, nb)
