import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.runs import Runs
from tests.shared import Built

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
PROJECT = Path(__file__).parent.parent
BUNDLED_BRIEFS = PROJECT / "briefs"


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """One worker more than the cores: a third of the suite waits on child processes and the browser."""
    return len(os.sched_getaffinity(0)) + 1


def replace_in(path: Path, old: str, new: str) -> None:
    """Edit a knowledge-base file as a writer would: `old`, which must be there, becomes `new`, once."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def build_knowledge_base(destination: Path, scenario: Path | None = None) -> Path:
    """Copy the minimal knowledge base to `destination`, overlaid with a scenario's files.

    A scenario folder mirrors the knowledge-base tree; its `remove.txt` lists
    files to delete, and `expected.txt` is the test's, not the tree's.
    """
    shutil.copytree(FIXTURES / "minimal", destination)
    if scenario is not None:
        for path in sorted(scenario.rglob("*")):
            relative = path.relative_to(scenario)
            if path.is_dir() or relative.name in {"expected.txt", "remove.txt"}:
                continue
            (destination / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination / relative)
        removals = scenario / "remove.txt"
        if removals.exists():
            for line in removals.read_text().split():
                (destination / line).unlink()
    return destination


def withheld_case(name: str = "Quastik Vorlen", aliases: str = "") -> str:
    """A cases.yaml entry, id `blogger`, for a person no copy may name, citing the test base's report."""
    return f"""- id: blogger
  name: {name}
{f"  aliases: [{aliases}]{chr(10)}" if aliases else ""}  anonymised_as: a blogger
  may_name: false
  role: Blogger
  summary: Detained after a post.
  status: In detention
  as_of: 2021-07-22
  themes: [assembly]
  priority: high
  sources:
    - source: report-2021
      passage: five years
"""


@pytest.fixture
def minimal_kb(tmp_path: Path) -> Path:
    return build_knowledge_base(tmp_path / "briefs")


@pytest.fixture
def cli():
    from generator.cli import main

    def run(*args: str):
        return CliRunner().invoke(main, [str(arg) for arg in args])

    return run


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Built:
    """Briefings that tests in several modules only read, composed once for the run (tests/shared.py)."""
    own = tmp_path_factory.getbasetemp()
    # The workers of one run keep their temporary folders side by side; a run without workers has its own.
    return Built((own.parent if os.environ.get("PYTEST_XDIST_WORKER") else own) / "built")


@pytest.fixture
def runs(tmp_path):
    """`briefing` runs forked from one process that has imported the generator (tests/runs.py), on the build
    date 15 January 2027, with a run cache of their own."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1800000000", "NO_COLOR": "1", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    started = Runs(tmp_path, env)
    yield started
    started.close()


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Each test gets its own run cache, so no answer is carried over from another."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
