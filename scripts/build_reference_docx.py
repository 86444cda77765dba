"""Build templates/reference.docx, the styles the DOCX renderer uses.

Run `python scripts/build_reference_docx.py` to regenerate it from
python-docx's default template. An organisation may instead restyle the
briefings by opening templates/reference.docx in Word, changing the styles
(never their names) and saving it; the body must stay empty, since the
renderer replaces it. Re-running this script overwrites such edits.

Fonts are set explicitly rather than through the theme, because a theme font
attribute silently wins over an explicit one. Cambria and Calibri cover Latin,
Greek and Cyrillic (Word's ascii and hAnsi slots); East Asian and complex
scripts (Arabic, Hebrew) keep the theme's fonts for those scripts, which have
the glyphs. Word substitutes similar faces where Cambria or Calibri is
missing (LibreOffice uses the metric-compatible Caladea and Carlito).
"""

from __future__ import annotations

import datetime
from io import BytesIO
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor

from generator.render.docx import REFERENCE_DOCX, reproducible_zip

BODY_FONT = "Cambria"
HEADING_FONT = "Calibri"
ACCENT = RGBColor(0x1F, 0x3A, 0x5F)  # deep navy: headings, classification
MUTED = RGBColor(0x6B, 0x6B, 0x6B)  # grey for "as of" labels and footers
RULE = "A6B4C8"  # light navy for table rules
HEADER_FILL = "DDE4EE"  # cases table: header row
BAND_FILL = "F3F5F9"  # cases table: every other row
# A fixed date keeps the committed file byte-identical across rebuilds.
BUILT = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


# The order of w:rPr children the schema requires (ECMA-376 part 1, 17.3.2.28).
RUN_PROPERTY_ORDER = tuple(
    f"w:{name}"
    for name in [
        "rStyle",
        "rFonts",
        "b",
        "bCs",
        "i",
        "iCs",
        "caps",
        "smallCaps",
        "strike",
        "dstrike",
        "outline",
        "shadow",
        "emboss",
        "imprint",
        "noProof",
        "snapToGrid",
        "vanish",
        "webHidden",
        "color",
        "spacing",
        "w",
        "kern",
        "position",
        "sz",
        "szCs",
        "highlight",
        "u",
        "effect",
        "bdr",
        "shd",
        "fitText",
        "vertAlign",
        "rtl",
        "cs",
        "em",
        "lang",
        "eastAsianLayout",
        "specVanish",
        "oMath",
    ]
)


def run_format(style, face=None, size=None, bold=None, colour=None, tracking=None) -> None:
    """Set a style's character formatting for every script it may hold.

    Word keeps separate bold and size for complex scripts (Arabic, Hebrew...),
    so each is set twice; python-docx has no API for w:szCs or letter
    spacing, which go in at their place in the schema since Word rejects
    misordered run properties.
    """
    rpr = style.element.get_or_add_rPr()
    if face:
        rfonts = rpr.get_or_add_rFonts()
        for attr in ("w:asciiTheme", "w:hAnsiTheme"):
            rfonts.attrib.pop(qn(attr), None)
        for attr in ("w:ascii", "w:hAnsi"):
            rfonts.set(qn(attr), face)
    if size:
        style.font.size = Pt(size)
        set_run_property(rpr, "w:szCs", str(round(size * 2)))
    if bold is not None:
        style.font.bold = style.font.cs_bold = bold
    if colour:
        style.font.color.rgb = colour
    if tracking:
        set_run_property(rpr, "w:spacing", str(round(tracking * 20)))


def set_run_property(rpr, tag: str, value: str) -> None:
    existing = rpr.find(qn(tag))
    if existing is not None:
        rpr.remove(existing)
    successors = RUN_PROPERTY_ORDER[RUN_PROPERTY_ORDER.index(tag) + 1 :]
    rpr.insert_element_before(OxmlElement(tag, {qn("w:val"): value}), *successors)


def paragraph_style(document, name: str, base: str = "Normal"):
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles[base]
    style.quick_style = True
    return style


def character_style(document, name: str):
    style = document.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    style.quick_style = True
    return style


def build_defaults(document) -> None:
    rpr = document.styles.element.xpath("./w:docDefaults/w:rPrDefault/w:rPr")[0]
    rpr.find(qn("w:lang")).set(qn("w:val"), "en-GB")

    normal = document.styles["Normal"]
    run_format(normal, BODY_FONT, size=11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15


def build_headings(document) -> None:
    title = document.styles["Title"]
    run_format(title, HEADING_FONT, size=24, bold=True, colour=ACCENT)
    title.paragraph_format.space_after = Pt(4)
    border = title.element.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    border.attrib.pop(qn("w:themeColor"))
    border.set(qn("w:color"), str(ACCENT))

    subtitle = document.styles["Subtitle"]
    # The default template numbers its Subtitle, which shows as a stray list level.
    subtitle.element.pPr._remove_numPr()
    subtitle.element.rPr.remove(subtitle.element.rPr.find(qn("w:spacing")))
    run_format(subtitle, HEADING_FONT, size=13, colour=RGBColor(0x40, 0x40, 0x40))
    subtitle.font.italic = subtitle.font.cs_italic = False
    subtitle.paragraph_format.space_after = Pt(2)

    for name, size, before in (("Heading 1", 14, 16), ("Heading 2", 12, 10)):
        heading = document.styles[name]
        run_format(heading, HEADING_FONT, size=size, colour=ACCENT)
        heading.paragraph_format.space_before = Pt(before)
        heading.paragraph_format.space_after = Pt(4)

    byline = paragraph_style(document, "Byline")
    run_format(byline, HEADING_FONT, size=9.5, colour=MUTED)
    byline.paragraph_format.space_after = Pt(10)

    classification = paragraph_style(document, "Classification", base="Header")
    run_format(classification, HEADING_FONT, size=9, bold=True, colour=ACCENT, tracking=1)
    classification.font.all_caps = True
    classification.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    footer = document.styles["Footer"]
    run_format(footer, HEADING_FONT, size=8.5, colour=MUTED)
    # The renderer sets a right tab at the text width, which depends on the paper.
    footer.paragraph_format.tab_stops.clear_all()


def build_body(document) -> None:
    for name in ("List Bullet", "List Number"):
        document.styles[name].paragraph_format.space_after = Pt(4)

    table_text = paragraph_style(document, "Table Text")
    run_format(table_text, HEADING_FONT, size=9.5)
    table_text.paragraph_format.space_after = Pt(0)
    table_text.paragraph_format.line_spacing = 1.0

    source = paragraph_style(document, "Source")
    run_format(source, size=9.5)
    source.paragraph_format.left_indent = Pt(18)
    source.paragraph_format.first_line_indent = Pt(-18)
    source.paragraph_format.space_after = Pt(3)
    source.paragraph_format.line_spacing = 1.0

    citation = character_style(document, "Citation")
    citation.font.superscript = True

    as_of = character_style(document, "As Of")
    run_format(as_of, size=8.5, colour=MUTED)

    # Word's own Hyperlink style, which the default template lacks.
    hyperlink = document.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER, builtin=True)
    hyperlink.base_style = document.styles["Default Paragraph Font"]
    hyperlink.priority = 99
    hyperlink.unhide_when_used = True
    run_format(hyperlink, colour=RGBColor(0x1F, 0x5C, 0x99))
    hyperlink.font.underline = True


CASES_CONDITIONS = f"""
<w:tblStylePr w:type="firstRow">
  <w:rPr><w:b/><w:bCs/><w:color w:val="{ACCENT}"/></w:rPr>
  <w:tblPr/>
  <w:tcPr>
    <w:tcBorders><w:bottom w:val="single" w:sz="12" w:space="0" w:color="{ACCENT}"/></w:tcBorders>
    <w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/>
  </w:tcPr>
</w:tblStylePr>
<w:tblStylePr w:type="firstCol"><w:rPr><w:b/><w:bCs/></w:rPr></w:tblStylePr>
<w:tblStylePr w:type="band2Horz">
  <w:tblPr/>
  <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{BAND_FILL}"/></w:tcPr>
</w:tblStylePr>"""


def table_style(document, name: str, style_id: str, conditions: str = "") -> None:
    """Add a real table style (python-docx can apply one but not create it)."""
    rule = f'w:val="single" w:sz="4" w:space="0" w:color="{RULE}"'
    document.styles.element.append(
        parse_xml(
            f"""<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="{style_id}">
              <w:name w:val="{name}"/>
              <w:basedOn w:val="TableNormal"/>
              <w:uiPriority w:val="40"/>
              <w:qFormat/>
              <w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
              <w:tblPr>
                <w:tblStyleRowBandSize w:val="1"/>
                <w:tblStyleColBandSize w:val="1"/>
                <w:tblBorders><w:top {rule}/><w:bottom {rule}/><w:insideH {rule}/></w:tblBorders>
                <w:tblCellMar>
                  <w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>
                  <w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>
                </w:tblCellMar>
              </w:tblPr>
              {conditions}
            </w:style>"""
        )
    )


STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def drop_stale_parts(document) -> None:
    """Remove parts of the default template that would misrepresent every briefing.

    Its preview image shows a blank page, and stylesWithEffects.xml is a copy
    of its styles from before this script changed them.
    """
    for rels, reltype in (
        (document.part.package.rels, RT.THUMBNAIL),
        (document.part.rels, STYLES_WITH_EFFECTS),
    ):
        for rid in [rid for rid, rel in rels.items() if rel.reltype == reltype]:
            del rels[rid]


def build() -> bytes:
    document = docx.Document()
    build_defaults(document)
    build_headings(document)
    build_body(document)
    table_style(document, "Briefing Table", "BriefingTable", CASES_CONDITIONS)
    table_style(document, "Meta Table", "MetaTable")
    drop_stale_parts(document)

    props = document.core_properties
    props.title = "Briefing reference styles"
    props.subject = "Styles for DOCX briefings: edit them in Word, keep the body empty"
    props.author = ""
    props.comments = ""
    props.last_modified_by = ""
    props.created = props.modified = BUILT
    props.revision = 1

    buffer = BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue(), BUILT.date())


def main() -> None:
    Path(REFERENCE_DOCX).write_bytes(build())
    print(f"wrote {REFERENCE_DOCX}")


if __name__ == "__main__":
    main()
