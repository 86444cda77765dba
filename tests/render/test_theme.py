"""A theme folder is searched before the packaged templates, file by file, as MkDocs' custom_dir is."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from generator import TEMPLATES_DIR
from generator.core.errors import RenderError
from generator.render.docx import render_docx
from generator.render.html import render_html
from generator.render.pdf import render_pdf
from generator.render.sandbox import TemplatesFetcher
from tests.sample_brief import sample_brief


@pytest.fixture
def theme(tmp_path) -> Path:
    folder = tmp_path / "theme"
    folder.mkdir()
    return folder


@pytest.fixture
def served(monkeypatch) -> list[Path]:
    """Every file the sandbox hands WeasyPrint, by its real path."""
    paths: list[Path] = []
    found = TemplatesFetcher._found

    def recording(self, url, named):
        path = found(self, url, named)
        paths.append(path)
        return path

    monkeypatch.setattr(TemplatesFetcher, "_found", recording)
    return paths


def themed(theme: Path):
    return dataclasses.replace(sample_brief(), theme=theme)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_theme_stylesheet_replaces_the_packaged_one(theme, served):
    packaged = (TEMPLATES_DIR / "briefing.css").read_text(encoding="utf-8")
    (theme / "briefing.css").write_text(packaged + '\n.kicker::after { content: " (themed)"; }\n', encoding="utf-8")

    packaged_pdf = render_pdf(sample_brief())
    served.clear()

    pdf = render_pdf(themed(theme))

    assert pdf != packaged_pdf
    # The kicker is set in capitals.
    assert "BRIEFING NOTE (THEMED)" in text_of(pdf)
    assert theme.resolve() / "briefing.css" in served
    assert TEMPLATES_DIR.resolve() / "briefing.css" not in served
    # The fonts it names relatively, which the theme lacks, come from the package.
    assert TEMPLATES_DIR.resolve() / "fonts" / "NotoSerif-Regular.ttf" in served


def test_a_theme_without_a_file_falls_back_to_the_package(theme):
    (theme / "unrelated.txt").write_text("nothing the templates use")

    assert render_pdf(themed(theme)) == render_pdf(sample_brief())
    assert render_docx(themed(theme)) == render_docx(sample_brief())


def test_a_theme_template_extends_the_packaged_base(theme):
    (theme / "briefing.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block letterhead %}<p class="kicker">Example Watch</p>{% endblock %}\n',
        encoding="utf-8",
    )

    text = text_of(render_pdf(themed(theme)))

    assert "EXAMPLE WATCH" in text
    assert "BRIEFING NOTE" not in text


def test_a_template_the_theme_gains_while_a_process_runs_is_used_from_then_on(theme):
    brief = themed(theme)
    assert "Example Watch" not in render_html(brief)

    (theme / "briefing.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block letterhead %}<p class="kicker">Example Watch</p>{% endblock %}\n'
    )

    assert "Example Watch" in render_html(brief)


def test_a_theme_font_replaces_the_packaged_one(theme, served):
    (theme / "fonts").mkdir()
    (theme / "fonts" / "NotoSerif-Regular.ttf").write_bytes(
        (TEMPLATES_DIR / "fonts" / "NotoSans-Regular.ttf").read_bytes()
    )

    pdf = render_pdf(themed(theme))

    assert theme.resolve() / "fonts" / "NotoSerif-Regular.ttf" in served
    assert TEMPLATES_DIR.resolve() / "fonts" / "NotoSerif-Regular.ttf" not in served
    assert pdf != render_pdf(sample_brief())


def test_a_theme_reference_document_styles_the_docx(theme):
    reference = docx.Document(str(TEMPLATES_DIR / "reference.docx"))
    reference.styles["Normal"].font.name = "Themed Serif"
    reference.save(str(theme / "reference.docx"))

    with zipfile.ZipFile(io.BytesIO(render_docx(themed(theme)))) as archive:
        styles = archive.read("word/styles.xml").decode()

    assert "Themed Serif" in styles


def test_a_broken_theme_reference_document_is_named(theme):
    (theme / "reference.docx").write_text("not a Word document")

    with pytest.raises(RenderError, match=f"{theme / 'reference.docx'}: not a Word document"):
        render_docx(themed(theme))
