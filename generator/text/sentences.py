"""Sentences of prose as a reader counts them, for limits on lines and asks and for the short evidence line."""

from __future__ import annotations

import re

NOT_A_SENTENCE_END = re.compile(r"\b(?:c|ca|e\.g|i\.e|Mr|Ms|Mrs|Dr|St|No|Art|vs|U\.S|U\.K|[A-Z])\.$")
"""Abbreviations whose full stop ends no sentence ("c. 2015", "U.S.", an initial)."""


def sentences(text: str) -> list[str]:
    """The sentences of `text`: split after . ! or ? (and a closing quotation mark) and a space before a
    capital or an opening quotation mark."""
    parts = re.split(r"(?:(?<=[.!?])|(?<=[.!?][”’\"]))\s+(?=[A-Z“‘\"'])", " ".join(text.split()))
    joined: list[str] = []
    for part in parts:
        if joined and NOT_A_SENTENCE_END.search(joined[-1]):
            joined[-1] += " " + part
        else:
            joined.append(part)
    return [part for part in joined if part]


def first_sentence(text: str) -> str:
    """The first sentence of `text`, with the next ones as long as a quotation it opens is still open."""
    found = sentences(text)
    taken = found[:1]
    for sentence in found[1:]:
        said = " ".join(taken)
        if said.count("\u201c") <= said.count("\u201d"):
            break
        taken.append(sentence)
    return " ".join(taken)
