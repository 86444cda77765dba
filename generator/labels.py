"""The words a reader sees that are ours rather than the knowledge base's.

One table per language, keyed by message id; ids are prefixed by the area of
the briefing they belong to. Renderers and templates never hold literal
words: compose looks them up here and puts them into the Brief.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["en-GB", "en-US"]

LABELS: dict[str, dict[str, str]] = {
    "content.evidence": {"en-GB": "Evidence", "en-US": "Evidence"},
    # Each service's own name for them: the UK's "lines to take", the US's "talking points".
    "content.lines-to-take": {"en-GB": "Lines to take", "en-US": "Talking points"},
    "content.case-detail": {"en-GB": "What happened", "en-US": "What happened"},
    "content.case-status": {"en-GB": "Status", "en-US": "Status"},
    "content.case-ask": {"en-GB": "Our ask", "en-US": "Our ask"},
    # Each follows a source's reference in the sources list, as a sentence of its own.
    "content.stance-independent": {"en-GB": "Independent", "en-US": "Independent"},
    "content.stance-intergovernmental": {"en-GB": "Intergovernmental body", "en-US": "Intergovernmental body"},
    "content.stance-government": {"en-GB": "Government source", "en-US": "Government source"},
    "content.stance-pro-government": {"en-GB": "Commentary supportive of the government",
                                      "en-US": "Commentary supportive of the government"},
}


def label(message_id: str, language: Language) -> str:
    """The words of one message in the audience's language."""
    return LABELS[message_id][language]
