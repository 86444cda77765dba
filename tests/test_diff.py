import subprocess
from pathlib import Path

from .conftest import build_knowledge_base


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
    uk = lines[lines.index("uk: 3 change(s) to what this briefing says"):]
    assert "  ~ recommendations/free-protesters (reworded)" in uk
    assert "      now: Press for the release of peaceful protesters at the next ministerial meeting." in uk


def test_diff_against_a_git_revision(tmp_path: Path, cli, monkeypatch):
    old, new = make_pair(tmp_path)
    repo = tmp_path / "repo"
    briefs = repo / "briefs"
    old.rename(briefs.parent.mkdir() or briefs)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(git + ["init", "-q"], cwd=repo, check=True)
    subprocess.run(git + ["add", "."], cwd=repo, check=True)
    subprocess.run(git + ["commit", "-qm", "old"], cwd=repo, check=True)
    edit(briefs / "testland" / "facts.yaml", "in the capital.", "in the capital city.")
    monkeypatch.chdir(repo)

    result = cli("diff", "HEAD", "--briefs", "briefs")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "HEAD -> briefs: 0 added, 0 removed, 1 reworded"


def test_diff_of_something_that_is_neither_folder_nor_revision(tmp_path: Path, cli, minimal_kb):
    result = cli("diff", "no-such-thing", minimal_kb, "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert "'no-such-thing' is neither a knowledge-base folder nor a git revision" in result.stderr
