"""A meeting briefing opens on its objective and carries the meeting at a glance, holding only what the copy may show."""

from __future__ import annotations

import datetime
import io

import docx
import pytest
import yaml
from pypdf import PdfReader

from generator import api
from generator.core.errors import InputError
from generator.kb.model import Sensitivity
from generator.render.docx import render_docx
from generator.render.pdf import render_pdf
from tests.conftest import BUNDLED_BRIEFS
from tests.once import once

DATE = datetime.date(2026, 11, 25)
UK_MEETING = BUNDLED_BRIEFS / "kazakhstan" / "meetings" / "uk-fcdo-london-2027-02.yaml"


@pytest.fixture(scope="module")
def kb():
    return api.load_knowledge_base(BUNDLED_BRIEFS, today=DATE).kb


@once
def meeting_brief(kb, level: Sensitivity | None = None):
    (request,) = api.requests_for(kb, meeting_file=UK_MEETING, distribution=level, date=DATE)
    return api.compose_brief(kb, request)


@once
def pdf_text(brief) -> str:
    """The text of every page, with line breaks read as spaces: labels wrap in their narrow column."""
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(render_pdf(brief))).pages)


@once
def docx_text(brief) -> str:
    document = docx.Document(io.BytesIO(render_docx(brief)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def box(brief):
    return next(section for section in brief.sections if section.rows)


def test_the_objective_opens_the_briefing_and_the_meeting_at_a_glance_follows_the_lines_in_pdf_and_docx(kb):
    brief = meeting_brief(kb)
    for text in (pdf_text(brief), docx_text(brief)):
        assert "the meeting at a glance" in text.lower()  # the PDF sets the box title in capitals
        assert "Objective" in text and "structured human rights process" in text
        assert "Their side" in text and "Illicit finance policy adviser, FCDO" in text
        assert "Interpretation" in text and "None needed" in text
        assert "Their known positions" in text and "partner of choice" in text
    text = pdf_text(brief)
    assert (
        text.index("Objective")
        < text.index("Key asks")
        < text.index("Lines to take")
        < text.lower().index("the meeting at a glance")
    )
    assert brief.sections[0].key == "objective"
    assert next(row.label for row in box(brief).rows) == "Purpose"


def test_an_attendee_above_the_copys_level_is_left_out(kb):
    public, restricted = meeting_brief(kb), meeting_brief(kb, Sensitivity.RESTRICTED)
    assert "Labour rights researcher" not in pdf_text(public)
    assert "Labour rights researcher" not in docx_text(public)
    assert "Labour rights researcher" in pdf_text(restricted)
    assert "Labour rights researcher" in docx_text(restricted)


def test_a_position_cites_its_source_in_the_sources_list(kb):
    brief = meeting_brief(kb)
    (positions,) = [row for row in box(brief).rows if row.label == "Their known positions"]
    (cite,) = positions.entries[0].citations
    assert "Trade and Rights Aren" in next(source.reference for source in brief.sources if source.number == cite.number)


def test_a_leave_behind_carries_no_summary_box(kb):
    (request,) = api.requests_for(kb, meeting_file=UK_MEETING, length="one-page", date=DATE)
    brief = api.compose_brief(kb, request)
    assert not any(section.rows for section in brief.sections)
    assert "the meeting at a glance" not in pdf_text(brief).lower()


def test_an_old_meeting_file_with_participants_only_still_works(minimal_kb):
    kb = api.load_knowledge_base(minimal_kb, today=DATE).kb
    (request,) = api.requests_for(kb, meeting_file=minimal_kb / "testland" / "meetings" / "uk-visit.yaml", date=DATE)
    brief = api.compose_brief(kb, request)
    assert not any(section.rows for section in brief.sections)
    assert any(row.label == "Participants" and "Desk officer" in row.value for row in brief.meta)


def test_a_position_citing_an_unknown_source_is_an_error_with_its_line(kb, tmp_path):
    meeting = yaml.safe_load(UK_MEETING.read_text())
    meeting["positions"] = [{"text": "A position.", "sources": [{"source": "no-such-source", "passage": "x"}]}]
    path = tmp_path / "meeting.yaml"
    path.write_text(yaml.safe_dump(meeting, sort_keys=False, allow_unicode=True))
    with pytest.raises(InputError) as raised:
        api.requests_for(kb, meeting_file=path)
    line = next(number for number, text in enumerate(path.read_text().splitlines(), 1) if "no-such-source" in text)
    assert f"{path}:{line}" in str(raised.value)
    assert "no-such-source" in str(raised.value)
