"""Briefings in the audience's language: catalogue words, dates, quotation marks and country names.

Each language test writes an audience into a copy of the minimal knowledge
base, renders the real PDF and DOCX and reads their text back.
"""

import datetime
import io
import re
import shutil
import string
import zipfile
from dataclasses import fields, is_dataclass, replace
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from generator import api
from generator.compose.brief import Brief
from generator.compose.briefing import compose
from generator.render.docx import render_docx
from generator.render.html import css_page_counter, render_html
from generator.render.pdf import render_pdf
from generator.select.selection import select
from generator.text import catalogue
from generator.text.rich import Span
from tests.conftest import BUNDLED_BRIEFS, PROJECT, build_knowledge_base
from tests.sample_brief import sample_brief

DATE = datetime.date(2026, 11, 25)
NNBSP = "\u202f"
# A fact that quotes someone: the quotation is theirs, and keeps its marks in every language.
QUOTING_FACT = """
- id: quoted-minister
  text: The minister said “order comes first” at the rally.
  themes: [assembly]
  as_of: 2021-07-22
  priority: high
  sources:
    - source: report-2021
      passage: detained 40 protesters
"""


def briefing_in(tmp_path: Path, language: str, date_style: str = "day-month") -> tuple[str, str, Brief]:
    """The minimal knowledge base's uk briefing with its audience in `language`: PDF text, DOCX text, Brief."""
    briefs = build_knowledge_base(tmp_path / "briefs")
    audience = briefs / "audiences" / "uk.yaml"
    text = audience.read_text(encoding="utf-8")
    text = text.replace("language: en-GB", f"language: {language}").replace("day-month", date_style)
    audience.write_text(text, encoding="utf-8")
    facts = briefs / "testland" / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + QUOTING_FACT, encoding="utf-8")
    kb = api.load_knowledge_base(briefs, today=DATE).kb
    brief = api.compose_brief(kb, api.request_for(kb, "uk", date=DATE))
    pdf = PdfReader(io.BytesIO(render_pdf(brief)))
    assert pdf.trailer["/Root"]["/Lang"] == language
    pdf_text = " ".join(page.extract_text() for page in pdf.pages)
    document = docx.Document(io.BytesIO(render_docx(brief)))
    docx_text = " ".join(
        [paragraph.text for paragraph in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        + [paragraph.text for paragraph in document.sections[0].footer.paragraphs]
    )
    assert document.styles.element.xpath("./w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val") == [language]
    return _spaced(pdf_text), _spaced(docx_text), brief


def _spaced(text: str) -> str:
    """Runs of ordinary white space as one space; narrow no-break spaces are kept, they are what is tested."""
    return re.sub(r"[ \t\n\r]+", " ", text)


def _fields(text: str) -> set[str]:
    """The names compose fills in a message, as `str.format` reads them."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_catalogue_has_the_ids_and_placeholders_of_the_reference():
    # Adding a language is copying the British English catalogue and translating it.
    reference = catalogue.messages("en-GB")
    assert set(catalogue.languages()) >= {"en-GB", "en-US", "fr", "ru"}
    for language in catalogue.languages():
        messages = catalogue.messages(language)
        assert messages.keys() == reference.keys(), language
        for message_id, text in messages.items():
            assert _fields(text) == _fields(reference[message_id]), (language, message_id)


def test_french_audience_reads_french_words_dates_and_quotes(tmp_path):
    pdf_text, docx_text, brief = briefing_in(tmp_path, "fr")
    assert brief.language == "fr"
    for text in (pdf_text, docx_text):
        for words in ("Objet", "Cas individuels", "Faits", "Situation", "Sources", "au juillet 2021"):
            assert words in text, words
        assert "25 novembre 2026" in text
        # Our quotation marks around a title and an offence, with narrow no-break spaces inside.
        assert f"«{NNBSP}Testland report{NNBSP}»" in text
        assert f"Inculpé pour «{NNBSP}inciting discord{NNBSP}»" in text
        # The minister's words are quoted as the source wrote them.
        assert "The minister said “order comes first” at the rally." in text
    # python-docx reads no field results: the page numbers are Word fields.
    assert re.search(r"Page 1 sur \d", pdf_text) and "Page sur" in docx_text
    for text in (pdf_text, docx_text):
        for english in ("Purpose", "Key asks", "What happened", "Our ask", "July", "November", "“Testland report”"):
            assert english not in text, english


def test_russian_audience_reads_cyrillic_words_and_dates_extracted_intact(tmp_path):
    pdf_text, docx_text, _ = briefing_in(tmp_path, "ru")
    for text in (pdf_text, docx_text):
        for words in ("Цель", "Индивидуальные случаи", "Что произошло", "Источники", "25 ноября 2026 г."):
            assert words in text, words
        assert "на июль 2021 г." in text
        assert "«Testland report»" in text
        assert "Обвинение: «inciting discord»" in text
        assert "The minister said “order comes first” at the rally." in text
        assert "Purpose" not in text and "July" not in text


def test_english_dates_follow_the_audiences_date_style(tmp_path):
    british, _, _ = briefing_in(tmp_path / "gb", "en-GB", "day-month")
    american, american_docx, _ = briefing_in(tmp_path / "us", "en-US", "month-day")
    assert "25 November 2026" in british and "November 25, 2026" not in british
    assert "November 25, 2026" in american and "November 25, 2026" in american_docx
    assert "25 November 2026" not in american
    # Month precision reads the same either way.
    assert "as of July 2021" in british and "as of July 2021" in american


@pytest.fixture(scope="module")
def bundled_kb():
    return api.load_knowledge_base(BUNDLED_BRIEFS, today=DATE).kb


def test_running_text_names_the_country_with_its_article_and_titles_use_the_short_name(bundled_kb):
    brief = compose(select(bundled_kb, bundled_kb.audiences["uk"]), date=DATE)
    purpose = "".join(span.text for span in brief.sections[0].points[0].text)
    assert "the human rights situation in the Republic of Kazakhstan and" in purpose
    assert brief.title == "Kazakhstan: human rights briefing"
    assert brief.meta[0].value == "Republic of Kazakhstan (Қазақстан)"


def test_country_names_in_another_language(bundled_kb):
    french = bundled_kb.audiences["uk"].model_copy(update={"language": "fr"})
    brief = compose(select(bundled_kb, french), date=DATE)
    purpose = "".join(span.text for span in brief.sections[0].points[0].text)
    assert "dans la République du Kazakhstan" in purpose
    assert brief.title == "Kazakhstan\u00a0: note sur les droits humains"
    assert brief.meta[0].value.startswith("République du Kazakhstan")


def test_adding_a_language_is_adding_one_catalogue_file(tmp_path, monkeypatch):
    catalogues = tmp_path / "catalogues"
    shutil.copytree(catalogue.CATALOGUE_DIR, catalogues)
    german = (catalogues / "en-GB.yaml").read_text(encoding="utf-8")
    german = german.replace('section.purpose: "Purpose"', 'section.purpose: "Zweck"')
    german = german.replace('date.day-month: "d MMMM y"', 'date.day-month: "d. MMMM y"')
    (catalogues / "de.yaml").write_text(german, encoding="utf-8")
    monkeypatch.setattr(catalogue, "CATALOGUE_DIR", catalogues)
    catalogue.messages.cache_clear()
    try:
        pdf_text, docx_text, _ = briefing_in(tmp_path, "de")
    finally:
        catalogue.messages.cache_clear()
    for text in (pdf_text, docx_text):
        assert "Zweck" in text and "25. November 2026" in text


MARK = "zz"
STRUCTURAL = {"key", "style", "language", "paper", "length", "audience_id", "meeting_id", "href", "url"}


def _marked(value: object, name: str = "") -> object:
    """The same Brief with every reader-facing string replaced by a marker."""
    if isinstance(value, str):
        if name in STRUCTURAL or not value:
            return value
        return f"{MARK} {{page}} {MARK} {{pages}}" if name == "page" else MARK
    if isinstance(value, tuple):
        return tuple(_marked(item, name) for item in value)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(
            value, **{field.name: _marked(getattr(value, field.name), field.name) for field in fields(value)}
        )
    return value


def test_renderers_print_no_words_of_their_own():
    # A recipient's numbered copy, whose footer holds the most words.
    copy = replace(
        sample_brief(),
        recipient="Jane Smith",
        recipient_line="Prepared for Jane Smith · Copy 1",
        provenance="KB 0123abcd · generator 1.0",
    )
    brief = _marked(copy)
    assert isinstance(brief, Brief) and brief.sections[0].points[0].text[0] == Span(MARK, emphasis=False)
    html = render_html(brief)
    html = re.sub(r"<style>.*?</style>|<[^>]*>", " ", html, flags=re.S)
    document = zipfile.ZipFile(io.BytesIO(render_docx(brief)))
    word_text = " ".join(
        "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", document.read(name).decode()))
        for name in document.namelist()
        if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name)
    )
    for text in (html, word_text):
        # Markers that touch read as one longer run of them.
        words = {word for word in re.findall(r"[^\W\d_]{2,}", text) if set(word) != set(MARK)}
        assert words == set(), words


def test_templates_and_stylesheet_hold_no_words():
    templates = PROJECT / "templates"
    for path in templates.glob("*.j2"):
        source = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", " ", path.read_text(encoding="utf-8"), flags=re.S)
        text = re.sub(r"<style>.*?</style>|<[^>]*>", " ", source, flags=re.S)
        assert re.findall(r"[^\W\d_]{2,}", text) == [], path.name
    stylesheet = (templates / "briefing.css").read_text(encoding="utf-8")
    assert re.findall(r"content:\s*\"", stylesheet) == []


def test_page_counter_is_escaped_css():
    counter = css_page_counter('Page {page} of {pages} "</style>')
    assert counter == r'"Page " counter(page) " of " counter(pages) " \000022\00003c\00002fstyle\00003e"'


def test_a_french_lead_in_takes_a_no_break_space_before_its_colon():
    from generator import api
    from generator.render.html import render_html
    from tests.conftest import BUNDLED_BRIEFS

    kb = api.load_knowledge_base(BUNDLED_BRIEFS).kb
    html = render_html(api.compose_brief(kb, api.request_for(kb, "eu", language="fr")))

    lead_ins = re.findall(r'class="(?:evidence-label|case-label|response-label|contact-label|lead-in)">([^<]*)<', html)
    assert lead_ins and all(lead_in.endswith("\u00a0:") for lead_in in lead_ins), lead_ins
    english = render_html(api.compose_brief(kb, api.request_for(kb, "eu")))
    assert "\u00a0:" not in english


def test_russian_dates_take_the_case_their_preposition_governs_and_end_a_sentence_once():
    from generator import api
    from generator.render.html import render_html
    from tests.conftest import BUNDLED_BRIEFS

    kb = api.load_knowledge_base(BUNDLED_BRIEFS).kb
    html = render_html(api.compose_brief(kb, api.request_for(kb, "uk", language="ru")))

    # "Около" governs the genitive: ок. декабря 2016 г., never the nominative ок. декабрь 2016 г.
    assert re.search(
        r"ок\. (?:января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря) \d{4}", html
    )
    assert not re.search(
        r"ок\. (?:январь|февраль|март|апрель|май|июнь|июль|август|сентябрь|октябрь|ноябрь|декабрь) ", html
    )
    # The year's abbreviation ends the sentence: no "г.." anywhere.
    assert "г.." not in html


@pytest.mark.parametrize(
    ("language", "in_the_country"),
    [
        ("en-GB", "situation in the Republic of Kazakhstan"),
        ("fr", "situation des droits humains dans la République du Kazakhstan"),
        ("ru", "с правами человека в Республике Казахстан"),
    ],
)
def test_running_text_names_the_country_in_the_form_its_preposition_needs(language, in_the_country):
    from generator import api
    from generator.text.rich import plain
    from tests.conftest import BUNDLED_BRIEFS

    kb = api.load_knowledge_base(BUNDLED_BRIEFS).kb
    brief = api.compose_brief(kb, api.request_for(kb, "uk", language=language))
    purpose = next(section for section in brief.sections if section.key == "purpose")
    assert in_the_country in " ".join(plain(point.text) for point in purpose.points)
