"""Every copy keeps its own file and record; a different copy never replaces one. And `briefing verify`."""

import fcntl
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest


@pytest.fixture
def generate(minimal_kb: Path, tmp_path: Path, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    out = tmp_path / "out"

    def run(*extra: str, expect: int = 0):
        result = cli(
            "generate",
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
        assert result.exit_code == expect, result.output
        return result

    return out, run


def manifest_of(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())["files"]


def assert_every_file_recorded_truly(out: Path) -> None:
    files = manifest_of(out)
    assert sorted(files) == sorted(path.name for path in out.glob("*.docx"))
    for name, entry in files.items():
        assert entry["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()


def footer(path: Path) -> str:
    return "\n".join(paragraph.text for paragraph in docx.Document(path).sections[0].footer.paragraphs)


def test_public_then_confidential_copies_both_stay(generate):
    out, run = generate
    run("--distribution", "public")
    run("--distribution", "confidential")

    files = manifest_of(out)
    assert files["2027-01-15_testland_uk.docx"]["distribution"] == "public"
    assert files["2027-01-15_testland_uk_confidential.docx"]["distribution"] == "confidential"
    assert_every_file_recorded_truly(out)


@pytest.mark.parametrize(
    "recipients",
    [
        ["Иван Петров", "Пётр Иванов", "Łukasiewicz", "Lukasiewicz"],
        ["Alexandra Konstantinopoulou-Papadimitriou of Athens", "Alexandra Konstantinopoulou-Papadimitriou of Sparta"],
    ],
    ids=["transliterated", "sharing-40-characters"],
)
def test_each_recipient_gets_a_file_and_a_record_of_their_own(generate, recipients):
    out, run = generate
    for recipient in recipients:
        run("--recipient", recipient)

    files = manifest_of(out)
    assert sorted(entry["recipient"] for entry in files.values()) == sorted(recipients)
    assert_every_file_recorded_truly(out)
    for name, entry in files.items():
        assert name.isascii()
        assert f"Prepared for {entry['recipient']}" in footer(out / name)


def test_cyrillic_and_polish_names_read_in_the_file_name(generate):
    out, run = generate
    run("--recipient", "Иван Петров")
    run("--recipient", "Łukasiewicz")

    names = sorted(path.name for path in out.glob("*.docx"))
    assert [name.rsplit("-", 1)[0] for name in names] == [
        "2027-01-15_testland_uk_for-ivan-petrov",
        "2027-01-15_testland_uk_for-lukasiewicz",
    ]


def test_a_different_copy_under_the_same_name_is_refused_and_the_rest_still_land(generate, minimal_kb: Path):
    out, run = generate
    run("--recipient", "Jane Smith")
    stamped = out / "2027-01-15_testland_uk_for-jane-smith.docx"
    before = stamped.read_bytes()

    result = run("--recipient", "jane smith", str(minimal_kb / "testland" / "meetings" / "uk-visit.yaml"), expect=2)

    assert result.stderr.strip().splitlines()[-1] == (
        f"{stamped}: not written: it holds the public DOCX for uk, stamped for Jane Smith, and this is the public "
        "DOCX for uk, stamped for jane smith; move it aside or write to another --out folder"
    )
    assert stamped.read_bytes() == before
    assert manifest_of(out)[stamped.name]["recipient"] == "Jane Smith"
    assert "wrote" in result.stdout and "at-uk-visit_for-jane-smith.docx" in result.stdout
    assert_every_file_recorded_truly(out)


def test_a_copy_recorded_under_the_old_naming_is_not_replaced(generate):
    out, run = generate
    run()
    files = manifest_of(out)
    files["2027-01-15_testland_uk.docx"]["distribution"] = "restricted"
    (out / "manifest.json").write_text(json.dumps({"files": files}))

    result = run("--force", expect=2)

    assert "not written: it holds the restricted DOCX for uk, and this is the public DOCX for uk" in result.stderr


def rests_on(out: Path, name: str, state: str = "unchanged") -> str:
    return f"sources     {out / name}: op-ed-2016, report-2021 ({state})"


def test_verify_passes_a_folder_that_matches_its_manifest(generate, cli, minimal_kb):
    out, run = generate
    run()
    run("--recipient", "Jane Smith")
    (out / ".gitkeep").write_bytes(b"")

    result = cli("verify", "--out", out, "--briefs", minimal_kb)

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        rests_on(out, "2027-01-15_testland_uk.docx"),
        rests_on(out, "2027-01-15_testland_uk_for-jane-smith.docx"),
        f"{out}: 2 recorded files; 0 missing, 0 changed, 0 unrecorded; 0 archived source texts changed.",
    ]


def test_verify_names_each_copy_whose_archived_sources_changed(generate, cli, minimal_kb):
    out, run = generate
    run()
    archive = minimal_kb / "testland" / "sources" / "report-2021.txt"
    archive.write_text(archive.read_text() + "Corrected later.\n")

    changed = cli("verify", "--out", out, "--briefs", minimal_kb)
    elsewhere = cli("verify", "--out", out, "--briefs", out)

    assert changed.exit_code == 2
    assert changed.stdout.splitlines() == [
        f"archive     {out / '2027-01-15_testland_uk.docx'}: source 'report-2021': {archive} changed since the copy "
        "was built",
        rests_on(out, "2027-01-15_testland_uk.docx", "changed"),
        f"{out}: 1 recorded file; 0 missing, 0 changed, 0 unrecorded; 1 archived source text changed.",
    ]
    assert elsewhere.exit_code == 0, elsewhere.output
    assert elsewhere.stdout.splitlines() == [
        rests_on(out, "2027-01-15_testland_uk.docx", "not compared"),
        f"{out}: 1 recorded file; 0 missing, 0 changed, 0 unrecorded; 0 archived source texts changed (1 of the "
        f"copies not compared: their country is not in {out}).",
    ]


def test_verify_lists_missing_changed_and_unrecorded_files(generate, cli, minimal_kb):
    out, run = generate
    run()
    run("--recipient", "Jane Smith")
    run("--recipient", "Ann Lee")
    (out / "2027-01-15_testland_uk.docx").unlink()
    (out / "2027-01-15_testland_uk_for-jane-smith.docx").write_bytes(b"altered")
    (out / "stray.pdf").write_bytes(b"%PDF")
    (out / ".briefing-0badc0ffee00-x.part").write_bytes(b"a dead run's leftover")

    result = cli("verify", "--out", out, "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        f"missing     {out / '2027-01-15_testland_uk.docx'}",
        f"changed     {out / '2027-01-15_testland_uk_for-jane-smith.docx'}",
        f"unrecorded  {out / '.briefing-0badc0ffee00-x.part'}",
        f"unrecorded  {out / 'stray.pdf'}",
        *(rests_on(out, f"2027-01-15_testland_uk{who}.docx") for who in ("", "_for-ann-lee", "_for-jane-smith")),
        f"{out}: 3 recorded files; 1 missing, 1 changed, 2 unrecorded; 0 archived source texts changed.",
    ]


def test_verify_refuses_a_damaged_manifest_and_a_missing_folder(generate, cli, tmp_path: Path):
    out, run = generate
    run()
    (out / "manifest.json").write_text('{"files": []}')

    damaged = cli("verify", "--out", out)
    nowhere = cli("verify", "--out", tmp_path / "nowhere")

    assert damaged.exit_code == 2
    assert damaged.stderr.startswith(f'error: {out / "manifest.json"} is damaged (no "files" object at the top)')
    assert nowhere.exit_code == 2
    assert nowhere.stderr.strip() == f"error: no such output folder: {tmp_path / 'nowhere'}"


def verify_command(out: Path, briefs: Path) -> list[str]:
    return [sys.executable, "-m", "generator", "verify", "--out", str(out), "--briefs", str(briefs)]


def read_only_mount(folder: Path) -> list[str]:
    """The start of a command that runs the rest with `folder` read-only, in a mount namespace of its own."""
    return ["unshare", "-m", "sh", "-c", 'mount --bind -o ro "$0" "$0" && exec "$@"', str(folder)]


def mounts_read_only(tmp_path: Path) -> bool:
    probe = tmp_path / "probe"
    probe.mkdir()
    try:
        result = subprocess.run([*read_only_mount(probe), "touch", str(probe / "x")], capture_output=True, text=True)
    except FileNotFoundError:
        return False
    return "Read-only file system" in result.stderr


@pytest.fixture
def read_only(tmp_path: Path):
    """Runs a command on a folder mounted read-only: what an archived output folder is."""
    if not mounts_read_only(tmp_path):
        pytest.skip("this machine cannot mount a folder read-only (needs unshare and mount rights)")

    def run(out: Path, command: list[str], **options) -> subprocess.CompletedProcess:
        environment = {**os.environ, "NO_COLOR": "1"}
        return subprocess.run(
            [*read_only_mount(out), *command], capture_output=True, text=True, env=environment, **options
        )

    return run


@pytest.mark.parametrize("lock_file", ["left by the last run", "removed"])
def test_verify_reads_a_read_only_folder_as_it_reads_a_writable_one(generate, cli, read_only, lock_file, minimal_kb):
    out, run = generate
    run()
    run("--recipient", "Jane Smith")
    (out / "2027-01-15_testland_uk_for-jane-smith.docx").write_bytes(b"altered")
    (out / ".briefing-0badc0ffee00-x.part").write_bytes(b"a dead run's leftover")
    (out / ".briefing-0badc0ffee00.lock").write_bytes(b"")
    if lock_file == "removed":
        (out / ".manifest.lock").unlink()
    before = sorted(path.name for path in out.iterdir())

    archived = read_only(out, verify_command(out, minimal_kb))

    assert archived.returncode == 2, archived.stderr
    assert archived.stdout.splitlines() == [
        f"changed     {out / '2027-01-15_testland_uk_for-jane-smith.docx'}",
        f"unrecorded  {out / '.briefing-0badc0ffee00-x.part'}",
        rests_on(out, "2027-01-15_testland_uk.docx"),
        rests_on(out, "2027-01-15_testland_uk_for-jane-smith.docx"),
        f"{out}: 2 recorded files; 0 missing, 1 changed, 1 unrecorded; 0 archived source texts changed.",
    ]
    assert sorted(path.name for path in out.iterdir()) == before
    writable = cli("verify", "--out", out, "--briefs", minimal_kb)
    assert (writable.exit_code, writable.stdout) == (archived.returncode, archived.stdout)


def test_verify_of_a_read_only_folder_waits_for_a_run_that_holds_the_lock(generate, read_only, minimal_kb):
    """A run that can write there may be publishing: the manifest and the files are read once it is done."""
    out, run = generate
    run()
    with (out / ".manifest.lock").open("rb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        verifying = subprocess.Popen(
            [*read_only_mount(out), *verify_command(out, minimal_kb)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(1.5)
        waited = verifying.poll() is None
        fcntl.flock(lock, fcntl.LOCK_UN)
    stdout, stderr = verifying.communicate(timeout=60)

    assert waited
    assert verifying.returncode == 0, stderr
    assert stdout.splitlines() == [
        rests_on(out, "2027-01-15_testland_uk.docx"),
        f"{out}: 1 recorded file; 0 missing, 0 changed, 0 unrecorded; 0 archived source texts changed.",
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a folder whatever its mode")
def test_verify_reads_a_folder_it_may_not_write(generate, cli, minimal_kb):
    out, run = generate
    run()
    # Without a lock file, one cannot be made there: the lock is what cannot be had.
    (out / ".manifest.lock").unlink()
    out.chmod(0o555)
    try:
        result = cli("verify", "--out", out, "--briefs", minimal_kb)
    finally:
        out.chmod(0o755)

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        rests_on(out, "2027-01-15_testland_uk.docx"),
        f"{out}: 1 recorded file; 0 missing, 0 changed, 0 unrecorded; 0 archived source texts changed.",
    ]
