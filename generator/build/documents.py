"""From requests to published files: fit each briefing, render what changed, write and record it.

Per document, the manifest records a key of everything the document depends
on: `generate` renders only documents whose key or file changed, and writes
each as soon as it is rendered.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from generator.build import fitting_hints
from generator.build.files import Planned, plan
from generator.build.outcome import Outcome, publish
from generator.build.requests import Request
from generator.core.errors import Diagnostic, InputError, RenderError, WriteFailure
from generator.kb.load import KnowledgeBase
from generator.kb.translations import unfinished
from generator.policy.withholding import unnamed
from generator.publish import manifest
from generator.publish.publisher import Publisher, assign_copies, unchanged_sha256, unstamped
from generator.render import FORMATS, REGISTRY, Format
from generator.render.pool import Event, Fitted, Job, Refused, Rendered, RenderPool

Copies = dict[tuple[str, str], int]
"""Copy numbers by (series, recipient): see `Request.series`."""


def generate(
    kb: KnowledgeBase,
    requests: Iterable[Request],
    formats: Iterable[Format] = FORMATS,
    out_dir: Path = Path("output"),
    *,
    pool: RenderPool | None = None,
    force: bool = False,
    progress: Callable[[Path], None] | None = None,
    strict: bool = False,
) -> Outcome:
    """Fit and render the requested briefings in every format and write them to `out_dir`.

    A document is rendered only when something it depends on changed (see
    `store.document_key`) or the manifest does not record the file as it is,
    or with `force`; a briefing with nothing to render is not laid out at
    all. Documents are written and recorded as they are rendered, once every
    briefing has been fitted to its pages; one that fails, or would replace a
    different copy, is reported in the outcome and the rest still land.
    Raises ManifestDamaged when the folder's manifest cannot be read, TooLong
    when a briefing cannot fit and, with `strict`, InputError for the stale
    facts a briefing would print, all before the folder is touched.
    """
    formats = tuple(formats)  # iterated once per request
    outcome = Outcome()
    pool = pool or RenderPool(0)
    requests = list(requests)
    # Numbered in the order asked for: a distribution list reads Copy 1, 2, 3 from the top.
    wanted = list(dict.fromkeys(request.series for request in requests if request.recipient))
    # What changed is judged on the manifest as it stands, and the copy
    # numbers (they are printed) are guessed from it, then given under its lock.
    recorded = manifest.read(out_dir)
    guessed = assign_copies(recorded.copies, wanted) if wanted else {}
    drafted = _plan_all(kb, requests, guessed, formats)
    briefings = _to_render(drafted, recorded, out_dir, force, strict, outcome)
    hints = fitting_hints.fitting_seconds()
    cuts = fitting_hints.known_cuts()
    with contextlib.closing(pool.render_all([briefing.job(hints, cuts) for briefing in briefings])) as events:
        # Every briefing is fitted before the output folder is touched: one
        # that cannot be written leaves no folder, lock or file behind.
        held = _until_fitted(kb, events, briefings, strict, outcome)
        with Publisher(out_dir) as publisher:
            if progress:
                for path in outcome.unchanged:
                    progress(path)
            numbers = publisher.number_copies(wanted) if wanted else guessed
            # Another run may have numbered a copy meanwhile: that briefing is drafted and rendered again.
            renumbered = _renumbered(briefings, guessed, numbers)
            _publish_all(publisher, itertools.chain(held, events), briefings, renumbered, outcome, progress)
            if renumbered and not outcome.stopped:
                requests = [briefings[index].planned.request for index in sorted(renumbered)]
                again = _to_render(_plan_all(kb, requests, numbers, formats), None, out_dir, True, strict, outcome)
                with contextlib.closing(pool.render_all([briefing.job(hints, cuts) for briefing in again])) as more:
                    held = _until_fitted(kb, more, again, strict, outcome)
                    _publish_all(publisher, itertools.chain(held, more), again, set(), outcome, progress)
            _withdraw_unwritten(publisher, wanted, drafted, outcome)
    outcome.written.sort()
    return outcome


def _withdraw_unwritten(
    publisher: Publisher, wanted: list[tuple[str, str]], drafted: list[Planned], outcome: Outcome
) -> None:
    """Give back the numbers of copies none of whose files this run wrote or found unchanged."""
    kept = {
        planned.request.series
        for planned in drafted
        if any(publisher.folder / file.name in outcome.sha256 for file in planned.files.values())
    }
    try:
        publisher.withdraw_copies(key for key in wanted if key not in kept)
    except WriteFailure as failure:
        # The disk that stopped the run refuses this too: the first failure is the one to report.
        outcome.stopped = outcome.stopped or failure


def _until_fitted(
    kb: KnowledgeBase,
    events: Generator[tuple[int, Event]],
    briefings: list[_Briefing],
    strict: bool,
    outcome: Outcome,
) -> list[tuple[int, Event]]:
    """The documents rendered until every job's briefing is fitted; raise what refuses the whole run.

    What fitting left out of each goes in `outcome`, to be reported.
    """
    held: list[tuple[int, Event]] = []
    fitted = 0
    seconds: dict[str, float] = {}
    cuts: dict[str, fitting_hints.KnownCut] = {}
    stale: set[str] = set()
    untranslated: list[Diagnostic] = []
    while fitted < len(briefings):
        index, event = next(events)
        if isinstance(event, Refused):
            raise event.error
        if isinstance(event, Fitted):
            fitted += 1
            seconds[briefings[index].work_key] = event.seconds
            cuts[briefings[index].planned.layout_key] = fitting_hints.KnownCut(event.engine, event.cut)
            stale.update(event.out_of_date or ())
            if strict and event.untranslated:
                untranslated += _untranslated(kb, briefings[index].planned, event.untranslated)
            if event.cut and briefings[index].rendering:
                outcome.cut[briefings[index].path(briefings[index].rendering[0])] = event.cut
        else:
            held.append((index, event))
    fitting_hints.remember_fitting_seconds(seconds)
    fitting_hints.remember_cuts(cuts)
    if strict and (problems := _out_of_date(kb, sorted(stale)) + untranslated):
        raise InputError(unnamed(kb, list(dict.fromkeys(problems))))
    return held


def _untranslated(kb: KnowledgeBase, planned: Planned, keys: tuple[str, ...]) -> list[Diagnostic]:
    """--strict: a briefing in another language may print no item still in English."""
    translations = planned.request.translations
    if translations is None:
        return []
    audience = kb.audiences[planned.request.audience]
    return unfinished(kb, translations, list(keys), audience, planned.request.meeting, level=planned.request.level)


def _out_of_date(kb: KnowledgeBase, stale: list[str]) -> list[Diagnostic]:
    """--strict: a briefing may print no fact that is stale or past its review date."""
    return [
        kb.origin("facts", fact_id).diagnostic(
            f"fact '{fact_id}' is stale or past its review date and this briefing would print it; "
            "--strict refuses it: update the fact, mark it historical, or leave out --strict"
        )
        for fact_id in stale
    ]


@dataclass
class _Briefing:
    """One request on its way to its files."""

    planned: Planned
    out_dir: Path
    rendering: tuple[Format, ...] = ()

    def path(self, output_format: Format) -> Path:
        return self.out_dir / self.planned.files[output_format].name

    @property
    def work_key(self) -> str:
        """The same briefing from run to run, whatever its content: what its fitting time is remembered by."""
        request = self.planned.request
        meeting = request.meeting.id if request.meeting else ""
        return f"{request.country}/{request.audience}/{meeting}/{request.length}/{request.level.value}"

    def job(self, hints: dict[str, float], cuts: dict[str, fitting_hints.KnownCut]) -> Job:
        draft = self.planned.with_known_cut(cuts).portable()
        return Job(draft, self.rendering, hints.get(self.work_key, max(hints.values(), default=0.0)))


def _plan_all(kb: KnowledgeBase, requests: list[Request], copies: Copies, formats: tuple[Format, ...]) -> list[Planned]:
    """Each request planned as the copy it is: a recipient's with the number it is given."""
    return [
        plan(kb, replace(request, copy_number=copies[request.series]) if request.recipient else request, formats)
        for request in requests
    ]


def _to_render(
    drafted: list[Planned],
    recorded: manifest.Manifest | None,
    out_dir: Path,
    force: bool,
    strict: bool,
    outcome: Outcome,
) -> list[_Briefing]:
    """The briefings with a document to render, or with stale facts --strict must look for in the fitted one.

    Each is told which formats to render, the PDF first: its worker writes it
    from the layout that fitting made. Unchanged documents go in `outcome`.
    """
    needed = []
    for planned in drafted:
        briefing = _Briefing(planned, out_dir)
        rendering = []
        for output_format, file in planned.files.items():
            path = briefing.path(output_format)
            digest = None if force or recorded is None else unchanged_sha256(recorded, out_dir, file.name, file.entry)
            if digest:
                outcome.unchanged.append(path)
                outcome.sha256[path] = digest
            else:
                rendering.append(output_format)
        briefing.rendering = tuple(sorted(rendering, key=lambda output_format: -REGISTRY[output_format].cost))
        if rendering or (strict and (planned.out_of_date or planned.untranslated)):
            needed.append(briefing)
    return needed


def _renumbered(briefings: list[_Briefing], guessed: Copies, numbers: Copies) -> set[int]:
    """The briefings whose copy number, as given under the lock, is not the one they were drafted with."""
    return {index for index, briefing in enumerate(briefings) if _copy(briefing, numbers) != _copy(briefing, guessed)}


def _copy(briefing: _Briefing, numbers: Copies) -> int | None:
    request = briefing.planned.request
    return numbers[request.series] if request.recipient else None


def _publish_all(
    publisher: Publisher,
    events: Iterable[tuple[int, Event]],
    briefings: list[_Briefing],
    skipped: set[int],
    outcome: Outcome,
    progress: Callable[[Path], None] | None,
) -> None:
    """Write each rendered document, unless the manifest or the name guard refuses it or the disk fails."""
    for index, event in events:
        if not isinstance(event, Rendered) or index in skipped:
            continue
        briefing = briefings[index]
        file, path = briefing.planned.files[event.format], briefing.path(event.format)
        result = event.result
        # The guard reads the file before anything else may refuse it: that refusal would print the recipient's name.
        try:
            result = file.finished(result) if isinstance(result, bytes) else result
        except RenderError as leak:
            result = str(leak)
            if (number := briefing.planned.request.copy_number) is not None:
                outcome.refused_copies[path] = (number, path.with_name(unstamped(path.name)))
        else:
            result = publisher.refusal(file.name, file.entry) or result
        try:
            publish(publisher, path, result, file.entry, outcome)
        except WriteFailure as failure:
            outcome.stopped = failure
            return
        if progress:
            progress(path)
