import subprocess
from pathlib import Path

from tests.conftest import build_knowledge_base


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


NEW_FACT = """- id: new-arrests
  text: Police detained 12 more protesters.
  themes: [assembly]
  as_of: 2021-07-22
  priority: high
  sources:
    - source: report-2021
      passage: detained 12 more
"""


def make_pair(tmp_path: Path) -> tuple[Path, Path]:
    old = build_knowledge_base(tmp_path / "old")
    new = build_knowledge_base(tmp_path / "new")
    edit(new / "testland" / "facts.yaml", "in the capital.", "in the capital city.")
    (new / "testland" / "facts.yaml").write_text((new / "testland" / "facts.yaml").read_text() + NEW_FACT)
    edit(new / "testland" / "recommendations.yaml", "uk: Raise the release", "uk: Press for the release")
    return old, new


def test_diff_lists_added_and_reworded_items_overall_and_per_audience(tmp_path: Path, cli):
    old, new = make_pair(tmp_path)

    result = cli("diff", old, new, "--briefs", new)

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{old} -> {new}: 1 added, 0 removed, 1 reworded"
    assert "  + facts/new-arrests (added)" in lines
    assert "  ~ facts/protest-arrests (reworded)" in lines
    uk = lines[lines.index("uk: 3 change(s) to what this briefing says") :]
    assert "  ~ recommendations/free-protesters (reworded)" in uk
    assert "      now: Press for the release of peaceful protesters at the next ministerial meeting." in uk


def test_diff_against_a_git_revision(tmp_path: Path, cli, monkeypatch):
    old, _new = make_pair(tmp_path)
    repo = tmp_path / "repo"
    briefs = repo / "briefs"
    old.rename(briefs.parent.mkdir() or briefs)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "old"], cwd=repo, check=True)
    edit(briefs / "testland" / "facts.yaml", "in the capital.", "in the capital city.")
    monkeypatch.chdir(repo)

    result = cli("diff", "HEAD", "--briefs", "briefs")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "HEAD -> briefs: 0 added, 0 removed, 1 reworded"


def test_diff_of_something_that_is_neither_folder_nor_revision(tmp_path: Path, cli, minimal_kb):
    result = cli("diff", "no-such-thing", minimal_kb, "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert "'no-such-thing' is neither a knowledge-base folder nor a git revision" in result.stderr


SECRET_FACT = """- id: quastik-detained
  text: Police detained Vorlen Quastik at the border.
  themes: [assembly]
  as_of: 2021-07-22
  priority: high
  sources:
    - source: report-2021
      passage: detained at the border
- id: informant-report
  text: An informant reported 12 more arrests.
  themes: [assembly]
  as_of: 2021-07-22
  priority: high
  sensitivity: confidential
  sources:
    - source: report-2021
      passage: detained 12 more
"""

WITHHELD_CASE = """- id: quastik
  name: Vorlen Quastik
  anonymised_as: a border guard
  may_name: false
  role: Whistle-blower
  summary: Detained after speaking to the press.
  status: In detention
  as_of: 2021-07-22
  themes: [assembly]
  priority: high
  sources:
    - source: report-2021
      passage: five years
"""


def make_confidential_pair(tmp_path: Path) -> tuple[Path, Path]:
    old = build_knowledge_base(tmp_path / "old")
    new = build_knowledge_base(tmp_path / "new")
    for kb in (old, new):
        cases = kb / "testland" / "cases.yaml"
        cases.write_text(cases.read_text() + WITHHELD_CASE)
    facts = new / "testland" / "facts.yaml"
    facts.write_text(facts.read_text() + SECRET_FACT + NEW_FACT)
    edit(new / "testland" / "cases.yaml", "status: In detention", "status: Released on bail")
    return old, new


def test_diff_never_prints_what_the_level_may_not_show_only_counts_it(tmp_path: Path, cli):
    old, new = make_confidential_pair(tmp_path)

    result = cli("diff", old, new, "--briefs", new)

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{old} -> {new}: 1 added, 0 removed, 0 reworded"
    assert "  + facts/new-arrests (added)" in lines
    assert "  3 changes not shown at the public distribution level" in lines
    assert "quastik" not in result.output.lower()
    assert "informant" not in result.output.lower()
    assert "released on bail" not in result.output.lower()


def test_diff_at_a_higher_level_shows_what_that_level_may_show(tmp_path: Path, cli):
    old, new = make_confidential_pair(tmp_path)

    result = cli("diff", old, new, "--briefs", new, "--distribution", "confidential")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  + facts/informant-report (added)" in lines
    # A person who may not be named is withheld at every level, id and all.
    assert "  2 changes not shown at the confidential distribution level" in lines
    assert "quastik" not in result.output.lower()
