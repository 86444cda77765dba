"""No item above an output's distribution level, and no person who may not be
named, appears anywhere in either format: body, footnotes, sources, bookmarks,
metadata, properties or file name.

Knowledge bases are drawn at random; every item's text carries a marker word
unique to it, so a leak is found wherever in the file it lands.
"""

import datetime
import io
import re
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from generator import model
from generator.api import Request, compose_brief, render
from generator.load import KnowledgeBase, Origin
from generator.publish import output_name

LEVELS = list(model.Sensitivity)
THEMES = ("assembly", "corruption")
DATE = datetime.date(2027, 1, 1)


def marker(kind: str, index: int) -> str:
    return f"Zq{kind}{index}x"


def cite(source: str) -> list[model.Citation]:
    return [model.Citation(source=source, passage="passage")]


@st.composite
def knowledge_bases(draw) -> tuple[KnowledgeBase, dict[str, model.Sensitivity], set[str]]:
    """A knowledge base, the level of every marker in it, and the names that may never appear."""
    levels: dict[str, model.Sensitivity] = {}

    def level(name: str) -> model.Sensitivity:
        levels[name] = draw(st.sampled_from(LEVELS))
        return levels[name]

    sources = {}
    for index in range(draw(st.integers(1, 3))):
        name = marker("source", index)
        sources[name.lower()] = model.Source(id=name.lower(), title=f"Report {name}", publisher=f"Publisher {name}",
                                             date=DATE, kind="ngo-report", sensitivity=level(name))
    source_ids = sorted(sources)
    facts, cases, recommendations, responses = {}, {}, {}, {}
    withheld: set[str] = set()
    for index in range(draw(st.integers(1, 6))):
        name = marker("fact", index)
        facts[name.lower()] = model.Fact(
            id=name.lower(), text=f"Fact {name} happened.", themes=[draw(st.sampled_from(THEMES))],
            as_of=DATE, priority=draw(st.sampled_from(["high", "low"])), sensitivity=level(name),
            sources=cite(draw(st.sampled_from(source_ids))), wording={"uk": f"For the UK, {name} happened."})
    for index in range(draw(st.integers(0, 4))):
        name = marker("case", index)
        may_name = draw(st.booleans())
        person = f"Vorlen Quastik{index}"
        if not may_name:
            withheld.update({person, f"Quastik{index}"})
        cases[name.lower()] = model.Case(
            id=name.lower(), name=person, anonymised_as="an activist", may_name=may_name,
            role=f"Role {name}", summary=f"Summary {name}.", status=f"Status {name}.",
            sentence=f"Sentence {name}", as_of=DATE, themes=["assembly"], priority="high",
            sensitivity=level(name), sources=cite(draw(st.sampled_from(source_ids))))
    for index in range(draw(st.integers(0, 3))):
        name = marker("rec", index)
        named = draw(st.sampled_from(sorted(cases) or [None]))
        mention = f" including {cases[named].name}" if named else ""
        recommendations[name.lower()] = model.Recommendation(
            id=name.lower(), addressee="government", text=f"Release {name}{mention}.", themes=["assembly"],
            priority="high", sensitivity=level(name), sources=cite(draw(st.sampled_from(source_ids))),
            asks={"default": f"Ask {name}{mention}.", "uk": f"UK asks {name}{mention}."})
    for index in range(draw(st.integers(0, 2))):
        name = marker("response", index)
        responses[name.lower()] = model.Response(
            id=name.lower(), claim=f"Claim {name}.", reply=f"Reply {name}.", themes=["corruption"],
            priority="medium", sensitivity=level(name), sources=cite(draw(st.sampled_from(source_ids))))
    audience = model.Audience(
        id="uk", name="United Kingdom", full_name="UK Government", addressee="officials", salutation="Be brief.",
        language="en-GB", paper="a4", date_style="day-month", theme_weights={"assembly": 2, "corruption": 1},
        levers=[model.Lever(id="sanctions", name="Sanctions", text="Sanctions exist.", themes=["corruption"],
                            sources=cite(source_ids[0]))])
    # A meeting's distribution is the default level of its briefing, which
    # --distribution may lower: its own words are the user's, not an item's.
    meeting = model.Meeting(id="zqmeetingx", country="testland", audience="uk", date=DATE, place="London",
                            title="Meeting Zqmeetingx", purpose="Purpose Zqmeetingx.",
                            distribution=draw(st.sampled_from(LEVELS)),
                            include=sorted(facts)[:1])
    kb = KnowledgeBase(
        root=Path("."), country=model.Country(id="testland", name="Testland", prepared_by="Team"),
        themes={theme: model.Theme(id=theme, label=theme.title()) for theme in THEMES},
        sources=sources, facts=facts, cases=cases, recommendations=recommendations, responses=responses,
        audiences={"uk": audience}, meetings={"zqmeetingx": meeting},
        origins={("x", "x"): Origin(Path("x"), 1)})
    return kb, levels, withheld


def everything_in_pdf(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    parts = [page.extract_text() for page in reader.pages]
    parts += [str(value) for value in (reader.metadata or {}).values()]

    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [item.title]

    parts += list(titles(reader.outline))
    return "\n".join(parts)


def everything_in_docx(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(re.sub(r"<[^>]+>", "", archive.read(name).decode("utf-8", "replace"))
                         for name in archive.namelist() if name.endswith((".xml", ".rels")))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(knowledge_bases(), st.sampled_from(LEVELS), st.booleans())
def test_nothing_above_the_distribution_level_appears_in_either_format(generated, distribution, for_meeting):
    kb, levels, withheld = generated
    meeting = kb.meetings["zqmeetingx"] if for_meeting else None
    request = Request("uk", meeting, distribution)
    brief = compose_brief(kb, request, DATE)
    forbidden = [name for name, level in levels.items() if not distribution.allows(level)]
    shown_facts = [fact.text.split()[1] for fact in kb.facts.values() if distribution.allows(fact.sensitivity)
                   and distribution.allows(kb.sources[fact.sources[0].source].sensitivity)]

    for output_format in ("pdf", "docx"):
        content = render(brief, output_format)
        text = squeeze(everything_in_pdf(content) if output_format == "pdf" else everything_in_docx(content))
        name = output_name(DATE, "testland", "uk", meeting.id if meeting else None, output_format)
        for word in forbidden:
            assert squeeze(word) not in text, (word, output_format)
        if shown_facts and output_format == "pdf":
            assert any(squeeze(word) in text for word in shown_facts), "the test would pass vacuously"
        for person in withheld:
            assert squeeze(person) not in text, (person, output_format)
            assert squeeze(person) not in squeeze(name)
