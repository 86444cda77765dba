"""Every kind of bad input reaches the user as exact file:line messages, exit 2.

Each folder under fixtures/bad/ is one scenario: files overlaid on the
minimal knowledge base and the exact lines `briefing check` must print.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, build_knowledge_base

SCENARIOS = sorted(path for path in (FIXTURES / "bad").iterdir() if path.is_dir())


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[path.name for path in SCENARIOS])
def test_bad_input_is_reported_with_file_and_line(scenario: Path, tmp_path: Path, cli, monkeypatch):
    build_knowledge_base(tmp_path / "briefs", scenario)
    monkeypatch.chdir(tmp_path)

    result = cli("check", "--briefs", "briefs")

    expected = (scenario / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stderr.splitlines() == expected


def test_there_are_enough_scenarios():
    assert len(SCENARIOS) >= 40


def test_generate_on_bad_input_writes_nothing(tmp_path: Path, cli, monkeypatch):
    build_knowledge_base(tmp_path / "briefs", FIXTURES / "bad" / "duplicate-key")
    monkeypatch.chdir(tmp_path)

    result = cli("generate", "--audience", "uk", "--out", "out")

    assert result.exit_code == 2
    assert not os.path.exists(tmp_path / "out")


def test_a_country_whose_id_is_not_its_folders_name_is_refused_at_the_id(minimal_kb: Path, cli):
    country = minimal_kb / "testland" / "country.yaml"
    country.write_text(country.read_text().replace("id: testland", "id: otherland"))

    result = cli("check", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{country}:1: id 'otherland' differs from the name of its folder (testland/); rename the folder or the id",
        "1 problem found.",
    ]


def test_two_country_folders_cannot_hold_one_country(minimal_kb: Path, cli):
    shutil.copytree(minimal_kb / "testland", minimal_kb / "testland-copy")

    result = cli("check", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert (
        f"{minimal_kb}/testland-copy/country.yaml:1: id 'testland' differs from the name of its folder "
        "(testland-copy/); rename the folder or the id"
    ) in result.stderr.splitlines()
