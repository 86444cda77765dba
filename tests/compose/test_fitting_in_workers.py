"""Briefings are fitted in the workers that render them; an unchanged briefing is never laid out."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pypdf import PdfReader

import generator.render.engine as engine_module
import generator.render.pdf as render_pdf_module
from generator import api
from generator.build import fitting_hints
from generator.build.drafting import draft_of
from generator.core import run_cache
from generator.render.docx import render_docx
from tests.conftest import BUNDLED_BRIEFS, PROJECT


def page_text(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


@pytest.mark.slow
def test_the_docx_and_pdf_rendered_by_workers_carry_the_same_fitted_briefing(tmp_path, monkeypatch):
    """The full UK briefing loses items to fit four pages; both files show exactly what is left."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    kb = api.load_knowledge_base(BUNDLED_BRIEFS).kb
    request = api.request_for(kb, "uk", length="full")
    draft = draft_of(kb, request)
    fitted = draft.fitted()
    assert fitted != draft.compose(draft.selection), "the briefing must need trimming for this test to mean anything"

    with api.RenderPool(2) as pool:
        outcome = api.generate(kb, [request], out_dir=tmp_path, pool=pool)

    pdf, docx = sorted(outcome.written, key=lambda path: path.suffix != ".pdf")
    assert docx.read_bytes() == render_docx(fitted)
    reference = tmp_path / "reference.pdf"
    reference.write_bytes(render_pdf_module.render_pdf(fitted))
    assert page_text(pdf) == page_text(reference)
    assert len(page_text(pdf)) <= 4


def test_an_unchanged_briefing_is_skipped_without_any_layout(minimal_kb, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    kb = api.load_knowledge_base(minimal_kb).kb
    requests = api.requests_for(kb, audiences=["uk"])
    api.generate(kb, requests, out_dir=tmp_path)
    layouts = []
    monkeypatch.setattr(render_pdf_module, "count_pages", lambda brief: layouts.append(brief) or 1)

    outcome = api.generate(kb, requests, out_dir=tmp_path)

    assert outcome.written == [] and len(outcome.unchanged) == 2
    assert layouts == []


def test_a_briefing_built_again_is_laid_out_once_unless_its_record_is_damaged_or_of_another_text_engine(
    tmp_path, monkeypatch
):
    """Forced again, the full UK briefing, which loses items to fit, takes one layout instead of a search;
    after a Pango upgrade, what fitting left out before may no longer be the fewest removals, so it searches."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    kb = api.load_knowledge_base(BUNDLED_BRIEFS).kb
    requests = [api.request_for(kb, "uk", length="full")]
    real_count_pages = render_pdf_module.count_pages
    layouts = []
    monkeypatch.setattr(
        render_pdf_module, "count_pages", lambda brief: layouts.append(brief) or real_count_pages(brief)
    )

    def built() -> tuple[int, bytes]:
        layouts.clear()
        (pdf,) = api.generate(kb, requests, ("pdf",), out_dir=tmp_path, force=True).written
        return len(layouts), pdf.read_bytes()

    searched, first = built()
    again, second = built()
    cuts = run_cache._run_path(fitting_hints.FITTING_CUTS)
    cuts.write_bytes(cuts.read_bytes()[:-7] + b"garbage")
    after_damage, third = built()
    real_engine = engine_module.text_engine
    monkeypatch.setattr(engine_module, "text_engine", lambda: f"{real_engine()} upgraded")
    upgraded, fourth = built()
    again_upgraded, _ = built()

    assert searched >= 2 and again == 1 and after_damage == searched and upgraded == searched and again_upgraded == 1
    assert first == second == third == fourth


@pytest.mark.slow
def test_a_script_without_a_main_guard_renders_through_the_zygote(tmp_path):
    """Workers are forked, never started afresh: the caller's script is not run again in them."""
    out = tmp_path / "out"
    runs = tmp_path / "runs"
    script = tmp_path / "script.py"
    script.write_text(
        textwrap.dedent(
            f"""
            from pathlib import Path
            from generator import api

            with open({str(runs)!r}, "a") as log:
                log.write("run\\n")
            kb = api.load_knowledge_base(Path({str(BUNDLED_BRIEFS)!r})).kb
            with api.RenderPool(2) as pool:
                outcome = api.generate(kb, api.requests_for(kb, audiences=["uk", "eu"]), out_dir=Path({str(out)!r}), pool=pool)
            print(len(outcome.written), len(outcome.failed))
            """
        )
    )

    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"SOURCE_DATE_EPOCH": "1800000000", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT)},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["4", "0"]
    assert runs.read_text() == "run\n", "the script ran once"
    for pdf in out.glob("*.pdf"):
        assert len(PdfReader(pdf).pages) <= 4
        assert "human rights briefing" in PdfReader(pdf).pages[0].extract_text()
