"""Render a `Brief` as a DOCX that colleagues go on editing in Word.

Every look comes from the named styles of templates/reference.docx (built by
scripts/build_reference_docx.py): this module only says which style each
piece of text takes, so an organisation restyles its briefings in Word
without touching code. Direct formatting is kept to what a style cannot
express: page size, column widths, list restarts and the bold lead-ins.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import fields, is_dataclass
from io import BytesIO
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit
from zipfile import ZipFile, ZipInfo

import docx
from docx.blkcntnr import BlockItemContainer
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Inches, Length, Mm
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from generator import TEMPLATES_DIR
from generator.compose.brief import Brief, CaseEntry, Cite, Labels, Point, Section, SourceEntry, SummaryRow
from generator.core.clock import EARLIEST, LATEST
from generator.core.errors import RenderError
from generator.core.settings import template_file, template_folders
from generator.text.catalogue import split_placeholders
from generator.text.rich import RichText

REFERENCE = "reference.docx"
REFERENCE_DOCX = TEMPLATES_DIR / REFERENCE
"""The packaged reference document; a theme may hold its own."""

# Page width, height and margin on every side.
PAPER = {
    "a4": (Mm(210), Mm(297), Mm(25)),
    "letter": (Inches(8.5), Inches(11), Inches(1)),
}

# Checked up front so an edited reference that lost or renamed a style fails
# with one message instead of a python-docx KeyError halfway through.
REQUIRED_STYLES = (
    "Normal",
    "Title",
    "Subtitle",
    "Byline",
    "Heading 1",
    "List Bullet",
    "List Number",
    "Classification",
    "Footer",
    "Table Text",
    "Source",
    "Citation",
    "As Of",
    "Hyperlink",
    "Briefing Table",
    "Meta Table",
)

POINT_STYLES = {"paragraphs": "Normal", "bullets": "List Bullet", "numbered": "List Number"}
CASE_CARD_COLUMNS = (0.2, 0.8)
"""Shares of the text width: a case card's labels, then its values."""
META_LABEL_SHARE = 0.22

# Characters XML 1.0 cannot hold; python-docx would raise on them mid-render.
_XML_INCOMPATIBLE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

ContainerT = TypeVar("ContainerT", bound=BlockItemContainer)


def render_docx(brief: Brief, reference: Path | None = None) -> bytes:
    """The briefing as DOCX bytes, identical for identical input; RenderError for what cannot be written.

    The styles come from `reference`, else from the briefing's theme's reference document, else the package's.
    """
    try:
        return _render(brief, reference or reference_for(brief.theme))
    except ValueError as error:
        # python-docx and zipfile refuse values with ValueError; the cause is
        # in the briefing's content, so it is reported like any render failure.
        raise RenderError(f"cannot be written as a Word document: {error}") from error


def _render(brief: Brief, reference: Path) -> bytes:
    _check_text(brief, "brief")
    document = reference_document(reference)
    _set_language(document, brief.language)
    text_width = _set_up_page(document, brief.paper)
    _write_header(document, brief)
    _write_footer(document, brief, text_width)
    _write_title_block(document, brief, text_width)
    for section in brief.sections:
        _write_section(document, section, text_width, bool(section.title), brief.labels)
    for line in brief.closing:
        document.add_paragraph(line, style="Normal")
    _write_contact(document, brief)
    _write_sources(document, brief.sources, brief.labels.sources)
    _set_properties(document, brief)
    buffer = BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue(), brief.date)


def reproducible_zip(data: bytes, day: datetime.date) -> bytes:
    """Re-pack a DOCX with every entry dated `day`, so equal input gives equal bytes.

    python-docx stamps entries with the current time; the order of entries and
    their compression are kept as they were.
    """
    if not EARLIEST <= day <= LATEST:
        raise RenderError(
            f"the date {day} cannot be written into a Word document, whose dates run from {EARLIEST} to {LATEST}"
        )
    stamp = (day.year, day.month, day.day, 0, 0, 0)
    buffer = BytesIO()
    with ZipFile(BytesIO(data)) as source, ZipFile(buffer, "w") as target:
        for info in source.infolist():
            entry = ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = info.compress_type
            # ZipInfo records the host system, which would differ between Windows and Linux.
            entry.create_system = 0
            target.writestr(entry, source.read(info))
    return buffer.getvalue()


def _check_text(value: object, where: str) -> None:
    if isinstance(value, str):
        bad = _XML_INCOMPATIBLE.search(value)
        if bad:
            raise RenderError(
                f"{where}: character U+{ord(bad.group()):04X} at position {bad.start()} "
                "cannot be written to a Word document"
            )
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            _check_text(item, f"{where}[{index}]")
    elif is_dataclass(value):
        for field in fields(value):
            _check_text(getattr(value, field.name), f"{where}.{field.name}")


def reference_for(theme: Path | None) -> Path:
    """The reference document of `theme`, else the packaged one."""
    return template_file(REFERENCE, template_folders(theme))


def reference_document(reference: Path = REFERENCE_DOCX) -> Document:
    """The reference document with its body emptied: the briefings' Word styles and page set-up, to write into.

    RenderError if `reference` is not a Word document or lacks a style the briefings use.
    """
    try:
        document = docx.Document(str(reference))
    except (PackageNotFoundError, ValueError) as error:
        raise RenderError(f"{reference}: not a Word document ({error})") from error
    missing = [name for name in REQUIRED_STYLES if name not in document.styles]
    if missing:
        raise RenderError(
            f"{reference}: missing styles {', '.join(missing)}; "
            "restore them in Word or run scripts/build_reference_docx.py"
        )
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def _set_language(document: Document, language: str) -> None:
    """Make Word spell-check in the briefing's language (en-GB and en-US differ)."""
    rpr = document.styles.element.xpath("./w:docDefaults/w:rPrDefault/w:rPr")[0]
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)


def _set_up_page(document: Document, paper: str) -> Emu:
    if paper not in PAPER:
        raise RenderError(f"unknown paper size {paper!r}; use one of {sorted(PAPER)}")
    width, height, margin = PAPER[paper]
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = width, height
    section.top_margin = section.bottom_margin = margin
    section.left_margin = section.right_margin = margin
    section.header_distance = section.footer_distance = Emu(margin // 2)
    return Emu(width - 2 * margin)


def _emptied(part: ContainerT) -> ContainerT:
    """A header or footer without the paragraphs the reference may have put there."""
    for child in list(part._element):
        part._element.remove(child)
    return part


def _write_header(document: Document, brief: Brief) -> None:
    header = _emptied(document.sections[0].header)
    header.add_paragraph(f"{brief.classification} · {brief.title}", style="Classification")


def _write_footer(document: Document, brief: Brief, text_width: Emu) -> None:
    footer = _emptied(document.sections[0].footer)
    paragraph = footer.add_paragraph(style="Footer")
    paragraph.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
    if brief.recipient_line:
        paragraph.add_run(brief.recipient_line)
    paragraph.add_run("\t")
    for literal, name in split_placeholders(brief.labels.page):
        if literal:
            paragraph.add_run(literal)
        if name:
            _add_field(paragraph, "NUMPAGES" if name == "pages" else "PAGE")
    if brief.provenance:
        footer.add_paragraph(brief.provenance, style="Footer")


def _add_field(paragraph: Paragraph, code: str) -> None:
    field = OxmlElement("w:fldSimple", {qn("w:instr"): f" {code} "})
    # A placeholder result until Word lays out the page and updates the field.
    field.append(paragraph.add_run("1")._r)
    paragraph._p.append(field)


def _write_title_block(document: Document, brief: Brief, text_width: Emu) -> None:
    if brief.check_before:
        document.add_paragraph(style="Subtitle").add_run(brief.check_before).bold = True
    document.add_paragraph(brief.title, style="Title")
    if brief.handling:
        handling = document.add_paragraph(style="Subtitle")
        handling.add_run(f"{brief.classification} · {brief.handling}").bold = True
    document.add_paragraph(brief.subtitle, style="Subtitle")
    _write_meta(document, brief)


def _write_meta(document: Document, brief: Brief) -> None:
    """One compact strip under the title, as in the PDF: page one is for the asks."""
    strip = document.add_paragraph(style="Byline")
    for row in brief.meta:
        strip.add_run(row.label).bold = True
        strip.add_run(f" {row.value} · ")
    strip.add_run(f"{brief.date_label} · {brief.author}")
    if brief.author_note:
        strip.add_run(" ")
        strip.add_run(brief.author_note).italic = True


def _write_rows(document: Document, title: str, rows: tuple[SummaryRow, ...], text_width: Emu, colon: str) -> None:
    """A boxed section, such as the meeting at a glance: a table of labels and their entries."""
    document.add_paragraph(title, style="Heading 1")
    table = document.add_table(rows=0, cols=2)
    table.style = "Meta Table"
    for row in rows:
        label, value = table.add_row().cells
        _cell_paragraph(label).add_run(row.label).bold = True
        for index, entry in enumerate(row.entries):
            paragraph = _cell_paragraph(value) if index == 0 else value.add_paragraph()
            _write_point(paragraph, entry, colon)
    label_width = Emu(int(text_width * META_LABEL_SHARE))
    _set_widths(table, (label_width, Emu(text_width - label_width)))


def _write_section(document: Document, section: Section, text_width: Emu, heading: bool, labels: Labels) -> None:
    if section.rows:
        _write_rows(document, section.title, section.rows, text_width, labels.colon)
        return
    if heading:
        document.add_paragraph(section.title, style="Heading 1")
    style = POINT_STYLES[section.style]
    num_id = _restarted_list(document) if section.style == "numbered" and section.points else None
    for point in section.points:
        paragraph = document.add_paragraph(style=style)
        if num_id is not None:
            num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = num_id
        _write_point(paragraph, point, labels.colon)
    if section.cases:
        _write_cases(document, section.cases, text_width)
    for response in section.responses:
        claim = document.add_paragraph(style="Normal")
        claim.paragraph_format.keep_with_next = True
        claim.add_run(f"{labels.claim}{labels.colon} ").bold = True
        _add_text(claim, response.claim)
        reply = document.add_paragraph(style="Normal")
        reply.add_run(f"{labels.reply}{labels.colon} ").bold = True
        _add_text(reply, response.reply)
        _add_citations(reply, response.citations)


def _restarted_list(document: Document) -> int | None:
    """A new instance of the List Number list that starts again at 1.

    This is what Word's "Restart at 1" does: a w:num sharing the style's
    abstract list, with a start override. None when the reference's List
    Number style is not numbered at all, so there is nothing to restart.
    """
    ppr = document.styles["List Number"].element.pPr
    if ppr is None or ppr.numPr is None or ppr.numPr.numId is None:
        return None
    numbering = document.part.numbering_part.element
    abstract_id = numbering.num_having_numId(ppr.numPr.numId.val).abstractNumId.val
    num = numbering.add_num(abstract_id)
    num.add_lvlOverride(0).add_startOverride(1)
    num_id: int = num.numId
    return num_id


def _write_point(paragraph: Paragraph, point: Point, colon: str) -> None:
    if point.evidence is not None:
        _write_line(paragraph, point, point.evidence, colon)
        return
    if point.label:
        paragraph.add_run(f"{point.label}{colon} ").bold = True
    _add_text(paragraph, point.text)
    _add_citations(paragraph, point.citations)
    if point.as_of:
        paragraph.add_run(f" ({point.as_of})", style="As Of")


def _write_line(paragraph: Paragraph, point: Point, evidence: RichText, colon: str) -> None:
    """A line to take in bold, then on its own line the evidence it rests on."""
    before = len(paragraph.runs)
    _add_text(paragraph, point.text)
    for run in paragraph.runs[before:]:
        run.bold = True
    paragraph.add_run().add_break()
    paragraph.add_run(f"{point.evidence_label}{colon} ").italic = True
    _add_text(paragraph, evidence)
    _add_citations(paragraph, point.citations)
    if point.as_of:
        paragraph.add_run(f" ({point.as_of})", style="As Of")


def _write_cases(document: Document, cases: tuple[CaseEntry, ...], text_width: Emu) -> None:
    for case in cases:
        _write_case_card(document, case, text_width)
        # Word joins two tables that touch into one: a paragraph keeps the cards apart.
        document.add_paragraph(style="Normal")


def _write_case_card(document: Document, case: CaseEntry, text_width: Emu) -> None:
    """A two-column card: the person across the top, then each field by its label."""
    table = document.add_table(rows=1, cols=2)
    table.style = "Briefing Table"
    paragraph = _cell_paragraph(table.rows[0].cells[0].merge(table.rows[0].cells[1]))
    paragraph.add_run(case.name).bold = True
    if case.role:
        paragraph.add_run(f" – {case.role}")
    if case.detail:
        _add_citations(_case_field(table, case.labels.detail, case.detail), case.citations)
    paragraph = _case_field(table, case.labels.status, case.status)
    if not case.detail:
        _add_citations(paragraph, case.citations)
    if case.as_of:
        paragraph.add_run(f" ({case.as_of})", style="As Of")
    if case.ask:
        _case_field(table, case.labels.ask, case.ask)
    for row in table.rows:
        # A card read across a page break is easy to misread: keep its rows together.
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = row._tr is not table.rows[-1]._tr
    _set_widths(table, [Emu(int(text_width * share)) for share in CASE_CARD_COLUMNS])


def _case_field(table: Table, label: str, text: RichText) -> Paragraph:
    """A row of a case card; returns the value's paragraph for what follows the text."""
    # python-docx leaves Table.add_row unannotated.
    label_cell, value_cell = table.add_row().cells  # type: ignore[no-untyped-call]
    _cell_paragraph(label_cell).add_run(label).bold = True
    paragraph = _cell_paragraph(value_cell)
    _add_text(paragraph, text)
    return paragraph


def _cell_paragraph(cell: _Cell) -> Paragraph:
    paragraph: Paragraph = cell.paragraphs[0]
    paragraph.style = "Table Text"
    return paragraph


def _set_widths(table: Table, widths: Sequence[Length]) -> None:
    """Fix column widths: Word reads the cells' widths, LibreOffice the grid's."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=False):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _write_contact(document: Document, brief: Brief) -> None:
    if not brief.contact:
        return
    paragraph = document.add_paragraph(style="Normal")
    paragraph.add_run(f"{brief.contact_label}{brief.labels.colon} ").bold = True
    paragraph.add_run(" · ".join(brief.contact))


def _write_sources(document: Document, sources: tuple[SourceEntry, ...], heading: str) -> None:
    if not sources:
        return
    document.add_paragraph(heading, style="Heading 1")
    for entry in sources:
        # Numbered in the text, not by Word, so the numbers always match the citations.
        paragraph = document.add_paragraph(f"{entry.number}. {entry.reference}", style="Source")
        if entry.stance:
            paragraph.add_run(f" {entry.stance}.").italic = True
        if entry.archive:
            paragraph.add_run(f" {entry.archive}")
        if entry.url:
            paragraph.add_run(" ")
            _add_hyperlink(paragraph, entry.url, entry.url)


def _add_text(paragraph: Paragraph, text: RichText) -> None:
    for span in text:
        if span.href is None:
            run = paragraph.add_run(span.text)
            run.italic = span.emphasis or None
        else:
            _add_hyperlink(paragraph, span.text, span.href, span.emphasis)


def _add_hyperlink(paragraph: Paragraph, text: str, href: str, emphasis: bool = False) -> None:
    if urlsplit(href).scheme not in ("http", "https"):
        raise RenderError(f"refusing to link to {href!r}: only http and https are allowed")
    rid = paragraph.part.relate_to(href, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink", {qn("r:id"): rid})
    run = paragraph.add_run(text, style="Hyperlink")
    run.italic = emphasis or None
    link.append(run._r)
    paragraph._p.append(link)


def _add_citations(paragraph: Paragraph, marks: tuple[Cite, ...]) -> None:
    if marks:
        paragraph.add_run(",".join(cite.mark for cite in marks), style="Citation")


def _set_properties(document: Document, brief: Brief) -> None:
    props = document.core_properties
    props.title = brief.title
    props.author = props.last_modified_by = brief.author
    props.subject = brief.subject
    props.keywords = ", ".join(brief.keywords)
    props.language = brief.language
    props.category = "Briefing"
    props.comments = ""
    props.revision = 1
    midnight = datetime.datetime.combine(brief.date, datetime.time(), datetime.UTC)
    props.created = props.modified = midnight
