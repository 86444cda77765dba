"""Every stage costs time in proportion to its input, measured as a ratio so it holds on any machine."""

import time
from pathlib import Path

import pytest
import yaml

from generator import api
from generator.compose.briefing import compose
from generator.core.errors import TooLong
from generator.render.docx import render_docx
from generator.render.pdf import render_pdf
from generator.select.selection import select
from tests.conftest import FIXTURES

PARTICIPANT = "Participant {number}, " + "official of the ministry of foreign affairs and development " * 5


def seconds_for_a_meeting_of(participants: int, kb, folder: Path) -> float:
    """Read, compose and render both formats of a meeting briefing with that many long participants."""
    meeting = yaml.safe_load((FIXTURES / "minimal/testland/meetings/uk-visit.yaml").read_text())
    meeting["participants"] = [PARTICIPANT.format(number=number).strip() for number in range(participants)]
    path = folder / f"meeting-{participants}.yaml"
    path.write_text(yaml.safe_dump(meeting, sort_keys=False))
    started = time.perf_counter()
    (request,) = api.requests_for(kb, meeting_file=path)
    # Composed without fitting to the page limit, which such a meeting cannot meet.
    selection = select(kb, kb.audiences[request.audience], request.meeting, request.level, request.length)
    brief = compose(selection, date=request.date)
    render_pdf(brief)
    render_docx(brief)
    return time.perf_counter() - started


@pytest.mark.slow
def test_a_meeting_with_400_long_participants_costs_less_than_five_times_one_with_100(minimal_kb, tmp_path):
    kb = api.load_knowledge_base(minimal_kb).kb
    seconds_for_a_meeting_of(10, kb, tmp_path)  # WeasyPrint's first-use costs stay out of the ratio

    small = seconds_for_a_meeting_of(100, kb, tmp_path)
    large = seconds_for_a_meeting_of(400, kb, tmp_path)

    # Measured at 2.7; the auto-sized title-block table made it 32, and 15 s.
    assert large / small < 5, f"100 participants: {small:.2f} s, 400: {large:.2f} s"


@pytest.mark.slow
def test_a_meeting_too_long_for_four_pages_is_refused_in_a_few_layouts(minimal_kb, tmp_path):
    kb = api.load_knowledge_base(minimal_kb).kb
    meeting = yaml.safe_load((FIXTURES / "minimal/testland/meetings/uk-visit.yaml").read_text())
    meeting["participants"] = [PARTICIPANT.format(number=number).strip() for number in range(400)]
    path = tmp_path / "meeting.yaml"
    path.write_text(yaml.safe_dump(meeting, sort_keys=False))
    (request,) = api.requests_for(kb, meeting_file=path)
    started = time.perf_counter()
    with pytest.raises(TooLong, match="participants"):
        api.compose_brief(kb, request)
    assert time.perf_counter() - started < 60
