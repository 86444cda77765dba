"""Translations of the knowledge base in gettext PO files: read and written through Babel, merged as msgmerge does."""

import io
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from generator import api
from generator.core.errors import InputError
from generator.kb import translations
from generator.kb.translations import read_translations, translatable, update


def _kb(briefs: Path):
    return api.load_knowledge_base(briefs).kb


def _po(briefs: Path, language: str = "fr") -> Path:
    return briefs / "testland" / "translations" / f"{language}.po"


def _set(path: Path, context: str, translation: str) -> None:
    """Translate one entry, as a translator's editor would: through Babel."""
    catalog = translations._read_catalog(path)
    next(message for message in catalog if message.context == context).string = translation
    path.write_bytes(translations.as_bytes(catalog))


def _edit_fact(briefs: Path, old: str, new: str) -> None:
    facts = briefs / "testland" / "facts.yaml"
    facts.write_text(facts.read_text().replace(old, new))


def test_entries_name_item_and_field_and_never_hold_a_passage(minimal_kb):
    entries = translatable(_kb(minimal_kb))
    contexts = [entry.context for entry in entries]
    assert "facts:protest-arrests:text" in contexts
    assert contexts.index("facts:protest-arrests:text") < contexts.index("facts:offshore-wealth:text")
    english = {entry.english for entry in entries}
    assert "Police detained 40 protesters in the capital." in english
    # The cited passages are quoted as the source wrote them: never offered for translation.
    assert "detained 40 protesters" not in english
    # A source is named by its title, which is listed; nothing else of it is.
    assert [c for c in contexts if c.startswith("sources:")] == [
        "sources:report-2021:title",
        "sources:op-ed-2016:title",
    ]
    assert "country:testland:prepared_by" in contexts


RECORD = """\
meeting: uk-visit
held_on: 2027-02-09
raised:
  - item: free-protesters
  - text: Press freedom
they_said:
  - text: The desk will look into the protest cases.
commitments:
  - id: raise-cases
    who: Desk officer
    what: Raise the protesters' cases with the embassy
    by: 2027-03-01
actions:
  - owner: Advocacy lead
    what: Send the follow-up letter
    due: 2027-02-16
"""


def test_translate_lists_a_record_s_printed_text_and_marks_it_fuzzy_when_it_changes(minimal_kb, cli):
    record = minimal_kb / "testland" / "meetings" / "uk-visit.record.yaml"
    record.write_text(RECORD)
    assert cli("translate", "fr", "--briefs", minimal_kb).exit_code == 0
    path = _po(minimal_kb)
    text = path.read_text()
    assert (
        '#: meetings/uk-visit.record.yaml:1\nmsgctxt "records:uk-visit:commitments.0.what"\n'
        'msgid "Raise the protesters\' cases with the embassy"\nmsgstr ""\n'
    ) in text
    contexts = [entry.context for entry in translatable(_kb(minimal_kb)) if entry.context.startswith("records:")]
    assert contexts == [
        "records:uk-visit:commitments.0.who",
        "records:uk-visit:commitments.0.what",
        "records:uk-visit:they_said.0.text",
        "records:uk-visit:raised.1.text",
    ]
    # Our own follow-ups are for us alone: never printed for the counterpart, never translated.
    assert "Send the follow-up letter" not in text

    _set(path, "records:uk-visit:commitments.0.what", "Soulever les cas des manifestants auprès de l’ambassade")
    record.write_text(RECORD.replace("with the embassy", "with the ambassador"))
    result = cli("translate", "fr", "--briefs", minimal_kb)
    assert result.exit_code == 0, result.output
    assert "1 translated, 1 fuzzy" not in result.output and "0 translated, 1 fuzzy" in result.output
    assert (
        '#, fuzzy\n#| msgid "Raise the protesters\' cases with the embassy"\n'
        'msgctxt "records:uk-visit:commitments.0.what"\n'
        'msgid "Raise the protesters\' cases with the ambassador"\n'
        'msgstr "Soulever les cas des manifestants auprès de l’ambassade"\n'
    ) in path.read_text()


def test_a_new_file_round_trips_through_babel_and_is_the_same_every_run(minimal_kb):
    kb = _kb(minimal_kb)
    path, counts = update(kb, "fr")
    assert path == _po(minimal_kb)
    assert counts.translated == 0 and counts.fuzzy == 0 and counts.missing == len(translatable(kb))
    first = path.read_bytes()
    catalog = read_po(io.BytesIO(first))
    message = next(m for m in catalog if m.context == "facts:protest-arrests:text")
    assert message.id == "Police detained 40 protesters in the capital." and message.string == ""
    assert message.locations == [("facts.yaml", 1)]
    assert b"POT-Creation-Date: 1970-01-01" in first
    update(kb, "fr")
    assert path.read_bytes() == first


def test_translate_never_overwrites_a_translation(minimal_kb):
    update(_kb(minimal_kb), "fr")
    _set(_po(minimal_kb), "facts:protest-arrests:text", "La police a arrêté 40 manifestants dans la capitale.")
    path, counts = update(_kb(minimal_kb), "fr")
    read = read_translations(path, "fr")
    assert (
        read.entries["facts:protest-arrests:text"].translation == "La police a arrêté 40 manifestants dans la capitale."
    )
    assert counts.translated == 1


def test_changed_english_keeps_the_translation_fuzzy_with_the_previous_english(minimal_kb):
    update(_kb(minimal_kb), "fr")
    _set(_po(minimal_kb), "facts:protest-arrests:text", "La police a arrêté 40 manifestants dans la capitale.")
    _edit_fact(minimal_kb, "Police detained 40 protesters", "Police detained 41 protesters")
    path, counts = update(_kb(minimal_kb), "fr")
    text = path.read_text()
    assert (
        '#, fuzzy\n#| msgid "Police detained 40 protesters in the capital."\n'
        'msgctxt "facts:protest-arrests:text"\nmsgid "Police detained 41 protesters in the capital."\n'
        'msgstr "La police a arrêté 40 manifestants dans la capitale."\n'
    ) in text
    assert counts.fuzzy == 1 and counts.translated == 0
    # Run again: still fuzzy, still against the English it was made from.
    update(_kb(minimal_kb), "fr")
    assert path.read_text() == text
    entry = read_translations(path, "fr").entries["facts:protest-arrests:text"]
    assert entry.fuzzy and entry.english == "Police detained 41 protesters in the capital."


def test_a_removed_item_leaves_an_obsolete_entry_and_comes_back_with_its_translation(minimal_kb):
    update(_kb(minimal_kb), "fr")
    _set(_po(minimal_kb), "facts:offshore-wealth:text", "Des responsables détenaient des biens à l’étranger.")
    facts = minimal_kb / "testland" / "facts.yaml"
    original = facts.read_text()
    start = original.index("- id: offshore-wealth")
    end = original.find("\n- id:", start + 1)
    facts.write_text(original[:start] + (original[end + 1 :] if end != -1 else ""))
    path, _ = update(_kb(minimal_kb), "fr")
    text = path.read_text()
    assert '#~ msgctxt "facts:offshore-wealth:text"' in text
    assert '#~ msgstr "Des responsables détenaient des biens à l’étranger."' in text
    assert "facts:offshore-wealth:text" not in read_translations(path, "fr").entries
    facts.write_text(original)
    update(_kb(minimal_kb), "fr")
    entry = read_translations(path, "fr").entries["facts:offshore-wealth:text"]
    assert entry.translation == "Des responsables détenaient des biens à l’étranger." and not entry.fuzzy


def test_a_malformed_po_file_is_an_error_at_its_line(minimal_kb, cli):
    path = _po(minimal_kb)
    path.parent.mkdir()
    path.write_text('msgid ""\nmsgstr ""\n\nmsgctxt "facts:protest-arrests:text"\nmsgid "x"\nmsgtsr "y"\n')
    with pytest.raises(InputError) as raised:
        read_translations(path, "fr")
    assert str(raised.value.diagnostics[0]).startswith(f"{path}:6: not a valid PO file")
    result = cli("check", "--briefs", minimal_kb)
    assert result.exit_code == 2
    assert f"{path}:6: not a valid PO file" in result.output


def test_check_counts_translated_fuzzy_and_missing_per_language(minimal_kb, cli):
    # Without a meeting, each file is counted over everything the knowledge base may print.
    (minimal_kb / "testland" / "meetings" / "uk-visit.yaml").unlink()
    kb = _kb(minimal_kb)
    update(kb, "fr")
    update(kb, "ru")
    _set(_po(minimal_kb), "facts:protest-arrests:text", "La police a arrêté 40 manifestants dans la capitale.")
    _set(_po(minimal_kb), "facts:offshore-wealth:text", "Des responsables détenaient des biens à l’étranger.")
    _edit_fact(minimal_kb, "Officials held property abroad.", "Officials held much property abroad.")
    total = len(translatable(kb))
    result = cli("check", "--briefs", minimal_kb)
    assert result.exit_code == 0, result.output
    assert f"translations/fr.po: 1 translated, 1 fuzzy, {total - 2} missing" in result.output
    assert f"translations/ru.po: 0 translated, 0 fuzzy, {total} missing" in result.output

    # A check with nothing changed answers from the run cache; an edited PO file is a change.
    assert (
        f"translations/fr.po: 1 translated, 1 fuzzy, {total - 2} missing" in cli("check", "--briefs", minimal_kb).output
    )
    _set(_po(minimal_kb), "facts:protest-arrests:text", "")
    assert (
        f"translations/fr.po: 0 translated, 1 fuzzy, {total - 1} missing" in cli("check", "--briefs", minimal_kb).output
    )


def test_translate_command_writes_the_file_and_says_so(minimal_kb, cli):
    result = cli("translate", "fr", "--briefs", minimal_kb)
    assert result.exit_code == 0, result.output
    assert "translations/fr.po: 0 translated, 0 fuzzy" in result.output
    assert _po(minimal_kb).exists()
    assert cli("translate", "xx", "--briefs", minimal_kb).exit_code == 2


def test_the_translators_header_is_kept(minimal_kb):
    path, _ = update(_kb(minimal_kb), "fr")
    path.write_text(
        path.read_text()
        .replace("# Translations of", "# Checked by the Paris office.\n# Translations of")
        .replace("Last-Translator: FULL NAME <EMAIL@ADDRESS>", "Last-Translator: Camille Martin <camille@example.org>")
    )
    update(_kb(minimal_kb), "fr")
    text = path.read_text()
    assert text.startswith("# Checked by the Paris office.\n")
    assert "Last-Translator: Camille Martin <camille@example.org>" in text
