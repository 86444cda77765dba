"""What `briefing serve` shows: the knowledge base as last saved, and each briefing rendered once.

A reload (after a save) reads the knowledge base again, where the parse
cache makes unchanged files free, and keeps the last good knowledge base when
the new one has problems, so the page shows them beside the last good
preview. Briefings are composed and rendered when a page asks for one, and a
rendered document is kept by the hash of what it depends on: a briefing that
an edit did not reach is not rendered again.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from generator import TEMPLATES_DIR
from generator.api import Checked, Request, load_knowledge_base, render, request_for
from generator.build import fitting_hints
from generator.build.files import Briefing, DocumentFile, plan
from generator.compose.brief import Brief
from generator.core.clock import build_date
from generator.core.errors import BriefingError, Diagnostic, InputError, UsageError
from generator.kb import model
from generator.kb.layout import ITEM_KINDS, country_dirs
from generator.kb.load import KnowledgeBase
from generator.kb.translations import Translations, Unfinished, why_untranslated
from generator.policy.withholding import unnamed
from generator.preview.pages import Page, Pictures, read_pages
from generator.render import FORMATS, Format
from generator.render.engine import text_engine
from generator.render.pdf import render_pdf
from generator.select.selection import Length, select
from generator.text.catalogue import languages
from generator.text.markup import parse
from generator.text.rich import plain

LENGTHS: tuple[Length, ...] = ("full", "one-page")
LEVELS = tuple(level.value for level in model.Sensitivity)
VIEW_KEYS = ("audience", "meeting", "distribution", "length", "country", "language")

SHOWN: Format = "pdf"
"""The format whose pages the page shows, laid out with the preview's templates."""

DOCUMENTS_KEPT = 64
"""Rendered briefings kept in memory: enough for every view of the bundled base (six audiences and four
meetings, at three levels and two lengths), each a PDF of a few hundred kilobytes."""

NEEDLE_LENGTH = 60
"""Characters of an item's text searched for on the pages to place a warning beside it."""

# A template error reads "/path/briefing.html.j2:12: message".
_LOCATED = re.compile(r"^(?P<path>/[^:\n]+):(?P<line>\d+): (?P<message>.*)$", re.DOTALL)


class NothingToShow(BriefingError):
    """Raised when a download is asked for before the knowledge base has ever loaded."""


@dataclass(frozen=True)
class View:
    """Which briefing a page shows: an audience or a meeting, at a level and a length."""

    audience: str | None = None
    meeting: str | None = None
    distribution: model.Sensitivity | None = None
    length: Length | None = None
    country: str | None = None
    """The country folder, in a tree of several; None for the one the preview shows now."""
    language: str | None = None
    """The language to write the briefing in; None for the audience's own."""

    @classmethod
    def from_query(cls, query: dict[str, list[str]]) -> View:
        """A view from URL parameters, each known, given once and well formed; blank means default."""
        unknown = sorted(set(query) - set(VIEW_KEYS))
        if unknown:
            raise UsageError(f"unknown parameter '{unknown[0]}'; use {', '.join(VIEW_KEYS)}")
        values: dict[str, str | None] = {}
        for key in VIEW_KEYS:
            given = query.get(key, [""])
            if len(given) > 1:
                raise UsageError(f"parameter '{key}' given more than once")
            values[key] = given[0] or None
        if values["audience"] and values["meeting"]:
            raise UsageError("choose an audience or a meeting, not both")
        if values["distribution"] not in (None, *LEVELS):
            raise UsageError(f"distribution must be one of {', '.join(LEVELS)}")
        if values["length"] not in (None, *LENGTHS):
            raise UsageError(f"length must be one of {', '.join(LENGTHS)}")
        if values["language"] not in (None, *languages()):
            raise UsageError(f"language must be one of {', '.join(languages())}")
        distribution = values["distribution"]
        return cls(
            values["audience"],
            values["meeting"],
            model.Sensitivity(distribution) if distribution else None,
            values["length"],
            values["country"],
            values["language"],
        )


@dataclass(frozen=True)
class Problem:
    """An error to show in the page, linked to the editor when it has a place."""

    message: str
    path: Path | None = None
    line: int | None = None

    @classmethod
    def of(cls, diagnostic: Diagnostic) -> Problem:
        return cls(diagnostic.message, diagnostic.path.resolve(), diagnostic.line)

    @classmethod
    def from_error(cls, error: BriefingError) -> list[Problem]:
        if isinstance(error, InputError):
            return [cls.of(diagnostic) for diagnostic in error.diagnostics]
        located = _LOCATED.match(str(error))
        if located:
            return [cls(located["message"], Path(located["path"]), int(located["line"]))]
        return [cls(str(error))]

    def line_of_text(self) -> str:
        """The problem as `check` prints it: `file:line: message`."""
        return f"{_shown(self.path)}:{self.line}: {self.message}" if self.path is not None else self.message

    def as_json(self) -> dict[str, Any]:
        if self.path is None:
            return {"where": "", "message": self.message, "href": None}
        return {
            "where": f"{_shown(self.path)}:{self.line}",
            "message": self.message,
            # VS Code's handler opens the file at the line: vscode://file/<absolute path>:<line>
            "href": f"vscode://file{quote(self.path.as_posix())}:{self.line}",
        }


@dataclass
class Document:
    """One briefing as rendered: its PDF, and its pages as shown and its other formats once asked for.

    A download of a briefing nobody looked at costs no more than the PDF.
    """

    key: str
    brief: Brief
    outputs: dict[Format, DocumentFile]
    """Each format offered as `generate` would write it: its file name, and the guard its bytes pass to leave."""
    files: dict[Format, bytes]
    """The PDF shown, and each other format once it has been downloaded."""
    pages: tuple[Page, ...] | None = None


@dataclass
class _State:
    version: int = 0
    checked: Checked | None = None
    """The last knowledge base that loaded without problems."""
    problems: list[Problem] = field(default_factory=list)
    """What stops the knowledge base as saved now from loading; empty when it loads."""
    templates_generation: int = 0
    loaded: int = 0
    """How many times the knowledge base has loaded: a save that fails to load leaves what is fitted as it was."""


class Preview:
    """The knowledge base as last saved and the briefings rendered from it, shared by every request."""

    def __init__(
        self,
        briefs: Path,
        country: str | None = None,
        templates_dir: Path = TEMPLATES_DIR,
        today: datetime.date | None = None,
        log: Callable[[str], None] = lambda line: None,
    ) -> None:
        """`log` hears a line for each briefing laid out again and for each problem a save brings."""
        self.briefs = briefs.resolve()
        self._log = log
        self._reported: list[Problem] = []
        self.templates_dir = templates_dir.resolve()
        self.pictures = Pictures()
        countries = [folder.name for folder in country_dirs(self.briefs)]
        # In a tree of several countries the first is shown until the page chooses another.
        self._country = country or (countries[0] if len(countries) > 1 else None)
        self._today = today
        self._state = _State()
        self._changed = threading.Condition()
        self._documents: OrderedDict[str, Document] = OrderedDict()
        self._fitted: OrderedDict[tuple[int, int, View, datetime.date], Briefing] = OrderedDict()
        self._fits: OrderedDict[tuple[int, str], Brief] = OrderedDict()
        self._last_shown: dict[View, Document] = {}
        # WeasyPrint and python-docx are not made for threads: one layout or render at a time.
        self._render_lock = threading.Lock()
        self.reload()

    @property
    def version(self) -> int:
        return self._state.version

    @property
    def theme(self) -> Path | None:
        """The theme folder of the knowledge base as it last loaded, if its settings name one."""
        checked = self._state.checked
        return checked.kb.settings.theme if checked else None

    def reload(self, templates_changed: bool = False) -> None:
        """Read the knowledge base again after a save, and tell every page."""
        try:
            checked: Checked | None = load_knowledge_base(self.briefs, self._country, self._day())
            problems: list[Problem] = []
        except BriefingError as error:
            checked, problems = None, Problem.from_error(error)
        except OSError as error:
            # A folder renamed or removed while the server runs: say so, and keep watching.
            checked, problems = (
                None,
                [Problem(f"cannot read {error.filename or self.briefs}: {error.strerror or error}")],
            )
        self._report(problems)
        with self._changed:
            state = self._state
            self._state = _State(
                state.version + 1,
                checked or state.checked,
                problems,
                state.templates_generation + templates_changed,
                state.loaded + (checked is not None),
            )
            self._changed.notify_all()

    def wait_for_change(self, seen: int | None, timeout: float) -> int:
        """The version after `seen`, or the same one when nothing changed within `timeout` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self._state.version != seen, timeout)
            return self._state.version

    def wake_everyone(self) -> None:
        """Let every waiting page stream look up, e.g. to notice the server is stopping."""
        with self._changed:
            self._changed.notify_all()

    def _follow(self, view: View) -> None:
        """Show the country `view` names, if the tree holds it and it is not the one shown: every page follows."""
        if view.country is None or view.country == self._country:
            return
        if view.country not in [folder.name for folder in country_dirs(self.briefs)]:
            raise UsageError(f"no country '{view.country}' in {self.briefs}")
        self._country = view.country
        self.reload()

    def describe(self, view: View) -> dict[str, Any]:
        """Everything the page shows for `view`, as JSON-ready data."""
        self._follow(view)
        state = self._state
        document, problems = self._document(view, state)
        pages = self._read_pages(document) if document else ()
        kb = state.checked.kb if state.checked else None
        request = _request(view, kb, self._day()) if kb and not problems else None
        return {
            "version": state.version,
            "options": {**_options(kb), "countries": self._countries(), "country": kb.country.id} if kb else None,
            "view": _effective(request) if request else None,
            "document": _document_json(document, pages) if document else None,
            "current": not (state.problems or problems),
            "problems": [problem.as_json() for problem in state.problems + problems],
            "warnings": self._warnings(state, document.brief if document else None, pages)
            + (self._untranslated(state, request, document.brief, pages) if document and request else []),
            "left_out": [Problem.of(d).as_json() for d in _left_out(kb, request)] if kb and request else [],
            # What fitting took out to keep within the page limit, as `generate` reports it.
            "cut": list(document.brief.cut) if document else [],
        }

    def shown(self, view: View) -> Document:
        """The document the page shows for `view`: the current one, else the last good one."""
        self._follow(view)
        document, problems = self._document(view, self._state)
        if document is None:
            if problems:
                raise UsageError(problems[0].message)
            raise NothingToShow("no briefing to show yet: fix the problems listed in the preview first")
        return document

    def file(self, document: Document, output_format: Format) -> bytes:
        """The document as a file of `output_format`, rendered the first time it is asked for."""
        with self._render_lock:
            if output_format not in document.files:
                document.files[output_format] = render(document.brief, output_format)
            return document.files[output_format]

    def is_current(self, view: View) -> bool:
        """Whether what `view` shows is made from the knowledge base as saved now, not the last good one."""
        state = self._state
        document, problems = self._document(view, state)
        return document is not None and not (state.problems or problems)

    def download(self, view: View, output_format: Format) -> tuple[str, bytes]:
        """The file `generate` would write for `view`: its name, and its bytes once the finished-file guard
        has read them; RenderError when they name a person the copy may not name."""
        document = self.shown(view)
        output = document.outputs[output_format]
        return output.name, output.finished(self.file(document, output_format))

    def _countries(self) -> list[dict[str, str]]:
        """The countries of the tree: each folder's id, and the name of the one loaded."""
        checked = self._state.checked
        shown = checked.kb.country if checked else None
        return [
            {"id": folder.name, "name": shown.name if shown and shown.id == folder.name else folder.name}
            for folder in country_dirs(self.briefs)
        ]

    def _untranslated(
        self, state: _State, request: Request, brief: Brief, pages: tuple[Page, ...]
    ) -> list[dict[str, Any]]:
        """Each item the briefing shows in English although written in another language, beside it, saying
        whether its translation is missing, fuzzy or of English that has since changed."""
        if state.checked is None or not brief.untranslated or request.translations is None:
            return []
        kb = state.checked.kb
        audience = kb.audiences[request.audience]
        shown = []
        for key in brief.untranslated:
            why = why_untranslated(kb, request.translations, key, audience, request.meeting, level=request.level)
            note = _untranslated_note(kb, key, why, request.translations) if why else None
            if note is None:
                continue
            entry = Problem.of(note).as_json()
            kind, item_id = key.split(":", 1)
            entry.update(page=None, top=None, untranslated=True, translation=why.state if why else None)
            if kind in ("facts", "cases", "recommendations", "responses"):
                entry.update(_place(pages, _needles(kb, kind, item_id, audience)))
            shown.append(entry)
        return shown

    def _report(self, problems: list[Problem]) -> None:
        """Log each problem once, when it first appears, not at every look at the page."""
        if problems and problems != self._reported:
            for problem in problems:
                self._log(problem.line_of_text())
        self._reported = problems

    def _read_pages(self, document: Document) -> tuple[Page, ...]:
        with self._render_lock:
            if document.pages is None:
                document.pages = read_pages(document.files[SHOWN], self.pictures, document.brief.provenance)
            return document.pages

    def _day(self) -> datetime.date:
        return self._today or build_date()

    def _document(self, view: View, state: _State) -> tuple[Document | None, list[Problem]]:
        if state.checked is None:
            return self._last_shown.get(view), []
        try:
            # Fitting lays the briefing out with WeasyPrint too, so it takes its turn like the PDF.
            with self._render_lock:
                briefing = self._fitted_briefing(view, state.checked.kb, state.loaded, state.templates_generation)
                document = self._render(briefing, state.templates_generation)
        except BriefingError as error:
            problems = Problem.from_error(error)
            self._report(problems)
            return self._last_shown.get(view), problems
        self._last_shown[view] = document
        return document, []

    def _fitted_briefing(self, view: View, kb: KnowledgeBase, loaded: int, templates_generation: int) -> Briefing:
        """The view's briefing fitted to its pages, kept for the knowledge base and templates as loaded; called
        holding the render lock.

        Fitting lays the briefing out several times, and a page asks for the same view again and again: its
        description, each download, the check after every save, which may not even load. A save that loads
        is fitted again only if it changed what the briefing is made from: the key `generate` records for its
        PDF names that, so undoing an edit, or editing what this briefing does not show, costs no layout.
        """
        day = self._day()
        key = (loaded, templates_generation, view, day)
        briefing = self._fitted.get(key)
        if briefing is None:
            started = time.perf_counter()
            request = _request(view, kb, day)
            planned = plan(kb, request, FORMATS)
            made_from = (templates_generation, planned.files[SHOWN].entry.key)
            brief = self._fits.get(made_from)
            if brief is None:
                # What `generate` learnt of this layout holds while the templates are those it was laid out
                # with; once they are edited here, only this process's own fits are to be trusted.
                known = fitting_hints.known_cuts() if templates_generation == 0 else {}
                brief = self._fits[made_from] = planned.with_known_cut(known).fitted()
                if templates_generation == 0:
                    fitting_hints.remember_cuts({planned.layout_key: fitting_hints.KnownCut(text_engine(), brief.cut)})
                while len(self._fits) > DOCUMENTS_KEPT:
                    self._fits.popitem(last=False)
                self._log(f"laid out {_named(request)} in {time.perf_counter() - started:.1f} s")
            self._fits.move_to_end(made_from)
            briefing = self._fitted[key] = Briefing(brief, planned.files)
            while len(self._fitted) > DOCUMENTS_KEPT:
                self._fitted.popitem(last=False)
        self._fitted.move_to_end(key)
        return briefing

    def _render(self, briefing: Briefing, templates_generation: int) -> Document:
        """The PDF of a fitted briefing, rendered unless kept from before; called holding the render lock."""
        brief = briefing.brief
        key = hashlib.sha256(f"{templates_generation}\0{brief!r}".encode()).hexdigest()[:32]
        document = self._documents.get(key)
        if document is None:
            document = Document(key, brief, briefing.files, {SHOWN: render_pdf(brief, self.templates_dir)})
            self._documents[key] = document
            while len(self._documents) > DOCUMENTS_KEPT:
                self._documents.popitem(last=False)
        self._documents.move_to_end(key)
        return document

    def _warnings(self, state: _State, brief: Brief | None, pages: tuple[Page, ...]) -> list[dict[str, Any]]:
        """Every warning, placed beside its item when the item is on a page shown."""
        if state.checked is None:
            return []
        kb = state.checked.kb
        items = {(origin.path.resolve(), origin.line): key for key, origin in kb.origins.items()}
        shown = []
        for warning in state.checked.warnings:
            entry = Problem.of(warning).as_json()
            entry.update(page=None, top=None)
            item = items.get((warning.path.resolve(), warning.line))
            if brief is not None and item is not None:
                entry.update(_place(pages, _needles(kb, *item, kb.audiences[brief.audience_id])))
            shown.append(entry)
        return shown


def _untranslated_note(kb: KnowledgeBase, key: str, why: Unfinished, translations: Translations) -> Diagnostic | None:
    """Where an item a briefing shows in English is to be translated, and what to do about it: at its PO
    entry when the file has one, else at the item."""
    language, po = translations.language, f"translations/{translations.path.name}"
    listed = f"'briefing translate {language}' lists it"
    if why.state == "missing":
        message = (
            f"warning: not translated into {language}, so shown in English; translate {why.context} in {po} ({listed})"
        )
    elif why.state == "fuzzy":
        message = (
            f"warning: the {language} translation of {why.context} in {po} is fuzzy, so shown in English; "
            "check it against the English and clear its fuzzy mark"
        )
    else:
        message = (
            f"warning: the {language} translation of {why.context} in {po} is of English that has since changed, "
            f"so shown in English; run 'briefing translate {language}' to mark it fuzzy, then check it"
        )
    if why.entry is not None:
        return Diagnostic(translations.path, why.entry.line, message)
    origin = kb.origins.get((why.origin_kind, key.split(":", 1)[1]))
    return origin.diagnostic(message) if origin else None


def _left_out(kb: KnowledgeBase, request: Request) -> list[Diagnostic]:
    """Items the meeting names that its briefing does not show, which would otherwise go without a word."""
    meeting = request.meeting
    if meeting is None or not meeting.include:
        return []
    selection = select(kb, kb.audiences[request.audience], meeting, request.level, request.length, request.as_of)
    shown = {
        item.id
        for kind in ("talking_points", "background", "cases", "recommendations", "responses")
        for item in getattr(selection, kind)
    }
    level = selection.distribution
    items = {item.id: item for kind in ITEM_KINDS for item in getattr(kb, kind).values()}
    left_out = []
    for item_id in meeting.include:
        if item_id in shown or item_id not in items:
            continue
        sensitivity = items[item_id].sensitivity
        reason = (
            f"it is {sensitivity.value}, above this {level.value} copy"
            if not level.allows(sensitivity)
            else f"it is withheld from a {level.value} copy or does not fit its length"
        )
        left_out.append(
            kb.origin("meetings", meeting.id).diagnostic(
                f"warning: the meeting includes '{item_id}', but this briefing leaves it out: {reason}"
            )
        )
    return unnamed(kb, left_out)


def _shown(path: Path) -> Path:
    """Paths relative to where the server was started read best, as on the command line."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _request(view: View, kb: KnowledgeBase, day: datetime.date) -> Request:
    """The request `generate` would make of the view, resolved by the same function."""
    meeting = None
    if view.meeting is not None:
        if view.meeting not in kb.meetings:
            raise UsageError(f"no meeting '{view.meeting}'; choose one of {', '.join(sorted(kb.meetings))}")
        meeting = kb.meetings[view.meeting]
    audience = meeting.audience if meeting else view.audience or next(iter(kb.audiences))
    return request_for(
        kb, audience, meeting, distribution=view.distribution, length=view.length, date=day, language=view.language
    )


def _named(request: Request) -> str:
    """A briefing as a log line names it: "uk (full, public)", "meeting uk-visit (one-page, public)"."""
    what = f"meeting {request.meeting.id}" if request.meeting else request.audience
    return f"{what} ({request.length}, {request.level.value})"


def _effective(request: Request) -> dict[str, Any]:
    """The view with every default filled in, as `generate` chooses it."""
    return {
        "audience": request.audience,
        "meeting": request.meeting.id if request.meeting else None,
        "distribution": request.level.value,
        "length": request.length,
        "language": request.language,
    }


def _options(kb: KnowledgeBase) -> dict[str, Any]:
    return {
        "audiences": [{"id": audience.id, "name": audience.name} for audience in kb.audiences.values()],
        "meetings": [
            {"id": meeting.id, "title": meeting.title, "audience": meeting.audience, "date": meeting.date.isoformat()}
            for meeting in kb.meetings.values()
        ],
        "distributions": list(LEVELS),
        "lengths": list(LENGTHS),
        "languages": list(languages()),
    }


def _document_json(document: Document, pages: tuple[Page, ...]) -> dict[str, Any]:
    brief = document.brief
    return {
        "key": document.key,
        "title": brief.title,
        "subtitle": brief.subtitle,
        "audience": brief.audience_name,
        "classification": brief.classification,
        "pages": [
            {
                "image": f"/page/{page.image}.png",
                "width": page.width,
                "height": page.height,
                "runs": [[run.text, run.left, run.top, run.width, run.height] for run in page.runs],
            }
            for page in pages
        ],
    }


def _needles(kb: KnowledgeBase, kind: str, item_id: str, audience: model.Audience) -> list[str]:
    """Texts by which an item can be found on the page, the most telling first."""
    collection = getattr(kb, kind, None)
    item = collection.get(item_id) if isinstance(collection, dict) else None
    if isinstance(item, model.Fact):
        texts = [model.worded_for(item.wording, audience) or item.text]
        if line := model.worded_for(item.lines, audience):
            texts.insert(0, line)
    elif isinstance(item, model.Case):
        texts = [item.summary, item.name if item.may_name else item.anonymised_as]
    elif isinstance(item, model.Recommendation):
        texts = [model.worded_for(item.asks, audience) or item.text]
    elif isinstance(item, model.Response):
        texts = [item.claim, item.reply]
    elif isinstance(item, model.Source):
        texts = [item.title]
    else:
        return []
    needles = [plain(parse(text))[:NEEDLE_LENGTH] for text in texts]
    # A stale item's sentence opens with its date, and its own first word is then lower-cased.
    return [variant for needle in needles for variant in dict.fromkeys((needle, needle[:1].lower() + needle[1:]))]


def _place(pages: tuple[Page, ...], needles: list[str]) -> dict[str, Any]:
    for needle in needles:
        for number, page in enumerate(pages, start=1):
            top = page.locate(needle)
            if top is not None:
                return {"page": number, "top": top}
    return {}
