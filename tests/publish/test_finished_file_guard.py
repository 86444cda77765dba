"""The finished PDF or DOCX is read back before it is published; a withheld name
anywhere in it (text, properties, link targets, file name) stops it."""

import dataclasses
import datetime
import io
import zipfile
from pathlib import Path

import pytest

import generator.render.pool as pool_module
from generator import api
from generator.api import load_knowledge_base, render
from generator.compose.brief import Point, Section
from generator.publish.finished_files import leak_in
from generator.text.name_matching import NameGuard
from generator.text.rich import Span
from tests.sample_brief import sample_brief

LABEL = "the case at cases.yaml:3"
GUARD = NameGuard({LABEL: ["Vorlen Quastik"]})


def with_section(brief, *spans: Span):
    return dataclasses.replace(brief, sections=(*brief.sections, Section("extra", "Extra", points=(Point(spans),))))


@pytest.mark.parametrize("output_format", ["pdf", "docx"])
def test_a_briefing_that_names_no_one_withheld_passes(output_format):
    assert leak_in(render(sample_brief(), output_format), output_format, GUARD, "briefing.pdf", {}) is None


@pytest.mark.parametrize(
    "output_format, where",
    [
        ("pdf", "in a link on page"),
        ("docx", "in word/_rels/document.xml.rels (Target)"),
    ],
)
def test_a_name_only_in_a_link_target_is_found(output_format, where):
    brief = with_section(sample_brief(), Span("the court record", href="https://example.org/cases/quastik"))

    message = leak_in(render(brief, output_format), output_format, GUARD, "briefing", {})

    assert message is not None and where in message
    assert message.startswith(
        f"the finished {output_format.upper()} would name a person who may not be named here ({LABEL})"
    )
    assert "Quastik" not in message


@pytest.mark.parametrize(
    "output_format, where",
    [
        ("pdf", "in the document information /Keywords"),
        ("docx", "in docProps/core.xml"),
    ],
)
def test_a_name_only_in_the_document_properties_is_found(output_format, where):
    brief = dataclasses.replace(sample_brief(), keywords=("human rights", "QUASTIK"))

    message = leak_in(render(brief, output_format), output_format, GUARD, "briefing", {})

    assert message is not None and where in message


@pytest.mark.parametrize("output_format", ["pdf", "docx"])
def test_a_name_split_across_emphasised_runs_is_found_in_the_text(output_format):
    brief = with_section(sample_brief(), Span("Qua", emphasis=True), Span("stik was detained."))

    message = leak_in(render(brief, output_format), output_format, GUARD, "briefing", {})

    assert message is not None and ("the text of page" in message or "word/document.xml" in message)


def test_the_file_name_and_manifest_entry_are_read_too():
    content = render(sample_brief(), "docx")

    assert "the file name" in leak_in(content, "docx", GUARD, "2027-01-01_x_uk_quastik-visit.docx", {})
    assert "the manifest's recipient" in leak_in(content, "docx", GUARD, "x.docx", {"recipient": "V. Quastik"})


def test_generate_does_not_publish_a_file_the_guard_refuses(minimal_kb: Path, tmp_path: Path, monkeypatch):
    """Should a renderer ever print what the Brief did not hold, the file is still not written."""
    cases = minimal_kb / "testland" / "cases.yaml"
    cases.write_text(cases.read_text().replace("may_name: true", "may_name: false"))
    kb = load_knowledge_base(minimal_kb, today=datetime.date(2026, 11, 25)).kb
    leaky = dataclasses.replace(sample_brief(), author="Jan Doe's team")
    monkeypatch.setattr(pool_module, "render", lambda brief, output_format: render(leaky, output_format))
    out = tmp_path / "out"

    outcome = api.generate(kb, [api.request_for(kb, "uk", date=datetime.date(2027, 1, 1))], out_dir=out)

    assert outcome.written == []
    assert [path.suffix for path, _ in outcome.failed] == [".pdf", ".docx"]
    assert all(
        "would name a person who may not be named here (the case at cases.yaml:1)" in message
        for _, message in outcome.failed
    )
    assert not list(out.glob("*.pdf")) and not list(out.glob("*.docx"))


# What a reader can read, and nothing else. Each file below is an ordinary rendered briefing edited so
# that a name sits in exactly one place.

READ_BY_EVERY_READER = ("word/document.xml", "word/header1.xml", "word/footer1.xml", "docProps/core.xml")


def edited_docx(edit) -> bytes:
    import docx

    document = docx.Document(io.BytesIO(render(sample_brief(), "docx")))
    edit(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_parts(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def docx_leak(content: bytes, withheld: str = "Vorlen Quastik") -> str | None:
    return leak_in(content, "docx", NameGuard({LABEL: [withheld]}), "briefing.docx", {})


@pytest.mark.parametrize(
    "withheld, where",
    [
        ("Roman Petrov", "word/fontTable.xml"),
        ("Hans Müller", "word/theme/theme1.xml"),
        ("Shruti Patel", "word/theme/theme1.xml"),
    ],
)
def test_a_name_shared_with_a_font_or_a_theme_script_does_not_stop_an_ordinary_docx(withheld, where):
    content = render(sample_brief(), "docx")
    parts = docx_parts(content)
    first_name = withheld.split()[0].encode()
    assert first_name in parts[where]
    assert not any(first_name in parts[name] for name in READ_BY_EVERY_READER)

    assert docx_leak(content, withheld) is None


def test_formatting_never_names_anyone():
    def format_with_names(document):
        document.paragraphs[0].runs[0].font.name = "Times New Roman"
        document.styles.add_style("Quastik", 1)
        document.settings.element.append(document.settings.element.makeelement("{urn:x}note", {"by": "Quastik"}))

    content = edited_docx(format_with_names)

    assert b"Quastik" in docx_parts(content)["word/styles.xml"]
    assert docx_leak(content, "Roman Petrov") is None
    assert docx_leak(content) is None


def _in_header(document):
    document.sections[0].header.add_paragraph("Prepared after talking to V. Quastik")


def _in_footer(document):
    document.sections[0].footer.add_paragraph("Quastik family contact")


def _in_a_comment(document):
    document.add_comment(document.paragraphs[0].runs[0], text="ask Quastik first", author="Desk", initials="D")


def _as_a_comment_author(document):
    document.add_comment(document.paragraphs[0].runs[0], text="checked", author="Vorlen Quastik", initials="VQ")


def _in_a_core_property(document):
    document.core_properties.comments = "sources: Quastik's lawyer"


def _in_a_custom_property(document):
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    properties = (
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        b'<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Informant">'
        b"<vt:lpwstr>V. Quastik</vt:lpwstr></property></Properties>"
    )
    package = document.part.package
    part = Part(PackURI("/docProps/custom.xml"), CONTENT_TYPE.OFC_CUSTOM_PROPERTIES, properties, package)
    package.relate_to(part, RELATIONSHIP_TYPE.CUSTOM_PROPERTIES)


def _in_a_header_link_target(document):
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import parse_xml

    header = document.sections[0].header
    target = header.part.relate_to("https://example.org/cases/quastik", RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    header.paragraphs[0]._p.append(
        parse_xml(
            '<w:hyperlink xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="{target}">'
            "<w:r><w:t>the court record</w:t></w:r></w:hyperlink>"
        )
    )


def _in_a_picture_alt_text(document):
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (4, 4)).save(picture, "PNG")
    document.add_picture(picture)._inline.docPr.set("descr", "Quastik outside the court")


HIDING_PLACES = {
    "header": (_in_header, "word/header1.xml"),
    "footer": (_in_footer, "word/footer1.xml"),
    "comment": (_in_a_comment, "word/comments.xml"),
    "comment author": (_as_a_comment_author, "word/comments.xml (author)"),
    "core property": (_in_a_core_property, "docProps/core.xml"),
    "custom property": (_in_a_custom_property, "docProps/custom.xml"),
    "header link target": (_in_a_header_link_target, "word/_rels/header1.xml.rels (Target)"),
    "picture alt text": (_in_a_picture_alt_text, "word/document.xml (descr)"),
}


@pytest.mark.parametrize("place", HIDING_PLACES)
def test_a_name_a_docx_reader_can_read_is_found_wherever_it_is(place):
    edit, where = HIDING_PLACES[place]

    message = docx_leak(edited_docx(edit))

    assert message is not None and f"in {where};" in message


def edited_pdf(edit) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(render(sample_brief(), "pdf")))
    edit(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _in_a_bookmark(writer):
    writer.add_outline_item(title="Hearing of V. Quastik", page_number=0)


def _in_the_document_information(writer):
    writer.add_metadata({"/Source": "Quastik's lawyer"})


def _in_the_xmp_metadata(writer):
    from pypdf.generic import NameObject, StreamObject

    xmp = StreamObject()
    xmp.set_data(
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:source="V. Quastik"/>'
        b"</rdf:RDF></x:xmpmeta>"
    )
    xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp)


def _in_a_link_target(writer):
    from pypdf.annotations import Link

    writer.add_annotation(0, Link(rect=(50, 50, 100, 60), url="https://example.org/cases/quastik"))


PDF_HIDING_PLACES = {
    "bookmark": (_in_a_bookmark, "a bookmark"),
    "document information": (_in_the_document_information, "the document information /Source"),
    "XMP metadata": (_in_the_xmp_metadata, "the XMP metadata"),
    "link target": (_in_a_link_target, "a link on page 1"),
}


@pytest.mark.parametrize("place", PDF_HIDING_PLACES)
def test_a_name_a_pdf_reader_can_read_is_found_wherever_it_is(place):
    edit, where = PDF_HIDING_PLACES[place]

    message = leak_in(edited_pdf(edit), "pdf", GUARD, "briefing.pdf", {})

    assert message is not None and f"in {where}" in message


def test_the_names_of_a_pdf_s_fonts_are_not_read():
    from pypdf.generic import NameObject

    renamed = NameObject("/ABCDEF+Quastik-Serif")

    def rename(font):
        font[NameObject("/BaseFont")] = renamed
        if "/FontDescriptor" in font:
            font["/FontDescriptor"][NameObject("/FontName")] = renamed
        for descendant in font.get("/DescendantFonts", ()):
            rename(descendant.get_object())

    def rename_fonts(writer):
        for page in writer.pages:
            for font in page["/Resources"]["/Font"].values():
                rename(font.get_object())

    content = edited_pdf(rename_fonts)

    assert b"Quastik-Serif" in content
    assert leak_in(content, "pdf", GUARD, "briefing.pdf", {}) is None
