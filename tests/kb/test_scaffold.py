"""`briefing new`: a country's or a meeting's files pass `check` as written, and their examples work uncommented."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path

import pytest
import yaml

from generator.kb import model
from generator.kb.scaffold import ScaffoldRefused, new_country, new_meeting
from tests.conftest import BUNDLED_BRIEFS

ITEM_MODELS = {
    "facts.yaml": model.Fact,
    "cases.yaml": model.Case,
    "recommendations.yaml": model.Recommendation,
    "responses.yaml": model.Response,
}


def uncommented(text: str) -> str:
    """The file with every commented example put to use, as an author does: '# ' taken from each line
    of YAML, the [] of an empty list deleted. Comments in prose (no 'key:', '- ' or indent) stay."""
    lines = []
    for line in text.splitlines():
        if line == "[]":
            continue
        body = line.removeprefix("# ")
        lines.append(body if line.startswith("# ") and re.match(r" *(- |[a-z_]+:)| {2,}\S", body) else line)
    return "\n".join(lines) + "\n"


@pytest.fixture
def bundled_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(BUNDLED_BRIEFS, tmp_path / "briefs"))


def test_a_new_country_passes_check_as_written(minimal_kb, cli):
    started = new_country(minimal_kb, "freedonia", "Republic of Freedonia")

    assert [path.name for path in started.written] == [
        "country.yaml",
        "sources.yaml",
        "facts.yaml",
        "cases.yaml",
        "recommendations.yaml",
        "responses.yaml",
    ]
    assert not started.needs_audiences
    checked = cli("check", "--briefs", minimal_kb)
    assert checked.exit_code == 0, checked.output
    assert "Republic of Freedonia is valid (0 sources, 0 facts" in checked.stdout


def test_a_new_country_names_itself_with_its_article(minimal_kb):
    new_country(minimal_kb, "freedonia", "Republic of Freedonia")
    text = (minimal_kb / "freedonia" / "country.yaml").read_text(encoding="utf-8")

    assert text.startswith("# yaml-language-server: $schema=../../schemas/country.schema.json\n")
    country = model.Country.model_validate(yaml.safe_load(text))
    assert country.name_in_text == "the Republic of Freedonia"
    assert country.short_name == "Freedonia"
    assert country.prepared_by == "Test advocacy team"  # the team of the tree's other country


def test_a_country_without_a_name_is_named_from_its_id(minimal_kb):
    new_country(minimal_kb, "north-freedonia")
    country = yaml.safe_load((minimal_kb / "north-freedonia" / "country.yaml").read_text(encoding="utf-8"))

    assert (country["name"], country["name_in_text"]) == ("North Freedonia", "North Freedonia")


def test_every_example_of_a_new_country_is_valid_once_uncommented(minimal_kb):
    new_country(minimal_kb, "freedonia", "Republic of Freedonia")
    folder = minimal_kb / "freedonia"

    country = yaml.safe_load(uncommented((folder / "country.yaml").read_text(encoding="utf-8")))
    assert {"local_name", "names", "contact"} <= set(country)
    model.Country.model_validate(country)
    for name, item_model in ITEM_MODELS.items():
        text = (folder / name).read_text(encoding="utf-8")
        assert text.startswith(f"# yaml-language-server: $schema=../../schemas/{name.removesuffix('.yaml')}.schema")
        assert yaml.safe_load(text) == []
        [example] = yaml.safe_load(uncommented(text))
        item_model.model_validate(example)


def test_source_add_takes_the_place_of_an_empty_list(minimal_kb, cli, tmp_path):
    new_country(minimal_kb, "freedonia", "Republic of Freedonia")
    document = tmp_path / "statement.txt"
    document.write_text("The ministry detained forty protesters.\n", encoding="utf-8")

    added = cli(
        "source", "add", document, "--id", "ministry-statement", "--country", "freedonia", "--briefs", minimal_kb
    )

    assert added.exit_code == 0, added.output
    entries = yaml.safe_load((minimal_kb / "freedonia" / "sources.yaml").read_text(encoding="utf-8"))
    assert [entry["id"] for entry in entries] == ["ministry-statement"]


def test_a_new_country_in_an_empty_folder_starts_the_themes_too(tmp_path):
    started = new_country(tmp_path, "freedonia")

    assert tmp_path / "themes.yaml" in started.written
    assert started.needs_audiences
    [theme] = yaml.safe_load(uncommented((tmp_path / "themes.yaml").read_text(encoding="utf-8")))
    model.Theme.model_validate(theme)


def test_a_new_country_never_replaces_a_file(minimal_kb):
    (minimal_kb / "freedonia").mkdir()
    (minimal_kb / "freedonia" / "facts.yaml").write_text("[]\n", encoding="utf-8")

    with pytest.raises(ScaffoldRefused, match=r"freedonia/facts.yaml: already exists; edit it, or choose another id"):
        new_country(minimal_kb, "freedonia")
    assert sorted(path.name for path in (minimal_kb / "freedonia").iterdir()) == ["facts.yaml"]


def test_an_invalid_id_is_refused_with_one_that_would_do(minimal_kb):
    with pytest.raises(ScaffoldRefused, match=r"'Free Donia' is not a valid country id; .* e\.g\. 'free-donia'"):
        new_country(minimal_kb, "Free Donia")


def test_a_new_meeting_passes_check_as_written_and_with_its_examples(bundled_copy, cli):
    path = new_meeting(bundled_copy, "kazakhstan", "uk", datetime.date(2027, 3, 1))

    assert path == bundled_copy / "kazakhstan" / "meetings" / "uk-2027-03-01.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../schemas/meeting.schema.json\n")
    meeting = model.Meeting.model_validate(yaml.safe_load(text))
    assert meeting.title == "Meeting with Foreign, Commonwealth and Development Office officials"
    assert "human rights situation in the Republic of Kazakhstan" in meeting.purpose
    checked = cli("check", "--briefs", bundled_copy)
    assert checked.exit_code == 0, checked.output
    assert "uk-2027-03-01" not in checked.output

    path.write_text(uncommented(text), encoding="utf-8")
    frame = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert {"objective", "agenda", "attendees", "logistics", "positions", "previous_commitments"} <= set(frame)
    checked = cli("check", "--briefs", bundled_copy)
    assert checked.exit_code == 0, checked.output
    assert "uk-2027-03-01" not in checked.output


def test_a_new_meeting_never_replaces_a_file(bundled_copy):
    path = new_meeting(bundled_copy, "kazakhstan", "uk", datetime.date(2027, 3, 1), title="First")

    with pytest.raises(ScaffoldRefused, match=r"uk-2027-03-01\.yaml: already exists; edit it, or give the new meeting"):
        new_meeting(bundled_copy, "kazakhstan", "uk", datetime.date(2027, 3, 1), title="Second")
    assert "title: First" in path.read_text(encoding="utf-8")


def test_a_new_meeting_names_a_known_audience(bundled_copy):
    with pytest.raises(
        ScaffoldRefused, match=r"no audience 'uk-fcdo' \(audiences: ebrd, eu, lender, uk, us, world-bank\)"
    ):
        new_meeting(bundled_copy, "kazakhstan", "uk-fcdo", datetime.date(2027, 3, 1))


@pytest.mark.parametrize(
    ("name", "in_text"),
    [
        ("Republic of Freedonia", "the Republic of Freedonia"),
        ("United Kingdom", "the United Kingdom"),
        ("Russian Federation", "the Russian Federation"),
        ("Netherlands", "the Netherlands"),
        ("The Gambia", "The Gambia"),
        ("Kazakhstan", "Kazakhstan"),
        ("Bosnia and Herzegovina", "Bosnia and Herzegovina"),
    ],
)
def test_english_running_text_gives_a_state_its_article(name: str, in_text: str):
    country = model.Country(id="x", name=name, prepared_by="Team")

    assert country.name_in_text_in("en-GB") == in_text
    assert country.name_in_text_in("fr") == name  # other languages write their own names


def test_an_explicit_name_in_text_is_kept():
    country = model.Country(id="x", name="Republic of Freedonia", name_in_text="Freedonia", prepared_by="Team")

    assert country.name_in_text_in("en-US") == "Freedonia"
