"""Several countries in one knowledge-base tree, and `briefing migrate` from the one-country layout."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import BUNDLED_BRIEFS, FIXTURES, PROJECT

VELORIA = FIXTURES / "veloria" / "briefs"
EXAMPLE_RECORD = PROJECT / "examples" / "record" / "uk-fcdo-london-2027-02.record.yaml"
OLD_LAYOUT_REVISION = "bf4976b"
"""A commit whose briefs/ still held levers in audience files and a shared meetings/ folder."""


def two_country_tree(root: Path) -> Path:
    """The bundled Kazakhstan beside the made-up Veloria, sharing themes and audiences."""
    shutil.copytree(BUNDLED_BRIEFS, root)
    shutil.copytree(VELORIA / "veloria", root / "veloria")
    return root


def old_layout_tree(root: Path) -> Path:
    """briefs/ as it was committed before the move, taken from git."""
    listing = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", OLD_LAYOUT_REVISION, "briefs"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in listing:
        content = subprocess.run(
            ["git", "show", f"{OLD_LAYOUT_REVISION}:{name}"], cwd=PROJECT, capture_output=True, check=True
        ).stdout
        target = root / Path(name).relative_to("briefs")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return root


def pdf_text(path: Path) -> str:
    """The PDF's text, without the footer's hash of the knowledge-base files (which a move changes)."""
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"KB [0-9a-f]{16}", "KB", text)


def test_a_tree_of_two_countries_passes_check(tmp_path, cli):
    briefs = two_country_tree(tmp_path / "briefs")

    result = cli("check", "--briefs", str(briefs))

    assert result.exit_code == 0, result.output
    assert "Kazakhstan is valid" in result.output
    assert "Republic of Veloria is valid" in result.output


def test_check_covers_every_country(tmp_path, cli):
    briefs = two_country_tree(tmp_path / "briefs")
    facts = briefs / "veloria" / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("themes: [assembly]", "themes: [asembly]", 1))

    result = cli("check", "--briefs", str(briefs))

    assert result.exit_code == 2
    assert f"{facts}:3: unknown theme 'asembly'; did you mean 'assembly'?" in result.stderr


def test_generate_reads_only_its_own_country(tmp_path, cli):
    briefs = two_country_tree(tmp_path / "briefs")
    (briefs / "kazakhstan" / "facts.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    (briefs / "kazakhstan" / "cases.yaml").chmod(0)

    result = cli(
        "generate", "--briefs", str(briefs), "--country", "veloria", "--audience", "uk", "--out", str(tmp_path / "out")
    )

    assert result.exit_code == 0, result.output
    [pdf] = (tmp_path / "out").glob("*_veloria_uk.pdf")
    assert "Mira Ostrova" in pdf_text(pdf)


def test_a_meeting_names_its_country_when_the_tree_has_several(tmp_path, cli):
    briefs = two_country_tree(tmp_path / "briefs")
    meeting = briefs / "veloria" / "meetings" / "uk-port-amsel-2027-05.yaml"

    result = cli("generate", "--briefs", str(briefs), str(meeting), "--format", "pdf", "--out", str(tmp_path / "out"))

    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "out").glob("*.pdf")] == ["2027-05-12_veloria_uk_at-uk-port-amsel-2027-05.pdf"]


@pytest.mark.slow
def test_all_without_country_builds_every_country(tmp_path, cli):
    briefs = two_country_tree(tmp_path / "briefs")

    result = cli("generate", "--briefs", str(briefs), "--all", "--format", "docx", "--out", str(tmp_path / "out"))

    assert result.exit_code == 0, result.output
    names = sorted(p.name.split("_", 1)[1] for p in (tmp_path / "out").glob("*.docx"))
    audiences = [path.stem for path in (briefs / "audiences").glob("*.yaml")]
    assert names == sorted(f"{c}_{a}.docx" for c in ("kazakhstan", "veloria") for a in audiences)


def test_a_meeting_in_another_countrys_folder_is_refused_at_its_line(tmp_path, cli):
    briefs = two_country_tree(tmp_path / "briefs")
    meeting = briefs / "veloria" / "meetings" / "uk-port-amsel-2027-05.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace("country: veloria", "country: kazakhstan"))

    result = cli("check", "--briefs", str(briefs))

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{meeting}:3: country 'kazakhstan' disagrees with the folder the meeting is in (veloria/meetings/); "
        "correct it or move the file to kazakhstan/meetings/",
        "1 problem found.",
    ]


def test_meeting_records_are_not_meetings(tmp_path, cli):
    briefs = two_country_tree(tmp_path / "briefs")
    (briefs / "veloria" / "meetings" / "uk-port-amsel-2027-05.record.yaml").write_text(
        "meeting: uk-port-amsel-2027-05\nheld_on: 2027-05-12\n", encoding="utf-8"
    )

    result = cli("list", "--briefs", str(briefs), "--country", "veloria")

    assert result.exit_code == 0, result.output
    meetings = result.output.split("Meetings:")[1].split("Themes")[0]
    assert [line.split()[0] for line in meetings.strip().splitlines()] == ["uk-port-amsel-2027-05"]


def test_an_audience_without_levers_for_a_country_is_a_warning_naming_the_file(tmp_path, cli):
    briefs = two_country_tree(tmp_path / "briefs")
    (briefs / "veloria" / "levers" / "eu.yaml").unlink()

    result = cli("check", "--briefs", str(briefs))

    assert result.exit_code == 0, result.output
    missing = [line for line in result.stderr.splitlines() if "no levers" in line]
    assert missing == [
        f"{briefs / 'audiences' / 'eu.yaml'}:2: warning: no levers for Republic of Veloria; its briefings for "
        "'eu' name nothing this audience can do until veloria/levers/eu.yaml lists them",
        "  no-levers: 1 audience with no levers for the country: list what it can do in "
        "<country>/levers/<audience>.yaml",
    ]


def test_old_layout_loads_with_one_warning_per_file(tmp_path, cli):
    briefs = old_layout_tree(tmp_path / "briefs")

    result = cli("check", "--briefs", str(briefs))

    assert result.exit_code == 0, result.output
    old = [line for line in result.stderr.splitlines() if "warning: old layout" in line]
    assert len(old) == 9
    assert "  old-layout: 9 files in the old layout: run 'briefing migrate --write'" in result.stderr.splitlines()
    assert (
        f"{briefs / 'kazakhstan' / 'sources.yaml'}:21: warning: old layout; 'briefing migrate --write' would "
        "replace document: with archive:, the text archived in kazakhstan/sources/, in 5 sources"
    ) in old
    assert (
        f"{briefs / 'audiences' / 'uk.yaml'}:1: warning: old layout; 'briefing migrate --write' would move its "
        "levers to kazakhstan/levers/uk.yaml and drop salutation"
    ) in old


def test_levers_in_audience_files_are_refused_with_several_countries(tmp_path, cli):
    briefs = old_layout_tree(tmp_path / "briefs")
    shutil.copytree(VELORIA / "veloria", briefs / "veloria")

    result = cli("check", "--briefs", str(briefs))

    assert result.exit_code == 2
    uk = briefs / "audiences" / "uk.yaml"
    assert (
        f"{uk}:26: levers in an audience file belong to one country, but the tree holds several: move them "
        "to <country>/levers/uk.yaml ('briefing migrate' does it before a second country is added)"
    ) in result.stderr.splitlines()
    assert len(result.stderr.splitlines()) == 4 + 4 + 1  # each file once, whichever country is loaded


@pytest.mark.slow
def test_migrate_moves_an_old_tree_into_the_new_layout(tmp_path, cli):
    briefs = old_layout_tree(tmp_path / "briefs")
    uk = briefs / "audiences" / "uk.yaml"
    uk.write_text(uk.read_text(encoding="utf-8").replace("levers:\n", "levers:\n  # kept through the move\n"))
    before = cli(
        "generate", "--briefs", str(briefs), "--audience", "uk", "--format", "pdf", "--out", str(tmp_path / "a")
    )
    assert before.exit_code == 0, before.output
    untouched = {p: p.read_bytes() for p in briefs.rglob("*.yaml")}

    dry = cli("migrate", "--briefs", str(briefs))
    assert dry.exit_code == 0, dry.output
    assert "would: audiences/uk.yaml: move its levers to kazakhstan/levers/uk.yaml and drop salutation" in dry.output
    assert {p: p.read_bytes() for p in briefs.rglob("*.yaml")} == untouched

    result = cli("migrate", "--briefs", str(briefs), "--write")

    assert result.exit_code == 0, result.output
    assert not (briefs / "meetings").exists()
    assert "salutation" not in uk.read_text(encoding="utf-8")
    assert "levers" not in uk.read_text(encoding="utf-8")
    assert "# kept through the move" in (briefs / "kazakhstan" / "levers" / "uk.yaml").read_text(encoding="utf-8")
    assert (briefs / "kazakhstan" / "meetings" / "uk-fcdo-london-2027-02.yaml").exists()
    checked = cli("check", "--briefs", str(briefs))
    assert checked.exit_code == 0 and "old layout" not in checked.output
    after = cli(
        "generate", "--briefs", str(briefs), "--audience", "uk", "--format", "pdf", "--out", str(tmp_path / "b")
    )
    assert after.exit_code == 0, after.output
    [old_pdf], [new_pdf] = (tmp_path / "a").glob("*.pdf"), (tmp_path / "b").glob("*.pdf")
    assert pdf_text(new_pdf) == pdf_text(old_pdf)
    again = cli("migrate", "--briefs", str(briefs))
    assert again.exit_code == 0 and "nothing to do" in again.output


def test_migrate_never_overwrites(tmp_path, cli):
    briefs = old_layout_tree(tmp_path / "briefs")
    taken = briefs / "kazakhstan" / "levers" / "eu.yaml"
    taken.parent.mkdir()
    taken.write_text("# someone's own file\n")
    untouched = {p: p.read_bytes() for p in briefs.rglob("*.yaml")}

    result = cli("migrate", "--briefs", str(briefs), "--write")

    assert result.exit_code == 2
    assert f"migrate never overwrites a file, and these exist already: {taken}" in result.stderr
    assert {p: p.read_bytes() for p in briefs.rglob("*.yaml")} == untouched


VELORIA_RECORD = """meeting: uk-port-amsel-2027-05
held_on: 2027-05-12
sensitivity: restricted
commitments:
  - id: raise-detentions
    who: Embassy political officer
    what: Raise the Port Amsel detentions with the interior ministry
    by: 2027-06-30
    sensitivity: restricted
"""


def test_records_of_every_country_are_followed_up_and_answered_without_naming_the_country(tmp_path, cli, monkeypatch):
    briefs = two_country_tree(tmp_path / "briefs")
    meetings = briefs / "veloria" / "meetings"
    (meetings / "uk-port-amsel-2027-05.record.yaml").write_text(VELORIA_RECORD, encoding="utf-8")
    shutil.copy(EXAMPLE_RECORD, briefs / "kazakhstan" / "meetings")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1814400000")  # 2027-07-01: the commitment is overdue

    listed = cli("followups", "--briefs", str(briefs))
    letter = cli(
        "letter", str(meetings / "uk-port-amsel-2027-05.record.yaml"), "--briefs", str(briefs), "--out", str(tmp_path)
    )

    assert listed.exit_code == 1, listed.output  # overdue
    rows = [line.split() for line in listed.stdout.splitlines()[1:]]
    meetings_listed = {row[-1] for row in rows}
    assert meetings_listed == {"uk-port-amsel-2027-05", "uk-fcdo-london-2027-02"}  # both countries' records
    assert [row[1] for row in rows] == ["overdue"] * len(rows)
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)
    assert letter.exit_code == 0, letter.output
    assert any(tmp_path.glob("*_veloria_uk_*_letter.pdf"))


def test_every_country_of_one_command_renders_with_the_same_workers(tmp_path, cli, monkeypatch):
    import generator.render.pool as pool_module

    briefs = tmp_path / "briefs"
    shutil.copytree(VELORIA, briefs)
    shutil.copytree(VELORIA / "veloria", briefs / "ostland")
    (briefs / "ostland" / "country.yaml").write_text(
        (briefs / "veloria" / "country.yaml").read_text(encoding="utf-8").replace("id: veloria", "id: ostland"),
        encoding="utf-8",
    )
    shutil.rmtree(briefs / "ostland" / "meetings")
    pools = []
    started = pool_module.RenderPool.__init__

    def counted(self, *args, **kwargs):
        pools.append(self)
        started(self, *args, **kwargs)

    monkeypatch.setattr(pool_module.RenderPool, "__init__", counted)

    result = cli("generate", "--all", "--format", "docx", "--jobs", "2", "--briefs", briefs, "--out", tmp_path / "out")

    assert result.exit_code == 0, result.output
    assert {path.name.split("_")[1] for path in (tmp_path / "out").glob("*.docx")} == {"veloria", "ostland"}
    assert len(pools) == 1
