"""A copy stamped for a named recipient, and the manifest that records it."""

import hashlib
import io
import json
from pathlib import Path

import docx
from pypdf import PdfReader


def test_recipient_copy_is_stamped_named_and_recorded(minimal_kb: Path, tmp_path: Path, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    out = tmp_path / "out"

    result = cli(
        "generate", "--audience", "uk", "--recipient", "Jane Smith", "--briefs", minimal_kb, "--out", out, "--jobs", "1"
    )
    plain = cli("generate", "--audience", "uk", "--briefs", minimal_kb, "--out", out, "--jobs", "1")

    assert result.exit_code == 0 and plain.exit_code == 0
    stamped_pdf = out / "2027-01-15_testland_uk_for-jane-smith.pdf"
    stamped_docx = out / "2027-01-15_testland_uk_for-jane-smith.docx"
    for page in PdfReader(stamped_pdf).pages:
        assert "Prepared for Jane Smith" in page.extract_text()
    footer = docx.Document(stamped_docx).sections[0].footer
    assert "Prepared for Jane Smith" in "\n".join(p.text for p in footer.paragraphs)
    assert "Prepared for" not in PdfReader(out / "2027-01-15_testland_uk.pdf").pages[0].extract_text()

    manifest = json.loads((out / "manifest.json").read_text())["files"]
    assert sorted(manifest) == sorted(p.name for p in out.iterdir() if p.suffix in (".pdf", ".docx"))
    entry = manifest[stamped_pdf.name]
    assert entry["recipient"] == "Jane Smith"
    assert entry["audience"] == "uk" and entry["meeting"] is None and entry["distribution"] == "public"
    assert entry["date"] == "2027-01-15" and len(entry["knowledge_base"]) == 16
    assert entry["sha256"] == hashlib.sha256(stamped_pdf.read_bytes()).hexdigest()
    assert manifest["2027-01-15_testland_uk.pdf"]["recipient"] is None


def test_manifest_records_the_meeting_and_its_distribution(minimal_kb: Path, tmp_path: Path, cli):
    meeting = minimal_kb / "testland" / "meetings" / "uk-visit.yaml"
    meeting.write_text(meeting.read_text().replace("distribution: public", "distribution: restricted"))

    result = cli("generate", meeting, "--briefs", minimal_kb, "--out", tmp_path, "--format", "pdf", "--jobs", "1")

    assert result.exit_code == 0, result.output
    name = "2027-02-09_testland_uk_at-uk-visit_restricted.pdf"
    entry = json.loads((tmp_path / "manifest.json").read_text())["files"][name]
    assert entry["meeting"] == "uk-visit" and entry["distribution"] == "restricted"
    text = PdfReader(io.BytesIO((tmp_path / name).read_bytes())).pages[0]
    assert "RESTRICTED" in text.extract_text()


def test_a_recipient_name_with_a_control_character_is_refused(minimal_kb: Path, tmp_path: Path, cli):
    result = cli(
        "generate",
        "--audience",
        "uk",
        "--recipient",
        "Jane\x07Smith",
        "--briefs",
        minimal_kb,
        "--out",
        tmp_path / "out",
    )

    assert result.exit_code == 2
    assert result.stderr.strip().endswith(
        "error: --recipient contains the unprintable character U+0007 at position 5; delete it"
    )
    assert not (tmp_path / "out").exists()
