"""The one-page leave-behind and the follow-up letter stand alone in the other side's hands.

Every audience and meeting of the bundled knowledge base, read from the real
PDF (pypdf) and DOCX (python-docx): labelled sections in order, an ask on
every case card, and nothing of ours that only matches a copy to its manifest.
"""

import datetime
import re
import shutil
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from generator import __version__, api
from generator.kb import model
from generator.text.catalogue import message
from generator.text.markup import parse
from generator.text.rich import plain
from tests.conftest import BUNDLED_BRIEFS

DATE = datetime.date(2026, 11, 25)
REPOSITORY = BUNDLED_BRIEFS.parent
SECTION_IDS = ("leave-behind.asks", "leave-behind.cases", "leave-behind.talking-points", "frame.contact")
INTERNAL_IDS = ("frame.facts-dated",)


@pytest.fixture(scope="module")
def kb():
    return api.load_knowledge_base(BUNDLED_BRIEFS, today=DATE).kb


@pytest.fixture(scope="module")
def leave_behinds(kb, built, tmp_path_factory) -> Path:
    """Every audience's and meeting's leave-behind, in each format, named as `generate` names them.

    The page-limit tests fit the same briefings: each is laid out once for the run.
    """
    out = tmp_path_factory.mktemp("leave-behinds")
    requests = [api.request_for(kb, audience, length="one-page", date=DATE) for audience in kb.audiences]
    requests += [
        api.request_for(kb, meeting.audience, meeting, length="one-page", date=DATE) for meeting in kb.meetings.values()
    ]
    for request in requests:
        for output_format in api.FORMATS:
            built.write(BUNDLED_BRIEFS, DATE, request, output_format, out)
    return out


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    return flat(" ".join(page.extract_text() for page in reader.pages))


def docx_text(path: Path) -> str:
    document = docx.Document(path)
    parts = [paragraph.text for paragraph in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [paragraph.text for paragraph in (*section.header.paragraphs, *section.footer.paragraphs)]
    return flat(" ".join(parts))


def language(kb, path: Path) -> str:
    return kb.audiences[path.name.split("_")[2]].language


def assert_no_internal_metadata(kb, text: str, lang: str) -> None:
    assert kb.revision[:8] not in text
    assert __version__ not in text
    for message_id in INTERNAL_IDS:
        assert message(message_id, lang) not in text
    assert f"({message('frame.out-of-date', lang)})" not in text


def test_a_leave_behind_is_written_for_every_audience_and_meeting(kb, leave_behinds):
    pdfs = sorted(leave_behinds.glob("*_one-page.pdf"))
    assert len(pdfs) == len(kb.audiences) + len(kb.meetings)


def test_pdf_sections_are_labelled_in_order_and_every_case_carries_an_ask(kb, leave_behinds):
    for path in sorted(leave_behinds.glob("*.pdf")):
        text, lang = pdf_text(path), language(kb, path)
        position = 0
        for message_id in SECTION_IDS:
            found = text.find(message(message_id, lang), position)
            assert found >= 0, (path.name, message_id)
            position = found
        cards = text.count(message("content.case-status", lang) + ":")
        assert cards >= 1, path.name
        assert text.count(message("content.case-ask", lang) + ":") == cards, path.name


def test_docx_sections_are_labelled_in_order_and_every_case_carries_an_ask(kb, leave_behinds):
    for path in sorted(leave_behinds.glob("*.docx")):
        document, lang = docx.Document(path), language(kb, path)
        labels = [message(message_id, lang) for message_id in SECTION_IDS[:3]]
        shown = [
            paragraph.text
            for paragraph in document.paragraphs
            if (paragraph.style.name.startswith("Heading") and paragraph.text in labels)
            or paragraph.text.startswith(message("frame.contact", lang) + ":")
        ]
        assert shown[:3] == labels and shown[3].startswith(message("frame.contact", lang)), path.name
        cards = [
            [row.cells[0].text for row in table.rows]
            for table in document.tables
            if message("content.case-status", lang) in [row.cells[0].text for row in table.rows]
        ]
        assert cards, path.name
        assert all(message("content.case-ask", lang) in card for card in cards), path.name


def test_no_leave_behind_prints_internal_metadata(kb, leave_behinds):
    for path in sorted(leave_behinds.glob("*.pdf")):
        assert_no_internal_metadata(kb, pdf_text(path), language(kb, path))
    for path in sorted(leave_behinds.glob("*.docx")):
        assert_no_internal_metadata(kb, docx_text(path), language(kb, path))


def record_files() -> list[Path]:
    return sorted({*REPOSITORY.glob("examples/**/*.record.yaml"), *BUNDLED_BRIEFS.glob("**/*.record.yaml")})


@pytest.fixture(scope="module")
def letter(tmp_path_factory) -> tuple[Path, model.Record, object]:
    """The sample record's letter, with the record placed beside its meeting in a copy of the bundled base."""
    (sample,) = record_files()
    root = tmp_path_factory.mktemp("letter")
    briefs = root / "briefs"
    shutil.copytree(BUNDLED_BRIEFS, briefs)
    placed = next(briefs.glob(f"*/meetings/{sample.name.removesuffix('.record.yaml')}.yaml")).with_name(sample.name)
    shutil.copyfile(sample, placed)
    out = root / "output"
    outcome = api.letter_from_record(placed, briefs, None, model.Sensitivity.RESTRICTED, api.FORMATS, out)
    assert outcome.failed == [] and len(outcome.written) == 2
    loaded = api.load_knowledge_base(briefs, today=DATE).kb
    return out, loaded.records[next(iter(loaded.records))], loaded


def test_the_letter_lists_each_raised_case_with_its_ask_and_no_internal_metadata(letter):
    out, record, kb = letter
    audience = kb.meetings[record.meeting].audience
    raised_cases = [kb.cases[raised.item] for raised in record.raised if raised.item in kb.cases]
    assert raised_cases
    for text in (pdf_text(next(out.glob("*.pdf"))), docx_text(next(out.glob("*.docx")))):
        assert_no_internal_metadata(kb, text, kb.audiences[audience].language)
        for case in raised_cases:
            assert flat(f"{case.name}: " + plain(parse(case.asks.get(audience, case.asks["default"])))) in text
