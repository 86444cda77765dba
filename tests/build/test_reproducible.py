"""Same input, same bytes: a distributed copy can be verified by its hash."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path


def build(briefs: Path, out: Path, epoch: str) -> dict[str, str]:
    subprocess.run(
        [sys.executable, "-m", "generator", "-q", "generate", "--all", "--briefs", str(briefs), "--out", str(out)],
        check=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": epoch},
    )
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(out.iterdir())
        if path.suffix in (".pdf", ".docx")
    }


def test_two_runs_in_separate_processes_give_identical_files(minimal_kb: Path, tmp_path: Path):
    first = build(minimal_kb, tmp_path / "first", "1800000000")
    second = build(minimal_kb, tmp_path / "second", "1800000000")

    assert sorted(first) == ["2027-01-15_testland_uk.docx", "2027-01-15_testland_uk.pdf"]
    assert first == second


def test_the_build_date_comes_from_source_date_epoch(minimal_kb: Path, tmp_path: Path):
    later = build(minimal_kb, tmp_path / "later", "1800086400")

    assert sorted(later) == ["2027-01-16_testland_uk.docx", "2027-01-16_testland_uk.pdf"]
