"""The manifest stays true of the output folder: concurrent runs, kills, lost or damaged manifests, a full disk."""

import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.publish import atomic, manifest
from generator.publish.atomic import TEMP_PREFIX
from tests.runs import Runs

ENVIRONMENT = {**os.environ, "SOURCE_DATE_EPOCH": "1800000000", "NO_COLOR": "1"}


def briefing(*args: object, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        capture_output=True,
        text=True,
        env={**ENVIRONMENT, **(env or {})},
    )


def documents(out: Path) -> dict[str, str]:
    """Every file a manifest should record, with its true sha256."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in out.iterdir()
        if path.suffix in (".pdf", ".docx")
    }


def recorded(out: Path) -> dict[str, str]:
    """What the manifest says, as whoever reads it next will take it (pending entries settled)."""
    current = manifest.read(out)
    manifest.resolve(current, out)
    return {name: entry["sha256"] for name, entry in current.files.items()}


@pytest.mark.slow
def test_concurrent_runs_lose_no_record(minimal_kb: Path, tmp_path: Path, runs: Runs):
    out = tmp_path / "out"
    recipients = [f"Recipient {number}" for number in range(5)]

    for round_number, extra in enumerate(((), ("--force",))):
        meeting_point = tmp_path / f"round-{round_number}"
        meeting_point.mkdir()
        gate = meeting_point / "open"
        generate = ["generate", "--audience", "uk", "--format", "docx", "--jobs", "1", "--briefs", minimal_kb]
        logs = runs.start(
            *((("gate", gate), [*generate, "--recipient", recipient, "--out", out, *extra]) for recipient in recipients)
        )
        # Every run waits at the folder before the gate opens; one that fails first keeps the rest waiting
        # only until the deadline, and is reported below.
        deadline = time.monotonic() + 120
        while len(list(meeting_point.glob("waiting-*"))) < len(recipients) and time.monotonic() < deadline:
            time.sleep(0.01)
        gate.touch()

        assert runs.finished() == [0] * len(recipients), [log.read_text() for log in logs]
        assert len(documents(out)) == len(recipients)
        assert manifest.read(out).files.keys() == documents(out).keys()
        assert recorded(out) == documents(out)
        assert briefing("verify", "--out", out).returncode == 0
    assert not list(out.glob(f"{TEMP_PREFIX}*"))


def revise(minimal_kb: Path, revision: int) -> None:
    """Change what every briefing says, so that each run's files differ from the last run's."""
    facts = minimal_kb / "testland" / "facts.yaml"
    text = facts.read_text()
    start = text.index("in the capital")
    end = text.index(".", start)
    facts.write_text(text[:start] + f"in the capital (revision {revision})" + text[end:])


PUBLISHING = {
    # Each document is written to a temporary, then published in three steps: its entry saved as
    # pending, the file renamed into place, the entry made the file's record. Each step's save is a
    # manifest temporary renamed over the manifest. A kill after the document's bytes are written...
    "written": (1, "after"),
    # ... once the manifest with the pending entry is written but not yet renamed into place,
    "saving": (2, "before"),
    # ... with the entry saved as pending, the old file still in place,
    "pending": (2, "after"),
    # ... with the new file in place, its entry still pending,
    "renamed": (3, "after"),
    # ... once the manifest recording it is written but not yet renamed into place,
    "recording": (4, "before"),
    # ... and once it is recorded, before the next document.
    "recorded": (4, "after"),
}
"""The steps of publishing one document, in the order RUNS counts them, and where a kill falls."""
KILLS = [
    ("written", 1),
    ("saving", 2),
    ("pending", 3),
    ("renamed", 4),
    ("recording", 5),
    ("recorded", 6),
]
"""Every step once, spread over the six documents a run publishes, the first and the last among them."""


@pytest.mark.slow
def test_every_file_stays_recorded_with_its_true_sha256_across_kills(minimal_kb: Path, tmp_path: Path, runs: Runs):
    out = tmp_path / "out"
    for audience in ("us", "eu", "lender", "un"):
        uk = (minimal_kb / "audiences" / "uk.yaml").read_text()
        (minimal_kb / "audiences" / f"{audience}.yaml").write_text(uk.replace("id: uk", f"id: {audience}"))
    meeting = minimal_kb / "testland" / "meetings" / "uk-visit.yaml"
    arguments = ["-q", "generate", meeting, "--all", "--format", "docx", "--jobs", "1"]
    arguments += ["--briefs", minimal_kb, "--out", out]
    [log] = runs.start(((), arguments))
    assert runs.finished() == [0], log.read_text()

    for number, (step, document) in enumerate(KILLS):
        revise(minimal_kb, number)
        at, when = PUBLISHING[step]
        runs.start((("kill", out, 4 * (document - 1) + at, when), arguments))
        assert runs.finished() == [-signal.SIGKILL], f"the run was not killed {step} document {document}"
        # The kill left what that step leaves: a pending entry exactly between its save and the record.
        saved = json.loads((out / "manifest.json").read_text())
        assert ("pending" in saved) == (step in ("pending", "renamed", "recording")), (step, saved)

        assert recorded(out) == documents(out), f"after a kill {step} document {document}"

    [log] = runs.start(((), arguments))
    assert runs.finished() == [0], log.read_text()
    assert len(documents(out)) == 6 and recorded(out) == documents(out)
    assert "pending" not in json.loads((out / "manifest.json").read_text())
    assert not list(out.glob(f"{TEMP_PREFIX}*"))
    assert briefing("verify", "--out", out).returncode == 0


def meeting_and_audience_docx(cli, minimal_kb: Path, out: Path, *extra: str):
    """Two DOCX in one run, in this process: the UK meeting's briefing and the UK audience's."""
    return cli(
        "generate",
        minimal_kb / "testland" / "meetings" / "uk-visit.yaml",
        "--audience",
        "uk",
        "--format",
        "docx",
        "--briefs",
        minimal_kb,
        "--out",
        out,
        "--jobs",
        "1",
        *extra,
    )


@pytest.fixture
def generated(minimal_kb: Path, tmp_path: Path, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    out = tmp_path / "out"

    def generate(*extra: str):
        return meeting_and_audience_docx(cli, minimal_kb, out, *extra)

    first = generate()
    assert first.exit_code == 0, first.output
    return out, generate


def test_a_deleted_manifest_is_recreated(generated):
    out, generate = generated
    (out / "manifest.json").unlink()

    result = generate()

    assert result.exit_code == 0, result.output
    assert "unchanged" not in result.stdout
    assert recorded(out) == documents(out) and len(documents(out)) == 2


def test_a_manifest_that_lost_a_record_gets_it_back(generated):
    out, generate = generated
    saved = json.loads((out / "manifest.json").read_text())
    (lost, _), *_ = saved["files"].items()
    del saved["files"][lost]
    (out / "manifest.json").write_text(json.dumps(saved))

    result = generate()

    assert result.exit_code == 0, result.output
    assert recorded(out) == documents(out) and lost in recorded(out)


def test_a_truncated_manifest_stops_the_run_and_is_kept(generated):
    out, generate = generated
    manifest_path = out / "manifest.json"
    truncated = manifest_path.read_bytes()[:100]
    manifest_path.write_bytes(truncated)
    stamps = {path.name: path.stat().st_mtime_ns for path in out.iterdir() if path.suffix == ".docx"}

    result = generate("--force")

    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].startswith(f"error: {manifest_path} is damaged (line ")
    assert "move it aside" in result.stderr and "Traceback" not in result.stderr
    assert manifest_path.read_bytes() == truncated
    assert {path.name: path.stat().st_mtime_ns for path in out.iterdir() if path.suffix == ".docx"} == stamps
    assert not list(out.glob(f"{TEMP_PREFIX}*"))


def test_a_full_disk_names_the_file_and_keeps_what_was_written_recorded(
    minimal_kb: Path, tmp_path: Path, cli, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    out = tmp_path / "out"
    documents_written = []
    write_all = atomic.write_all

    def fill_up_after_one_document(stream, content: bytes) -> None:
        if content.startswith(b"PK"):
            if documents_written:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            documents_written.append(content)
        write_all(stream, content)

    monkeypatch.setattr(atomic, "write_all", fill_up_after_one_document)

    result = meeting_and_audience_docx(cli, minimal_kb, out)

    assert result.exit_code == 1
    assert result.stdout.strip() == f"wrote {out / '2027-01-15_testland_uk.docx'}"
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: cannot write {out / '2027-02-09_testland_uk_at-uk-visit.docx'}: No space left on device"
    )
    assert list(documents(out)) == ["2027-01-15_testland_uk.docx"]
    assert recorded(out) == documents(out)
    assert sorted(path.name for path in out.iterdir()) == [
        ".manifest.lock",
        "2027-01-15_testland_uk.docx",
        "manifest.json",
    ]
