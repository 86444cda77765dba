"""Every fixed word a reader sees that the knowledge base does not supply.

Keyed by message id and language (en-GB, en-US), so renderers and templates
never hold literal wording: they take labels from the Brief, which compose
fills from here.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "frame.contact": {"en-GB": "Contact", "en-US": "Contact"},
}


def label(key: str, language: str) -> str:
    """The wording of `key` in `language`; a missing key is a bug, not user input."""
    return LABELS[key][language]
