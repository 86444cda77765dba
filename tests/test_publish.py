"""Writing to the output folder: file names, atomic writes, temporaries, the pending protocol."""

import datetime
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator import manifest
from generator.atomic import TEMP_PREFIX, Run, remove_stale_temporaries
from generator.errors import ManifestDamaged
from generator.publish import Publisher, output_name, recipient_slug

DAY = datetime.date(2027, 2, 9)


def test_output_names_are_predictable():
    assert output_name(DAY, "kazakhstan", "uk", None, "pdf") == "2027-02-09_kazakhstan_uk.pdf"
    assert output_name(DAY, "kazakhstan", "uk", "uk-fcdo", "docx") == "2027-02-09_kazakhstan_uk_uk-fcdo.docx"
    assert output_name(DAY, "kazakhstan", "uk", None, "pdf", "Jane Smith") == (
        "2027-02-09_kazakhstan_uk_for-jane-smith.pdf"
    )
    assert output_name(DAY, "kazakhstan", "uk", "uk-fcdo", "pdf", "Jane Smith", "confidential") == (
        "2027-02-09_kazakhstan_uk_confidential_uk-fcdo_for-jane-smith.pdf"
    )
    assert output_name(DAY, "kazakhstan", "uk", None, "pdf", distribution="restricted") == (
        "2027-02-09_kazakhstan_uk_restricted.pdf"
    )


def nfc_hash(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:6]


def test_a_plain_ascii_name_is_slugged_as_it_reads():
    assert recipient_slug("Jane Smith") == "jane-smith"
    assert recipient_slug("Mary-Kate O'Neill 2nd") == "mary-kate-oneill-2nd"


def test_names_that_lose_characters_keep_a_readable_slug_and_gain_a_hash_of_the_name():
    assert recipient_slug("Łukasiewicz") == f"lukasiewicz-{nfc_hash('Łukasiewicz')}"
    assert recipient_slug("Dr Zoë O’Brien") == f"dr-zoe-obrien-{nfc_hash('Dr Zoë O’Brien')}"
    assert recipient_slug("Иван Петров") == f"ivan-petrov-{nfc_hash('Иван Петров')}"
    assert recipient_slug("王小明").startswith("wangxiaoming-")
    assert recipient_slug("🕊").endswith(f"-{nfc_hash('🕊')}")


def test_the_hash_is_of_the_nfc_name_so_both_spellings_of_an_accent_agree():
    assert recipient_slug("Zoe\u0308") == recipient_slug("Zo\u00eb")


def test_distinct_names_give_distinct_slugs():
    long_name = "Alexandra Konstantinopoulou-Papadimitriou of"
    names = [
        "Иван Петров",
        "Иван Петрова",
        "Пётр Иванов",
        "Łukasiewicz",
        "Lukasiewicz",
        "Ivan Petrov",
        f"{long_name} Athens",
        f"{long_name} Sparta",
    ]
    slugs = [recipient_slug(name) for name in names]

    assert len(set(slugs)) == len(names)
    assert all(len(slug) <= 40 + 7 for slug in slugs)
    assert slugs[-1].startswith("alexandra-konstantinopoulou-papadimitri")


def test_write_atomic_replaces_whole_file_and_leaves_no_temporary(tmp_path: Path):
    target = tmp_path / "out" / "brief.pdf"
    with Run(target.parent) as run:
        run.write_atomic(target, b"old")
        run.write_atomic(target, b"new content")

    assert target.read_bytes() == b"new content"
    assert [p.name for p in target.parent.iterdir()] == ["brief.pdf"]
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)


def test_a_failed_write_keeps_the_previous_file(tmp_path: Path, monkeypatch):
    target = tmp_path / "brief.pdf"
    with Run(tmp_path) as run:
        run.write_atomic(target, b"previous")

        def broken_replace(*args):
            raise OSError("disk full")

        monkeypatch.setattr(os, "replace", broken_replace)
        with pytest.raises(OSError):
            run.write_atomic(target, b"half")

    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.pdf"]


def test_leftovers_of_dead_runs_are_removed_and_a_live_runs_are_kept(tmp_path: Path):
    (tmp_path / f"{TEMP_PREFIX}abc.part").write_bytes(b"from an older version")
    (tmp_path / f"{TEMP_PREFIX}dead01-x1.part").write_bytes(b"partial")
    (tmp_path / f"{TEMP_PREFIX}dead01.lock").write_bytes(b"")
    (tmp_path / "keep.pdf").write_bytes(b"%PDF")
    with Run(tmp_path) as live, Run(tmp_path) as cleaner:
        own = live.write_temporary(b"work in progress")

        remove_stale_temporaries(tmp_path, cleaner.id)

        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            ["keep.pdf", own.name, f"{TEMP_PREFIX}{live.id}.lock", f"{TEMP_PREFIX}{cleaner.id}.lock"]
        )
    assert [p.name for p in tmp_path.iterdir()] == ["keep.pdf"]


HOLD_A_TEMPORARY = """
import sys
from pathlib import Path
from generator.atomic import Run
with Run(Path(sys.argv[1])) as run:
    print(run.write_temporary(b"still being written"), flush=True)
    sys.stdin.read()
"""


@pytest.mark.slow
def test_a_live_runs_temporary_survives_another_runs_clean_up(minimal_kb: Path, tmp_path: Path):
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_A_TEMPORARY, str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    temporary = Path(holder.stdout.readline().strip())
    generate = [
        sys.executable,
        "-m",
        "generator",
        "generate",
        "--audience",
        "uk",
        "--format",
        "docx",
        "--briefs",
        str(minimal_kb),
        "--out",
        str(out),
        "--jobs",
        "1",
    ]
    try:
        first = subprocess.run(generate, capture_output=True, text=True)
        assert first.returncode == 0, first.stderr
        assert temporary.read_bytes() == b"still being written"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()

    second = subprocess.run([*generate, "--force"], capture_output=True, text=True)

    assert second.returncode == 0, second.stderr
    assert not temporary.exists()
    assert not list(out.glob(f"{TEMP_PREFIX}*"))


def test_a_run_killed_mid_render_leaves_the_previous_file_intact(minimal_kb: Path, tmp_path: Path):
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "generator",
        "generate",
        "--audience",
        "uk",
        "--format",
        "pdf",
        "--briefs",
        str(minimal_kb),
        "--out",
        str(out),
    ]
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1800000000"}
    subprocess.run(command, check=True, env=environment, capture_output=True)
    (target,) = out.glob("*.pdf")
    previous = target.read_bytes()

    for delay in (0.2, 0.6, 1.0):
        process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()

        # Killed before the rename, the old file stands; after it, the new one,
        # which is byte-identical because the build date is fixed. Only the
        # killed run's own lock and temporaries, hidden, may be left.
        assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(
            [target.name, "manifest.json"]
        )
        assert target.read_bytes() == previous


ENTRY = {
    "audience": "uk",
    "meeting": None,
    "format": "pdf",
    "distribution": "public",
    "recipient": None,
    "date": "2027-01-15",
    "knowledge_base": "0" * 16,
    "key": "k",
}


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def leave_pending(folder: Path, on_disk: bytes | None, recorded: bytes | None, pending: bytes) -> None:
    """The folder as a run killed mid-publish leaves it."""
    folder.mkdir(exist_ok=True)
    if on_disk is not None:
        (folder / "a.pdf").write_bytes(on_disk)
    files = {"a.pdf": {**ENTRY, "sha256": sha(recorded)}} if recorded is not None else {}
    content = {"files": files, "pending": {"a.pdf": {**ENTRY, "key": "new", "sha256": sha(pending)}}}
    (folder / "manifest.json").write_text(json.dumps(content))


@pytest.mark.parametrize(
    "on_disk, recorded, expected",
    [
        (b"old", b"old", {"a.pdf": ("k", b"old")}),  # killed before the rename: the pending entry goes
        (b"new", b"old", {"a.pdf": ("new", b"new")}),  # killed after it: the pending entry is the record
        (None, None, {}),  # a new file killed before the rename: nothing recorded
        (b"new", None, {"a.pdf": ("new", b"new")}),  # a new file killed after the rename: recorded
    ],
)
def test_the_next_run_settles_what_a_killed_run_left_pending(tmp_path: Path, on_disk, recorded, expected):
    leave_pending(tmp_path, on_disk, recorded, pending=b"new")

    with Publisher(tmp_path):
        pass

    saved = json.loads((tmp_path / "manifest.json").read_text())
    assert "pending" not in saved
    assert {name: (entry["key"], entry["sha256"]) for name, entry in saved["files"].items()} == {
        name: (key, sha(content)) for name, (key, content) in expected.items()
    }


def test_a_damaged_manifest_is_reported_and_left_alone(tmp_path: Path):
    for content, problem in [
        (b'{"files": {"a.pdf": {', "line 1: Expecting property name"),
        (b"", "line 1: Expecting value"),
        (b'["a.pdf"]', 'no "files" object'),
        (b'{"files": {"a.pdf": {"sha256": "x"}}}', 'the entry of a.pdf has no text "audience"'),
        (b"\xff\xfe{}", "not UTF-8 text"),
    ]:
        (tmp_path / "manifest.json").write_bytes(content)

        with pytest.raises(ManifestDamaged, match="is damaged") as raised, Publisher(tmp_path):
            pass

        assert problem in str(raised.value)
        assert (tmp_path / "manifest.json").read_bytes() == content
    assert [p.name for p in tmp_path.iterdir() if p.name != manifest.LOCK_NAME] == ["manifest.json"]


def test_records_answers_only_for_files_recorded_with_that_sha256(tmp_path: Path):
    (tmp_path / "manifest.json").write_text(json.dumps({"files": {"a.pdf": {**ENTRY, "sha256": sha(b"a")}}}))

    assert manifest.records(tmp_path, {str(tmp_path / "a.pdf"): sha(b"a")})
    assert not manifest.records(tmp_path, {str(tmp_path / "a.pdf"): sha(b"b")})
    assert not manifest.records(tmp_path, {str(tmp_path / "b.pdf"): sha(b"a")})
    assert not manifest.records(tmp_path / "elsewhere", {str(tmp_path / "a.pdf"): sha(b"a")})
