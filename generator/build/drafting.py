"""A request's briefing selected and composed, then fitted to its pages: what render jobs carry.

Fitting lays the briefing out with WeasyPrint, so it runs where the PDF is
rendered (see `render.pool`); a draft therefore travels to a worker holding
only the part of the knowledge base composing reads.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

from generator.build.fitting_hints import KnownCut
from generator.build.requests import Request
from generator.compose.brief import Brief
from generator.compose.briefing import compose
from generator.compose.fit import fit_to_pages
from generator.kb.load import KnowledgeBase
from generator.kb.translations import translated
from generator.select.selection import Selection, select


@dataclass(frozen=True)
class Draft:
    """A briefing selected and composed but not yet fitted to its pages: what a render job carries."""

    selection: Selection
    date: datetime.date
    recipient: str | None = None
    copy_number: int | None = None
    untranslated: frozenset[str] = frozenset()
    """`kind:id` of the items shown in English in a briefing in another language (see `kb.translations`)."""
    known_cut: KnownCut | None = None
    """What fitting left out of this briefing last time it was laid out as it is now, if known."""

    def compose(self, selection: Selection) -> Brief:
        return compose(
            selection,
            date=self.date,
            recipient=self.recipient,
            copy_number=self.copy_number,
            untranslated=self.untranslated,
        )

    def fitted(self) -> Brief:
        """The briefing as it will be printed: laid out and trimmed until it fits its page limit."""
        from generator.render.pdf import count_pages, text_engine

        # Remembered under another text engine, the answer may no longer be the fewest removals that fit.
        known = self.known_cut.cut if self.known_cut and self.known_cut.engine == text_engine() else None
        return fit_to_pages(self.selection, self.compose, count_pages, known)

    def portable(self) -> Draft:
        """This draft holding only the part of the knowledge base fitting reads, to send to a worker.

        Composing reads the country, themes and sources, the records of
        earlier meetings with their meetings ("Since we last met"), and
        trimming the responses that answer a claim; the rest can be megabytes.
        """
        selection = self.selection
        kb = selection.kb
        kb = dataclasses.replace(
            kb,
            facts={},
            cases={},
            recommendations={},
            responses={response.id: response for response in selection.responses},
            audiences={selection.audience.id: selection.audience},
            meetings={meeting_id: kb.meetings[meeting_id] for meeting_id in kb.records if meeting_id in kb.meetings},
            origins={},
        )
        return dataclasses.replace(self, selection=dataclasses.replace(selection, kb=kb))


def draft_of(kb: KnowledgeBase, request: Request) -> Draft:
    """The request's items, in its language where the country's translations give them, selected."""
    audience = kb.audiences[request.audience]
    if audience.language != request.language:
        audience = audience.model_copy(update={"language": request.language})
    shown = translated(kb, request.translations, audience, request.meeting, level=request.level)
    selection = select(shown.kb, shown.audience, shown.meeting, request.level, request.length, request.as_of)
    return Draft(selection, request.date, request.stamp, request.copy_number, shown.untranslated)


def compose_brief(kb: KnowledgeBase, request: Request) -> Brief:
    """The briefing as it will be printed: laid out and trimmed until it fits its page limit."""
    return draft_of(kb, request).fitted()


RANKED_KINDS = ("talking_points", "background", "cases", "recommendations", "responses", "levers")


def fitting_key(draft: Draft, unfitted: Brief) -> str:
    """What the fitted briefing is made from, but for layout, which the templates and code decide.

    The unfitted briefing holds every item shown, the knowledge-base revision,
    the theme and the request's date, level, length and copy; the ids of the
    items selected and of those the meeting pins, and the page limit, decide
    what gives way.
    """
    selection = draft.selection
    ranked = [[item.id for item in getattr(selection, kind)] for kind in RANKED_KINDS]
    pinned = sorted(selection.meeting.include) if selection.meeting else []
    pages = selection.kb.settings.pages[selection.length]
    return f"{unfitted!r}\0{ranked!r}\0{pinned!r}\0{pages}"
