"""Rendering in worker processes: a time limit per document, crashes contained, a serial fallback."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
import subprocess
import sys
import time

import pytest

import generator.render.pool as pool_module
from generator import api
from generator.build import fitting_hints
from generator.core import run_cache
from generator.render import pdf as pdf_module
from tests.conftest import PROJECT, build_knowledge_base
from tests.sample_brief import sample_brief


@pytest.fixture
def kb(minimal_kb, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    return api.load_knowledge_base(minimal_kb).kb


def hanging_docx(brief, output_format):
    """A renderer whose DOCX never finishes: each worker forked afterwards inherits it."""
    if output_format == "docx":
        while True:
            time.sleep(0.05)
    return b"%PDF-stub"


@pytest.mark.slow
@pytest.mark.parametrize("workers", [2, 0], ids=["in workers", "in process"])
def test_a_render_past_the_time_limit_is_stopped_and_the_others_land(kb, tmp_path, monkeypatch, workers):
    monkeypatch.setattr(pool_module, "render", hanging_docx)
    # Fitting counts towards the PDF's limit; on a busy machine a real layout could take the whole second.
    monkeypatch.setattr(pdf_module, "count_pages", lambda brief: 1)
    started = time.monotonic()

    with api.RenderPool(workers, timeout=1) as pool:
        outcome = api.generate(kb, api.requests_for(kb, audiences=["uk"]), out_dir=tmp_path, pool=pool)

    assert time.monotonic() - started < 20
    assert [path.suffix for path in outcome.written] == [".pdf"]
    assert [(path.suffix, message) for path, message in outcome.failed] == [
        (".docx", "rendering took longer than 1 s and was stopped (the limit is set with --timeout)")
    ]
    assert multiprocessing.active_children() == []


@pytest.mark.slow
def test_the_cli_names_the_document_that_ran_out_of_time(tmp_path, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    monkeypatch.setattr(pool_module, "render", hanging_docx)
    monkeypatch.setattr(pdf_module, "count_pages", lambda brief: 1)  # fitting counts towards the PDF's second
    briefs = build_knowledge_base(tmp_path / "briefs")

    result = cli(
        "generate", "--audience", "uk", "--briefs", briefs, "--out", tmp_path / "out", "--jobs", "2", "--timeout", "1"
    )

    assert result.exit_code == 2
    (pdf,) = (tmp_path / "out").glob("*.pdf")
    assert result.stdout == f"wrote {pdf}\n"
    assert result.stderr.endswith(
        f"{pdf.with_suffix('.docx')}: not written: rendering took longer than 1 s "
        "and was stopped (the limit is set with --timeout)\n"
    )


def crashing_docx(brief, output_format):
    if output_format == "docx":
        os._exit(9)
    return b"%PDF-stub"


def test_a_worker_that_dies_fails_its_document_only(kb, tmp_path, monkeypatch):
    monkeypatch.setattr(pool_module, "render", crashing_docx)
    requests = api.requests_for(kb, audiences=["uk"]) * 2

    with api.RenderPool(1) as pool:
        outcome = api.generate(kb, requests[:1], out_dir=tmp_path, pool=pool)

    assert [path.suffix for path in outcome.written] == [".pdf"]
    assert [(path.suffix, message) for path, message in outcome.failed] == [
        (".docx", "the render process ended unexpectedly (exit status 9)")
    ]


def test_without_fork_documents_render_in_this_process(kb, tmp_path, monkeypatch):
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    rendered_in = []

    def render(brief, output_format):
        rendered_in.append(os.getpid())
        return b"stub"

    monkeypatch.setattr(pool_module, "render", render)

    with api.RenderPool(2) as pool:
        assert multiprocessing.active_children() == []
        outcome = api.generate(kb, api.requests_for(kb, audiences=["uk"]), out_dir=tmp_path, pool=pool)

    assert len(outcome.written) == 2
    assert rendered_in == [os.getpid(), os.getpid()]


class Fitted:
    """A draft that is already fitted, for jobs that only render."""

    def fitted(self):
        return sample_brief()


def test_workers_are_forked_at_once_and_render_pdfs_first(kb, tmp_path, monkeypatch):
    monkeypatch.setattr(pool_module, "render", lambda brief, output_format: output_format.encode())

    with api.RenderPool(1) as pool:
        assert len(multiprocessing.active_children()) == 1, "the zygote, which forks the workers"
        jobs = [pool_module.Job(Fitted(), (output_format,)) for output_format in ("docx", "pdf", "docx", "pdf")]
        finished = [index for index, event in pool.render_all(jobs) if isinstance(event, pool_module.Rendered)]

    assert finished == [1, 3, 0, 2]
    assert multiprocessing.active_children() == []


def test_a_fitted_briefings_docx_goes_to_the_worker_that_is_free(kb, tmp_path, monkeypatch):
    def render(brief, output_format):
        if output_format == "pdf":
            time.sleep(1)
        return str(os.getpid()).encode()

    monkeypatch.setattr(pool_module, "render", render)

    with api.RenderPool(2) as pool:
        events = list(pool.render_all([pool_module.Job(Fitted(), ("pdf", "docx"))]))

    fitted = [event for _, event in events if isinstance(event, pool_module.Fitted)]
    rendered = {event.format: event.result for _, event in events if isinstance(event, pool_module.Rendered)}
    assert len(fitted) == 1
    assert fitted[0].brief is None, "the fitted Brief stays inside the pool"
    assert rendered["docx"] != rendered["pdf"], "rendered by the worker that was free, not behind the slow PDF"
    assert [event.format for _, event in events if isinstance(event, pool_module.Rendered)] == ["docx", "pdf"]


class Dying:
    """A draft whose worker dies while fitting it."""

    def fitted(self):
        os._exit(3)


def test_a_worker_that_dies_before_fitting_fails_the_documents_it_would_have_handed_on(kb, tmp_path, monkeypatch):
    with api.RenderPool(2) as pool:
        events = list(pool.render_all([pool_module.Job(Dying(), ("pdf", "docx"))]))

    assert [type(event).__name__ for _, event in events] == ["Fitted", "Rendered", "Rendered"]
    assert {event.format: event.result for _, event in events if isinstance(event, pool_module.Rendered)} == {
        "pdf": "the render process ended unexpectedly (exit status 3)",
        "docx": "the render process ended unexpectedly (exit status 3)",
    }


def test_the_briefing_that_took_longest_to_fit_last_time_starts_first(kb, tmp_path, monkeypatch):
    monkeypatch.setattr(pool_module, "render", lambda brief, output_format: output_format.encode())

    with api.RenderPool(1) as pool:
        jobs = [pool_module.Job(Fitted(), ("docx",), expected_seconds) for expected_seconds in (0.2, 1.5, 0.0, 0.7)]
        finished = [index for index, event in pool.render_all(jobs) if isinstance(event, pool_module.Rendered)]

    assert finished == [1, 3, 0, 2]


def test_fitting_times_are_remembered_per_briefing_and_a_damaged_record_is_ignored(kb, tmp_path):
    api.generate(kb, api.requests_for(kb, audiences=["uk"]), ("docx",), out_dir=tmp_path / "one")
    remembered = fitting_hints.fitting_seconds()
    hints = run_cache._run_path(fitting_hints.FITTING_HINTS)
    hints.write_bytes(hints.read_bytes()[:-7] + b"garbage")

    assert list(remembered) == ["testland/uk//full/public"]
    assert remembered["testland/uk//full/public"] > 0
    assert fitting_hints.fitting_seconds() == {}
    outcome = api.generate(kb, api.requests_for(kb, audiences=["uk"]), ("docx",), out_dir=tmp_path / "two")
    assert len(outcome.written) == 1
    assert list(fitting_hints.fitting_seconds()) == ["testland/uk//full/public"]


def test_formats_may_be_a_one_shot_iterable(kb, tmp_path, monkeypatch):
    monkeypatch.setattr(pool_module, "render", lambda brief, output_format: b"stub")
    request = api.request_for(kb, "uk")
    requests = [request, dataclasses.replace(request, recipient="Jane Smith")]

    outcome = api.generate(kb, requests, iter(["docx"]), out_dir=tmp_path)

    assert sorted(path.name for path in outcome.written) == [
        "2027-01-15_testland_uk.docx",
        "2027-01-15_testland_uk_for-jane-smith.docx",
    ]


def test_a_worker_that_died_while_idle_fails_only_the_briefing_sent_to_it(kb, tmp_path, monkeypatch):
    monkeypatch.setattr(pool_module, "render", lambda brief, output_format: b"stub")
    request = api.request_for(kb, "uk")
    requests = [request, dataclasses.replace(request, recipient="Jane Smith")]

    with api.RenderPool(1) as pool:
        (worker,) = pool.pids
        os.kill(worker, signal.SIGKILL)
        outcome = api.generate(kb, requests, out_dir=tmp_path, pool=pool)

    assert [message for _, message in outcome.failed] == [
        "the render process ended unexpectedly (exit status -9)"
    ] * 2, "both documents of the briefing sent to it"
    assert len(outcome.written) == 2, "the next briefing went to a new worker"


def test_the_zygote_imports_weasyprint_and_python_docx_so_that_no_worker_does():
    """Each worker is forked with both imported: importing them per worker would cost each one its own
    half-second, on the path of its first briefing."""
    script = (
        "import sys\n"
        "from generator.render import load_renderers\n"
        "load_renderers()\n"
        "print('weasyprint' in sys.modules, 'docx' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["True", "True"]
