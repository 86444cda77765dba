import datetime
from pathlib import Path

import pytest

from generator.api import load_knowledge_base
from generator.compose.briefing import compose
from generator.core.errors import RenderError
from generator.kb import model
from generator.select.selection import select
from generator.text.name_matching import NameGuard
from generator.text.rich import plain

DATE = datetime.date(2027, 2, 1)


def load(briefs: Path):
    return load_knowledge_base(briefs, today=datetime.date(2026, 11, 25)).kb


def section(brief, key):
    return next(section for section in brief.sections if section.key == key)


def test_full_briefing_has_every_section_in_order(minimal_kb):
    kb = load(minimal_kb)
    brief = compose(select(kb, kb.audiences["uk"], kb.meetings["uk-visit"]), date=DATE)

    # Both facts become talking points, which leaves no background.
    assert [s.key for s in brief.sections] == ["purpose", "asks", "talking-points", "cases", "if-raised", "levers"]
    assert brief.paper == "a4" and brief.language == "en-GB"
    assert brief.date_label == "1 February 2027"
    assert brief.classification == "PUBLIC"


def test_asks_use_the_audience_wording(minimal_kb):
    kb = load(minimal_kb)
    brief = compose(select(kb, kb.audiences["uk"]), date=DATE)

    assert plain(section(brief, "asks").points[0].text) == (
        "Raise the release of peaceful protesters at the next ministerial meeting."
    )


def test_sources_are_numbered_in_order_of_first_citation(minimal_kb):
    kb = load(minimal_kb)
    brief = compose(select(kb, kb.audiences["uk"]), date=DATE)

    cited = [cite.number for s in brief.sections for p in s.points for cite in p.citations]
    first_seen = list(dict.fromkeys(cited))
    assert first_seen == sorted(first_seen)
    assert [entry.number for entry in brief.sources] == list(range(1, len(brief.sources) + 1))
    assert brief.sources[0].reference.startswith("A. Writer, “Testland report”, Test Centre, 22 July 2021")


def test_a_citation_mark_carries_its_locator_and_each_source_the_start_of_its_archives_hash(minimal_kb):
    recommendations = minimal_kb / "testland" / "recommendations.yaml"
    recommendations.write_text(
        recommendations.read_text().replace(
            "passage: release peaceful protesters", "passage: release peaceful protesters\n      locator: p. 2"
        )
    )
    kb = load(minimal_kb)
    brief = compose(select(kb, kb.audiences["uk"]), date=DATE)

    [ask] = section(brief, "asks").points
    [report] = [entry for entry in brief.sources if entry.reference.startswith("A. Writer")]
    assert [(cite.number, cite.mark) for cite in ask.citations] == [(report.number, f"{report.number} (p. 2)")]
    digest = kb.sources["report-2021"].archive_sha256
    assert report.archive == f"Archived text sha256 {digest[:12]}…"


def test_approximate_dates_say_so(minimal_kb):
    kb = load(minimal_kb)
    brief = compose(select(kb, kb.audiences["uk"]), date=DATE)

    as_of = {plain(p.text): p.as_of for p in section(brief, "talking-points").points}
    # Older than the limit at this date: the sentence carries its date, and the page marks it out of date.
    assert as_of["As of about December 2016, officials held property abroad."] == "out of date"
    assert any("c. December 2016" in entry.reference for entry in brief.sources)


def test_a_historical_fact_older_than_the_limit_still_prints_its_date(minimal_kb):
    facts = minimal_kb / "testland" / "facts.yaml"
    facts.write_text(
        facts.read_text().replace("  as_of_approximate: true\n", "  as_of_approximate: true\n  historical: true\n")
    )
    kb = load(minimal_kb)
    brief = compose(select(kb, kb.audiences["uk"]), date=DATE)

    as_of = {plain(p.text): p.as_of for p in section(brief, "talking-points").points}
    # Historical spares it the out-of-date marker, never its date.
    assert as_of["As of about December 2016, officials held property abroad."] is None
    assert brief.out_of_date == ()
    assert brief.check_before == "Check before the meeting: 1 item dates from before 2017"


def test_only_a_full_briefing_opens_with_what_to_check(minimal_kb):
    kb = load(minimal_kb)
    full = compose(select(kb, kb.audiences["uk"], kb.meetings["uk-visit"]), date=DATE)
    one_page = compose(select(kb, kb.audiences["uk"], kb.meetings["uk-visit"], length="one-page"), date=DATE)
    current = compose(select(kb, kb.audiences["uk"], kb.meetings["uk-visit"]), date=datetime.date(2022, 1, 1))

    assert full.check_before is not None and full.check_before.startswith("Check before the meeting: ")
    assert one_page.check_before is None
    assert current.check_before is None


def test_a_case_that_may_not_be_named_is_anonymised(minimal_kb):
    cases = minimal_kb / "testland" / "cases.yaml"
    cases.write_text(cases.read_text().replace("may_name: true", "may_name: false"))
    kb = load(minimal_kb)

    brief = compose(select(kb, kb.audiences["uk"], kb.meetings["uk-visit"]), date=DATE)

    entry = section(brief, "cases").cases[0]
    assert entry.name == "A protest organiser"
    assert entry.role == ""


def test_compose_refuses_a_name_that_slipped_through(minimal_kb):
    kb = load(minimal_kb)
    selection = select(kb, kb.audiences["uk"], kb.meetings["uk-visit"])
    leaky = type(selection)(**{**selection.__dict__, "guard": NameGuard({"the case at cases.yaml:1": ["Doe"]})})

    with pytest.raises(RenderError) as refused:
        compose(leaky, date=DATE)

    assert str(refused.value) == (
        "the briefing would name a person who may not be named here "
        "(the case at cases.yaml:1) in sections[3].cases[0].name; refusing to write it"
    )


def test_restricted_distribution_is_on_the_classification_line(minimal_kb):
    kb = load(minimal_kb)
    brief = compose(select(kb, kb.audiences["uk"], level=model.Sensitivity.RESTRICTED), date=DATE)

    assert brief.classification.startswith("RESTRICTED")


def test_one_page_puts_asks_then_cases_then_talking_points(minimal_kb):
    kb = load(minimal_kb)
    brief = compose(select(kb, kb.audiences["uk"], kb.meetings["uk-visit"], length="one-page"), date=DATE)

    assert [s.key for s in brief.sections] == ["asks", "cases", "talking-points"]
