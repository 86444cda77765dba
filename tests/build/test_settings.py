"""A knowledge base's briefing.toml and theme reach generate: what they change is rendered again, and only that."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from generator import TEMPLATES_DIR, api
from tests.conftest import BUNDLED_BRIEFS, build_knowledge_base

PDF = "2027-01-15_testland_uk.pdf"


@pytest.fixture
def built(tmp_path: Path, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    briefs = build_knowledge_base(tmp_path / "briefs")
    out = tmp_path / "out"

    def generate(*extra: str) -> list[str]:
        result = cli("generate", "--audience", "uk", "--briefs", briefs, "--out", out, "--jobs", "1", *extra)
        assert result.exit_code == 0, result.output
        return [line.split()[0] for line in result.stdout.splitlines()]

    return briefs, out, generate


def themed(briefs: Path) -> Path:
    theme = briefs / "look"
    theme.mkdir()
    (briefs / "briefing.toml").write_text('theme = "look"\n')
    return theme


def test_an_edit_of_the_theme_stylesheet_renders_the_briefing_again(built):
    briefs, out, generate = built
    theme = themed(briefs)
    stylesheet = (TEMPLATES_DIR / "briefing.css").read_text(encoding="utf-8")
    (theme / "briefing.css").write_text(stylesheet, encoding="utf-8")
    assert generate() == ["wrote", "wrote"]
    before = (out / PDF).read_bytes()
    assert generate() == ["unchanged", "unchanged"]

    (theme / "briefing.css").write_text(stylesheet + '\n.kicker::after { content: " (ours)"; }\n', encoding="utf-8")

    assert "wrote" in generate()
    assert (out / PDF).read_bytes() != before
    assert "(OURS)" in PdfReader(out / PDF).pages[0].extract_text()


def test_a_file_added_to_the_theme_renders_the_briefing_again(built):
    briefs, out, generate = built
    theme = themed(briefs)
    generate()
    before = (out / PDF).read_bytes()

    (theme / "briefing.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block letterhead %}<p class="kicker">Example Watch</p>{% endblock %}\n'
    )

    assert "wrote" in generate()
    assert (out / PDF).read_bytes() != before


def test_an_empty_theme_prints_what_the_package_prints(built, tmp_path):
    briefs, out, generate = built
    generate()
    plain = (out / PDF).read_bytes()
    shutil.rmtree(out)
    themed(briefs)

    generate()

    assert (out / PDF).read_bytes() == plain


def test_an_edit_of_a_page_limit_fits_the_briefing_again(built):
    briefs, _out, generate = built
    generate()

    (briefs / "briefing.toml").write_text("[pages]\nfull = 3\n")

    assert generate() == ["wrote", "wrote"]


def test_an_invalid_briefing_toml_stops_generate_before_anything_is_written(built, cli):
    briefs, out, _generate = built
    (briefs / "briefing.toml").write_text("[pages]\nfull = 4\n\n[limits]\ntimeout = 'soon'\n")

    result = cli("generate", "--audience", "uk", "--briefs", briefs, "--out", out)

    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"{briefs}/briefing.toml:5: limits.timeout: expected a number of seconds, found the text 'soon'; "
        "write it without quotes\n"
    )
    assert not out.exists()


@pytest.mark.slow
def test_the_page_limit_of_the_file_holds_the_briefing_to_it(tmp_path, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    briefs = tmp_path / "briefs"
    shutil.copytree(BUNDLED_BRIEFS, briefs)
    (briefs / "briefing.toml").write_text("[pages]\nfull = 2\n")

    result = cli("generate", "--audience", "uk", "--format", "pdf", "--briefs", briefs, "--out", tmp_path / "out")

    assert result.exit_code == 0, result.output
    (pdf,) = (tmp_path / "out").glob("*.pdf")
    # The same briefing runs to four pages under the default limit.
    assert len(PdfReader(pdf).pages) == 2


def test_the_budgets_of_the_file_decide_what_a_briefing_holds(minimal_kb):
    (minimal_kb / "briefing.toml").write_text("[budgets.full]\ntalking_points = 1\ncases = 0\n")
    kb = api.load_knowledge_base(minimal_kb).kb

    brief = api.compose_brief(kb, api.request_for(kb, "uk"))

    keys = {section.key: section for section in brief.sections}
    assert len(keys["talking-points"].points) == 1
    assert "cases" not in keys


def timeout_of(briefs: Path, timeout: float | None = None) -> float:
    with api.country_runs(api.BuildOptions(briefs=briefs, audiences=("uk",), timeout=timeout)) as runs:
        return runs[0].workers.timeout


def test_the_render_time_limit_is_the_option_else_the_environment_else_the_file(minimal_kb, monkeypatch):
    assert timeout_of(minimal_kb) == 300
    (minimal_kb / "briefing.toml").write_text("[limits]\ntimeout = 12\n")
    assert timeout_of(minimal_kb) == 12
    monkeypatch.setenv("BRIEFING_TIMEOUT", "30")
    assert timeout_of(minimal_kb) == 30
    assert timeout_of(minimal_kb, timeout=5) == 5


def test_the_theme_of_the_environment_beats_the_files(built, monkeypatch):
    briefs, out, generate = built
    themed(briefs)
    ours = briefs / "ours"
    ours.mkdir()
    (ours / "briefing.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block letterhead %}<p class="kicker">Example Watch</p>{% endblock %}\n'
    )
    monkeypatch.setenv("BRIEFING_THEME", str(ours))

    generate()

    assert "EXAMPLE WATCH" in PdfReader(out / PDF).pages[0].extract_text()


def test_the_cover_note_of_a_package_takes_the_themes_word_styles(built):
    briefs, out, generate = built
    theme = themed(briefs)
    reference = docx.Document(str(TEMPLATES_DIR / "reference.docx"))
    reference.styles["Normal"].font.name = "Themed Serif"
    reference.save(str(theme / "reference.docx"))

    generate("--package")

    (package,) = out.glob("*_copies.zip")
    with zipfile.ZipFile(package) as archive, zipfile.ZipFile(io.BytesIO(archive.read("cover-note.docx"))) as note:
        assert "Themed Serif" in note.read("word/styles.xml").decode()
