"""`check` counts each language file among what the country's meetings' briefings print: what `select`
chooses for each meeting's audience, at the meeting's distribution and either length, with the meeting's
and the audience's own fields; and over everything the knowledge base may print when that differs."""

import io
from pathlib import Path
from typing import get_args

import pytest
from babel.messages.pofile import read_po

from generator import api
from generator.build.translation_counts import printed_by_meetings
from generator.kb import translations
from generator.kb.translations import translatable, update
from generator.select.selection import Length, select
from tests.conftest import BUNDLED_BRIEFS, replace_in

PRINTED_BY_THE_MEETING = {
    "facts:protest-arrests:text",
    "facts:offshore-wealth:text",
    *(f"cases:doe:{field}" for field in ("anonymised_as", "role", "charge", "sentence", "summary", "status")),
    # The UK's briefing reads the ask worded for the UK, not the default.
    "recommendations:free-protesters:asks.uk",
    "responses:assembly-law:claim",
    "responses:assembly-law:reply",
    "levers/uk:sanctions:name",
    "levers/uk:sanctions:text",
    *(f"meetings:uk-visit:{field}" for field in ("title", "place", "purpose", "participants.0")),
    *(f"audiences:uk:{field}" for field in ("name", "full_name", "addressee")),
    # Every briefing names the team, and lists the sources it cites.
    "country:testland:prepared_by",
    "sources:report-2021:title",
    "sources:op-ed-2016:title",
}
"""What the briefing of the minimal base's one meeting, with the UK, prints."""

UNSELECTED_FACT = """\
- id: press-closures
  text: Three newspapers were closed.
  themes: [press]
  as_of: 2021-07-22
  priority: low
  sources:
    - source: report-2021
      passage: detained 40 protesters
"""
"""A fact on a theme the UK weights not at all: no briefing for it selects the fact."""


@pytest.fixture(autouse=True)
def build_date(monkeypatch):
    """1 January 2026: before any fact of the minimal base goes stale."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


@pytest.fixture
def briefs(minimal_kb: Path) -> Path:
    """The minimal base with a fact no briefing selects, and a French file with an entry the meeting's briefing
    prints translated, and two it does not print."""
    with (minimal_kb / "themes.yaml").open("a") as themes:
        themes.write("- id: press\n  label: Press freedom\n")
    with (minimal_kb / "testland" / "facts.yaml").open("a") as facts:
        facts.write(UNSELECTED_FACT)
    path, _ = update(api.load_knowledge_base(minimal_kb).kb, "fr")
    catalog = read_po(io.BytesIO(path.read_bytes()))
    for message in catalog:
        message.string = {
            "facts:protest-arrests:text": "La police a arrêté 40 manifestants dans la capitale.",
            "facts:press-closures:text": "Trois journaux ont été fermés.",
            "recommendations:free-protesters:asks.default": "Demander la libération des manifestants pacifiques.",
        }.get(str(message.context), "")
    path.write_bytes(translations.as_bytes(catalog))
    return minimal_kb


def _line(cli, briefs: Path) -> tuple[str, str]:
    result = cli("check", "--briefs", briefs)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if "translations/fr.po: " in line]
    assert len(lines) == 1, result.stdout
    return lines[0].split("translations/fr.po: ", 1)[1], result.output


def test_what_the_meeting_s_briefing_prints_is_what_select_chooses_and_the_meeting_and_audience(briefs):
    kb = api.load_knowledge_base(briefs).kb
    printed = printed_by_meetings(kb, None)

    assert set(printed) == PRINTED_BY_THE_MEETING
    assert printed["facts:protest-arrests:text"] == "Police detained 40 protesters in the capital."
    contexts = {entry.context for entry in translatable(kb)}
    assert {"facts:press-closures:text", "recommendations:free-protesters:asks.default"} <= contexts - set(printed)


def test_check_counts_among_what_the_meeting_prints_and_over_the_whole_file(briefs, cli):
    total = len(translatable(api.load_knowledge_base(briefs).kb))
    printed = len(PRINTED_BY_THE_MEETING)

    line, output = _line(cli, briefs)

    assert line == (
        f"among what the meeting's briefing would print, 1 translated, 0 fuzzy, {printed - 1} missing "
        f"(of everything the knowledge base may print: 3 translated, 0 fuzzy, {total - 3} missing)"
    )
    # Answered from the run cache, the same.
    assert cli("check", "--briefs", briefs).output == output

    # English changed under a translation the meeting prints: it counts as fuzzy there too.
    replace_in(briefs / "testland" / "facts.yaml", "Police detained 40", "Police detained 41")
    assert _line(cli, briefs)[0] == (
        f"among what the meeting's briefing would print, 0 translated, 1 fuzzy, {printed - 1} missing "
        f"(of everything the knowledge base may print: 2 translated, 1 fuzzy, {total - 3} missing)"
    )


def test_a_country_without_meetings_is_counted_over_the_whole_file(briefs, cli):
    (briefs / "testland" / "meetings" / "uk-visit.yaml").unlink()
    total = len(translatable(api.load_knowledge_base(briefs).kb))

    assert _line(cli, briefs)[0] == f"3 translated, 0 fuzzy, {total - 3} missing"


EARLIER_MEETING = """\
id: uk-earlier
country: testland
audience: uk
date: 2026-11-10
place: London
title: First meeting with FCDO officials
participants: [Desk officer]
purpose: Raise the protesters' cases.
focus: [assembly]
length: full
distribution: public
"""

EARLIER_RECORD = """\
meeting: uk-earlier
held_on: 2026-11-10
they_said:
  - text: The desk will look into the protest cases.
commitments:
  - id: raise-cases
    who: Desk officer
    what: Raise the protesters' cases with the embassy
    by: 2026-12-01
"""
"""What the counterpart said, in confidence as every remark is unless marked otherwise, and what they undertook."""


def test_a_meeting_s_briefing_prints_the_record_of_the_earlier_meeting_as_its_copy_shows_it(briefs):
    meetings = briefs / "testland" / "meetings"
    (meetings / "uk-earlier.yaml").write_text(EARLIER_MEETING)
    (meetings / "uk-earlier.record.yaml").write_text(EARLIER_RECORD)

    printed = printed_by_meetings(api.load_knowledge_base(briefs).kb, None)

    records = {context for context in printed if context.startswith("records:")}
    # The public briefing follows up what was undertaken; what was said in confidence it does not print.
    assert records == {"records:uk-earlier:commitments.0.who", "records:uk-earlier:commitments.0.what"}
    assert {f"meetings:uk-earlier:{field}" for field in ("title", "place", "purpose", "participants.0")} <= set(printed)


def _long_fact(fact_id: str) -> str:
    """A line to take for the UK, and its evidence, each near the longest a text may be; on a theme the
    meeting is not about, so that it ranks below the base's two facts."""
    sentence = "Two activists were detained at the border on their return from a conference abroad. "
    return f"""- id: {fact_id}
  text: {(sentence * 45).strip()}
  lines:
    uk: {(sentence * 45).strip()}
  themes: [corruption]
  as_of: 2021-07-22
  priority: low
  sources:
    - source: report-2021
      passage: detained 12 more
"""


def test_the_briefing_chooses_among_the_items_as_the_language_gives_them(briefs):
    # Two long lines to take, the last to rank: in English a briefing has room for the first only.
    with (briefs / "testland" / "facts.yaml").open("a") as facts:
        facts.write(_long_fact("border-a") + _long_fact("border-b"))
    kb = api.load_knowledge_base(briefs).kb
    path, _ = update(kb, "fr")
    before = translations.read_translations(path, "fr")
    catalog = read_po(io.BytesIO(path.read_bytes()))
    for message in catalog:
        if str(message.context).startswith("facts:border-a:"):
            message.string = "Deux militants ont été arrêtés à la frontière."
    path.write_bytes(translations.as_bytes(catalog))
    french = translations.read_translations(path, "fr")

    in_english = printed_by_meetings(kb, None)
    assert "facts:border-a:text" in in_english and "facts:border-b:text" not in in_english
    # Translations that change no length that counts choose as the English does.
    assert printed_by_meetings(kb, before) == in_english
    # In French the first is short, which leaves room for the second: the French briefing prints it, in English.
    assert printed_by_meetings(kb, french).keys() - in_english.keys() == {
        "facts:border-b:text",
        "facts:border-b:lines.uk",
    }


def test_what_a_selection_chooses_does_not_depend_on_the_audience_s_instruments():
    """Counting chooses without the instruments, which only name the gaps a briefing lists (see `_shown`)."""
    kb = api.load_knowledge_base(BUNDLED_BRIEFS).kb
    sections = ("talking_points", "background", "cases", "recommendations", "responses", "levers")
    for meeting in kb.meetings.values():
        audience = kb.audiences[meeting.audience]
        without = audience.model_copy(update={"instruments": []})
        for length in get_args(Length):
            chosen = select(kb, audience, meeting, meeting.distribution, length)
            chosen_without = select(kb, without, meeting, meeting.distribution, length)
            for section in sections:
                assert [item.id for item in getattr(chosen, section)] == [
                    item.id for item in getattr(chosen_without, section)
                ], (meeting.id, length, section)
