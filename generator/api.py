"""The library entry points: everything the CLI does, callable from Python.

Rendering modules are imported inside the functions that need them, so
checking a knowledge base never pays for loading WeasyPrint or python-docx.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from . import model
from .brief import Brief
from .compose import compose
from .errors import Diagnostic, InputError, UsageError
from .load import KnowledgeBase, read_items
from .publish import output_name, record_in_manifest, remove_leftovers, sha256, write_atomic
from .select import Length, distribution_level, select
from .validate import read_meeting_file, validate

Format = Literal["pdf", "docx"]
FORMATS: tuple[Format, ...] = ("pdf", "docx")


def build_date() -> datetime.date:
    """The date a build is stamped with: `SOURCE_DATE_EPOCH` if set, else today.

    Fixing it makes output byte-for-byte reproducible.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return datetime.date.today()
    try:
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970") from None


@dataclass
class Checked:
    """A valid knowledge base and the warnings its authors should see."""

    kb: KnowledgeBase
    warnings: list[Diagnostic] = field(default_factory=list)


def load_knowledge_base(briefs: Path, country: str | None = None,
                        today: datetime.date | None = None) -> Checked:
    """Load and check a knowledge base; raise InputError listing every problem."""
    kb, errors, warnings = validate(read_items(briefs, country), today or build_date())
    if kb is None:
        raise InputError(errors)
    return Checked(kb, warnings)


@dataclass(frozen=True)
class Request:
    """One briefing to produce: an audience, optionally for a meeting."""

    audience: str
    meeting: model.Meeting | None = None
    distribution: model.Sensitivity | None = None
    length: Length | None = None
    recipient: str | None = None


def requests_for(kb: KnowledgeBase, *, audiences: Iterable[str] = (), meeting_file: Path | None = None,
                 distribution: model.Sensitivity | None = None, length: Length | None = None,
                 recipient: str | None = None) -> list[Request]:
    """Turn what the user asked for into briefings, checking every name."""
    requests = []
    for audience in audiences:
        if audience not in kb.audiences:
            raise UsageError(f"no audience '{audience}'; choose one of {', '.join(sorted(kb.audiences))}")
        requests.append(Request(audience, None, distribution, length, recipient))
    if meeting_file is not None:
        meeting = read_meeting_file(meeting_file, kb)
        requests.append(Request(meeting.audience, meeting, distribution, length, recipient))
    return requests


def compose_brief(kb: KnowledgeBase, request: Request, date: datetime.date) -> Brief:
    audience = kb.audiences[request.audience]
    selection = select(kb, audience, request.meeting, request.distribution, request.length)
    return compose(selection, date=date, recipient=request.recipient)


def render(brief: Brief, output_format: Format) -> bytes:
    if output_format == "pdf":
        from .render_pdf import render_pdf
        return render_pdf(brief)
    from .render_docx import render_docx
    return render_docx(brief)


def generate(kb: KnowledgeBase, requests: Iterable[Request], formats: Iterable[Format] = FORMATS,
             out_dir: Path = Path("output"), date: datetime.date | None = None) -> list[Path]:
    """Render every requested briefing in every format, then write them all.

    Nothing is written unless everything rendered, so a failure never leaves
    half a set of briefings behind.
    """
    date = date or build_date()
    rendered: list[tuple[Path, bytes]] = []
    manifest: dict[str, dict[str, object]] = {}
    for request in requests:
        brief = compose_brief(kb, request, date)
        meeting_id = request.meeting.id if request.meeting else None
        file_date = request.meeting.date if request.meeting else date
        for output_format in formats:
            path = out_dir / output_name(file_date, kb.country.id, request.audience, meeting_id, output_format,
                                         request.recipient)
            content = render(brief, output_format)
            rendered.append((path, content))
            manifest[path.name] = {
                "audience": request.audience, "meeting": meeting_id, "format": output_format,
                "distribution": distribution_level(request.meeting, request.distribution).value, "recipient": request.recipient,
                "date": date.isoformat(), "sha256": sha256(content), "knowledge_base": kb.revision,
            }
    remove_leftovers(out_dir)
    for path, content in rendered:
        write_atomic(path, content)
    record_in_manifest(out_dir, manifest)
    return [path for path, _ in rendered]
