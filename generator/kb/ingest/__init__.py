"""Bringing a published document into a knowledge base, and citing from it.

`extract` turns a PDF, a saved web page, a DOCX or plain text into the text
passages are checked against; `fetch` downloads one, the only place the
generator reaches the network; `add` archives it beside its country's
sources.yaml with an entry to complete; `cite` finds a few words in an
archive and gives the whole sentence as a citation to paste.
"""

from __future__ import annotations

from generator.core.errors import BriefingError


class SourceRefused(BriefingError):
    """Raised when `briefing source add` cannot take a document: an id that is taken or invalid,
    a file it cannot read or that holds no text, a download that fails or is of the wrong kind."""
