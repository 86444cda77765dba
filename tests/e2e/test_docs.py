"""The README stays a short way in: its set-up commands are CI's, its links land, its commands exist.

The documentation site itself is built with `mkdocs build --strict` by
`scripts/lint`, which checks every link between the pages; these tests read
only the README, so they take no time.
"""

import re
import shlex
import unicodedata
from pathlib import Path

import click
import pytest

from generator.cli import main

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
INSTALL_AND_GENERATE = "scripts/bootstrap && .venv/bin/briefing generate --all"


def readme() -> str:
    return README.read_text(encoding="utf-8")


def ci_test_command() -> str:
    """The command `.ci/run` runs after checking the wheel: the README's second set-up command."""
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    return lines[-1]


def fenced_blocks(text: str) -> list[str]:
    return re.findall(r"(?ms)^```[^\n]*\n(.*?)^```", text)


def outside_fences(text: str) -> str:
    return re.sub(r"(?ms)^```[^\n]*\n.*?^```", "", text)


def slug(heading: str) -> str:
    """The anchor MkDocs (Python-Markdown's toc) gives a heading."""
    text = re.sub(r"[`*]", "", heading)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def anchors(page: Path) -> set[str]:
    headings = re.findall(r"(?m)^#{1,6} (.+?)\s*$", outside_fences(page.read_text(encoding="utf-8")))
    return {slug(heading) for heading in headings}


def command_lines(text: str) -> list[str]:
    """Every piece of code that runs `briefing`: commands in code blocks (without prompt or comment) and code spans."""
    code = []
    for block in fenced_blocks(text):
        lines = block.splitlines()
        prompted = [line.removeprefix("$ ") for line in lines if line.startswith("$ ")]
        code += prompted or lines
    code += re.findall(r"`([^`\n]+)`", outside_fences(text))
    code = [re.sub(r"(^|\s)#.*", "", line) for line in code]
    return [line for line in code if re.search(r"(^|[\s/])briefing ", line)]


def test_readme_fits_on_two_screens():
    assert len(readme().splitlines()) <= 150


def test_readme_holds_the_two_set_up_commands_as_ci_runs_them():
    lines = readme().splitlines()

    assert ci_test_command() == "scripts/bootstrap && scripts/lint && .venv/bin/pytest"
    assert ci_test_command() in lines
    assert INSTALL_AND_GENERATE in lines


def test_every_page_the_readme_links_exists_with_its_heading():
    links = [target for target in re.findall(r"\]\(([^)\s]+)\)", readme()) if "://" not in target]
    assert any(target.startswith("docs/") for target in links)

    for target in links:
        path, _, anchor = target.partition("#")
        page = ROOT / path
        assert page.is_file(), f"README links to {path}, which does not exist"
        if anchor:
            assert anchor in anchors(page), f"README links to {target}: {path} has no such heading"


def test_every_docs_page_is_linked_from_the_readme():
    linked = set(re.findall(r"\]\((docs/[^)#\s]+)", readme()))

    assert linked == {f"docs/{page.name}" for page in (ROOT / "docs").glob("*.md")}


def test_every_briefing_command_in_the_readme_exists():
    lines = command_lines(readme())
    assert len(lines) >= 6

    for line in lines:
        words = shlex.split(line[re.search(r"(^|[\s/])briefing ", line).end() :])
        command: click.Command = main
        context = click.Context(main, info_name="briefing")
        while isinstance(command, click.Group) and words and not words[0].startswith("-"):
            name = words.pop(0)
            found = command.get_command(context, name)
            assert found is not None, f"README runs `briefing … {name}`, which is not a command: {line}"
            command = found
        known = {option for parameter in command.params for option in getattr(parameter, "opts", [])}
        for word in words:
            if word.startswith("--"):
                assert word.split("=")[0] in known, (
                    f"README passes {word} to `{command.name}`, which has no such option"
                )


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Adding a source and citing from it", "adding-a-source-and-citing-from-it"),
        ("`<country>/meetings/<id>.yaml`", "countrymeetingsidyaml"),
        ('`responses.yaml` ("if raised")', "responsesyaml-if-raised"),
        ("Checking a folder: `briefing verify`", "checking-a-folder-briefing-verify"),
    ],
)
def test_anchors_are_the_ones_mkdocs_gives(heading, anchor):
    assert slug(heading) == anchor
