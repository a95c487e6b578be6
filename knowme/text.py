"""Counted words for messages: "1 pair", "2 pairs", "1 person", "2 people".

Every count a user reads goes through `plural`, so no message says "1 pairs".
"""
from __future__ import annotations

# The irregular plurals knowme's messages use; everything else takes an -s (or -es).
_IRREGULAR = {"person": "people", "is": "are", "was": "were", "has": "have", "this": "these", "it": "they",
              "does": "do"}


def plural_of(word: str) -> str:
    """The plural of one English noun (or verb form) as knowme's messages use it."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    last = word.rsplit(" ", 1)[-1]
    head = word[: len(word) - len(last)]
    if last in _IRREGULAR:
        return head + _IRREGULAR[last]
    if last.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if last.endswith("y") and len(last) > 1 and last[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def plural(count: int, word: str, many: str | None = None, *, sep: bool = False) -> str:
    """`count` and `word` in the right number: plural(1, "pair") == "1 pair", plural(3, "pair") == "3 pairs".

    `many` gives the plural when it is not regular; `sep` writes thousands with commas (12,345).
    The word may be several words ("possible duplicate"): the last one takes the plural.
    """
    number = f"{count:,}" if sep else str(count)
    return f"{number} {word if count == 1 else (many or plural_of(word))}"
