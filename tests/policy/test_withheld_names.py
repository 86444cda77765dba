"""A person who may not be named appears nowhere in a copy, and `check` says so
beforehand: each test here reproduces one way a name once got through, or an
item vanished without a word."""

import datetime
import json
import unicodedata
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.api import load_knowledge_base
from generator.kb import model
from generator.select.selection import select
from tests.select.test_diff import edit

TODAY = datetime.date(2026, 11, 25)
WITHHELD = "the case at cases.yaml:1"


@pytest.fixture(autouse=True)
def build_date(monkeypatch):
    """1 January 2026: before any fact of the minimal base goes stale."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


@pytest.fixture
def kb_dir(minimal_kb: Path) -> Path:
    """The minimal knowledge base with its one person, Jan Doe, no longer to be named."""
    edit(minimal_kb / "testland" / "cases.yaml", "may_name: true", "may_name: false")
    return minimal_kb


def check(cli, briefs: Path):
    result = cli("check", "--briefs", briefs)
    return result, [line.removeprefix(f"{briefs}/") for line in result.stderr.splitlines()]


def everything_written(out: Path) -> str:
    """Every file name, PDF text, metadata and link, DOCX part and manifest value under `out`."""
    parts = [path.name for path in out.iterdir()]
    for path in out.glob("*.pdf"):
        reader = PdfReader(path)
        parts += [page.extract_text() for page in reader.pages]
        parts += [str(value) for value in (reader.metadata or {}).values()]
        parts += [
            str(annotation.get_object().get("/A", {}).get("/URI"))
            for page in reader.pages
            for annotation in page.get("/Annots") or ()
        ]
    for path in out.glob("*.docx"):
        with zipfile.ZipFile(path) as archive:
            parts += [archive.read(name).decode("utf-8") for name in archive.namelist()]
    if (out / "manifest.json").exists():
        parts.append((out / "manifest.json").read_text())
    return "\n".join(parts).lower()


@pytest.mark.parametrize(
    "written",
    [
        unicodedata.normalize("NFD", "Jan Doé"),  # a combining accent
        "Jan Döe",  # an added accent
        "Ｊａｎ Ｄｏｅ",  # fullwidth letters
        "Jan Dое",  # Cyrillic о and е
        "Ян Дое",  # transliterated into Cyrillic
        "Doe's",
    ],
)
def test_a_disguised_name_in_an_item_leaves_the_item_out(kb_dir: Path, written: str):
    edit(
        kb_dir / "testland" / "facts.yaml",
        "text: Police detained 40 protesters in the capital.",
        f"text: Police detained {written} and 40 protesters in the capital.",
    )
    kb = load_knowledge_base(kb_dir, today=TODAY).kb

    selection = select(kb, kb.audiences["uk"])

    assert [fact.id for fact in selection.talking_points + selection.background] == ["offshore-wealth"]


def test_a_name_ending_in_jr_is_withheld(kb_dir: Path, cli):
    edit(kb_dir / "testland" / "cases.yaml", "name: Jan Doe", "name: Jan Doe Jr.")
    edit(
        kb_dir / "testland" / "facts.yaml",
        "text: Police detained 40 protesters in the capital.",
        "text: Police detained Jan Doe Jr. and 40 protesters in the capital.",
    )
    kb = load_knowledge_base(kb_dir, today=TODAY).kb

    selection = select(kb, kb.audiences["uk"])

    assert "protest-arrests" not in [fact.id for fact in selection.talking_points + selection.background]


def test_a_name_written_surname_first_in_capitals_withholds_the_surname(kb_dir: Path):
    edit(kb_dir / "testland" / "cases.yaml", "name: Jan Doe", "name: QUASTIK Vorlen")
    edit(
        kb_dir / "testland" / "facts.yaml",
        "text: Police detained 40 protesters in the capital.",
        "text: Quastik was detained with 40 protesters in the capital.",
    )
    kb = load_knowledge_base(kb_dir, today=TODAY).kb

    selection = select(kb, kb.audiences["uk"])

    assert "protest-arrests" not in [fact.id for fact in selection.talking_points + selection.background]


def test_check_names_each_field_that_names_a_withheld_person_and_generate_prints_the_same(
    kb_dir: Path, cli, tmp_path: Path
):
    edit(
        kb_dir / "testland" / "facts.yaml",
        "text: Police detained 40 protesters in the capital.",
        "text: Police detained Doe's brother and 40 protesters in the capital.",
    )
    edit(kb_dir / "testland" / "sources.yaml", "  kind: op-ed\n", "  kind: op-ed\n  url: https://example.org/doe\n")

    result, lines = check(cli, kb_dir)

    assert result.exit_code == 0, result.output
    assert lines == [
        "testland/cases.yaml:1: warning: token 1 of the name and every token of aliases[0] identify this person "
        "only together with another part of the name (an initial, title, particle, short or ordinary word "
        "identifies no one alone); add `aliases` for any short form the team uses",
        "testland/facts.yaml:2: warning: text names a person who may not be named (the case at cases.yaml:1), "
        "so this fact is left out of every copy",
        "testland/facts.yaml:9: warning: no copy can cite any source of this fact (each is above the copy's level "
        "or names a person it may not name), so the fact is left out of every copy",
        "testland/responses.yaml:6: warning: no copy can cite every source of this claim, so the response is left "
        "out of every copy",
        "testland/sources.yaml:15: warning: url names a person who may not be named (the case at cases.yaml:1), "
        "so no copy can cite this source",
        "Warnings by kind (--only KIND shows one kind):",
        "  withheld: 4 texts or items some copies leave out, as they name a person those copies may not name or "
        "cite a source above them: reword them, or let those copies go without them",
        "  weak-name: 1 withheld name with parts that identify no one alone: add aliases for the short forms the "
        "team uses",
    ]
    generated = cli("generate", "--audience", "uk", "--out", tmp_path / "out", "--briefs", kb_dir)
    assert generated.exit_code == 0, generated.output
    # The same warnings, without the summary only `check` prints after them.
    assert [line.removeprefix(f"{kb_dir}/") for line in generated.stderr.splitlines()] == lines[:-3]
    written = everything_written(tmp_path / "out")
    assert "doe" not in written
    assert "police detained" not in written and "officials held property" not in written


def test_a_level_dependent_person_is_left_out_only_below_their_case_level(kb_dir: Path, cli):
    edit(kb_dir / "testland" / "cases.yaml", "may_name: false", "may_name: true\n  sensitivity: restricted")
    edit(
        kb_dir / "testland" / "facts.yaml",
        "text: Officials held property abroad.",
        "text: Officials close to Doe held property abroad.",
    )
    kb = load_knowledge_base(kb_dir, today=TODAY).kb

    _result, lines = check(cli, kb_dir)

    assert (
        "testland/facts.yaml:10: warning: text names a person who may not be named (the case at cases.yaml:1), "
        "so this fact is left out of public copies"
    ) in lines
    public = select(kb, kb.audiences["uk"])
    restricted = select(kb, kb.audiences["uk"], level=model.Sensitivity.RESTRICTED)
    assert "offshore-wealth" not in [fact.id for fact in public.talking_points]
    assert "offshore-wealth" in [fact.id for fact in restricted.talking_points]


@pytest.mark.parametrize(
    "scenario, edits, message",
    [
        (
            "a source url",
            [
                (
                    "testland/sources.yaml",
                    "  kind: ngo-report\n",
                    "  kind: ngo-report\n  url: https://example.org/jan-doe\n",
                )
            ],
            "not a citable source",
        ),
        (
            "a link target in the meeting purpose",
            [
                (
                    "testland/meetings/uk-visit.yaml",
                    "purpose: Press for the release of protesters.",
                    "purpose: Press for [their release](https://example.org/doe).",
                )
            ],
            "purpose names a person",
        ),
        ("the meeting id", [("testland/meetings/uk-visit.yaml", "id: uk-visit", "id: uk-doe")], "id names a person"),
        (
            "prepared_by",
            [("testland/country.yaml", "prepared_by: Test advocacy team", "prepared_by: Doe family")],
            "prepared_by names a person",
        ),
    ],
)
def test_no_field_lets_a_name_through(kb_dir: Path, cli, tmp_path: Path, scenario, edits, message):
    for file, old, new in edits:
        edit(kb_dir / file, old, new)
    out = tmp_path / "out"

    result, lines = check(cli, kb_dir)
    generated = cli("generate", kb_dir / "testland" / "meetings" / "uk-visit.yaml", "--out", out, "--briefs", kb_dir)

    if message == "not a citable source":
        assert any("url names a person" in line for line in lines), lines
        assert generated.exit_code == 0, generated.output
        assert "doe" not in everything_written(out)
    else:
        assert result.exit_code == 2 and any(message in line for line in lines), lines
        assert generated.exit_code == 2
        assert not out.exists()


def test_the_recipient_is_checked_too(kb_dir: Path, cli, tmp_path: Path):
    result = cli(
        "generate", "--audience", "uk", "--recipient", "Jan Doe", "--out", tmp_path / "out", "--briefs", kb_dir
    )

    assert result.exit_code == 2
    # The warning about the name's weak tokens comes first; the refusal closes the output.
    assert result.stderr.strip().splitlines()[-1] == (
        "error: the briefing would name a person who may not be named here "
        f"({WITHHELD}) in recipient; refusing to write it"
    )
    assert not (tmp_path / "out").exists()


def test_an_include_above_the_meeting_level_is_reported_at_its_line(minimal_kb: Path, cli):
    edit(minimal_kb / "testland" / "facts.yaml", "  priority: high\n", "  priority: high\n  sensitivity: restricted\n")
    edit(
        minimal_kb / "testland" / "meetings" / "uk-visit.yaml",
        "include: [doe]",
        "include:\n  - doe\n  - protest-arrests",
    )

    _result, lines = check(cli, minimal_kb)

    assert (
        "testland/meetings/uk-visit.yaml:12: warning: include[1]: the meeting's briefing leaves 'protest-arrests' out "
        "because it is restricted, above the public distribution"
    ) in lines


def test_a_response_whose_claim_source_is_confidential_is_not_shown_at_public_level(minimal_kb: Path, cli):
    edit(minimal_kb / "testland" / "sources.yaml", "  kind: op-ed\n", "  kind: op-ed\n  sensitivity: confidential\n")
    kb = load_knowledge_base(minimal_kb, today=TODAY).kb

    public = select(kb, kb.audiences["uk"])
    confidential = select(kb, kb.audiences["uk"], level=model.Sensitivity.CONFIDENTIAL)
    _result, lines = check(cli, minimal_kb)

    assert public.responses == ()
    assert [response.id for response in confidential.responses] == ["assembly-law"]
    assert (
        "testland/responses.yaml:6: warning: public and restricted copies cannot cite every source of this "
        "claim, so the response is left out of public and restricted copies"
    ) in lines


def test_a_lever_naming_a_withheld_person_is_reported_and_left_out(kb_dir: Path, cli):
    edit(kb_dir / "testland" / "levers" / "uk.yaml", "name: Sanctions", "name: Sanctions on Doe's jailers")
    kb = load_knowledge_base(kb_dir, today=TODAY).kb

    _result, lines = check(cli, kb_dir)

    assert (
        "testland/levers/uk.yaml:3: warning: name names a person who may not be named (the case at cases.yaml:1), "
        "so this lever is left out of every copy"
    ) in lines
    assert select(kb, kb.audiences["uk"]).levers == ()


def test_messages_never_print_the_withheld_name(kb_dir: Path, cli, tmp_path: Path):
    edit(
        kb_dir / "testland" / "recommendations.yaml",
        "text: Release peaceful protesters.",
        "text: Release Jan Doe and peaceful protesters.",
    )
    edit(kb_dir / "testland" / "meetings" / "uk-visit.yaml", "place: London", "place: Doe's house")

    result, lines = check(cli, kb_dir)

    assert result.exit_code == 2 and len(lines) >= 2
    assert "doe" not in result.output.lower().replace("testland/", "")


def test_manifest_and_files_hold_no_withheld_name_after_a_full_build(kb_dir: Path, cli, tmp_path: Path):
    out = tmp_path / "out"

    result = cli("generate", kb_dir / "testland" / "meetings" / "uk-visit.yaml", "--out", out, "--briefs", kb_dir)

    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["files"]) == 2
    assert "doe" not in everything_written(out)
    assert "a protest organiser" in everything_written(out)


def test_items_dated_after_a_meeting_are_counted_at_its_date(minimal_kb: Path, cli):
    edit(minimal_kb / "testland" / "meetings" / "uk-visit.yaml", "date: 2027-02-09", "date: 2018-01-01")

    _result, lines = check(cli, minimal_kb)

    assert (
        "testland/meetings/uk-visit.yaml:4: warning: 4 items are dated after this meeting, so its briefing leaves them out"
    ) in lines
    assert (
        "testland/meetings/uk-visit.yaml:10: warning: include[0]: the meeting's briefing leaves 'doe' out because it is "
        "dated after the meeting (2021-07-22)"
    ) in lines


def test_a_recipient_spelling_a_withheld_name_in_arabic_is_refused(kb_dir: Path, cli, tmp_path: Path):
    edit(kb_dir / "testland" / "cases.yaml", "name: Jan Doe", "name: Ahmed Mansoor")

    result = cli(
        "generate", "--audience", "uk", "--recipient", "أحمد منصور", "--out", tmp_path / "out", "--briefs", kb_dir
    )

    assert result.exit_code == 2
    # The warning about the name's weak tokens comes first; the refusal closes the output.
    assert result.stderr.strip().splitlines()[-1] == (
        "error: the briefing would name a person who may not be named here "
        f"({WITHHELD}) in recipient; refusing to write it"
    )
    assert not (tmp_path / "out").exists()
