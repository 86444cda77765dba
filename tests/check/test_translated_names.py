"""`check` reads the translations of the PO files for withheld names as it reads the English: a
translation that names a person who may not be named is reported at its entry's line, an error or a
warning as the English field it translates would be, and an ordinary word is not a name."""

import io
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from generator import api
from generator.build.drafting import draft_of
from generator.build.requests import request_for
from generator.core.errors import RenderError
from generator.kb import translations
from tests.conftest import build_knowledge_base, replace_in, withheld_case

LABEL = "the case at cases.yaml:17"
"""Where the withheld person's case is: "Roman Page", two ordinary words that name them only together."""


@pytest.fixture(autouse=True)
def build_date(monkeypatch):
    """1 January 2026: before any fact of the minimal base goes stale."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


@pytest.fixture
def briefs(tmp_path: Path) -> Path:
    """The minimal knowledge base with a person no copy may name, and a French file of every entry."""
    briefs = build_knowledge_base(tmp_path / "briefs")
    with (briefs / "testland" / "cases.yaml").open("a") as cases:
        cases.write(withheld_case("Roman Page"))
    translations.update(api.load_knowledge_base(briefs).kb, "fr")
    return briefs


def _po(briefs: Path) -> Path:
    return briefs / "testland" / "translations" / "fr.po"


def _translate(path: Path, wanted: dict[str, str], fuzzy: tuple[str, ...] = ()) -> None:
    """Translate entries as a translator's editor would: through Babel."""
    catalog = read_po(io.BytesIO(path.read_bytes()))
    for message in catalog:
        if message.context in wanted:
            message.string = wanted[message.context]
            if message.context in fuzzy:
                message.flags.add("fuzzy")
    path.write_bytes(translations.as_bytes(catalog))


def _line(path: Path, context: str) -> int:
    """The line of the entry's msgid, read from the file's text: the line a message about it names."""
    lines = path.read_text().splitlines()
    return lines.index(f'msgctxt "{context}"') + 2


def _check(cli, briefs: Path):
    return cli("check", "--briefs", briefs)


def test_a_translation_naming_a_withheld_person_is_a_warning_at_its_po_line_and_ordinary_words_are_not(briefs, cli):
    po = _po(briefs)
    _translate(
        po,
        {
            "facts:protest-arrests:text": "La police a arrêté Roman Page et 40 manifestants dans la capitale.",
            # Each of the two words alone names no one.
            "facts:offshore-wealth:text": "Des responsables détenaient des biens à l’étranger, selon le droit Roman.",
            "cases:doe:summary": "Condamné après une manifestation pacifique (Page 3 du rapport).",
            "levers/uk:sanctions:text": "Des sanctions visant les responsables de l’arrestation de Roman Page.",
        },
    )

    result = _check(cli, briefs)

    assert result.exit_code == 0, result.output
    reported = [line for line in result.stderr.splitlines() if line.startswith(f"{po}:")]
    assert reported == [
        f"{po}:{_line(po, 'facts:protest-arrests:text')}: warning: the translation of facts:protest-arrests:text "
        f"names a person who may not be named ({LABEL}), so this fact is left out of every copy in fr",
        f"{po}:{_line(po, 'levers/uk:sanctions:text')}: warning: the translation of levers/uk:sanctions:text "
        f"names a person who may not be named ({LABEL}), so this lever is left out of every copy in fr",
    ]
    assert "withheld: 2 texts or items some copies leave out" in result.stderr
    assert "roman page" not in result.output.lower()
    # Answered from the run cache, the same.
    assert _check(cli, briefs).output == result.output


def test_a_translation_of_a_text_every_copy_prints_is_an_error_as_the_english_would_be(briefs, cli):
    po = _po(briefs)
    _translate(
        po,
        {
            "meetings:uk-visit:title": "Réunion avec Roman Page",
            # The meeting is printed in French once each of its fields is translated.
            "meetings:uk-visit:place": "Londres",
            "meetings:uk-visit:purpose": "Plaider pour la libération des manifestants.",
            "meetings:uk-visit:participants.0": "Chargé de dossier",
        },
    )

    result = _check(cli, briefs)

    assert result.exit_code == 2
    assert (
        f"{po}:{_line(po, 'meetings:uk-visit:title')}: the translation of meetings:uk-visit:title names a person "
        f"who may not be named ({LABEL}) at the meeting's public distribution and appears in its briefing in fr, "
        "so generate refuses it; reword it"
    ) in result.stderr.splitlines()
    assert f"{po}:" in cli("check", "--briefs", briefs, "--only", "naming").stderr
    # What generate does with the meeting's briefing in French: it refuses it.
    kb = api.load_knowledge_base(briefs).kb
    draft = draft_of(kb, request_for(kb, "uk", kb.meetings["uk-visit"], language="fr"))
    with pytest.raises(RenderError, match="may not be named"):
        draft.compose(draft.selection)


def test_an_audience_s_name_is_printed_in_every_copy_so_its_translation_is_an_error_too(briefs, cli):
    po = _po(briefs)
    _translate(po, {"audiences:uk:addressee": "Les services de Roman Page"})

    result = _check(cli, briefs)

    assert result.exit_code == 2
    assert (
        f"{po}:{_line(po, 'audiences:uk:addressee')}: the translation of audiences:uk:addressee names a person who "
        f"may not be named ({LABEL}) and appears in every briefing for this audience in fr, so generate refuses "
        "every copy; reword it"
    ) in result.stderr.splitlines()


def test_a_fuzzy_translation_and_one_of_a_text_no_longer_in_the_knowledge_base_are_read_too(briefs, cli):
    po = _po(briefs)
    _translate(
        po,
        {
            "facts:protest-arrests:text": "La police a arrêté Roman Page.",
            "facts:offshore-wealth:text": "Roman Page détenait des biens à l’étranger.",
        },
        fuzzy=("facts:protest-arrests:text",),
    )
    # The fact goes; its entry stays until `briefing translate fr` makes it obsolete.
    facts = briefs / "testland" / "facts.yaml"
    text = facts.read_text()
    facts.write_text(text[: text.index("- id: offshore-wealth")])

    result = _check(cli, briefs)

    assert result.exit_code == 0, result.output
    reported = [line for line in result.stderr.splitlines() if line.startswith(f"{po}:")]
    assert reported == [
        f"{po}:{_line(po, 'facts:protest-arrests:text')}: warning: the fuzzy translation of "
        f"facts:protest-arrests:text names a person who may not be named ({LABEL}), so this fact is left out of "
        "every copy in fr",
        f"{po}:{_line(po, 'facts:offshore-wealth:text')}: warning: the translation of facts:offshore-wealth:text "
        f"names a person who may not be named ({LABEL}) in every copy in fr; the knowledge base no longer holds "
        "the text it translates, so no briefing prints it, but one would if that text came back: reword it",
    ]
    # Once `briefing translate fr` makes the entry obsolete, it is no longer read.
    assert cli("translate", "fr", "--briefs", briefs).exit_code == 0
    assert [line for line in _check(cli, briefs).stderr.splitlines() if line.startswith(f"{po}:")] == reported[:1]


def test_a_translation_naming_a_person_only_above_a_level_is_left_out_only_below_it(briefs, cli):
    replace_in(briefs / "testland" / "cases.yaml", "may_name: false", "may_name: true\n  sensitivity: restricted")
    po = _po(briefs)
    _translate(po, {"cases:doe:summary": "Condamné après une manifestation avec Roman Page."})

    result = _check(cli, briefs)

    assert result.exit_code == 0, result.output
    assert (
        f"{po}:{_line(po, 'cases:doe:summary')}: warning: the translation of cases:doe:summary names a person who "
        f"may not be named ({LABEL}), so this case is left out of public copies in fr"
    ) in result.stderr.splitlines()


def test_a_malformed_po_file_is_reported_once(briefs, cli):
    po = _po(briefs)
    po.write_text(po.read_text() + '\nmsgctxt "facts:protest-arrests:text"\nmsgid "x"\nmsgtsr "Roman Page"\n')

    result = _check(cli, briefs)

    assert result.exit_code == 2
    assert result.output.count("not a valid PO file") == 1
