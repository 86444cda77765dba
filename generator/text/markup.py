"""The inline markup allowed in YAML text: *emphasis* and [text](https://...).

Both renderers receive spans of plain text from here, never markup, so
nothing a YAML author types is ever interpreted as HTML or Word XML.
"""

from __future__ import annotations

import re

from generator.text.rich import RichText, Span

_TOKEN = re.compile(
    r"\[(?P<label>[^\[\]\n]+)\]\((?P<href>[^()\s]+)\)"
    r"|\*(?P<emphasis>[^*\s](?:[^*\n]*[^*\s])?)\*"
)
_SAFE_SCHEME = re.compile(r"^https?://[^\s/]+", re.IGNORECASE)


class MarkupError(ValueError):
    """Raised for a link whose address is not http or https."""


def parse(text: str) -> RichText:
    """Split `text` into spans; anything that is not our markup stays as typed."""
    spans: list[Span] = []
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            spans.append(Span(text[position : match.start()]))
        if match["label"] is not None:
            href = match["href"]
            if not _SAFE_SCHEME.match(href):
                raise MarkupError(f"link '{href}' must start with http:// or https://")
            spans.append(Span(match["label"], href=href))
        else:
            spans.append(Span(match["emphasis"], emphasis=True))
        position = match.end()
    if position < len(text):
        spans.append(Span(text[position:]))
    return tuple(spans)
