"""Meeting records: the skeleton written after a meeting, commitment status, and follow-ups.

A record lives beside its meeting (`X.yaml` -> `X.record.yaml`) and is loaded
with the knowledge base (`kb/load.py`). This module holds what reads across
records: which commitments are open, overdue or met on a given day, which
earlier meetings a briefing follows up, and the list `briefing followups`
prints.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

from generator.core.errors import UsageError
from generator.core.files import write_new
from generator.kb import model
from generator.kb.layout import record_path
from generator.kb.load import KnowledgeBase
from generator.policy.withholding import entry_names_someone
from generator.text.name_matching import NameGuard

Status = Literal["open", "overdue", "met"]
Entry = TypeVar("Entry", bound=model.Model)

EXAMPLE_DAYS = 30
"""How far after the meeting the skeleton's commented examples fall due."""


def status(commitment: model.RecordedCommitment, today: datetime.date) -> Status:
    """Met when marked met; otherwise overdue once its date has passed, else open."""
    if commitment.status == "met":
        return "met"
    return "overdue" if commitment.by < today else "open"


def earlier_records(kb: KnowledgeBase, meeting: model.Meeting) -> list[model.Record]:
    """Records of the meetings with the same audience and country held before `meeting`, oldest first."""
    earlier = [
        kb.meetings[meeting_id]
        for meeting_id in kb.records
        if meeting_id in kb.meetings
        and kb.meetings[meeting_id].audience == meeting.audience
        and kb.meetings[meeting_id].country == meeting.country
        and kb.meetings[meeting_id].date < meeting.date
    ]
    return [kb.records[other.id] for other in sorted(earlier, key=lambda other: (other.date, other.id))]


def shown_entries(
    record: model.Record, entries: list[Entry], level: model.Sensitivity, guard: NameGuard
) -> list[Entry]:
    """The entries a copy at `level` may show: within both the record's and the entry's level,
    and naming no one the copy may not name."""
    if not level.allows(record.sensitivity):
        return []
    return [
        entry
        for entry in entries
        if level.allows(getattr(entry, "sensitivity", model.Sensitivity.PUBLIC))
        and entry_names_someone(entry, guard) is None
    ]


# --- the skeleton -----------------------------------------------------------------


def write_skeleton(meeting_file: Path, meeting: model.Meeting) -> Path:
    """Write `X.record.yaml` beside `meeting_file`, pre-filled from the meeting; never over an existing file."""
    target = record_path(meeting_file)
    if target.exists() or target.is_symlink():
        raise UsageError(f"{target} already exists; edit it, or move it aside to start a new one")
    try:
        # Never replaces a record written meanwhile by someone else.
        write_new(target, skeleton(meeting, _schema_comment(meeting_file)).encode("utf-8"))
    except FileExistsError:
        raise UsageError(f"{target} already exists; edit it, or move it aside to start a new one") from None
    return target


def _schema_comment(meeting_file: Path) -> str:
    """The meeting's own schema line pointed at the record schema, so editors find it from the same folder."""
    first = meeting_file.read_text(encoding="utf-8").split("\n", 1)[0]
    if match := re.fullmatch(r"# yaml-language-server: \$schema=(.*)meeting\.schema\.json", first.strip()):
        return f"# yaml-language-server: $schema={match.group(1)}record.schema.json"
    return "# yaml-language-server: $schema=../../../schemas/record.schema.json"


def _quoted(text: str) -> str:
    """A YAML scalar holding `text` exactly (a JSON string is a YAML double-quoted scalar)."""
    return json.dumps(text, ensure_ascii=False)


def skeleton(meeting: model.Meeting, schema_comment: str) -> str:
    """The text of a new record: what the meeting file already says, and commented examples for the rest."""
    due = meeting.date + datetime.timedelta(days=EXAMPLE_DAYS)
    lines = [
        schema_comment,
        f"# Record of the meeting {meeting.id}: fill in after the meeting; `briefing check` validates it.",
        f"meeting: {meeting.id}",
        f"held_on: {meeting.date.isoformat()}",
        "# Who may see this record; each entry below may be marked higher, never lower.",
        f"sensitivity: {meeting.distribution.value}",
        "# Who came. Pre-filled from the meeting; strike out whoever did not.",
        "attended:" + ("" if meeting.attendees else " []"),
    ]
    for person in meeting.attendees:
        lines.append(f"  - role: {_quoted(person.role)}")
        if person.name:
            lines.append(f"    name: {_quoted(person.name)}")
        lines.append(f"    side: {person.side}")
        if person.sensitivity is not model.Sensitivity.PUBLIC:
            lines.append(f"    sensitivity: {person.sensitivity.value}")
    raised = [f"  - text: {_quoted(item.title)}" for item in meeting.agenda] + [
        f"  - item: {item_id}" for item_id in meeting.include
    ]
    lines += [
        "# What we raised: the meeting's agenda and pinned items; add or strike out.",
        "raised:" + ("" if raised else " []"),
        *raised,
        "# The lists below are examples: to use one, remove the '# ' from each of its",
        "# lines, the list's name too, and copy its entry for each one more.",
        "# What the counterpart said. Confidential unless marked otherwise: it never",
        "# reaches a copy below its level.",
        "# they_said:",
        "#   - text: What the counterpart said, in a sentence.",
        "#     sensitivity: confidential",
        "# What they undertook to do; status is open or met.",
        "# commitments:",
        "#   - id: a-short-id",
        "#     who: Their role, e.g. the desk officer",
        "#     what: What they undertook to do",
        f"#     by: {due.isoformat()}",
        "#     status: open",
        "# What we undertook to do.",
        "# actions:",
        "#   - owner: Our role, e.g. the advocacy lead",
        "#     what: Send the follow-up letter",
        f"#     due: {due.isoformat()}",
        "#     done: false",
    ]
    return "\n".join(lines) + "\n"


# --- follow-ups -------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """One open commitment of theirs or action of ours."""

    due: datetime.date
    overdue: bool
    kind: Literal["commitment", "action"]
    who: str
    what: str
    meeting: str
    audience: str


def followups(
    kb: KnowledgeBase,
    today: datetime.date,
    guard: NameGuard,
    *,
    audience: str | None = None,
    overdue_only: bool = False,
) -> list[FollowUp]:
    """Every commitment not met and action not done, overdue first, then by date.

    An entry that names a person nobody may name is left out: this list is
    printed on screens and pasted into mail.
    """
    found = []
    for meeting_id, record in kb.records.items():
        meeting = kb.meetings.get(meeting_id)
        if meeting is None or (audience is not None and meeting.audience != audience):
            continue
        for commitment in record.commitments:
            if commitment.status != "met" and entry_names_someone(commitment, guard) is None:
                found.append(
                    FollowUp(
                        commitment.by,
                        commitment.by < today,
                        "commitment",
                        commitment.who,
                        commitment.what,
                        meeting_id,
                        meeting.audience,
                    )
                )
        for action in record.actions:
            if not action.done and entry_names_someone(action, guard) is None:
                found.append(
                    FollowUp(
                        action.due,
                        action.due < today,
                        "action",
                        action.owner,
                        action.what,
                        meeting_id,
                        meeting.audience,
                    )
                )
    if overdue_only:
        found = [entry for entry in found if entry.overdue]
    return in_order(found)


def in_order(entries: Iterable[FollowUp]) -> list[FollowUp]:
    """Overdue first, then by date; ties by meeting and what, so the table reads the same every time."""
    return sorted(entries, key=lambda entry: (not entry.overdue, entry.due, entry.meeting, entry.kind, entry.what))


def record_of(kb: KnowledgeBase, record_file: Path) -> model.Record:
    """The loaded record read from `record_file`."""
    for (kind, meeting_id), origin in kb.origins.items():
        if kind == "records" and origin.path.resolve() == record_file.resolve():
            return kb.records[meeting_id]
    raise UsageError(
        f"{record_file}: not a record of this knowledge base; a record is a <meeting>.record.yaml "
        "beside a meeting file in its meetings folder"
    )
