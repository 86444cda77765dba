"""`check` reports every independent problem in one run, sums up its warnings by kind, and
shows one kind with --only without hiding that the knowledge base is broken."""

from pathlib import Path

import pytest

from generator.check.validate import load_knowledge_base
from generator.core.errors import InputError
from generator.core.kinds import KINDS
from tests.check.test_bad_input import SCENARIOS
from tests.conftest import BUNDLED_BRIEFS, build_knowledge_base

FACT = """- id: {id}
  text: {text}
  themes: [{theme}]
  as_of: 2021-07-22
  priority: {priority}
  sources:
    - source: {source}
      passage: detained 40 protesters
"""


def fact(item_id: str, text="Police detained 40 protesters.", theme="assembly", priority="high", source="report-2021"):
    return FACT.format(id=item_id, text=text, theme=theme, priority=priority, source=source)


def line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.fixture
def facts(minimal_kb: Path) -> Path:
    return minimal_kb / "testland" / "facts.yaml"


def test_four_typos_in_facts_yaml_are_reported_in_one_run_each_at_its_line(minimal_kb: Path, facts: Path, cli):
    facts.write_text(
        facts.read_text()
        + fact("protest-fines", text="Courts: fined protesters.")
        + fact("protest-curfew", priority="urgent")
        + fact("protest-detentions", source="report-2012")
        + fact("protest-bans", theme="asembly")
    )

    result = cli("check", "--briefs", minimal_kb)

    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        f"{facts}:{line_of(facts, 'Courts: fined')}: YAML syntax error: unexpected ':'; check this line's "
        "indentation, and put text that contains ': ' in quotes",
        f"{facts}:{line_of(facts, 'urgent')}: priority: input should be 'high', 'medium' or 'low'",
        f"{facts}:{line_of(facts, 'report-2012')}: unknown source 'report-2012'; did you mean 'report-2021'? "
        "If not, define it in sources.yaml",
        f"{facts}:{line_of(facts, 'asembly')}: unknown theme 'asembly'; did you mean 'assembly'? If not, define "
        "it in themes.yaml",
        "4 problems found.",
    ]


def test_an_item_with_a_wrong_field_still_has_its_ids_checked_but_not_those_of_the_wrong_field(
    minimal_kb: Path, facts: Path, cli
):
    facts.write_text(facts.read_text() + fact("protest-fines", priority="urgent", source="report-2012"))
    facts.write_text(facts.read_text() + fact("protest-bans", theme="Assembly Rights"))

    result = cli("check", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{facts}:{line_of(facts, 'urgent')}: priority: input should be 'high', 'medium' or 'low'",
        f"{facts}:{line_of(facts, 'report-2012')}: unknown source 'report-2012'; did you mean 'report-2021'? "
        "If not, define it in sources.yaml",
        f"{facts}:{line_of(facts, 'Assembly Rights')}: themes: 'Assembly Rights' is not a valid id; use "
        "lower-case letters, digits and hyphens, e.g. 'assembly-rights'",
        "3 problems found.",
    ]


def test_each_broken_entry_of_a_list_file_is_reported_and_the_ids_of_the_others_are_known(
    minimal_kb: Path, facts: Path, cli
):
    facts.write_text(
        facts.read_text() + fact("protest-fines", text="Courts: fined protesters.") + fact("protest-bans", text="[a")
    )
    responses = minimal_kb / "testland" / "responses.yaml"
    # A fact whose entry is broken, or one that read, is no unknown id; a misspelt one still is.
    responses.write_text(responses.read_text() + "  rebuts: [protest-fines, protest-arrests, protest-arrest]\n")

    result = cli("check", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert [line.split(": ", 1)[0] for line in result.stderr.splitlines()] == [
        f"{facts}:{line_of(facts, 'Courts: fined')}",
        f"{facts}:{line_of(facts, 'text: [a')}",
        f"{responses}:{line_of(responses, 'rebuts')}",
        "3 problems found.",
    ]
    assert "unknown fact 'protest-arrest'; did you mean 'protest-arrests'?" in result.stderr


def test_a_country_whose_id_differs_from_its_folder_is_refused_at_the_id(tmp_path: Path, cli):
    briefs = build_knowledge_base(tmp_path / "briefs")
    (briefs / "testland").rename(briefs / "veloria-test")
    country = briefs / "veloria-test" / "country.yaml"
    country.write_text(country.read_text().replace("id: testland", "id: freedonia"))

    result = cli("check", "--briefs", briefs, "--only", "layout")

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{country}:1: id 'freedonia' differs from the name of its folder (veloria-test/); rename the folder or the id",
        "2 problems found; 1 of other kinds not shown (reference).",
    ]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[path.name for path in SCENARIOS])
def test_every_problem_has_a_kind(scenario: Path, tmp_path: Path):
    briefs = build_knowledge_base(tmp_path / "briefs", scenario)

    with pytest.raises(InputError) as raised:
        load_knowledge_base(briefs)

    assert {diagnostic.kind for diagnostic in raised.value.diagnostics} <= set(KINDS)


def test_only_shows_the_errors_of_its_kinds_and_counts_the_others(minimal_kb: Path, facts: Path, cli):
    facts.write_text(facts.read_text() + fact("protest-fines", priority="urgent") + fact("protest-bans", theme="x"))

    result = cli("check", "--briefs", minimal_kb, "--only", "reference")

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{facts}:{line_of(facts, '[x]')}: unknown theme 'x'; define it in themes.yaml or fix the spelling",
        "2 problems found; 1 of other kinds not shown (field).",
    ]


def test_an_unknown_kind_is_a_usage_error_listing_the_kinds(minimal_kb: Path, cli):
    result = cli("check", "--briefs", minimal_kb, "--only", "stail")

    assert result.exit_code == 2
    assert "Invalid value for '--only': 'stail' is not one of" in result.stderr
    assert all(f"'{kind}'" in result.stderr for kind in KINDS)


@pytest.fixture
def dated(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01


def test_the_warnings_are_summed_up_by_kind_with_the_next_step(dated, cli):
    result = cli("check", "--briefs", BUNDLED_BRIEFS)

    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    summary = lines[lines.index("Warnings by kind (--only KIND shows one kind):") + 1 :]
    assert summary == [
        "  stale: 44 facts older than 3 years (stale_after_days in country.yaml): expected for facts dated "
        "2015-2021; update them or mark them historical",
        "  review: 20 facts past their review date: review them and move review_by on",
        "  unrebutted: 5 items resting only on government sources that no response rebuts, so no briefing shows "
        "them: list each in the rebuts of the response that answers it",
        "  name-list: 4 cases named only in a list: cite a passage about the person or leave the case out",
    ]
    assert len(lines) == 73 + 1 + len(summary)
    assert "; 73 warnings)." in result.stdout


def test_only_shows_the_warnings_of_its_kinds_and_their_summary(dated, cli):
    result = cli("check", "--briefs", BUNDLED_BRIEFS, "--only", "review", "--only", "name-list")

    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 20 + 4 + 3
    assert sum("was due for review on" in line and "; review it and move review_by on" in line for line in lines) == 20
    assert sum("names the person only in a list" in line for line in lines) == 4
    assert [line.split(":")[0] for line in lines[-2:]] == ["  review", "  name-list"]
    assert "; 73 warnings, 24 shown with --only)." in result.stdout


def test_strict_counts_every_warning_whatever_only_shows(dated, cli):
    result = cli("check", "--strict", "--briefs", BUNDLED_BRIEFS, "--only", "name-list")

    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "73 warnings, fatal with --strict."
