"""What changed between two states of a knowledge base, overall and per audience.

A team preparing a return visit wants to know what is new since the last
briefing: which facts, cases and recommendations were added, removed or
reworded, and which of those change what each audience would be told.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from generator.core.errors import UsageError
from generator.kb import model
from generator.kb.load import KnowledgeBase
from generator.policy.withholding import name_guard, naming_field, withheld_at
from generator.select.selection import select
from generator.text.name_matching import NameGuard

KINDS = ("facts", "cases", "recommendations")


@dataclass(frozen=True)
class Change:
    kind: str
    item_id: str
    change: str
    """"added", "removed" or "reworded"."""
    old: str | None = None
    new: str | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.item_id}"


@dataclass
class Report:
    level: model.Sensitivity = model.Sensitivity.PUBLIC
    """The distribution level the report may show; what lies above it is only counted."""
    changes: list[Change] = field(default_factory=list)
    hidden: int = 0
    """Changes not shown at this level: their text, and even their ids, stay out of the report."""
    per_audience: dict[str, list[Change]] = field(default_factory=dict)
    """Changes to what each audience's full briefing would say."""
    hidden_per_audience: dict[str, int] = field(default_factory=dict)


class _Shareable:
    """Which changes a report at one level may show, judged against both states of the knowledge base.

    A change is shown only when, in each state it has, the item is within the
    level, is not the case of a person withheld there, and neither its words
    nor its id (ids can be names) name a person withheld in either state.
    """

    def __init__(self, old: KnowledgeBase, new: KnowledgeBase, level: model.Sensitivity) -> None:
        self.states = (old, new)
        self.level = level
        self.guards: tuple[NameGuard, ...] = (name_guard(old, level), name_guard(new, level))

    def __call__(self, change: Change) -> bool:
        versions = [getattr(kb, change.kind).get(change.item_id) for kb in self.states]
        return all(self._may_show(item) for item in versions if item is not None)

    def _may_show(self, item: model.Fact | model.Case | model.Recommendation) -> bool:
        if not self.level.allows(item.sensitivity):
            return False
        if isinstance(item, model.Case) and withheld_at(item, self.level):
            return False
        return not any(guard.find(item.id) or naming_field(item, guard) for guard in self.guards)


def _split(changes: list[Change], shareable: _Shareable) -> tuple[list[Change], int]:
    shown = [change for change in changes if shareable(change)]
    return shown, len(changes) - len(shown)


def wording(item: model.Fact | model.Case | model.Recommendation, audience: str | None = None) -> str:
    """The words of an item a reader sees; a change to these is a rewording."""
    if isinstance(item, model.Fact):
        return item.wording.get(audience, item.text) if audience else item.text
    if isinstance(item, model.Case):
        return " ".join(filter(None, (item.summary, item.status, item.sentence, item.restrictions)))
    return item.asks.get(audience, item.asks["default"]) if audience else item.text


ItemsByKind = dict[str, dict[str, model.Fact | model.Case | model.Recommendation]]
"""kind -> id -> item, for the kinds a diff reports."""


def _compare(old: ItemsByKind, new: ItemsByKind, audience: str | None = None) -> list[Change]:
    changes = []
    for kind in KINDS:
        before, after = old[kind], new[kind]
        for item_id in sorted(set(before) | set(after)):
            if item_id not in before:
                changes.append(Change(kind, item_id, "added", new=wording(after[item_id], audience)))
            elif item_id not in after:
                changes.append(Change(kind, item_id, "removed", old=wording(before[item_id], audience)))
            elif wording(before[item_id], audience) != wording(after[item_id], audience):
                changes.append(
                    Change(
                        kind, item_id, "reworded", wording(before[item_id], audience), wording(after[item_id], audience)
                    )
                )
    return changes


def compare(old: KnowledgeBase, new: KnowledgeBase, level: model.Sensitivity = model.Sensitivity.PUBLIC) -> Report:
    shareable = _Shareable(old, new, level)
    report = Report(level)
    report.changes, report.hidden = _split(
        _compare({kind: getattr(old, kind) for kind in KINDS}, {kind: getattr(new, kind) for kind in KINDS}), shareable
    )
    for audience_id in sorted(set(old.audiences) | set(new.audiences)):
        before, after = (_shown_items(kb, audience_id, level) for kb in (old, new))
        changes, hidden = _split(_compare(before, after, audience=audience_id), shareable)
        report.per_audience[audience_id] = changes
        report.hidden_per_audience[audience_id] = hidden
    return report


def _shown_items(kb: KnowledgeBase, audience_id: str, level: model.Sensitivity) -> ItemsByKind:
    """The items a full briefing for the audience at `level` would show."""
    if audience_id not in kb.audiences:
        return {kind: {} for kind in KINDS}
    selection = select(kb, kb.audiences[audience_id], level=level, length="full")
    return {
        "facts": {fact.id: fact for fact in selection.talking_points + selection.background},
        "cases": {case.id: case for case in selection.cases},
        "recommendations": {rec.id: rec for rec in selection.recommendations},
    }


@contextmanager
def knowledge_base_folder(spec: str, briefs: Path) -> Iterator[Path]:
    """A folder holding the knowledge base named by `spec`: a folder, or a git revision.

    For a revision, the `briefs` folder as it was then is extracted to a
    temporary folder that is removed afterwards.
    """
    if Path(spec).is_dir():
        yield Path(spec)
        return
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=briefs, capture_output=True, text=True, check=True
        ).stdout.strip()
        subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}"], cwd=top, capture_output=True, check=True
        )
        inside = briefs.resolve().relative_to(Path(top).resolve()).as_posix()
        archive = subprocess.run(
            ["git", "archive", "--format=tar", spec, "--", inside], cwd=top, capture_output=True, check=True
        ).stdout
    except (subprocess.CalledProcessError, FileNotFoundError, ValueError):
        raise UsageError(f"'{spec}' is neither a knowledge-base folder nor a git revision of {briefs}") from None
    with tempfile.TemporaryDirectory(prefix="briefing-diff-") as folder:
        _extract(archive, Path(folder), spec)
        yield Path(folder) / inside


def _extract(archive: bytes, folder: Path, spec: str) -> None:
    """Unpack a git archive with the data filter, which refuses links leading out of `folder`."""
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        try:
            tar.extractall(folder, filter="data")
        except tarfile.FilterError as error:
            member = error.tarinfo
            raise UsageError(
                f"cannot compare with {spec}: {member.name} is a symbolic link to "
                f"{member.linkname!r}, which leads outside the knowledge base"
            ) from None


def format_report(report: Report, old_name: str, new_name: str) -> Iterator[str]:
    symbols = {"added": "+", "removed": "-", "reworded": "~"}

    def lines(changes: list[Change], indent: str) -> Iterator[str]:
        for change in changes:
            yield f"{indent}{symbols[change.change]} {change.key} ({change.change})"
            if change.change == "reworded":
                yield f"{indent}    was: {change.old}"
                yield f"{indent}    now: {change.new}"
            else:
                yield f"{indent}    {change.new or change.old}"

    def not_shown(count: int) -> Iterator[str]:
        if count:
            yield (
                f"  {count} change{'s' if count != 1 else ''} not shown at the {report.level.value} distribution level"
            )

    counts = {name: sum(c.change == name for c in report.changes) for name in symbols}
    yield (
        f"{old_name} -> {new_name}: {counts['added']} added, {counts['removed']} removed, {counts['reworded']} reworded"
    )
    yield from lines(report.changes, "  ")
    yield from not_shown(report.hidden)
    for audience_id, changes in report.per_audience.items():
        hidden = report.hidden_per_audience[audience_id]
        yield ""
        yield f"{audience_id}: " + (
            f"{len(changes) + hidden} change(s) to what this briefing says"
            if changes or hidden
            else "its briefing says the same"
        )
        yield from lines(changes, "  ")
        yield from not_shown(hidden)
