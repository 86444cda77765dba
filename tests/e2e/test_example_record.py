"""The sample meeting record stays out of briefs/, and the cycle its README describes works on a copy."""

import shutil

from pypdf import PdfReader

from tests.conftest import BUNDLED_BRIEFS, PROJECT

EXAMPLE = PROJECT / "examples" / "record"
RECORD = EXAMPLE / "uk-fcdo-london-2027-02.record.yaml"


def test_no_record_in_the_bundled_knowledge_base(cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1814400000")  # 2027-07-01, after every example date

    result = cli("followups", "--briefs", str(BUNDLED_BRIEFS))

    assert not list(BUNDLED_BRIEFS.rglob("*.record.yaml"))
    assert result.exit_code == 0, result.output
    assert "Example" not in result.output


def test_the_example_record_runs_the_cycle_on_a_copy(tmp_path, cli):
    briefs = tmp_path / "briefs"
    shutil.copytree(BUNDLED_BRIEFS, briefs)
    shutil.copy(RECORD, briefs / "kazakhstan" / "meetings")
    copied = briefs / "kazakhstan" / "meetings" / RECORD.name

    listed = cli("followups", "--briefs", str(briefs), "--as-of", "2027-05-01")
    letter = cli("letter", str(copied), "--briefs", str(briefs), "--out", str(tmp_path / "out"), "--format", "pdf")

    assert listed.exit_code == 1, listed.output
    assert [line.split()[1] for line in listed.stdout.splitlines()[1:]] == ["overdue"] * 3 + ["open"]
    assert letter.exit_code == 0, letter.output
    (pdf,) = (tmp_path / "out").glob("*_letter.pdf")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "Thank you for meeting us in London on 24 February 2027." in text
    assert (EXAMPLE / "README.md").is_file()
