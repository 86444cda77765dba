"""Only regular files inside the knowledge base, under a size limit, are read; nothing can make a run hang."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from generator.core.inputs import DEFAULT_MAX_FILE_BYTES

PIPE_MESSAGE = "not a regular file (a named pipe); only regular YAML files are read"


def briefing(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """A real run, bounded: a hang fails the test instead of stalling the suite."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1800000000", **(env or {})},
    )


@pytest.mark.slow
def test_a_named_pipe_in_the_knowledge_base_is_refused_not_waited_on(minimal_kb):
    os.mkfifo(minimal_kb / "testland" / "meetings" / "pipe.yaml")

    result = briefing("check", "--briefs", minimal_kb)

    assert result.returncode == 2
    assert f"{minimal_kb}/testland/meetings/pipe.yaml:1: {PIPE_MESSAGE}" in result.stderr


@pytest.mark.slow
def test_a_named_pipe_in_place_of_a_required_file_is_refused(minimal_kb):
    facts = minimal_kb / "testland" / "facts.yaml"
    facts.unlink()
    os.mkfifo(facts)

    result = briefing("generate", "--audience", "uk", "--briefs", minimal_kb, "--out", minimal_kb.parent / "out")

    assert result.returncode == 2
    assert f"{facts}:1: {PIPE_MESSAGE}" in result.stderr
    assert not (minimal_kb.parent / "out").exists()


@pytest.mark.slow
@pytest.mark.parametrize("device", ["/dev/zero", "pipe"])
def test_a_meeting_file_on_the_command_line_is_read_with_the_same_rules(minimal_kb, tmp_path, device):
    meeting = Path(device)
    if device == "pipe":
        meeting = tmp_path / "meeting.yaml"
        os.mkfifo(meeting)

    result = briefing("generate", meeting, "--briefs", minimal_kb, "--out", tmp_path / "out")

    assert result.returncode == 2
    kind = "a named pipe" if device == "pipe" else "a character device"
    assert f"{meeting}:1: not a regular file ({kind})" in result.stderr


def test_a_socket_is_refused(minimal_kb, cli):
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(minimal_kb / "testland" / "meetings" / "socket.yaml"))
        result = cli("check", "--briefs", minimal_kb)
    finally:
        server.close()

    assert result.exit_code == 2
    assert "socket.yaml:1: not a regular file (a socket)" in result.stderr


def test_a_folder_named_like_a_file_is_refused(minimal_kb, cli):
    (minimal_kb / "testland" / "meetings" / "archive.yaml").mkdir()

    result = cli("check", "--briefs", minimal_kb)

    assert "archive.yaml:1: not a regular file (a folder)" in result.stderr


@pytest.mark.slow
def test_a_link_to_dev_zero_is_refused_at_once(minimal_kb):
    (minimal_kb / "testland" / "meetings" / "zero.yaml").symlink_to("/dev/zero")

    result = briefing("check", "--briefs", minimal_kb)

    assert result.returncode == 2
    assert "zero.yaml:1: a symbolic link leads outside" in result.stderr


def test_a_link_leading_outside_is_refused_without_echoing_the_target(minimal_kb, tmp_path, cli):
    secret = tmp_path / "private-notes.yaml"
    secret.write_text("id: the-informant-is-Aidos-Sadykov\n")
    (minimal_kb / "testland" / "meetings" / "notes.yaml").symlink_to(secret)

    result = cli("check", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert (
        f"{minimal_kb}/testland/meetings/notes.yaml:1: a symbolic link leads outside {minimal_kb}; "
        "copy the file into the folder instead"
    ) in result.stderr
    assert "Sadykov" not in result.output and "private-notes" not in result.output


def test_a_country_folder_linked_from_outside_is_refused(minimal_kb, tmp_path, cli):
    (minimal_kb / "testland").rename(tmp_path / "testland")
    (minimal_kb / "testland").symlink_to(tmp_path / "testland", target_is_directory=True)

    result = cli("check", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert f"testland/country.yaml:1: a symbolic link leads outside {minimal_kb}" in result.stderr


def test_links_that_stay_inside_the_knowledge_base_are_followed(minimal_kb, cli):
    shared = minimal_kb / "shared"
    shared.mkdir()
    (minimal_kb / "testland" / "facts.yaml").rename(shared / "facts.yaml")
    (minimal_kb / "testland" / "facts.yaml").symlink_to(Path("..") / "shared" / "facts.yaml")

    result = cli("check", "--briefs", minimal_kb)

    assert result.exit_code == 0, result.output
    assert "2 facts" in result.stdout


def test_a_file_over_the_limit_is_refused(minimal_kb, cli, monkeypatch):
    monkeypatch.setenv("BRIEFING_MAX_FILE_BYTES", "300")

    result = cli("check", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert (
        "facts.yaml:1: file is larger than 300 bytes, the most allowed "
        "([limits] max_file_bytes in briefing.toml, or BRIEFING_MAX_FILE_BYTES); split it" in result.stderr
    )


def test_the_default_limit_is_16_mb(minimal_kb, cli):
    facts = minimal_kb / "testland" / "facts.yaml"
    with facts.open("a") as file:
        file.write("#" * (DEFAULT_MAX_FILE_BYTES - facts.stat().st_size) + "\n")

    result = cli("check", "--briefs", minimal_kb)

    assert DEFAULT_MAX_FILE_BYTES == 16 * 1024 * 1024
    assert f"facts.yaml:1: file is larger than {DEFAULT_MAX_FILE_BYTES:,} bytes" in result.stderr


@pytest.mark.parametrize("setting", ["lots", "0", "-5"])
def test_a_limit_that_is_no_size_is_a_usage_error(minimal_kb, cli, monkeypatch, setting):
    monkeypatch.setenv("BRIEFING_MAX_FILE_BYTES", setting)

    result = cli("check", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert f"BRIEFING_MAX_FILE_BYTES='{setting}' is not a positive whole number of bytes" in result.stderr


def test_a_file_is_read_no_further_than_the_limit(tmp_path, monkeypatch):
    from generator.core import inputs

    path = tmp_path / "grows.yaml"
    path.write_bytes(b"x" * 10)
    reads = []
    real_read = inputs._read_at_most

    def read_while_it_grows(file, size):
        path.write_bytes(b"x" * 10_000)  # appended by someone else after the size was checked
        reads.append(size)
        return real_read(file, size)

    monkeypatch.setattr(inputs, "_read_at_most", read_while_it_grows)
    monkeypatch.setenv("BRIEFING_MAX_FILE_BYTES", "100")

    with pytest.raises(inputs.ReadRefused, match="larger than 100 bytes"):
        inputs.read_input(path)
    assert reads == [101]


@pytest.mark.slow
def test_a_named_pipe_in_the_output_folder_is_never_waited_on(minimal_kb, tmp_path):
    out = tmp_path / "out"
    first = briefing("generate", "--audience", "uk", "--format", "docx", "--briefs", minimal_kb, "--out", out)
    assert first.returncode == 0, first.stderr
    (document,) = out.glob("*.docx")
    document.unlink()
    os.mkfifo(document)
    os.mkfifo(out / "stray.pdf")

    again = briefing("generate", "--audience", "uk", "--format", "docx", "--briefs", minimal_kb, "--out", out)
    verified = briefing("verify", "--out", out)

    assert again.returncode == 0, again.stderr
    assert document.is_file()
    # Only regular files are documents: the stray pipe is neither hashed nor waited on.
    assert verified.returncode == 0, verified.stdout


NO_KNOWLEDGE_BASE = "no knowledge base here; expected a folder holding <country>/country.yaml and audiences/"


def nested_folders(root: Path, top: int = 40, depth: int = 25) -> Path:
    """`top` chains of `depth` folders, a YAML file at the bottom of each: a thousand paths, no knowledge base."""
    for branch in range(top):
        bottom = root.joinpath(f"project-{branch}", *(f"level-{level}" for level in range(depth)))
        bottom.mkdir(parents=True)
        (bottom / "notes.yaml").write_text("id: notes\n")
    return root


@pytest.mark.parametrize("layout", ["empty", "nested"])
def test_a_folder_holding_no_knowledge_base_is_answered_without_walking_it(tmp_path, cli, monkeypatch, layout):
    folder = nested_folders(tmp_path / "nested") if layout == "nested" else tmp_path / "empty"
    folder.mkdir(exist_ok=True)
    visited: list[str] = []
    scandir = os.scandir

    class CountingScandir:
        def __init__(self, path: str = ".") -> None:
            self.entries = scandir(path)

        def __enter__(self) -> CountingScandir:
            return self

        def __exit__(self, *_: object) -> None:
            self.entries.close()

        def __iter__(self):
            for entry in self.entries:
                visited.append(entry.path)
                yield entry

        def close(self) -> None:
            self.entries.close()

    monkeypatch.setattr(os, "scandir", CountingScandir)
    monkeypatch.setattr(os, "listdir", lambda path=".": [entry.name for entry in CountingScandir(path)])

    result = cli("check", "--briefs", folder)

    assert result.exit_code == 2
    assert f"{folder}: {NO_KNOWLEDGE_BASE}" in result.stderr
    # The top level is looked at, for country folders; nothing below it.
    below = {Path(path).relative_to(folder) for path in visited if Path(path).is_relative_to(folder)}
    assert all(len(path.parts) == 1 for path in below), sorted(map(str, below))[:5]


LISTINGS_COUNTED = """
import runpy, sys
listed = []
sys.addaudithook(lambda event, args: listed.append(args[0]) if event in ("os.listdir", "os.scandir") else None)
try:
    runpy.run_module("generator", run_name="__main__", alter_sys=True)
finally:
    print(len(listed), file=sys.stderr)
"""
"""Runs the command line, counting the folders it lists, whatever lists them: the audit hook sees every one."""


@pytest.mark.slow
@pytest.mark.parametrize("where", ["/", "nested"])
def test_check_of_a_large_folder_holding_no_knowledge_base_lists_a_handful_of_folders(tmp_path, where):
    folder = nested_folders(tmp_path / "nested") if where == "nested" else Path(where)

    result = subprocess.run(
        [sys.executable, "-c", LISTINGS_COUNTED, "check", "--briefs", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1800000000"},
    )

    assert result.returncode == 2, result.stderr
    assert NO_KNOWLEDGE_BASE in result.stderr
    # Python's imports list about a hundred folders; walking the nested tree would list over a thousand.
    listed = int(result.stderr.strip().splitlines()[-1])
    assert listed < 500, listed
