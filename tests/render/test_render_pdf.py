"""The HTML handed to WeasyPrint and the PDF that comes out of it."""

from __future__ import annotations

import dataclasses
import io
import shutil
import socket

import pytest
from markupsafe import escape
from pypdf import PdfReader

from generator.compose.brief import Point, Section
from generator.core.errors import RenderError
from generator.render.html import TEMPLATES_DIR, render_html
from generator.render.pdf import count_pages, render_pdf
from generator.text.rich import Span
from tests.sample_brief import sample_brief

CYRILLIC_NAME = "Қасым-Жомарт Тоқаев"


def with_section(brief, section):
    return dataclasses.replace(brief, sections=(*brief.sections, section))


@pytest.fixture(scope="module")
def pdf_a4() -> bytes:
    return render_pdf(sample_brief(paper="a4"))


@pytest.fixture(scope="module")
def reader(pdf_a4) -> PdfReader:
    return PdfReader(io.BytesIO(pdf_a4))


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def outline_titles(outline) -> list[str]:
    """Every bookmark title, depth first; pypdf nests children in lists."""
    titles = []
    for item in outline:
        titles += outline_titles(item) if isinstance(item, list) else [item.title]
    return titles


# render_html


def test_html_has_classification_line_and_every_section_heading():
    brief = sample_brief()
    html = render_html(brief)

    assert '<div class="running-classification">PUBLIC</div>' in html
    assert f"<h1>{escape(brief.title)}</h1>" in html
    for section in brief.sections:
        assert f"<h2>{escape(section.title)}</h2>" in html
    assert "<h2>Sources</h2>" in html
    assert '<html lang="en-GB">' in html


def test_html_renders_spans_citations_and_as_of():
    html = render_html(sample_brief())

    assert "Press for the release of <em>peaceful</em> activists." in html
    assert '<a href="https://example.org/report">the report</a>' in html
    assert '<sup class="cite"><a href="#source-1">1</a>,<a href="#source-2">2</a></sup>' in html
    assert '<span class="as-of">(as of July 2016)</span>' in html
    assert '<strong class="lead-in">Unexplained Wealth Orders:</strong>' in html
    assert '<li id="source-1">' in html and '<li id="source-2">' in html
    assert "They may say:" in html and "Response:" in html


def test_html_is_deterministic():
    assert render_html(sample_brief()) == render_html(sample_brief())


def test_markup_in_span_text_is_shown_as_text():
    section = Section(key="x", title="<i>Title</i>", points=(Point((Span("<b>x</b>"),)),))
    html = render_html(with_section(sample_brief(), section))

    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<b>x</b>" not in html
    assert "<h2>&lt;i&gt;Title&lt;/i&gt;</h2>" in html


def test_quote_in_href_cannot_break_out_of_the_attribute():
    span = Span("link", href='https://example.org/" onclick="x')
    html = render_html(with_section(sample_brief(), Section(key="x", title="X", points=(Point((span,)),))))

    assert 'href="https://example.org/&#34; onclick=&#34;x"' in html


def test_link_to_anything_but_the_web_is_refused():
    span = Span("click", href="javascript:alert(1)")
    brief = with_section(sample_brief(), Section(key="x", title="X", points=(Point((span,)),)))

    with pytest.raises(RenderError, match="javascript:alert"):
        render_html(brief)


def test_unknown_section_style_fails_instead_of_dropping_the_points():
    section = Section(key="x", title="X", points=(Point((Span("lost?"),)),), style="table")

    with pytest.raises(RenderError, match="table"):
        render_html(with_section(sample_brief(), section))


def templates_with_entry(tmp_path, entry: str):
    """A copy of the shipped templates whose entry template is `entry`."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    (templates / "briefing.html.j2").write_text(entry)
    return templates


def test_template_naming_a_missing_field_fails_with_its_location(tmp_path):
    templates = templates_with_entry(
        tmp_path,
        '{% extends "base.html.j2" %}\n{% block letterhead %}\n<p>{{ brief.no_such_field }}</p>\n{% endblock %}\n',
    )

    with pytest.raises(RenderError, match=r"briefing\.html\.j2:3: .*no_such_field"):
        render_html(sample_brief(), templates)


def test_organisation_can_override_a_block(tmp_path):
    templates = templates_with_entry(
        tmp_path,
        '{% extends "base.html.j2" %}\n{% block letterhead %}<p class="kicker">Example Watch</p>{% endblock %}\n',
    )

    html = render_html(sample_brief(), templates)

    assert '<p class="kicker">Example Watch</p>' in html
    assert "Briefing note" not in html


# render_pdf


def test_pdf_text_has_title_classification_names_and_sources(reader):
    text = text_of(reader)

    assert "Kazakhstan: human rights briefing" in text
    assert "PUBLIC" in text
    assert CYRILLIC_NAME in text
    assert "Retreating Rights" in text
    assert "Human Rights Watch, commentary on Kazakhstan’s independence day" in text
    assert f"Page 1 of {len(reader.pages)}" in text
    assert "Prepared for" not in text


def test_pdf_footer_names_the_recipient_on_every_page():
    brief = dataclasses.replace(sample_brief(), recipient="Jane Doe MP", recipient_line="Prepared for Jane Doe MP")
    reader = PdfReader(io.BytesIO(render_pdf(brief)))

    for page in reader.pages:
        assert "Prepared for Jane Doe MP" in page.extract_text()


def test_pdf_header_repeats_classification_on_every_page(reader):
    assert len(reader.pages) > 1
    for page in reader.pages:
        assert "PUBLIC" in page.extract_text()


def test_markup_in_span_text_is_printed_literally():
    section = Section(key="x", title="X", points=(Point((Span("<b>x</b>"),)),))
    reader = PdfReader(io.BytesIO(render_pdf(with_section(sample_brief(), section))))

    assert "<b>x</b>" in text_of(reader)


@pytest.mark.parametrize(("paper", "width", "height"), [("a4", 595.28, 841.89), ("letter", 612, 792)])
def test_page_size_follows_paper(paper, width, height):
    reader = PdfReader(io.BytesIO(render_pdf(sample_brief(paper=paper))))

    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(width, abs=1)
        assert float(page.mediabox.height) == pytest.approx(height, abs=1)


def test_pdf_metadata(reader):
    brief = sample_brief()
    info = reader.metadata

    assert info["/Title"] == brief.title
    assert info["/Author"] == brief.author
    assert info["/Subject"] == "Kazakhstan: briefing for United Kingdom"
    assert info["/Keywords"] == "Kazakhstan, human rights, United Kingdom"
    assert info["/CreationDate"] == "D:20270209000000Z"
    assert info["/ModDate"] == "D:20270209000000Z"


def test_pdf_outline_lists_the_sections(reader):
    titles = outline_titles(reader.outline)

    assert titles[0] == "Kazakhstan: human rights briefing"
    for section in sample_brief().sections:
        assert section.title in titles
    assert "Sources" in titles


def test_citations_link_to_their_source(reader):
    destinations = {
        annotation.get_object().get("/Dest") for page in reader.pages for annotation in page.get("/Annots", [])
    }

    assert {"source-1", "source-2"} <= destinations
    assert {"source-1", "source-2"} <= set(reader.named_destinations)


def test_pdf_is_tagged_pdf_ua_with_document_language(reader):
    catalog = reader.trailer["/Root"]

    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en-GB"
    assert b"pdfuaid:part" in catalog["/Metadata"].get_object().get_data()


def structure_roles(node, roles=None) -> list[str]:
    """Every structure element's role, depth first, from the PDF's structure tree."""
    roles = [] if roles is None else roles
    node = node.get_object()
    if isinstance(node, list) or (hasattr(node, "__iter__") and not hasattr(node, "keys")):
        for child in node:
            structure_roles(child, roles)
        return roles
    if hasattr(node, "keys"):
        if "/S" in node:
            roles.append(str(node["/S"]))
        if "/K" in node:
            structure_roles(node["/K"], roles)
    return roles


def test_headings_and_tables_are_tagged_for_screen_readers(reader):
    roles = structure_roles(reader.trailer["/Root"]["/StructTreeRoot"])

    assert roles.count("/H1") == 1
    assert roles.count("/H2") == len(sample_brief().sections) + 1  # and Sources
    assert "/Table" in roles and "/TH" in roles and "/TD" in roles
    assert "/L" in roles and "/LI" in roles


def test_pdf_language_follows_the_brief():
    reader = PdfReader(io.BytesIO(render_pdf(sample_brief(language="kk-KZ"))))

    assert reader.trailer["/Root"]["/Lang"] == "kk-KZ"


def test_only_bundled_fonts_are_embedded(reader):
    fonts = {
        font.get_object()["/BaseFont"].split("+", 1)[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }

    assert fonts
    assert all(name.startswith(("Briefing-Serif", "Briefing-Sans")) for name in fonts), fonts


def test_same_brief_gives_byte_identical_pdf(pdf_a4):
    assert render_pdf(sample_brief(paper="a4")) == pdf_a4


def test_render_makes_no_network_connection(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted during render")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)

    pdf = render_pdf(sample_brief())

    assert pdf.startswith(b"%PDF-")
    assert attempts == []


def test_a_layout_kept_from_fitting_is_not_used_once_a_stylesheet_is_edited(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    brief = sample_brief()
    pages = count_pages(brief, templates)
    css = templates / "briefing.css"
    css.write_text(css.read_text() + "\nbody { font-size: 40pt; }\n")

    assert count_pages(brief, templates) > pages
    assert len(PdfReader(io.BytesIO(render_pdf(brief, templates))).pages) > pages
