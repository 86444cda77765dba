"""A briefing wholly in the reader's language: the bundled EU briefing in French, from its PO file.

Reads the real PDF (pypdf): the French translations are printed, the English of a translated item is
not, and an item still untranslated is shown in English, marked, and counted at the end.
"""

import datetime
import re
import shutil

import pytest
from pypdf import PdfReader

from generator import api
from generator.kb.translations import read_translations, translatable, update
from tests.conftest import BUNDLED_BRIEFS

DATE = datetime.date(2026, 11, 25)
FRENCH = BUNDLED_BRIEFS / "kazakhstan" / "translations" / "fr.po"


def _text(path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(path).pages))


def _french_eu(briefs, out, **options) -> str:
    kb = api.load_knowledge_base(briefs, today=DATE).kb
    requests = api.requests_for(kb, audiences=["eu"], date=DATE, language="fr", **options)
    outcome = api.generate(kb, requests, ("pdf",), out)
    assert outcome.failed == []
    (path,) = outcome.written
    # Beside the English copy, not over it: the file name says the language asked for.
    assert path.name == f"{DATE}_kazakhstan_eu_in-fr.pdf"
    return _text(path)


@pytest.fixture(scope="module")
def french(tmp_path_factory) -> str:
    return _french_eu(BUNDLED_BRIEFS, tmp_path_factory.mktemp("fr"))


def test_the_french_eu_briefing_prints_the_translations_and_not_their_english(french):
    kb = api.load_knowledge_base(BUNDLED_BRIEFS, today=DATE).kb
    translations = read_translations(FRENCH, "fr")
    for phrase in (
        "Accord de partenariat et de coopération renforcé (APCR)",
        "Demandes principales",  # our own words, from the catalogue
        "recours à la nasse contre les manifestations pacifiques",
        "incitation à la discorde sociale",
    ):
        assert phrase in french
    printed = 0
    for entry in translatable(kb):
        english = " ".join(entry.english.split())
        translation = translations.usable(entry.context, entry.english)
        # A title cited as published is kept as it was published: its translation is its English.
        if translation and translation != entry.english and len(english) > 40:
            assert english not in french, entry.context
            printed += " ".join(translation.split()) in french
    assert printed >= 10
    # Nothing is left in English: no mark, no closing count.
    assert "(en anglais)" not in french and "pas encore traduit" not in french
    # The audience is named in French too, its instruments included: no English phrase in a French frame.
    for english in ("European Union institutions", "European Commission officials", "Sanctions Regime"):
        assert english not in french
    assert "À l’intention de : l’Union européenne" in french


def test_the_sources_list_gives_a_descriptive_title_in_french_and_a_published_one_as_published(french):
    sources = french[french.rindex("Sources") :]
    assert (
        "Commentaire sur l’anniversaire de l’indépendance du Kazakhstan et la répression de la dissidence "
        "(sans titre), Human Rights Watch, vers décembre 2016."
    ) in sources
    assert "Commentary on Kazakhstan" not in french
    assert (
        "Adam Hug, « Retreating Rights – Kazakhstan: Conclusions and Recommendations », Foreign Policy Centre"
        in sources
    )
    assert "Colin Stevens, « Human rights in Kazakhstan », EU Reporter" in sources


def test_the_team_is_named_in_french_under_the_title_and_as_the_contact(french):
    assert "25 novembre 2026 · Équipe de plaidoyer pour l’Asie centrale" in french
    assert "Contact : Équipe de plaidoyer pour l’Asie centrale" in french
    assert "advocacy team" not in french


def test_the_sample_quotes_no_passage_and_keeps_what_the_knowledge_base_prints_in_english_for_others():
    text = FRENCH.read_text()
    assert text.startswith("# A sample translation")
    kb = api.load_knowledge_base(BUNDLED_BRIEFS, today=DATE).kb
    passages = {c.passage for items in (kb.facts, kb.cases) for item in items.values() for c in item.sources}
    assert not any(f'msgid "{passage}"' in text for passage in passages)
    russian = read_translations(FRENCH.with_name("ru.po"), "ru")
    assert len(russian.entries) == len(translatable(kb))
    assert not any(entry.translation for entry in russian.entries.values())


@pytest.fixture
def lever_untranslated(tmp_path):
    """The bundled base with the French of one lever's name taken out."""
    briefs = tmp_path / "briefs"
    shutil.copytree(BUNDLED_BRIEFS, briefs)
    po = briefs / "kazakhstan" / "translations" / "fr.po"
    po.write_text(po.read_text().replace("Dialogue structuré UE-Kazakhstan sur les droits de l’homme", ""))
    return briefs, po


def test_an_untranslated_item_is_shown_in_english_marked_and_counted(lever_untranslated, tmp_path):
    briefs, _ = lever_untranslated
    text = _french_eu(briefs, tmp_path / "out")
    assert "EU-Kazakhstan structured human rights dialogue" in text
    assert "The EU has a structured human rights dialogue with Kazakhstan." in text
    assert "(en anglais)" in text
    assert "Traduction 1 élément pas encore traduit, affiché en anglais et signalé comme tel" in text


def test_an_untranslated_source_title_and_team_name_are_shown_in_english_marked_and_counted(tmp_path):
    briefs = tmp_path / "briefs"
    shutil.copytree(BUNDLED_BRIEFS, briefs)
    po = briefs / "kazakhstan" / "translations" / "fr.po"
    text = po.read_text()
    for french in (
        "Commentaire sur l’anniversaire de l’indépendance du Kazakhstan et la répression de la dissidence",
        "Équipe de plaidoyer pour l’Asie centrale",
    ):
        assert f'msgstr "{french}"' in text
        text = text.replace(f'msgstr "{french}"', 'msgstr ""')
    po.write_text(text)
    printed = _french_eu(briefs, tmp_path / "out")
    assert (
        "Commentary on Kazakhstan’s independence anniversary and crackdown on dissent (sans titre) (en anglais), "
        "Human Rights Watch"
    ) in printed
    assert "25 novembre 2026 · Central Asia advocacy team (en anglais)" in printed
    # The team is one item, however many times it is named.
    assert "Contact : Central Asia advocacy team" in printed
    assert "Traduction 2 éléments pas encore traduits" in printed


def test_a_changed_english_text_is_shown_in_english_until_its_fuzzy_translation_is_checked(tmp_path):
    briefs = tmp_path / "briefs"
    shutil.copytree(BUNDLED_BRIEFS, briefs)
    levers = briefs / "kazakhstan" / "levers" / "eu.yaml"
    levers.write_text(
        levers.read_text().replace("name: EU-Kazakhstan structured", "name: The EU-Kazakhstan structured")
    )
    update(api.load_knowledge_base(briefs, today=DATE).kb, "fr")
    po = (briefs / "kazakhstan" / "translations" / "fr.po").read_text()
    assert '#, fuzzy\n#| msgid "EU-Kazakhstan structured human rights dialogue"\n' in po
    text = _french_eu(briefs, tmp_path / "out")
    assert "The EU-Kazakhstan structured human rights dialogue" in text
    assert "1 élément pas encore traduit" in text


def test_strict_refuses_a_french_briefing_that_would_print_english(lever_untranslated, tmp_path, cli):
    briefs, po = lever_untranslated
    line = po.read_text().split("\n").index('msgctxt "levers/eu:human-rights-dialogue:name"') + 2
    result = cli(
        "generate", "--audience", "eu", "--language", "fr", "--strict", "--format", "pdf",
        "--briefs", briefs, "--out", tmp_path / "out",
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert f"{po}:{line}: levers/eu:human-rights-dialogue:name is not translated in fr.po" in result.output
    assert not (tmp_path / "out").exists()


def test_a_language_without_a_catalogue_is_refused(cli, tmp_path):
    result = cli("generate", "--audience", "eu", "--language", "xx", "--briefs", BUNDLED_BRIEFS, "--out", tmp_path)
    assert result.exit_code == 2
    assert "--language 'xx' has no catalogue" in result.output


def test_a_meeting_and_an_audience_shown_in_english_are_marked_where_they_head_the_briefing(tmp_path):
    """The sample translates the EU briefings only: the UK meeting's title and objective, and the UK
    briefing's addressee in its subtitle, stay in English, marked as every other English item is."""
    kb = api.load_knowledge_base(BUNDLED_BRIEFS, today=DATE).kb
    meeting = kb.meetings["uk-fcdo-london-2027-02"]
    requests = [api.request_for(kb, "uk", meeting, language="fr"), api.request_for(kb, "uk", date=DATE, language="fr")]
    meeting_pdf, audience_pdf = (
        path for request in requests for path in api.generate(kb, [request], ("pdf",), tmp_path).written
    )
    meeting_text, audience_text = _text(meeting_pdf), _text(audience_pdf)

    # A line may break after the hyphen of "UK-Kazakhstan".
    meeting_text = meeting_text.replace("- ", "-")
    assert f"{meeting.title} (en anglais)" in meeting_text
    assert f"{' '.join(meeting.objective.split())} (en anglais)" in meeting_text
    assert f"À l’intention de : {kb.audiences['uk'].full_name} (en anglais)" in audience_text
