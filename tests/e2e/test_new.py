"""`briefing new`, `-V` and a mistyped meeting file, run as a user would: exact messages and exit statuses."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator import __version__
from tests.conftest import BUNDLED_BRIEFS


def test_new_country_then_check(minimal_kb: Path, cli, monkeypatch):
    monkeypatch.chdir(minimal_kb.parent)

    result = cli("new", "country", "freedonia", "--name", "Republic of Freedonia", "--briefs", "briefs")

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "wrote briefs/freedonia/country.yaml\n"
        "wrote briefs/freedonia/sources.yaml\n"
        "wrote briefs/freedonia/facts.yaml\n"
        "wrote briefs/freedonia/cases.yaml\n"
        "wrote briefs/freedonia/recommendations.yaml\n"
        "wrote briefs/freedonia/responses.yaml\n"
        "next: briefing source add FILE --id ID --country freedonia\n"
    )
    checked = cli("check", "--briefs", "briefs")
    assert checked.exit_code == 0, checked.output


def test_new_country_refuses_one_that_exists(minimal_kb: Path, cli, monkeypatch):
    monkeypatch.chdir(minimal_kb.parent)
    before = (minimal_kb / "testland" / "country.yaml").read_bytes()

    result = cli("new", "country", "testland", "--briefs", "briefs")

    assert result.exit_code == 2
    assert result.stderr == "error: briefs/testland/country.yaml: already exists; edit it, or choose another id\n"
    assert (minimal_kb / "testland" / "country.yaml").read_bytes() == before


def test_new_meeting_then_check(tmp_path: Path, cli, monkeypatch):
    shutil.copytree(BUNDLED_BRIEFS, tmp_path / "briefs")
    monkeypatch.chdir(tmp_path)
    args = (
        "new",
        "meeting",
        "--country",
        "kazakhstan",
        "--audience",
        "us",
        "--date",
        "2027-04-20",
        "--briefs",
        "briefs",
    )

    result = cli(*args, "--title", "Working session with the State Department")

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "wrote briefs/kazakhstan/meetings/us-2027-04-20.yaml\n"
        "next: fill in its place and purpose, then: briefing generate briefs/kazakhstan/meetings/us-2027-04-20.yaml\n"
    )
    assert cli("check", "--briefs", "briefs").exit_code == 0
    again = cli(*args)
    assert again.exit_code == 2
    assert again.stderr == (
        "error: briefs/kazakhstan/meetings/us-2027-04-20.yaml: already exists; "
        "edit it, or give the new meeting another id with --id\n"
    )


def test_new_meeting_refuses_an_unknown_country(minimal_kb: Path, cli):
    result = cli(
        "new", "meeting", "--country", "nowhere", "--audience", "uk", "--date", "2027-04-20", "--briefs", minimal_kb
    )

    assert result.exit_code == 2
    assert result.stderr == f"error: {minimal_kb}: no country 'nowhere' (countries: testland)\n"


def test_short_version_option(cli):
    result = cli("-V")

    assert result.exit_code == 0
    assert result.stdout == f"briefing, version {__version__}\n"


def test_a_mistyped_meeting_file_is_named_with_the_closest_one(cli, monkeypatch):
    monkeypatch.chdir(BUNDLED_BRIEFS.parent)

    result = cli("generate", "briefs/kazakhstan/meetings/uk-fcdo-london.yaml")

    assert result.exit_code == 2
    assert result.stderr == (
        "briefs/kazakhstan/meetings/uk-fcdo-london.yaml:1: no such meeting file; "
        "did you mean briefs/kazakhstan/meetings/uk-fcdo-london-2027-02.yaml?\n"
        "1 problem found.\n"
    )


def test_a_meeting_file_that_is_not_there_lists_those_that_are(minimal_kb: Path, cli, monkeypatch):
    monkeypatch.chdir(minimal_kb.parent)

    result = cli("generate", "nosuch.yaml", "--briefs", "briefs")

    assert result.exit_code == 2
    assert result.stderr == (
        "nosuch.yaml:1: no such meeting file; name one of briefs/testland/meetings/uk-visit.yaml\n1 problem found.\n"
    )
