"""The main job on the bundled knowledge base: every audience, both formats.

Opens the real files (pypdf, python-docx) and asserts on their text,
structure and metadata; compares the HTML handed to WeasyPrint and the DOCX
text with committed golden copies (regenerate with UPDATE_GOLDEN=1).
"""

import datetime
import io
import json
import os
import re

import docx
import pytest
from pypdf import PdfReader

from generator import api
from generator.render.docx import render_docx
from generator.render.html import render_html
from generator.select.selection import select
from tests.conftest import BUNDLED_BRIEFS, FIXTURES, TESTS

DATE = datetime.date(2026, 11, 25)
AUDIENCES = ("us", "uk", "eu", "lender")
GOLDEN = TESTS / "golden"
VELORIA_BRIEFS = FIXTURES / "veloria" / "briefs"
"""The goldens are built from this made-up country, so editing the bundled one breaks none."""


@pytest.fixture(scope="module")
def kb():
    return api.load_knowledge_base(BUNDLED_BRIEFS, today=DATE).kb


@pytest.fixture(scope="module")
def outputs(kb, tmp_path_factory):
    out = tmp_path_factory.mktemp("output")
    requests = api.requests_for(kb, audiences=AUDIENCES, date=DATE)
    with api.RenderPool(2) as pool:
        outcome = api.generate(kb, requests, api.FORMATS, out, pool=pool)
    assert outcome.failed == [] and outcome.unchanged == []
    return out, outcome.written


def pdf(outputs, audience: str) -> PdfReader:
    out, _ = outputs
    return PdfReader(out / f"{DATE}_kazakhstan_{audience}.pdf")


def pdf_text(outputs, audience: str) -> str:
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in pdf(outputs, audience).pages))


def word(outputs, audience: str) -> docx.Document:
    out, _ = outputs
    return docx.Document(out / f"{DATE}_kazakhstan_{audience}.docx")


def test_generate_all_writes_eight_files_and_a_manifest(outputs):
    out, paths = outputs

    assert sorted(p.name for p in paths) == sorted(
        f"{DATE}_kazakhstan_{audience}.{ext}" for audience in AUDIENCES for ext in ("pdf", "docx")
    )
    manifest = json.loads((out / "manifest.json").read_text())["files"]
    for path in paths:
        entry = manifest[path.name]
        assert entry["sha256"] == __import__("hashlib").sha256(path.read_bytes()).hexdigest()
        assert entry["distribution"] == "public" and entry["recipient"] is None


@pytest.mark.parametrize("audience", AUDIENCES)
def test_pdf_is_a_three_to_five_page_briefing_on_the_right_paper(outputs, kb, audience):
    reader = pdf(outputs, audience)
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)

    assert 3 <= len(reader.pages) <= 5
    expected = (612, 792) if kb.audiences[audience].paper == "letter" else (595.28, 841.89)
    assert (round(width, 0), round(height, 0)) == tuple(round(v, 0) for v in expected)
    meta = reader.metadata
    assert meta.title == "Kazakhstan: human rights briefing"
    assert meta.author == "Central Asia advocacy team"
    assert meta.subject == f"Kazakhstan: briefing for {kb.audiences[audience].full_name}"
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[0] == "Kazakhstan: human rights briefing" or "Purpose" in outline


@pytest.mark.parametrize("audience", AUDIENCES)
def test_pdf_says_what_the_audience_can_do_with_its_own_levers(outputs, kb, audience):
    text = pdf_text(outputs, audience)
    levers = list(kb.levers[audience].values())

    assert f"Levers of the {kb.audiences[audience].full_name}" in text
    assert sum(lever.name in text for lever in levers) >= 2
    for other in set(AUDIENCES) - {audience}:
        assert f"Levers of the {kb.audiences[other].full_name}" not in text
    assert "PUBLIC" in text and "Page 1 of" in text
    assert "Қазақстан" in text


def asks(document: docx.Document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == "List Number"]


def test_the_four_audiences_get_different_briefings(outputs):
    all_asks = {audience: asks(word(outputs, audience)) for audience in AUDIENCES}

    for audience, items in all_asks.items():
        assert 3 <= len(items) <= 6
        for other in set(AUDIENCES) - {audience}:
            assert items != all_asks[other]
            assert items[0] != all_asks[other][0], (audience, other)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_pdf_and_docx_say_the_same_thing(outputs, audience):
    text = pdf_text(outputs, audience)
    document = word(outputs, audience)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]

    assert headings[:3] == ["Purpose", "Key asks", "Talking points" if audience == "us" else "Lines to take"]
    assert headings[-1] == "Sources"
    for heading in headings:
        assert heading in text
    for ask in asks(document):
        assert re.sub(r"[\d,]+$", "", ask).strip()[:60] in text


@pytest.mark.parametrize("audience", AUDIENCES)
def test_docx_properties(outputs, kb, audience):
    properties = word(outputs, audience).core_properties

    assert properties.title == "Kazakhstan: human rights briefing"
    assert properties.subject == f"Kazakhstan: briefing for {kb.audiences[audience].full_name}"
    assert properties.language == kb.audiences[audience].language
    assert properties.created == datetime.datetime(2026, 11, 25, tzinfo=datetime.UTC)


def test_every_claim_is_cited(kb, built):
    for audience in AUDIENCES:
        brief = built.brief(BUNDLED_BRIEFS, DATE, api.request_for(kb, audience, date=DATE))
        for section in brief.sections:
            if section.key in ("purpose", "objective", "gaps"):
                continue  # our own words: what the briefing is for, and what our sources do not cover
            for point in section.points:
                assert point.citations, (audience, section.key)
            assert all(case.citations for case in section.cases)
            assert all(response.citations for response in section.responses)


def test_meeting_briefings_lead_with_the_meeting(kb, built):
    for meeting in kb.meetings.values():
        brief = built.brief(BUNDLED_BRIEFS, DATE, api.request_for(kb, meeting.audience, meeting, date=DATE))
        assert brief.subtitle == meeting.title
        # A leave-behind leads with the asks; the meeting is in its title.
        lead = "objective" if meeting.objective else "purpose"
        assert brief.sections[0].key == ("asks" if meeting.length == "one-page" else lead)
        shown = {case.name for s in brief.sections for case in s.cases} | {
            p.label for s in brief.sections for p in s.points if p.label
        }
        for case_id in set(meeting.include) & set(kb.cases):
            assert kb.cases[case_id].name in shown


@pytest.fixture(scope="module")
def veloria():
    return api.load_knowledge_base(VELORIA_BRIEFS, today=DATE).kb


def golden_check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} missing; run UPDATE_GOLDEN=1 pytest tests/e2e/test_briefings.py"
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs; if intended, UPDATE_GOLDEN=1"


@pytest.mark.parametrize("audience", AUDIENCES)
def test_golden_html(veloria, audience):
    brief = api.compose_brief(veloria, api.request_for(veloria, audience, date=DATE))
    golden_check(f"{audience}.html", render_html(brief))


@pytest.mark.parametrize("audience", AUDIENCES)
def test_golden_docx_text(veloria, audience):
    brief = api.compose_brief(veloria, api.request_for(veloria, audience, date=DATE))
    document = docx.Document(io.BytesIO(render_docx(brief)))
    lines = [f"[{p.style.name}] {p.text}" for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    golden_check(f"{audience}.docx.txt", "\n".join(lines) + "\n")


def talking_points(document: docx.Document) -> list:
    """The bulleted paragraphs under the heading of the lines to take."""
    paragraphs = document.paragraphs
    start = next(
        i
        for i, p in enumerate(paragraphs)
        if p.style.name == "Heading 1" and p.text in ("Lines to take", "Talking points")
    )
    end = next(i for i, p in enumerate(paragraphs[start + 1 :], start + 1) if p.style.name == "Heading 1")
    return paragraphs[start + 1 : end]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_talking_points_lead_with_the_line_to_take_then_one_cited_evidence_line(outputs, kb, audience):
    text = pdf_text(outputs, audience)
    points = talking_points(word(outputs, audience))

    assert points
    for paragraph in points:
        line, _, evidence = paragraph.text.partition("\nEvidence: ")
        dated = re.fullmatch(r"As of (?:about )?\w+ \d{4}, (.*)", line, re.DOTALL)
        undated = dated.group(1) if dated else line
        fact = next(fact for fact in kb.facts.values() if fact.lines.get(audience, "")[1:].startswith(undated[1:40]))
        written = re.sub(r"\s+", " ", fact.lines[audience])
        assert undated in (written, written[:1].lower() + written[1:])
        assert paragraph.runs[0].bold and paragraph.runs[0].text == line
        assert evidence.startswith(re.sub(r"\s+", " ", fact.text)[:60])
        if dated:
            # The line carries the date; the evidence keeps only the out-of-date marker, if any.
            assert evidence.endswith("(out of date)") or not evidence.endswith(")")
        else:
            assert re.search(r"\((?:out of date: )?as of [^)]*\d{4}\)$", evidence)
        assert evidence.count("Evidence:") == 0
        # In the PDF, too, the line comes first and its evidence right after it.
        at = text.index(line[:50])
        # A page break may fall between, with the running footer and header.
        assert text.index("Evidence: " + evidence[:40], at) - at < len(line) + 200


BRITISH_SPELLINGS = ("labour", "criticised", "organisation", "recognise", "favour")


def test_us_lines_use_american_spelling(kb, outputs):
    printed = " ".join(p.text.partition("\nEvidence: ")[0] for p in talking_points(word(outputs, "us"))).lower()
    written = " ".join(fact.lines["us"] for fact in kb.facts.values() if "us" in fact.lines).lower()

    assert printed and not [spelling for spelling in BRITISH_SPELLINGS if spelling in printed]
    assert "labor" in written and "criticized" in written
    assert not [spelling for spelling in BRITISH_SPELLINGS if spelling in written]


def case_cards(document: docx.Document) -> dict[str, dict[str, str]]:
    """Each case card of a DOCX by the person's name: its fields by their labels."""
    cards = {}
    for table in document.tables:
        if table.style.name != "Briefing Table":
            continue  # the meeting at a glance, set as a table of labels
        head, *rows = table.rows
        cards[head.cells[0].text.split(" – ")[0]] = {row.cells[0].text: row.cells[1].text for row in rows}
    return cards


@pytest.mark.parametrize("audience", AUDIENCES)
def test_cases_are_cards_with_the_same_fields_in_pdf_and_docx(outputs, kb, audience):
    text = pdf_text(outputs, audience)
    cards = case_cards(word(outputs, audience))

    assert len(cards) >= 2
    for name, fields in cards.items():
        case = next(case for case in kb.cases.values() if case.name == name)
        ask = re.sub(r"\s+", " ", case.asks.get(audience, case.asks["default"]))
        assert list(fields) == ["What happened", "Status", "Our ask"]
        assert fields["Our ask"] == ask
        status = fields["Status"]
        assert status.startswith(("Last reported", "As of ")) and "ast reported" in status
        # Dated in the sentence when older than the limit, else beside it: never both, never neither.
        assert status.startswith("As of ") != status.endswith(")")
        # The PDF's card: the name, then each field in the same order and words as the DOCX.
        at = text.index(f"{name} {case.role[:30]}")
        for label, value in fields.items():
            found = text.index(f"{label}: {value[:30]}", at)
            assert found - at < 800
            at = found
        assert not any(phrase in field for field in fields.values() for phrase in ("These sources", "say nothing more"))


def test_the_lender_asks_for_each_person_in_its_own_terms(outputs):
    cards = case_cards(word(outputs, "lender"))

    ask = cards["Larisa Kharkova"]["Our ask"]

    assert ask.startswith("Raise her case in the World Bank’s and the EBRD’s dialogue")
    assert "country strategies" in ask


def test_the_sources_list_marks_pro_government_commentary(outputs):
    text = pdf_text(outputs, "eu")
    sources = [p.text for p in word(outputs, "eu").paragraphs if p.style.name == "Source"]

    (eu_reporter,) = [source for source in sources if "EU Reporter" in source]
    assert "EU Reporter, c. February 2021. Commentary supportive of the government." in eu_reporter
    assert "EU Reporter, c. February 2021. Commentary supportive of the government." in text
    assert all(". Independent." in source or ". Commentary supportive" in source for source in sources)


OTHER_AUDIENCES_LEVERS = (
    "Magnitsky",
    "U.S. companies",
    "US companies",
    "Unexplained Wealth",
    "golden visa",
    "State Department",
    "National Crime Agency",
)


def test_the_lender_briefing_carries_nothing_that_rests_on_another_audiences_lever(outputs):
    text = pdf_text(outputs, "lender")
    document_text = "\n".join(p.text for p in word(outputs, "lender").paragraphs)

    for words in OTHER_AUDIENCES_LEVERS:
        assert words.lower() not in text.lower() and words.lower() not in document_text.lower(), words


@pytest.mark.parametrize("audience", AUDIENCES)
def test_no_briefing_shows_an_item_meant_only_for_other_audiences(kb, audience):
    selection = select(kb, kb.audiences[audience])
    shown = [
        *selection.talking_points,
        *selection.background,
        *selection.cases,
        *selection.recommendations,
        *selection.responses,
    ]

    assert all(not item.only_for or audience in item.only_for for item in shown)
    assert any(item.only_for for item in shown) == (audience != "lender")
