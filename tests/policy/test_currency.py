"""How current the facts are is on the page, and --strict refuses what is out of date."""

from __future__ import annotations

import datetime
import io
import re

import docx
from pypdf import PdfReader

from generator import api
from tests.conftest import BUNDLED_BRIEFS

DATE = datetime.date(2026, 11, 25)


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_header_shows_the_span_of_the_facts_dates_and_marks_out_of_date_facts(built):
    kb = api.load_knowledge_base(BUNDLED_BRIEFS, today=DATE).kb
    request = api.request_for(kb, "uk", date=DATE)
    brief = built.brief(BUNDLED_BRIEFS, DATE, request)
    rows = {row.label: row.value for row in brief.meta}
    assert re.fullmatch(r"[A-Z][a-z]+ \d{4} – [A-Z][a-z]+ \d{4}", rows["Facts dated"])
    assert brief.out_of_date
    # How many printed items are old is the banner's to say, once, above the title.
    assert "Currency" not in rows
    assert brief.check_before and brief.check_before.startswith("Check before the meeting: ")
    marked = [
        point
        for section in brief.sections
        for point in section.points
        if point.as_of and point.as_of.startswith("out of date")
    ]
    assert len(marked) == len(brief.out_of_date)
    text = pdf_text(built.file(BUNDLED_BRIEFS, DATE, request, "pdf"))
    # A fact older than the limit says its date in the sentence; the marker then stands alone.
    assert "Facts dated" in text and "(out of date)" in text and "As of July 2021, " in text
    document = docx.Document(io.BytesIO(built.file(BUNDLED_BRIEFS, DATE, request, "docx")))
    docx_text = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    assert "(out of date)" in docx_text and "Facts dated" in docx_text


def test_a_briefing_of_current_facts_says_nothing_is_out_of_date(minimal_kb):
    kb = api.load_knowledge_base(minimal_kb, today=DATE).kb
    brief = api.compose_brief(kb, api.request_for(kb, "uk", date=DATE))
    assert brief.out_of_date == ()
    assert "Currency" not in {row.label for row in brief.meta}
    assert "Facts dated" in {row.label for row in brief.meta}


def test_strict_refuses_a_briefing_with_stale_facts_naming_each_with_file_and_line(tmp_path, cli):
    out = tmp_path / "out"
    result = cli("generate", "--audience", "uk", "--strict", "--briefs", BUNDLED_BRIEFS, "--out", out, "--jobs", "1")
    assert result.exit_code == 2, result.output
    assert re.search(r"facts\.yaml:\d+: fact '[a-z0-9-]+' is stale or past its review date", result.output)
    assert not out.exists()


def test_strict_writes_a_briefing_whose_facts_are_current(minimal_kb, tmp_path, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1793520000")  # 2026-11-01: the fixture's facts are current
    result = cli(
        "generate", "--audience", "uk", "--strict", "--briefs", minimal_kb, "--out", tmp_path / "out", "--jobs", "1"
    )
    assert result.exit_code == 0, result.output


def test_as_of_builds_the_briefing_as_it_would_have_read_that_day(minimal_kb, tmp_path, cli):
    """On 2019-01-01 the 2021 report and the fact it dates did not exist; the 2016 fact was current."""
    out = tmp_path / "out"

    result = cli(
        "generate",
        "--audience",
        "uk",
        "--format",
        "docx",
        "--as-of",
        "2019-01-01",
        "--briefs",
        minimal_kb,
        "--out",
        out,
    )

    assert result.exit_code == 0, result.output
    (path,) = out.glob("*.docx")
    assert path.name.startswith("2019-01-01_")
    document = docx.Document(path)
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    assert "1 January 2019" in text
    assert "Officials held property abroad" in text
    assert "Police detained 40 protesters" not in text
    assert "out of date" not in text
    assert "2021" not in text


def test_as_of_must_be_a_date(minimal_kb, tmp_path, cli):
    result = cli(
        "generate", "--audience", "uk", "--as-of", "last year", "--briefs", minimal_kb, "--out", tmp_path / "out"
    )

    assert result.exit_code == 2
    assert "'last year' does not match the format '%Y-%m-%d'" in result.output
    assert not (tmp_path / "out").exists()
