"""A briefing that cannot fit is refused after a few layouts, not one per item it could leave out.

What each stage costs against the size of its input is measured side by side
in `benchmarks/run.py --only scale`, not here.
"""

import pytest
import yaml

from generator import api
from generator.core.errors import TooLong
from generator.render import pdf
from tests.conftest import FIXTURES

PARTICIPANT = "Participant {number}, " + "official of the ministry of foreign affairs and development " * 5


@pytest.mark.slow
def test_a_meeting_too_long_for_four_pages_is_refused_naming_its_participants_after_a_few_layouts(
    minimal_kb, tmp_path, monkeypatch
):
    kb = api.load_knowledge_base(minimal_kb).kb
    meeting = yaml.safe_load((FIXTURES / "minimal/testland/meetings/uk-visit.yaml").read_text())
    meeting["participants"] = [PARTICIPANT.format(number=number).strip() for number in range(400)]
    path = tmp_path / "meeting.yaml"
    path.write_text(yaml.safe_dump(meeting, sort_keys=False))
    (request,) = api.requests_for(kb, meeting_file=path)
    layouts = []
    count_pages = pdf.count_pages
    monkeypatch.setattr(pdf, "count_pages", lambda brief: layouts.append(brief) or count_pages(brief))

    with pytest.raises(TooLong, match="participants"):
        api.compose_brief(kb, request)

    # One layout as selected, a gallop of 1, 2, 4... removals, and the shortest briefing, then the refusal.
    assert len(layouts) <= 5, len(layouts)
