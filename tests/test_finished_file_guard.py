"""The finished PDF or DOCX is read back before it is published; a withheld name
anywhere in it (text, properties, link targets, file name) stops it."""

import dataclasses
import datetime
from pathlib import Path

import pytest

import generator.render.pool as pool_module
from generator import api
from generator.api import Request, load_knowledge_base, render
from generator.brief import Point, Section, Span
from generator.inspect_output import leak_in
from generator.names import NameGuard

from .sample_brief import sample_brief

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

    outcome = api.generate(kb, [Request("uk")], out_dir=out, date=datetime.date(2027, 1, 1))

    assert outcome.written == []
    assert [path.suffix for path, _ in outcome.failed] == [".pdf", ".docx"]
    assert all(
        "would name a person who may not be named here (the case at cases.yaml:1)" in message
        for _, message in outcome.failed
    )
    assert not list(out.glob("*.pdf")) and not list(out.glob("*.docx"))
