"""Only what changed is rendered again; content hashes decide, not timestamps."""

import json
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

import generator.render.pool as pool_module
from generator import api
from tests.conftest import build_knowledge_base


@pytest.fixture
def built(tmp_path: Path, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    briefs = build_knowledge_base(tmp_path / "briefs")
    out = tmp_path / "out"

    def generate(*extra: str):
        result = cli("generate", "--audience", "uk", "--briefs", briefs, "--out", out, "--jobs", "1", *extra)
        assert result.exit_code == 0, result.output
        return result.stdout.splitlines()

    return briefs, out, generate


def test_second_run_with_nothing_changed_writes_nothing(built):
    _briefs, out, generate = built
    first = generate()
    stamps = {path.name: path.stat().st_mtime_ns for path in out.iterdir()}

    second = generate()

    assert [line.split()[0] for line in first] == ["wrote", "wrote"]
    assert [line.split()[0] for line in second] == ["unchanged", "unchanged"]
    assert {path.name: path.stat().st_mtime_ns for path in out.iterdir()} == stamps


def test_touching_a_file_without_changing_it_renders_nothing(built):
    briefs, _out, generate = built
    generate()
    facts = briefs / "testland" / "facts.yaml"
    os.utime(facts, (1, 1))

    assert [line.split()[0] for line in generate()] == ["unchanged", "unchanged"]


def test_an_edit_that_changes_the_briefing_renders_it_again(built):
    briefs, _out, generate = built
    generate()
    facts = briefs / "testland" / "facts.yaml"
    facts.write_text(facts.read_text().replace("in the capital.", "in the capital city."))

    assert [line.split()[0] for line in generate()] == ["wrote", "wrote"]


def test_an_edit_no_briefing_shows_still_renders_the_new_revision_into_the_footer(built):
    """Every page names the knowledge-base revision it was built from, so any edit changes the copy."""
    briefs, out, generate = built
    generate()
    sources = briefs / "testland" / "sources.yaml"
    sources.write_text(sources.read_text() + "  date_note: an editorial note no briefing prints\n")

    assert [line.split()[0] for line in generate()] == ["wrote", "wrote"]
    revision = json.loads((out / "manifest.json").read_text())["files"]["2027-01-15_testland_uk.pdf"]["knowledge_base"]
    assert revision in PdfReader(out / "2027-01-15_testland_uk.pdf").pages[0].extract_text()


def test_a_deleted_or_altered_output_is_rendered_again(built):
    _briefs, out, generate = built
    generate()
    (pdf,) = out.glob("*.pdf")
    pdf.write_bytes(b"tampered")

    lines = generate()

    assert f"wrote {pdf}" in lines
    assert pdf.read_bytes().startswith(b"%PDF")


def test_force_renders_everything(built):
    _briefs, _out, generate = built
    generate()

    assert [line.split()[0] for line in generate("--force")] == ["wrote", "wrote"]


def test_manifest_keys_name_what_each_document_depends_on(built):
    _briefs, out, generate = built
    generate()
    files = json.loads((out / "manifest.json").read_text())["files"]

    assert {entry["format"] for entry in files.values()} == {"pdf", "docx"}
    assert len({entry["key"] for entry in files.values()}) == 2


def test_one_failing_document_does_not_lose_the_others(minimal_kb: Path, tmp_path: Path, monkeypatch):
    from generator.core.errors import RenderError

    def render(brief, output_format):
        if output_format == "docx":
            raise RenderError("the reference document is broken")
        return b"%PDF-stub"

    monkeypatch.setattr(pool_module, "render", render)
    kb = api.load_knowledge_base(minimal_kb).kb

    outcome = api.generate(kb, api.requests_for(kb, audiences=["uk"]), out_dir=tmp_path)

    assert [path.suffix for path in outcome.written] == [".pdf"]
    assert [(path.suffix, message) for path, message in outcome.failed] == [
        (".docx", "the reference document is broken")
    ]
    assert (outcome.written[0]).read_bytes() == b"%PDF-stub"
