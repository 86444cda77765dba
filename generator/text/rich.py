"""Text as both renderers receive it: runs of plain text, never markup."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A run of plain text, optionally emphasised or linked (http/https only)."""

    text: str
    emphasis: bool = False
    href: str | None = None


RichText = tuple[Span, ...]


def plain(text: RichText) -> str:
    """The text of a run of spans without any formatting."""
    return "".join(span.text for span in text)
