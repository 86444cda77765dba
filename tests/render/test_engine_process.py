"""A single PDF is laid out by WeasyPrint in a process of its own, with the bytes, the refusals and the
time limits of a layout made here."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from generator.render import engine_process
from generator.render.pdf import count_pages, render_pdf, text_engine
from tests.conftest import PROJECT
from tests.sample_brief import sample_brief

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the engine process is forked")


def test_a_pdf_laid_out_by_the_engine_process_has_the_bytes_of_one_laid_out_here():
    brief = sample_brief()
    here = render_pdf(brief)

    with engine_process.serving(True):
        engine = engine_process.active()
        assert engine is not None
        pages = count_pages(brief)
        laid_out_before = render_pdf(brief)
        laid_out_now = render_pdf(brief)

    assert here == laid_out_before == laid_out_now
    assert pages >= 1
    assert engine_process.active() is None


def test_the_engine_process_reports_the_text_engine_a_layout_here_would_use():
    here = text_engine()
    with engine_process.serving(True):
        assert text_engine() == here


def test_a_process_rendering_through_the_engine_never_imports_weasyprint():
    script = (
        "import sys\n"
        "from generator.render import engine_process\n"
        "from generator.render.pdf import render_pdf\n"
        "from tests.sample_brief import sample_brief\n"
        "with engine_process.serving(True):\n"
        "    pdf = render_pdf(sample_brief())\n"
        "print(pdf.startswith(b'%PDF-'), 'weasyprint' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.split() == ["True", "False"]


def test_an_engine_that_died_is_replaced_by_a_layout_here():
    brief = sample_brief()
    here = render_pdf(brief)
    with engine_process.serving(True):
        engine = engine_process.active()
        assert engine is not None
        count_pages(brief)
        os.kill(engine.pid, signal.SIGKILL)

        assert render_pdf(brief) == here
        assert engine_process.active() is None


class _Interrupted(BaseException):
    """Raised by the alarm, as the in-process time limit raises its own."""


def test_a_request_cut_short_by_a_time_limit_stops_the_engine_and_leaves_no_process(monkeypatch):
    brief = sample_brief()

    def interrupt(signum, frame):
        raise _Interrupted

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        with engine_process.serving(True):
            engine = engine_process.active()
            assert engine is not None
            # The limit strikes while this process waits for the engine's answer, however long the HTML took.
            waiting = engine._connection.recv

            def answer_cut_short():
                signal.setitimer(signal.ITIMER_REAL, 0.02)
                return waiting()

            monkeypatch.setattr(engine._connection, "recv", answer_cut_short)
            with pytest.raises(_Interrupted):
                count_pages(brief)
            signal.setitimer(signal.ITIMER_REAL, 0)

            assert engine_process.active() is None
            with pytest.raises(ProcessLookupError):
                os.kill(engine.pid, 0)
            assert render_pdf(brief).startswith(b"%PDF-")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_generate_of_one_pdf_uses_the_engine_and_leaves_no_process_behind(minimal_kb, cli, tmp_path, monkeypatch):
    started: list[int] = []
    start = engine_process.start

    def recorded() -> None:
        start()
        engine = engine_process.active()
        assert engine is not None
        started.append(engine.pid)

    monkeypatch.setattr(engine_process, "start", recorded)

    result = cli("generate", "--audience", "uk", "--format", "pdf", "--briefs", minimal_kb, "--out", tmp_path / "out")

    assert result.exit_code == 0, result.output
    assert len(started) == 1 and engine_process.active() is None
    with pytest.raises(ProcessLookupError):
        os.kill(started[0], 0)
    assert [path.suffix for path in (tmp_path / "out").glob("*.pdf")] == [".pdf"]


def test_generate_of_several_documents_leaves_the_engine_unstarted(minimal_kb, cli, tmp_path, monkeypatch):
    monkeypatch.setattr(engine_process, "start", lambda: pytest.fail("started for documents rendered by workers"))

    result = cli("generate", "--all", "--jobs", "2", "--briefs", minimal_kb, "--out", tmp_path / "out")

    assert result.exit_code == 0, result.output
