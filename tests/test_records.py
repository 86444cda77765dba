"""Meeting records: the skeleton, "Since we last met", follow-ups and the follow-up letter."""

from __future__ import annotations

from pathlib import Path

from .conftest import build_knowledge_base

RECORD = """\
meeting: uk-visit
held_on: 2027-02-09
sensitivity: public
attended:
  - role: Desk officer
    side: theirs
raised:
  - item: free-protesters
  - text: Press freedom
they_said:
  - text: The desk will look into the protest cases.
    sensitivity: public
  - text: Ministers are privately uneasy about the sentences.
commitments:
  - id: raise-cases
    who: Desk officer
    what: Raise the protesters' cases with the embassy
    by: 2027-03-01
  - id: write-minister
    who: Desk officer
    what: Put the dialogue proposal to the minister
    by: 2027-06-30
  - id: share-list
    who: Desk officer
    what: Share the list of detained protesters with the embassy
    by: 2027-02-20
    status: met
actions:
  - owner: Advocacy lead
    what: Send the follow-up letter
    due: 2027-02-16
  - owner: Researcher
    what: Update the case file
    due: 2027-04-30
    done: true
"""

LATER_MEETING = """\
id: uk-visit-2
country: testland
audience: uk
date: 2027-05-10
place: London
title: Second meeting with FCDO officials
purpose: Follow up the release of protesters.
length: full
distribution: public
"""

FIRST_OF_APRIL_2027 = "1806537600"
"""The build date the statuses are judged on: raise-cases overdue, write-minister open, share-list met."""


def with_record(tmp_path: Path, record: str = RECORD, later: bool = True) -> Path:
    briefs = build_knowledge_base(tmp_path / "briefs")
    (briefs / "meetings" / "uk-visit.record.yaml").write_text(record, encoding="utf-8")
    if later:
        (briefs / "meetings" / "uk-visit-2.yaml").write_text(LATER_MEETING, encoding="utf-8")
    return briefs


# --- the skeleton ---------------------------------------------------------------


def test_record_writes_a_skeleton_that_passes_check(tmp_path: Path, cli, monkeypatch):
    briefs = build_knowledge_base(tmp_path / "briefs")
    monkeypatch.chdir(tmp_path)

    result = cli("record", "briefs/meetings/uk-visit.yaml", "--briefs", "briefs")

    assert result.exit_code == 0, result.output
    assert result.stdout == "wrote briefs/meetings/uk-visit.record.yaml\n"
    written = (briefs / "meetings" / "uk-visit.record.yaml").read_text(encoding="utf-8")
    assert written.startswith("# yaml-language-server: $schema=../../schemas/record.schema.json\n")
    assert "meeting: uk-visit\nheld_on: 2027-02-09\n" in written
    assert "raised:\n  - item: doe\n" in written
    assert "commitments: []\n#  - id: a-short-id\n" in written
    checked = cli("check", "--briefs", "briefs")
    assert checked.exit_code == 0, checked.output
    assert "1 meeting;" in checked.stdout  # the record is not read as a second meeting


def test_record_never_overwrites_an_existing_record(tmp_path: Path, cli, monkeypatch):
    briefs = with_record(tmp_path, later=False)
    monkeypatch.chdir(tmp_path)
    before = (briefs / "meetings" / "uk-visit.record.yaml").read_bytes()

    result = cli("record", "briefs/meetings/uk-visit.yaml", "--briefs", "briefs")

    assert result.exit_code == 2
    assert result.stderr == (
        "error: briefs/meetings/uk-visit.record.yaml already exists; edit it, or move it aside to start a new one\n"
    )
    assert (briefs / "meetings" / "uk-visit.record.yaml").read_bytes() == before
    assert sorted(path.name for path in (briefs / "meetings").iterdir()) == ["uk-visit.record.yaml", "uk-visit.yaml"]


def test_the_skeleton_is_pre_filled_from_the_bundled_meeting(tmp_path: Path, cli):
    import yaml

    from generator.kb import model
    from generator.records import skeleton

    from .conftest import BUNDLED_BRIEFS

    meeting_file = BUNDLED_BRIEFS / "meetings" / "uk-fcdo-london-2027-02.yaml"
    meeting = model.Meeting.model_validate(yaml.safe_load(meeting_file.read_text(encoding="utf-8")))
    data = yaml.safe_load(skeleton(meeting, "# schema"))

    assert data["attended"][2] == {"role": "Kazakhstan desk officer, Central Asia team, FCDO", "side": "theirs"}
    assert data["attended"][1]["sensitivity"] == "restricted"
    assert {"text": "Trade union and justice cases"} in data["raised"]
    assert {"item": "kharkova"} in data["raised"]
    assert model.Record.model_validate(data).held_on == meeting.date


def test_generate_refuses_a_record_named_as_the_meeting(tmp_path: Path, cli, monkeypatch):
    with_record(tmp_path, later=False)
    monkeypatch.chdir(tmp_path)

    result = cli("generate", "briefs/meetings/uk-visit.record.yaml", "--briefs", "briefs", "--out", "out")

    assert result.exit_code == 2
    assert "is the record of a meeting, not a meeting; name the meeting file beside it" in result.stderr
    assert not (tmp_path / "out").exists()
