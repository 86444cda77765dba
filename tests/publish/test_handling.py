"""Protective marking, handling line, numbered copies and the provenance footer, read from the real files."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from generator import __version__

HANDLING = {
    "public": None,
    "restricted": "Not for onward distribution.",
    "confidential": "Named recipients only. Do not copy or forward.",
}


@pytest.fixture(autouse=True)
def build_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # 2027-01-15


def generate(cli, briefs: Path, out: Path, *args: str) -> None:
    result = cli("generate", "--audience", "uk", "--briefs", briefs, "--out", out, "--jobs", "1", *args)
    assert result.exit_code == 0, result.output


def recorded(out: Path) -> dict[str, dict]:
    return json.loads((out / "manifest.json").read_text())["files"]


def docx_footer(path: Path) -> str:
    return "\n".join(paragraph.text for paragraph in docx.Document(path).sections[0].footer.paragraphs)


def lines_in_box(page, left: float, right: float, bottom: float, top: float) -> set[float]:
    """The baselines of the text drawn inside a box of the page, in points."""
    baselines: set[float] = set()

    def visit(text, cm, tm, font_dict, font_size):
        x, y = cm[4] + tm[4] * cm[0], cm[5] + tm[5] * cm[3]
        if text.strip() and left <= x <= right and bottom <= y <= top:
            baselines.add(round(y, 1))

    page.extract_text(visitor_text=visit)
    return baselines


@pytest.mark.parametrize("level", ["public", "restricted", "confidential"])
def test_banner_fits_one_line_and_the_handling_line_is_under_the_title(minimal_kb, tmp_path, cli, level):
    out = tmp_path / "out"
    generate(cli, minimal_kb, out, "--distribution", level)
    suffix = "" if level == "public" else f"_{level}"
    pdf = PdfReader(out / f"2027-01-15_testland_uk{suffix}.pdf")
    for page in pdf.pages:
        width = float(page.mediabox.width)
        text = page.extract_text()
        assert level.upper() in text
        # The footer's centre box holds the marking alone: one baseline.
        assert len(lines_in_box(page, width * 0.3, width * 0.7, 0, 60)) == 1
    first_page = pdf.pages[0].extract_text()
    document_text = "\n".join(p.text for p in docx.Document(out / f"2027-01-15_testland_uk{suffix}.docx").paragraphs)
    if HANDLING[level]:
        assert f"{level.upper()} · {HANDLING[level]}" in first_page
        assert f"{level.upper()} · {HANDLING[level]}" in document_text
    else:
        assert "onward" not in first_page and "Named recipients" not in first_page
        assert "onward" not in document_text


def test_every_page_footer_shows_the_revision_and_version_the_manifest_records(minimal_kb, tmp_path, cli):
    out = tmp_path / "out"
    generate(cli, minimal_kb, out)
    files = recorded(out)
    for name, entry in files.items():
        assert entry["generator"] == __version__
        stamp = f"KB {entry['knowledge_base']} · generator {entry['generator']}"
        if name.endswith(".pdf"):
            for page in PdfReader(out / name).pages:
                assert stamp in page.extract_text()
        else:
            assert stamp in docx_footer(out / name)


def test_recipients_get_numbered_copies_that_keep_their_number(minimal_kb, tmp_path, cli):
    out = tmp_path / "out"
    generate(cli, minimal_kb, out, "--distribution", "confidential", "--recipient", "Jane Smith")
    generate(cli, minimal_kb, out, "--distribution", "confidential", "--recipient", "Ann Lee")
    generate(cli, minimal_kb, out, "--distribution", "confidential", "--recipient", "Jane Smith", "--force")
    generate(cli, minimal_kb, out, "--distribution", "restricted", "--recipient", "Ann Lee")
    generate(cli, minimal_kb, out)
    copies = {name: entry["copy"] for name, entry in recorded(out).items()}
    assert copies == {
        "2027-01-15_testland_uk_confidential_for-jane-smith.pdf": 1,
        "2027-01-15_testland_uk_confidential_for-jane-smith.docx": 1,
        "2027-01-15_testland_uk_confidential_for-ann-lee.pdf": 2,
        "2027-01-15_testland_uk_confidential_for-ann-lee.docx": 2,
        # Another level is another briefing, numbered on its own.
        "2027-01-15_testland_uk_restricted_for-ann-lee.pdf": 1,
        "2027-01-15_testland_uk_restricted_for-ann-lee.docx": 1,
        "2027-01-15_testland_uk.pdf": None,
        "2027-01-15_testland_uk.docx": None,
    }
    for page in PdfReader(out / "2027-01-15_testland_uk_confidential_for-ann-lee.pdf").pages:
        assert "Prepared for Ann Lee · Copy 2" in page.extract_text()
    assert "Prepared for Jane Smith · Copy 1" in docx_footer(
        out / "2027-01-15_testland_uk_confidential_for-jane-smith.docx"
    )


@pytest.mark.slow
def test_concurrent_runs_never_give_one_number_to_two_recipients(minimal_kb, tmp_path, runs):
    out = tmp_path / "out"
    recipients = [f"Recipient {number}" for number in range(4)]
    generate = ["-q", "generate", "--audience", "uk", "--format", "docx", "--jobs", "1", "--briefs", minimal_kb]

    logs = runs.start(*(((), [*generate, "--recipient", recipient, "--out", out]) for recipient in recipients))
    assert runs.finished() == [0] * len(recipients), [log.read_text() for log in logs]
    files = recorded(out)
    assert sorted(entry["copy"] for entry in files.values()) == [1, 2, 3, 4]
    register = json.loads((out / "manifest.json").read_text())["copies"]
    # One series: the same briefing, whoever it is for.
    [numbers] = register.values()
    assert {entry["recipient"]: entry["copy"] for entry in files.values()} == numbers
    for name, entry in files.items():
        assert f"Copy {entry['copy']}" in docx_footer(out / name)
