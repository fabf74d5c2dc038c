"""Pure string work on names and places in Arabic and Latin script.

Normalisation (Arabic orthography, Latin transliteration habits, Eastern Arabic and Persian
digits), a script-independent consonant skeleton, similarity scores (Jaro-Winkler, trigram,
token-based) and a small in-memory name index. Never imports Django or the Sabeel apps.

    >>> from sabeel.engines.text import name_similarity
    >>> name_similarity("Mohammed", "Muhammad")
    1.0
"""

from sabeel.engines.text._arabic import normalise_arabic
from sabeel.engines.text._digits import fold_digits
from sabeel.engines.text._index import Candidate, Match, NameIndex
from sabeel.engines.text._latin import normalise_latin
from sabeel.engines.text._normalise import NormalisedText, Script, detect_script, normalise, skeleton
from sabeel.engines.text._person import (
    PARTS,
    NameComparison,
    NameFrequencies,
    Part,
    PartAgreement,
    PersonName,
    common_form,
    compare_names,
    match_query,
    other_script_reading,
)
from sabeel.engines.text._similarity import jaro_winkler, name_similarity, token_similarity, trigram_similarity

__all__ = [
    "PARTS",
    "Candidate",
    "Match",
    "NameComparison",
    "NameFrequencies",
    "NameIndex",
    "NormalisedText",
    "Part",
    "PartAgreement",
    "PersonName",
    "Script",
    "common_form",
    "compare_names",
    "detect_script",
    "fold_digits",
    "jaro_winkler",
    "match_query",
    "name_similarity",
    "normalise",
    "normalise_arabic",
    "normalise_latin",
    "other_script_reading",
    "skeleton",
    "token_similarity",
    "trigram_similarity",
]
