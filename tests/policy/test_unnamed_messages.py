"""No message spells the name of a person a public copy may not name: ids, values and field
names that spell it are reported by file:line, saying what to fix, and never repeated."""

import datetime
import re
import shutil
import tempfile
from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from tests.conftest import build_knowledge_base, withheld_case

WITHHELD_CASE = withheld_case()
TOKENS = ("quastik", "vorlen")
LABEL = "the case at cases.yaml:17"
DUE = datetime.date(2022, 1, 1)


def fact(fact_id: str, **fields: object) -> str:
    entry = {
        "id": fact_id,
        "text": "A blogger was detained.",
        "themes": ["assembly"],
        "as_of": datetime.date(2021, 7, 22),
        "priority": "high",
        "sources": [{"source": "report-2021", "passage": "detained 40 protesters"}],
        **fields,
    }
    return yaml.safe_dump([entry], allow_unicode=True, sort_keys=False)


def knowledge_base(folder: Path, *facts: str, case: str = WITHHELD_CASE) -> Path:
    """The minimal knowledge base with a person who may not be named, and `facts` added."""
    briefs = build_knowledge_base(folder / "briefs")
    country = briefs / "testland"
    with (country / "cases.yaml").open("a", encoding="utf-8") as cases:
        cases.write(case)
    with (country / "facts.yaml").open("a", encoding="utf-8") as written:
        written.write("".join(facts))
    return briefs


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(arg) for arg in args])
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout + result.stderr


def line_of(path: Path, text: str, occurrence: int = 1) -> int:
    lines = [number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    return lines[occurrence - 1]


def assert_unnamed(output: str) -> None:
    for token in TOKENS:
        assert token not in output.lower(), output


def test_a_fact_whose_id_names_the_person_is_reported_by_its_line(tmp_path: Path):
    briefs = knowledge_base(tmp_path, fact("quastikov-detention", review_by=DUE))
    facts = briefs / "testland" / "facts.yaml"

    status, output = run("check", "--briefs", briefs)

    assert status == 0
    assert_unnamed(output)
    assert (
        f"{facts}:{line_of(facts, 'quastikov-detention')}: warning: fact [name withheld] was due for review on "
        f"2022-01-01; review it and move review_by on ([name withheld]: its id names a person who may not be named ({LABEL}); rename the id and "
        "every reference to it)"
    ) in output


def test_a_duplicate_id_that_names_the_person_is_not_repeated(tmp_path: Path):
    briefs = knowledge_base(tmp_path, fact("quastikov-detention"), fact("quastikov-detention"))
    facts = briefs / "testland" / "facts.yaml"

    status, output = run("check", "--briefs", briefs)

    assert status == 2
    assert_unnamed(output)
    first, second = line_of(facts, "quastikov-detention"), line_of(facts, "quastikov-detention", 2)
    assert (
        f"{facts}:{second}: duplicate id [name withheld] (first defined at {facts}:{first}); rename one "
        f"([name withheld]: its id names a person who may not be named ({LABEL}); rename the id and every "
        "reference to it)"
    ) in output


def test_a_value_that_is_not_a_date_is_not_echoed_when_it_names_the_person(tmp_path: Path):
    briefs = knowledge_base(tmp_path, fact("detention", as_of="Vorlen's arrest"))
    facts = briefs / "testland" / "facts.yaml"

    status, output = run("check", "--briefs", briefs)

    assert status == 2
    assert_unnamed(output)
    line = line_of(facts, "Vorlen's arrest")
    assert f"{facts}:{line}: as_of: [name withheld] is not a date; write it as YYYY-MM-DD" in output
    assert f"([name withheld]: the value at this line names a person who may not be named ({LABEL}))" in output


def test_an_unknown_field_that_names_the_person_is_not_echoed(tmp_path: Path):
    briefs = knowledge_base(tmp_path, fact("detention", quastik="yes"))
    facts = briefs / "testland" / "facts.yaml"

    status, output = run("check", "--briefs", briefs)

    assert status == 2
    assert_unnamed(output)
    assert f"{facts}:{line_of(facts, 'yes')}: unknown field [name withheld]; allowed: id, themes," in output
    assert f"([name withheld]: the field name at this line names a person who may not be named ({LABEL}))" in output


def test_a_reference_to_an_id_that_names_the_person_says_where_that_id_is(tmp_path: Path):
    briefs = knowledge_base(tmp_path, fact("quastikov-detention"))
    meeting = briefs / "testland" / "meetings" / "uk-visit.yaml"
    meeting.write_text(meeting.read_text().replace("include: [doe]", "include: [quastikov-detentoin]"))

    status, output = run("check", "--briefs", briefs)

    assert status == 2
    assert_unnamed(output)
    assert f"{meeting}:{line_of(meeting, 'include')}: unknown fact, case, recommendation or response" in output
    assert "the id of the fact at facts.yaml:19 names a person who may not be named" in output


def test_a_case_that_fails_validation_still_keeps_its_name_out(tmp_path: Path):
    broken = WITHHELD_CASE.replace("  role: Blogger\n", "  rol: Blogger\n")
    briefs = knowledge_base(tmp_path, fact("quastikov-detention"), fact("quastikov-detention"), case=broken)

    status, output = run("check", "--briefs", briefs)

    assert status == 2
    assert_unnamed(output)
    assert "unknown field 'rol'; did you mean 'role'?" in output
    assert f"its id names a person who may not be named ({LABEL})" in output


def test_a_cases_file_that_is_not_yaml_still_keeps_every_name_in_it_out(tmp_path: Path):
    broken = WITHHELD_CASE + "  aliases:\n    - Kvastik\n- id: x\n  name: [unclosed\n"
    added = (fact("quastikov-detention"), fact("quastikov-detention"), fact("kvastik-trial"), fact("kvastik-trial"))
    briefs = knowledge_base(tmp_path, *added, case=broken)
    cases = briefs / "testland" / "cases.yaml"

    status, output = run("check", "--briefs", briefs)

    assert status == 2
    assert_unnamed(output)
    assert "kvastik" not in output.lower()
    assert f"{cases}:{line_of(cases, '[unclosed')}: YAML syntax error" in output
    # The case before the broken entry is read as written, so it is named by its first line.
    assert output.count("its id names a person who may not be named (the case at cases.yaml:17)") == 2


def test_generate_reports_input_errors_and_warnings_without_the_name(tmp_path: Path):
    due = knowledge_base(tmp_path / "due", fact("quastikov-detention", review_by=DUE))
    duplicate = knowledge_base(tmp_path / "duplicate", fact("quastikov-detention"), fact("quastikov-detention"))

    written, warned = run("generate", "--audience", "uk", "--format", "docx", "--briefs", due, "--out", tmp_path / "a")
    refused, errors = run("generate", "--audience", "uk", "--briefs", duplicate, "--out", tmp_path / "b")

    assert written == 0 and "warning: fact [name withheld] was due for review" in warned
    assert refused == 2 and "duplicate id [name withheld]" in errors
    assert_unnamed(warned + errors)
    assert not (tmp_path / "b").exists()


def test_a_meeting_file_read_from_elsewhere_is_reported_without_the_name(tmp_path: Path):
    briefs = knowledge_base(tmp_path, fact("quastikov-detention"))
    meeting = tmp_path / "visit.yaml"
    meeting.write_text(
        (briefs / "testland" / "meetings" / "uk-visit.yaml")
        .read_text()
        .replace("id: uk-visit", "id: uk-visit-2")
        .replace("include: [doe]", "include: [quastikov-detentoin]")
    )

    status, output = run("generate", meeting, "--briefs", briefs, "--out", tmp_path / "out")

    assert status == 2
    assert_unnamed(output)
    assert f"{meeting}:{line_of(meeting, 'include')}: unknown fact, case, recommendation or response" in output


# Text around the name: letters, digits, spaces and punctuation, parted from it as words are.
AROUND = st.text(st.characters(codec="utf-8", categories=["L", "N", "Zs", "P"]), max_size=8)
APART = st.sampled_from([" ", "-", "/", ", ", " (", ") ", ". ", "'", '"'])
SPELLINGS = st.sampled_from(["Quastik", "Vorlen", "QUASTIK", "Quastik Vorlen", "Vorlen's", "quastikov", "VORLEN Q."])
ID_PART = st.from_regex(r"[a-z0-9]{1,5}", fullmatch=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    where=st.sampled_from(["as_of", "review_by", "key", "duplicate id", "due id"]),
    before=st.tuples(AROUND, APART),
    spelling=SPELLINGS,
    after=st.tuples(APART, AROUND),
    id_parts=st.tuples(ID_PART, ID_PART),
)
def test_no_message_spells_a_withheld_name_whatever_surrounds_it(where, before, spelling, after, id_parts):
    value = "".join([*before, spelling, *after])
    fact_id = "-".join([id_parts[0], re.sub(r"[^a-z]+", "-", spelling.lower()).strip("-"), id_parts[1]])
    added = {
        "as_of": [fact("detention", as_of=value)],
        "review_by": [fact("detention", review_by=value)],
        "key": [fact("detention", **{value: "yes"})],
        "duplicate id": [fact(fact_id), fact(fact_id)],
        "due id": [fact(fact_id, review_by=DUE)],
    }[where]
    folder = Path(tempfile.mkdtemp())
    try:
        briefs = knowledge_base(folder, *added)
        facts = briefs / "testland" / "facts.yaml"

        _status, output = run("check", "--briefs", briefs)
    finally:
        shutil.rmtree(folder)

    assert_unnamed(output)
    assert re.search(rf"{re.escape(str(facts))}:\d+: ", output), output
