"""Writing to the output folder: file names, atomic writes, temporaries, the pending protocol."""

import dataclasses
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

from generator.core.errors import CopyRefused, ManifestDamaged
from generator.publish import manifest
from generator.publish.atomic import TEMP_PREFIX, Run, remove_stale_temporaries
from generator.publish.publisher import Publisher, copy_series, output_name, recipient_slug

DAY = datetime.date(2027, 2, 9)


def test_output_names_are_predictable():
    assert output_name(DAY, "kazakhstan", "uk", None, "pdf") == "2027-02-09_kazakhstan_uk.pdf"
    assert output_name(DAY, "kazakhstan", "uk", "uk-fcdo", "docx") == "2027-02-09_kazakhstan_uk_at-uk-fcdo.docx"
    assert output_name(DAY, "kazakhstan", "uk", None, "pdf", "Jane Smith") == (
        "2027-02-09_kazakhstan_uk_for-jane-smith.pdf"
    )
    assert output_name(DAY, "kazakhstan", "uk", "uk-fcdo", "pdf", "Jane Smith", "confidential") == (
        "2027-02-09_kazakhstan_uk_at-uk-fcdo_confidential_for-jane-smith.pdf"
    )
    assert output_name(DAY, "kazakhstan", "uk", None, "pdf", distribution="restricted") == (
        "2027-02-09_kazakhstan_uk_restricted.pdf"
    )
    assert (
        output_name(DAY, "kazakhstan", "uk", None, "pdf", length="one-page") == "2027-02-09_kazakhstan_uk_one-page.pdf"
    )
    assert output_name(
        DAY, "kazakhstan", "uk", "uk-fcdo", "archive.pdf", "Jane Smith", "restricted", length="one-page", as_of=DAY
    ) == ("2027-02-09_kazakhstan_uk_at-uk-fcdo_restricted_one-page_as-of-2027-02-09_for-jane-smith.archive.pdf")
    assert output_name(DAY, "kazakhstan", "uk", "uk-fcdo", "pdf", None, "restricted", kind="letter") == (
        "2027-02-09_kazakhstan_uk_at-uk-fcdo_restricted_letter.pdf"
    )


def test_no_meeting_id_reads_as_a_level_a_length_or_a_recipient():
    meetings = ["restricted", "confidential", "one-page", "for-jane-smith", "as-of-2027-02-09", "letter", "at-x"]
    names = {output_name(DAY, "kazakhstan", "uk", meeting, "pdf") for meeting in meetings} | {
        output_name(DAY, "kazakhstan", "uk", None, "pdf", "Jane Smith"),
        output_name(DAY, "kazakhstan", "uk", None, "pdf", distribution="restricted"),
        output_name(DAY, "kazakhstan", "uk", None, "pdf", distribution="confidential"),
        output_name(DAY, "kazakhstan", "uk", None, "pdf", length="one-page"),
        output_name(DAY, "kazakhstan", "uk", None, "pdf", as_of=DAY),
        output_name(DAY, "kazakhstan", "uk", "x", "pdf"),
    }

    assert len(names) == len(meetings) + 6


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
from generator.publish.atomic import Run
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


NEW_ENTRY = manifest.Entry(
    country="kazakhstan",
    audience="uk",
    meeting=None,
    distribution="public",
    length="full",
    language="en-GB",
    as_of=None,
    format="pdf",
    recipient=None,
    date="2027-01-15",
    knowledge_base="0" * 16,
    key="k",
    generator="1",
)
"""An entry as this version writes it: every identity field recorded."""


@pytest.mark.parametrize(
    "field, other",
    [
        ("country", "veloria"),
        ("audience", "eu"),
        ("meeting", "restricted"),
        ("distribution", "restricted"),
        ("length", "one-page"),
        ("recipient", "Jane Smith"),
        ("language", "ru"),
        ("as_of", "2026-01-01"),
        ("format", "docx"),
        ("document", "letter"),
    ],
)
def test_a_file_recorded_for_another_request_is_never_replaced(tmp_path: Path, field, other):
    assert field in manifest.IDENTITY
    with Publisher(tmp_path) as publisher:
        publisher.publish("a.pdf", b"first", NEW_ENTRY)

        with pytest.raises(CopyRefused, match="move it aside or write to another --out folder"):
            publisher.publish("a.pdf", b"second", dataclasses.replace(NEW_ENTRY, **{field: other}))

    assert (tmp_path / "a.pdf").read_bytes() == b"first"
    assert manifest.read(tmp_path).files["a.pdf"].get(field) == getattr(NEW_ENTRY, field)


def test_an_entry_of_an_earlier_version_is_the_same_copy_when_it_matches_the_defaults(tmp_path: Path):
    (tmp_path / "a.pdf").write_bytes(b"first")
    (tmp_path / "manifest.json").write_text(json.dumps({"files": {"a.pdf": {**ENTRY, "sha256": sha(b"first")}}}))

    with Publisher(tmp_path) as publisher:
        for changed in ({"length": "one-page"}, {"as_of": "2026-01-01"}, {"document": "letter"}):
            with pytest.raises(CopyRefused):
                publisher.publish("a.pdf", b"second", dataclasses.replace(NEW_ENTRY, **changed))
        publisher.publish("a.pdf", b"second", NEW_ENTRY)

    assert (tmp_path / "a.pdf").read_bytes() == b"second"
    assert manifest.read(tmp_path).files["a.pdf"]["country"] == "kazakhstan"


def test_a_file_the_manifest_does_not_record_is_never_replaced_by_other_bytes(tmp_path: Path):
    (tmp_path / "a.pdf").write_bytes(b"someone's own edits")
    (tmp_path / "b.pdf").write_bytes(b"the same bytes")

    with Publisher(tmp_path) as publisher:
        with pytest.raises(CopyRefused, match="a file the manifest does not record is there, and it is left as it is"):
            publisher.publish("a.pdf", b"a briefing", NEW_ENTRY)
        publisher.publish("b.pdf", b"the same bytes", NEW_ENTRY)

    assert (tmp_path / "a.pdf").read_bytes() == b"someone's own edits"
    assert sorted(manifest.read(tmp_path).files) == ["b.pdf"]


SERIES = copy_series(NEW_ENTRY)


def test_a_number_given_to_a_copy_that_is_not_written_is_taken_back(tmp_path: Path):
    with Publisher(tmp_path) as publisher:
        publisher.number_copies([(SERIES, "Jane Smith"), (SERIES, "Ann Lee")])
        publisher.publish("jane.pdf", b"jane", dataclasses.replace(NEW_ENTRY, recipient="Jane Smith", copy=1))

        publisher.withdraw_copies([(SERIES, "Ann Lee")])

    assert manifest.read(tmp_path).copies == {SERIES: {"Jane Smith": 1}}


def test_a_number_held_before_the_run_is_not_taken_back(tmp_path: Path):
    with Publisher(tmp_path) as first:
        first.number_copies([(SERIES, "Jane Smith")])
    with Publisher(tmp_path) as second:
        second.number_copies([(SERIES, "Jane Smith"), (SERIES, "Ann Lee")])

        second.withdraw_copies([(SERIES, "Jane Smith"), (SERIES, "Ann Lee")])

    assert manifest.read(tmp_path).copies == {SERIES: {"Jane Smith": 1}}


def test_a_copy_whose_number_went_to_someone_else_meanwhile_is_refused(tmp_path: Path):
    with Publisher(tmp_path) as slow, Publisher(tmp_path) as fast:
        slow.number_copies([(SERIES, "Ann Lee")])
        slow.withdraw_copies([(SERIES, "Ann Lee")])
        fast.number_copies([(SERIES, "Bob Jones")])

        with pytest.raises(CopyRefused, match="copy 1 of this briefing has been given to someone else meanwhile"):
            slow.publish("ann.pdf", b"ann", dataclasses.replace(NEW_ENTRY, recipient="Ann Lee", copy=1))

    assert manifest.read(tmp_path).copies == {SERIES: {"Bob Jones": 1}}


def test_numbers_given_before_copies_were_numbered_per_country_length_and_date_are_kept(tmp_path: Path):
    earlier = {"files": {}, "copies": {"uk//public": {"Jane Smith": 1, "Ann Lee": 2}}}
    (tmp_path / "manifest.json").write_text(json.dumps(earlier))
    one_page = copy_series(dataclasses.replace(NEW_ENTRY, length="one-page"))

    with Publisher(tmp_path) as publisher:
        numbers = publisher.number_copies([(SERIES, "Ann Lee"), (SERIES, "Bob Jones"), (one_page, "Ann Lee")])

    assert numbers == {(SERIES, "Ann Lee"): 2, (SERIES, "Bob Jones"): 3, (one_page, "Ann Lee"): 1}
