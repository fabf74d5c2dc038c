"""Pure string work on names and places in Arabic and Latin script.

Normalisation (Arabic orthography, Latin transliteration habits, Eastern Arabic and Persian
digits), a script-independent consonant skeleton, similarity scores (Jaro-Winkler, trigram,
token-based) and a small in-memory name index. Never imports Django or the Sabeel apps.

    >>> from sabeel.engines.text import name_similarity
    >>> name_similarity("Mohammed", "Muhammad")
    1.0

**The name model** (``_person``, on ``_forms``/``_compare``): ``compare_names``, ``match_query``,
``other_script_reading``, ``NameFrequencies`` on a common representation of name words in which
Arabic script and English/French/Turkish/chat-digit transliterations meet (1.0 for the same name).

**Keys for the search index and Splink blocking** (one scheme for both):

- ``common_form(word)``: the key of one word (``محمد``/``Mehmet`` → ``mhmd``; ``يحيى``/``Yehia``
  → ``yh``; ``إلهام``/``Ilham`` → ``'lhm``; ``الخطيب``/``El Hatip``/``Alkhatib`` → ``hdb``);
- ``part_key(text)``: a whole part, its words' keys joined by ``+`` (``عبد الرحمن`` → ``'bd+rhmn``);
- ``word_keys(text)``: ``w:<part key>`` and, for several words, ``w:<word key>`` of each word
  that is not a half-word;
- ``pair_key(a, b)``: ``p:<smaller>|<larger>`` of two part keys, order-free;
- ``name_keys(name)``: all ``w:`` keys of a person's parts and the ``p:`` keys of the pairs
  first+father, first+family, father+family, first+grandfather, over every reading.

A query is keyed with ``part_key`` of its runs of words, paired with ``pair_key``;
``query_forms(query)`` gives the forms once for ``match_query`` over many candidates;
``word_similarity(a, b)`` compares two of those forms (cached), for a cheap first cut.
"""

from sabeel.engines.text._arabic import normalise_arabic
from sabeel.engines.text._compare import word_similarity
from sabeel.engines.text._digits import fold_digits
from sabeel.engines.text._forms import WordForm, has_turkish_letters, word_forms
from sabeel.engines.text._index import Candidate, Match, NameIndex
from sabeel.engines.text._latin import normalise_latin
from sabeel.engines.text._normalise import NormalisedText, Script, detect_script, normalise, skeleton
from sabeel.engines.text._person import (
    KEY_PAIRS,
    PARTS,
    NameComparison,
    NameFrequencies,
    Part,
    PartAgreement,
    PersonName,
    common_form,
    compare_names,
    match_query,
    name_keys,
    other_script_reading,
    pair_key,
    part_key,
    query_forms,
    sibilant_interdentals,
    soft_c,
    unexplained_c,
    word_keys,
)
from sabeel.engines.text._similarity import jaro_winkler, name_similarity, token_similarity, trigram_similarity

__all__ = [
    "KEY_PAIRS",
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
    "WordForm",
    "common_form",
    "compare_names",
    "detect_script",
    "fold_digits",
    "has_turkish_letters",
    "jaro_winkler",
    "match_query",
    "name_keys",
    "name_similarity",
    "normalise",
    "normalise_arabic",
    "normalise_latin",
    "other_script_reading",
    "pair_key",
    "part_key",
    "query_forms",
    "sibilant_interdentals",
    "skeleton",
    "soft_c",
    "token_similarity",
    "trigram_similarity",
    "unexplained_c",
    "word_forms",
    "word_keys",
    "word_similarity",
]
