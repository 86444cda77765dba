"""The DOCX renderer, checked by reading its output back with python-docx."""

import dataclasses
import datetime
import importlib.util
import io
import zipfile

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Inches, Mm

from generator.compose.brief import Point, Section
from generator.core.errors import RenderError
from generator.render.docx import REFERENCE_DOCX, render_docx
from generator.text.rich import Span
from tests.conftest import PROJECT
from tests.sample_brief import sample_brief

BUILD_SCRIPT = PROJECT / "scripts" / "build_reference_docx.py"


def read(brief) -> docx.document.Document:
    return docx.Document(io.BytesIO(render_docx(brief)))


def with_section(brief, section: Section):
    return dataclasses.replace(brief, sections=(*brief.sections, section))


@pytest.fixture(scope="module")
def document():
    return read(
        dataclasses.replace(
            sample_brief(), recipient="Jane Smith, FCDO", recipient_line="Prepared for Jane Smith, FCDO"
        )
    )


def styled(document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def test_title_block(document):
    assert styled(document, "Title") == ["Kazakhstan: human rights briefing"]
    assert styled(document, "Subtitle") == ["Meeting with Central Asia officials"]
    (strip,) = styled(document, "Byline")
    assert strip.endswith("9 February 2027 · Central Asia advocacy team")


def test_the_metadata_is_one_strip_with_bold_labels_and_keeps_cyrillic(document):
    (strip,) = [p for p in document.paragraphs if p.style.name == "Byline"]
    labels = [run.text for run in strip.runs if run.bold]
    assert labels == ["Meeting", "Date", "President"]
    assert "President Қасым-Жомарт Тоқаев · " in strip.text


def test_one_heading_per_section_in_order_then_sources(document):
    assert styled(document, "Heading 1") == [
        "Purpose",
        "Key asks",
        "Background",
        "Individual cases",
        "Talking points",
        "If raised",
        "The United Kingdom’s levers",
        "The meeting at a glance",
        "Sources",
    ]


def test_points_take_the_style_of_their_section(document):
    assert styled(document, "List Number") == [
        "Raise the cases of named activists in private and in public.1",
        "Support future Unexplained Wealth Order cases.1,2",
    ]
    assert styled(document, "List Bullet") == [
        "Economy first is no justification for putting human rights last.2",
        "Unexplained Wealth Orders: The National Crime Agency can bring new cases.1",
    ]
    assert "Press for the release of peaceful activists." in styled(document, "Normal")


def test_label_is_bold_and_as_of_is_a_small_grey_run(document):
    levers = next(p for p in document.paragraphs if p.text.startswith("Unexplained"))
    assert (levers.runs[0].text, levers.runs[0].bold) == ("Unexplained Wealth Orders: ", True)
    background = next(p for p in document.paragraphs if p.text.startswith("247"))
    assert background.runs[-1].text == " (as of July 2016)"
    assert background.runs[-1].style.name == "As Of"


def test_citations_are_superscript_runs(document):
    asks = styled(document, "List Number")
    paragraph = next(p for p in document.paragraphs if p.text == asks[1])
    citation = paragraph.runs[-1]
    assert (citation.text, citation.style.name) == ("1,2", "Citation")
    assert document.styles["Citation"].font.superscript


def test_emphasis_is_italic(document):
    purpose = next(p for p in document.paragraphs if p.text.startswith("Press"))
    assert [(r.text, r.italic) for r in purpose.runs] == [
        ("Press for the release of ", None),
        ("peaceful", True),
        (" activists.", None),
    ]


def test_link_is_a_real_external_hyperlink(document):
    background = next(p for p in document.paragraphs if p.text.startswith("247"))
    (link,) = background.hyperlinks
    assert (link.text, link.address) == ("the report", "https://example.org/report")
    assert link.runs[0].style.name == "Hyperlink"
    rel = document.part.rels[link._hyperlink.rId]
    assert rel.is_external


def test_source_urls_are_linked():
    brief = sample_brief()
    sources = (dataclasses.replace(brief.sources[0], url="https://fpc.org.uk/kazakhstan"),)
    document = read(dataclasses.replace(brief, sources=sources))
    (entry,) = [p for p in document.paragraphs if p.style.name == "Source"]
    assert entry.text.endswith("22 July 2021. https://fpc.org.uk/kazakhstan")
    assert [link.address for link in entry.hyperlinks] == ["https://fpc.org.uk/kazakhstan"]


@pytest.mark.parametrize("href", ["javascript:alert(1)", "file:///etc/passwd", "ftp://example.org/x"])
def test_non_web_links_are_refused(href):
    brief = with_section(sample_brief(), Section("x", "X", points=(Point((Span("bad", href=href),)),)))
    with pytest.raises(RenderError, match="only http and https"):
        render_docx(brief)


def test_links_work_inside_a_case_card():
    brief = sample_brief()
    case = dataclasses.replace(brief.sections[3].cases[0], detail=(Span("court record", href="https://example.org/c"),))
    document = read(with_section(brief, Section("more", "More cases", cases=(case,))))
    (link,) = document.tables[2].rows[1].cells[1].paragraphs[0].hyperlinks
    assert link.address == "https://example.org/c"


def test_markup_in_text_stays_text():
    brief = with_section(sample_brief(), Section("x", "X", points=(Point((Span("<b>x</b> & co"),)),)))
    document = read(brief)
    (paragraph,) = [p for p in document.paragraphs if "<b>" in p.text]
    assert paragraph.text == "<b>x</b> & co"
    assert paragraph.runs[0].bold is None


def test_each_case_is_a_card_of_labelled_fields(document):
    card = document.tables[0]
    assert card.style.name == "Briefing Table"
    assert card.style.type == WD_STYLE_TYPE.TABLE
    head, *fields = card.rows
    assert head.cells[0].text == "Max Bokayev – Civic activist, Atyrau" and head.cells[0].paragraphs[0].runs[0].bold
    assert [[cell.text for cell in row.cells] for row in fields] == [
        ["What happened", "Sentenced to five years for “inciting social discord”.1,2"],
        ["Status", "Freedom restrictions remain. (as of July 2021)"],
        ["Our ask", "Ask that the restrictions on him be removed."],
    ]
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in card.rows)
    # The card is kept on one page: every row but the last keeps with the next.
    assert [row.cells[0].paragraphs[0].paragraph_format.keep_with_next for row in card.rows] == [
        True,
        True,
        True,
        False,
    ]
    assert [r.style.name for r in fields[1].cells[1].paragraphs[0].runs[-1:]] == ["As Of"]


def test_if_raised_pairs(document):
    claim, reply = [p for p in document.paragraphs if p.text.startswith(("They may say", "Response"))]
    assert claim.text == "They may say: The 2020 law on peaceful assemblies liberalised protest."
    assert reply.text == "Response: Its impact on freedom of assembly has been limited.1"
    assert claim.runs[0].bold and reply.runs[0].bold
    assert claim.paragraph_format.keep_with_next


def test_sources_are_numbered_in_the_text(document):
    assert styled(document, "Source") == [
        "1. Adam Hug, “Retreating Rights – Kazakhstan: Conclusions and Recommendations”, "
        "Foreign Policy Centre, 22 July 2021.",
        "2. Human Rights Watch, commentary on Kazakhstan’s independence day, c. December 2016.",
    ]
    assert all(p._p.pPr.numPr is None for p in document.paragraphs if p.style.name == "Source")


def test_each_numbered_section_restarts_at_one():
    second = Section("more", "More asks", style="numbered", points=(Point((Span("Again."),)),))
    document = read(with_section(sample_brief(), second))
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    num_ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert num_ids[0] == num_ids[1] != num_ids[2]

    numbering = document.part.numbering_part.element
    list_number = document.styles["List Number"].element.pPr.numPr.numId.val
    style_list = numbering.num_having_numId(list_number).abstractNumId.val
    for num_id in {num_ids[0], num_ids[2]}:
        num = numbering.num_having_numId(num_id)
        assert num.abstractNumId.val == style_list
        assert num.xpath("./w:lvlOverride[@w:ilvl='0']/w:startOverride/@w:val") == ["1"]


def test_header_carries_the_classification(document):
    (line,) = document.sections[0].header.paragraphs
    assert line.style.name == "Classification"
    assert line.text == "PUBLIC · Kazakhstan: human rights briefing"


def test_footer_has_page_fields_and_recipient(document):
    (line,) = document.sections[0].footer.paragraphs
    assert line.text.startswith("Prepared for Jane Smith, FCDO\tPage ")
    fields = line._p.findall(qn("w:fldSimple"))
    assert [f.get(qn("w:instr")).strip() for f in fields] == ["PAGE", "NUMPAGES"]


def test_no_recipient_line_without_recipient():
    (line,) = read(sample_brief()).sections[0].footer.paragraphs
    assert "Prepared for" not in line.text
    assert line.text.startswith("\tPage ")


def test_core_properties(document):
    props = document.core_properties
    assert props.title == "Kazakhstan: human rights briefing"
    assert props.author == props.last_modified_by == "Central Asia advocacy team"
    assert props.subject == "Kazakhstan: briefing for United Kingdom"
    assert props.keywords == "Kazakhstan, human rights, United Kingdom"
    assert props.language == "en-GB"
    assert props.category == "Briefing"
    assert props.comments == ""
    assert props.revision == 1
    midnight = datetime.datetime(2027, 2, 9, tzinfo=datetime.UTC)
    assert props.created == props.modified == midnight


@pytest.mark.parametrize("language", ["en-GB", "en-US"])
def test_spell_checking_language(language):
    document = read(sample_brief(language=language))
    (lang,) = document.styles.element.xpath("./w:docDefaults/w:rPrDefault/w:rPr/w:lang")
    assert lang.get(qn("w:val")) == language
    assert document.core_properties.language == language


@pytest.mark.parametrize(("paper", "width", "height"), [("a4", Mm(210), Mm(297)), ("letter", Inches(8.5), Inches(11))])
def test_page_size(paper, width, height):
    section = read(sample_brief(paper=paper)).sections[0]
    # Word stores twentieths of a point, so millimetres round.
    assert abs(section.page_width - width) < Mm(0.1)
    assert abs(section.page_height - height) < Mm(0.1)


def test_unknown_paper_is_refused():
    with pytest.raises(RenderError, match="unknown paper size 'a5'"):
        render_docx(sample_brief(paper="a5"))


def test_same_brief_gives_the_same_bytes():
    first = render_docx(sample_brief())
    assert render_docx(sample_brief()) == first
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert {entry.date_time for entry in package.infolist()} == {(2027, 2, 9, 0, 0, 0)}


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\ud800", "\ufffe"])
def test_text_word_cannot_hold_raises_render_error(bad):
    point = Point((Span("fine "), Span(f"ab{bad}c")))
    brief = with_section(sample_brief(), Section("x", "X", points=(point,)))
    with pytest.raises(RenderError, match=r"sections\[8\]\.points\[0\]\.text\[1\]\.text: .* position 2"):
        render_docx(brief)


def test_control_character_in_a_plain_field_raises_render_error():
    with pytest.raises(RenderError, match=r"brief\.recipient: character U\+001B"):
        render_docx(dataclasses.replace(sample_brief(), recipient="Jane\x1b"))


def test_reference_with_a_missing_style_is_refused(tmp_path):
    reference = docx.Document(str(REFERENCE_DOCX))
    reference.styles["Classification"].delete()
    broken = tmp_path / "reference.docx"
    reference.save(str(broken))
    with pytest.raises(RenderError, match="missing styles Classification"):
        render_docx(sample_brief(), reference=broken)


def test_reference_that_is_not_a_document_is_refused(tmp_path):
    with pytest.raises(RenderError, match="not a Word document"):
        render_docx(sample_brief(), reference=tmp_path / "missing.docx")


def test_reference_has_styles_and_an_empty_body():
    reference = docx.Document(str(REFERENCE_DOCX))
    assert reference.paragraphs == [] and reference.tables == []
    classification = reference.styles["Classification"]
    assert classification.font.bold and classification.font.all_caps
    assert classification.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert reference.styles["Citation"].type == WD_STYLE_TYPE.CHARACTER
    assert reference.styles["Briefing Table"].type == WD_STYLE_TYPE.TABLE


def test_committed_reference_matches_its_build_script():
    spec = importlib.util.spec_from_file_location("build_reference_docx", BUILD_SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.build() == REFERENCE_DOCX.read_bytes()
