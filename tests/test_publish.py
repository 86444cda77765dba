import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.publish import TEMP_PREFIX, output_name, remove_leftovers, write_atomic


def test_output_names_are_predictable():
    import datetime

    day = datetime.date(2027, 2, 9)
    assert output_name(day, "kazakhstan", "uk", None, "pdf") == "2027-02-09_kazakhstan_uk.pdf"
    assert output_name(day, "kazakhstan", "uk", "uk-fcdo", "docx") == "2027-02-09_kazakhstan_uk_uk-fcdo.docx"
    assert output_name(day, "kazakhstan", "uk", None, "pdf", "Dr Zoë O’Brien") == (
        "2027-02-09_kazakhstan_uk_for-dr-zoe-obrien.pdf")


def test_write_atomic_replaces_whole_file_and_leaves_no_temporary(tmp_path: Path):
    target = tmp_path / "out" / "brief.pdf"
    write_atomic(target, b"old")
    write_atomic(target, b"new content")

    assert target.read_bytes() == b"new content"
    assert [p.name for p in target.parent.iterdir()] == ["brief.pdf"]
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)


def test_a_failed_write_keeps_the_previous_file(tmp_path: Path, monkeypatch):
    target = tmp_path / "brief.pdf"
    write_atomic(target, b"previous")

    def broken_replace(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(target, b"half")

    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.pdf"]


def test_leftovers_of_a_killed_run_are_removed(tmp_path: Path):
    (tmp_path / f"{TEMP_PREFIX}abc.part").write_bytes(b"partial")
    (tmp_path / "keep.pdf").write_bytes(b"%PDF")

    remove_leftovers(tmp_path)

    assert [p.name for p in tmp_path.iterdir()] == ["keep.pdf"]


@pytest.mark.parametrize("delay", [0.2, 0.6, 1.0])
def test_a_run_killed_mid_render_leaves_the_previous_file_intact(minimal_kb: Path, tmp_path: Path, delay: float):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "generator", "generate", "--audience", "uk", "--format", "pdf",
               "--briefs", str(minimal_kb), "--out", str(out)]
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1800000000"}
    subprocess.run(command, check=True, env=environment, capture_output=True)
    (target,) = out.glob("*.pdf")
    previous = target.read_bytes()

    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()

    assert sorted(p.name for p in out.iterdir()) == sorted([target.name, "manifest.json"])
    # Killed before the rename, the old file stands; after it, the new one,
    # which is byte-identical because the build date is fixed.
    assert target.read_bytes() == previous
