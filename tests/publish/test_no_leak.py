"""No item above an output's distribution level, and no person who may not be
named, appears anywhere in either format: body, footnotes, sources, bookmarks,
metadata, properties or file name.

Knowledge bases are drawn at random; every item's text carries a marker word
unique to it, so a leak is found wherever in the file it lands.
"""

import datetime
import io
import re
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import pytest
import yaml
from anyascii import anyascii
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from generator.api import compose_brief, generate, load_knowledge_base, render, request_for, requests_for, write_letter
from generator.core.errors import InputError, RenderError, UsageError
from generator.kb import model
from generator.kb.load import KnowledgeBase, Origin
from generator.publish.publisher import output_name
from tests.conftest import build_knowledge_base

LEVELS = list(model.Sensitivity)
THEMES = ("assembly", "corruption")
DATE = datetime.date(2027, 1, 1)


def marker(kind: str, index: int) -> str:
    return f"Zq{kind}{index}x"


def cite(source: str, passage: str = "passage") -> list[model.Citation]:
    return [model.Citation(source=source, passage=passage)]


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
        sources[name.lower()] = model.Source(
            id=name.lower(),
            title=f"Report {name}",
            publisher=f"Publisher {name}",
            date=DATE,
            kind="ngo-report",
            sensitivity=level(name),
        )
    source_ids = sorted(sources)
    facts, cases, recommendations, responses = {}, {}, {}, {}
    withheld: set[str] = set()
    for index in range(draw(st.integers(1, 6))):
        name = marker("fact", index)
        facts[name.lower()] = model.Fact(
            id=name.lower(),
            text=f"Fact {name} happened.",
            themes=[draw(st.sampled_from(THEMES))],
            as_of=DATE,
            priority=draw(st.sampled_from(["high", "low"])),
            sensitivity=level(name),
            sources=cite(draw(st.sampled_from(source_ids))),
            wording={"uk": f"For the UK, {name} happened."},
        )
    for index in range(draw(st.integers(0, 4))):
        name = marker("case", index)
        may_name = draw(st.booleans())
        person = f"Vorlen Quastik{index}"
        if not may_name:
            withheld.update({person, f"Quastik{index}"})
        cases[name.lower()] = model.Case(
            id=name.lower(),
            name=person,
            anonymised_as="an activist",
            may_name=may_name,
            role=f"Role {name}",
            summary=f"Summary {name}.",
            status=f"Status {name}.",
            sentence=f"Sentence {name}",
            as_of=DATE,
            themes=["assembly"],
            priority="high",
            sensitivity=level(name),
            sources=cite(draw(st.sampled_from(source_ids))),
        )
    for index in range(draw(st.integers(0, 3))):
        name = marker("rec", index)
        named = draw(st.sampled_from(sorted(cases) or [None]))
        mention = f" including {cases[named].name}" if named else ""
        recommendations[name.lower()] = model.Recommendation(
            id=name.lower(),
            addressee="government",
            text=f"Release {name}{mention}.",
            themes=["assembly"],
            priority="high",
            sensitivity=level(name),
            sources=cite(draw(st.sampled_from(source_ids))),
            asks={"default": f"Ask {name}{mention}.", "uk": f"UK asks {name}{mention}."},
        )
    for index in range(draw(st.integers(0, 2))):
        name = marker("response", index)
        responses[name.lower()] = model.Response(
            id=name.lower(),
            claim=f"Claim {name}.",
            reply=f"Reply {name}.",
            themes=["corruption"],
            priority="medium",
            sensitivity=level(name),
            sources=cite(draw(st.sampled_from(source_ids))),
        )
    audience = model.Audience(
        id="uk",
        name="United Kingdom",
        full_name="UK Government",
        addressee="officials",
        language="en-GB",
        paper="a4",
        date_style="day-month",
        theme_weights={"assembly": 2, "corruption": 1},
    )
    lever = model.Lever(
        id="sanctions",
        name="Sanctions",
        text="Sanctions exist.",
        themes=["corruption"],
        # A passage no fact cites: a fact restating a lever is left out.
        sources=cite(source_ids[0], "sanctions exist"),
    )
    # A meeting's distribution is the default level of its briefing, which
    # --distribution may lower: its own words are the user's, not an item's.
    meeting = model.Meeting(
        id="zqmeetingx",
        country="testland",
        audience="uk",
        date=DATE,
        place="London",
        title="Meeting Zqmeetingx",
        purpose="Purpose Zqmeetingx.",
        distribution=draw(st.sampled_from(LEVELS)),
        include=sorted(facts)[:1],
    )
    kb = KnowledgeBase(
        country=model.Country(id="testland", name="Testland", prepared_by="Team"),
        themes={theme: model.Theme(id=theme, label=theme.title()) for theme in THEMES},
        sources=sources,
        facts=facts,
        cases=cases,
        recommendations=recommendations,
        responses=responses,
        audiences={"uk": audience},
        meetings={"zqmeetingx": meeting},
        levers={"uk": {"sanctions": lever}},
        # A request names its country by the folder of its country file.
        origins={("x", "x"): Origin(Path("x"), 1), ("country", "testland"): Origin(Path("testland/country.yaml"), 1)},
    )
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
        return "\n".join(
            re.sub(r"<[^>]+>", "", archive.read(name).decode("utf-8", "replace"))
            for name in archive.namelist()
            if name.endswith((".xml", ".rels"))
        )


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


# Each example lays out and renders a briefing in both formats: a run draws a few, and every run new ones.
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(knowledge_bases(), st.sampled_from(LEVELS), st.booleans())
def test_nothing_above_the_distribution_level_appears_in_either_format(generated, distribution, for_meeting):
    kb, levels, withheld = generated
    meeting = kb.meetings["zqmeetingx"] if for_meeting else None
    brief = compose_brief(kb, request_for(kb, "uk", meeting, distribution=distribution, date=DATE))
    forbidden = [name for name, level in levels.items() if not distribution.allows(level)]
    shown_facts = [
        fact.text.split()[1]
        for fact in kb.facts.values()
        if distribution.allows(fact.sensitivity) and distribution.allows(kb.sources[fact.sources[0].source].sensitivity)
    ]

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


# A person who may not be named, written into any field of a knowledge base on
# disk in any disguise: check refuses it with file:line, or the briefing leaves
# the item out, or generate refuses the copy. Never does the name reach a file.

PROTECTED = ("Vorlen Dastrik", "Tomas Veltrin Jr.", "Milena Bokaeva")
LOOKALIKES = {
    "a": "а",
    "e": "е",
    "o": "о",
    "p": "р",
    "c": "с",
    "x": "х",
    "y": "у",
    "i": "і",
    "k": "к",
    "m": "м",
    "t": "т",
    "A": "А",
    "B": "В",
    "E": "Е",
    "H": "Н",
    "K": "К",
    "M": "М",
    "O": "О",
    "P": "Р",
    "C": "С",
    "T": "Т",
    "X": "Х",
}
"""Cyrillic letters drawn like Latin ones."""
CYRILLIC = dict(zip("abvgdezijklmnoprstuf", "абвгдезийклмнопрстуф", strict=False))
"""Latin to Cyrillic, letter for letter, for the names above (none has a q, w, x, y, h, c)."""
INVISIBLE = {"soft hyphen": "\u00ad", "zero-width space": "\u200b", "zero-width joiner": "\u200d"}
SPACE_LIKE = {"hair space": "\u200a", "narrow no-break space": "\u202f"}
"""Characters the knowledge base accepts, that a reader takes for no space inside a word."""


def longest_token(name: str) -> str:
    return max(re.findall(r"[A-Za-z]+", name), key=len)


def surname_first(name: str) -> str:
    tokens = [token for token in name.split() if token != "Jr."]
    return " ".join([tokens[-1].upper(), *tokens[:-1]])


def cut_in(word: str, insert: str) -> str:
    return word[:3] + insert + word[3:]


DISGUISES = {
    "plain": lambda name: name,
    "decomposed accent": lambda name: unicodedata.normalize("NFD", name.replace("a", "á", 1)),
    "added accents": lambda name: name.replace("e", "é").replace("o", "ö"),
    "fullwidth": lambda name: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name),
    "look-alikes": lambda name: "".join(LOOKALIKES.get(c, c) for c in name),
    "cyrillic": lambda name: " ".join(
        "".join(CYRILLIC.get(c, c) for c in token.lower()).title() for token in name.replace(" Jr.", "").split()
    ),
    "casing": lambda name: "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(name)),
    "surname first": surname_first,
    "suffix": lambda name: name.replace(" Jr.", "") + " III",
    "spaced letters": lambda name: " ".join(longest_token(name)),
    "dotted letters": lambda name: ".".join(longest_token(name)),
    "possessive": lambda name: longest_token(name) + "'s",
    "inflection": lambda name: longest_token(name) + "om",
    **{
        label: (lambda name, mark=mark: cut_in(longest_token(name), mark))
        for label, mark in {**INVISIBLE, **SPACE_LIKE}.items()
    },
}

# (file, keys to the field) of every field a name could be written in; "recipient" is the command's option.
FIELDS = {
    "fact text": ("testland/facts.yaml", (0, "text")),
    "fact wording": ("testland/facts.yaml", (0, "wording", "uk")),
    "case role": ("testland/cases.yaml", (0, "role")),
    "case charge": ("testland/cases.yaml", (0, "charge")),
    "case sentence": ("testland/cases.yaml", (0, "sentence")),
    "case summary": ("testland/cases.yaml", (0, "summary")),
    "case status": ("testland/cases.yaml", (0, "status")),
    "case anonymised_as": ("testland/cases.yaml", (1, "anonymised_as")),
    "recommendation text": ("testland/recommendations.yaml", (0, "text")),
    "recommendation ask": ("testland/recommendations.yaml", (0, "asks", "uk")),
    "response claim": ("testland/responses.yaml", (0, "claim")),
    "response reply": ("testland/responses.yaml", (0, "reply")),
    "lever name": ("testland/levers/uk.yaml", (0, "name")),
    "lever text": ("testland/levers/uk.yaml", (0, "text")),
    "source title": ("testland/sources.yaml", (0, "title")),
    "source author": ("testland/sources.yaml", (0, "author")),
    "source url": ("testland/sources.yaml", (0, "url")),
    "meeting purpose link": ("testland/meetings/uk-visit.yaml", ("purpose",)),
    "meeting place": ("testland/meetings/uk-visit.yaml", ("place",)),
    "meeting title": ("testland/meetings/uk-visit.yaml", ("title",)),
    "meeting participants": ("testland/meetings/uk-visit.yaml", ("participants", 0)),
    "meeting id": ("testland/meetings/uk-visit.yaml", ("id",)),
    "prepared_by": ("testland/country.yaml", ("prepared_by",)),
    "recipient": (None, ()),
    "record attended role": (RECORD_FILE := "testland/meetings/uk-visit.record.yaml", ("attended", 0, "role")),
    "record raised text": (RECORD_FILE, ("raised", 0, "text")),
    "record they_said": (RECORD_FILE, ("they_said", 0, "text")),
    "record commitment who": (RECORD_FILE, ("commitments", 0, "who")),
    "record commitment what": (RECORD_FILE, ("commitments", 0, "what")),
    "record action what": (RECORD_FILE, ("actions", 0, "what")),
}

# A record of the bundled meeting and a later meeting whose briefing follows it up; every entry
# is on the record (public), so only the name guard can keep a name out.
RECORD = {
    "meeting": "uk-visit",
    "held_on": datetime.date(2027, 2, 9),
    "attended": [{"role": "Desk officer", "side": "theirs"}],
    "raised": [{"text": "Press freedom"}],
    "they_said": [{"text": "The desk will look into it.", "sensitivity": "public"}],
    "commitments": [{"id": "raise", "who": "Desk officer", "what": "Raise the cases", "by": datetime.date(2027, 3, 1)}],
    "actions": [{"owner": "Advocacy lead", "what": "Send the letter", "due": datetime.date(2027, 2, 16)}],
}
LATER_MEETING = "testland/meetings/uk-visit-later.yaml"

WITHHELD_CASE = {
    "id": "case-two",
    "name": None,
    "aliases": [],
    "anonymised_as": "a detained activist",
    "may_name": False,
    "role": "Activist",
    "summary": "Detained after a protest.",
    "status": "In detention",
    "as_of": datetime.date(2021, 7, 22),
    "themes": ["assembly"],
    "priority": "high",
    "sources": [{"source": "report-2021", "passage": "detained"}],
}


def as_field_value(field: str, text: str) -> str:
    """The disguised name as it can be written in the field: a path of a URL, an id, a link target."""
    if field == "meeting id":
        slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
        return f"{slug}-visit" if slug else "visit"
    path = text.replace(" ", "-")
    if field == "source url":
        return f"https://example.org/{path}"
    if field == "meeting purpose link":
        return f"Press for [their release](https://example.org/{path})."
    return f"Said {text} today"


def write_knowledge_base(root: Path, person: str, field: str, value: str) -> None:
    build_knowledge_base(root)
    cases = root / "testland" / "cases.yaml"
    data = yaml.safe_load(cases.read_text(encoding="utf-8"))
    cases.write_text(
        yaml.safe_dump([*data, {**WITHHELD_CASE, "name": person}], allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    file, keys = FIELDS[field]
    if file is None:
        return
    if file == RECORD_FILE:
        (root / file).write_text(yaml.safe_dump(RECORD, sort_keys=False), encoding="utf-8")
        meeting = yaml.safe_load((root / "testland" / "meetings" / "uk-visit.yaml").read_text(encoding="utf-8"))
        later = {**meeting, "id": "uk-visit-later", "date": datetime.date(2027, 5, 10), "include": []}
        (root / LATER_MEETING).write_text(yaml.safe_dump(later, sort_keys=False), encoding="utf-8")
    path = root / file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    target = data
    for key in keys[:-1]:
        target = target[key] if isinstance(key, int) else target.setdefault(key, {})
    target[keys[-1]] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


LATIN_FOR_LOOKALIKE = str.maketrans({cyrillic: latin for latin, cyrillic in LOOKALIKES.items()})
NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


def readings(text: str) -> list[str]:
    """Letters only, written here without the generator's matcher: NFKC, casefold, accents
    stripped, anyascii; once as typed and once with Cyrillic look-alikes read as Latin.

    A folder's text runs to hundreds of thousands of characters, nearly all ASCII: the steps
    that go letter by letter see only the runs of other letters, where they have work to do."""

    def letters(variant: str) -> str:
        folded = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", variant).casefold())
        plain = NOT_ASCII.sub(
            lambda run: anyascii("".join(c for c in run.group() if not unicodedata.combining(c))), folded
        )
        return re.sub(r"[^a-z]+", "", plain.lower())

    as_typed = letters(text)
    normal = unicodedata.normalize("NFKC", text)
    latin = NOT_ASCII.sub(lambda run: run.group().translate(LATIN_FOR_LOOKALIKE), normal)
    # Without look-alikes the second reading is the first: NFKC of NFKC text changes nothing.
    return [as_typed, letters(latin) if latin != normal else as_typed]


def everything_in_folder(out: Path) -> str:
    parts = [path.name for path in out.iterdir()] if out.exists() else []
    for path in sorted(out.glob("*")) if out.exists() else []:
        if path.suffix == ".pdf":
            content = path.read_bytes()
            reader = PdfReader(io.BytesIO(content))
            parts.append(everything_in_pdf(content))
            parts += [
                str(annotation.get_object().get("/A", {}).get("/URI"))
                for page in reader.pages
                for annotation in page.get("/Annots") or ()
            ]
            metadata = reader.trailer["/Root"].get("/Metadata")
            if metadata is not None:
                parts.append(metadata.get_object().get_data().decode("utf-8", "replace"))
        elif path.suffix == ".docx":
            with zipfile.ZipFile(path) as archive:
                parts += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
        else:
            parts.append(path.read_text(encoding="utf-8"))
    return "\n".join(parts)


@pytest.mark.slow
# Each example builds, checks and renders a knowledge base: a run draws a few, and every run new ones.
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    person=st.sampled_from(PROTECTED),
    disguise=st.sampled_from(sorted(DISGUISES)),
    field=st.sampled_from(sorted(FIELDS)),
)
def test_a_disguised_protected_name_in_any_field_never_reaches_a_copy(person, disguise, field):
    text = DISGUISES[disguise](person)
    value = as_field_value(field, text)
    messages: list[str] = []
    generated = False
    with tempfile.TemporaryDirectory() as folder:
        briefs, out = Path(folder) / "briefs", Path(folder) / "out"
        write_knowledge_base(briefs, person, field, value)
        try:
            checked = load_knowledge_base(briefs, today=DATE)
            messages += [warning.message for warning in checked.warnings]
            on_record = FIELDS[field][0] == RECORD_FILE
            requests = requests_for(
                checked.kb,
                meeting_file=briefs / (LATER_MEETING if on_record else "testland/meetings/uk-visit.yaml"),
                recipient=value if field == "recipient" else None,
                date=DATE,
            )
            outcome = generate(checked.kb, requests, out_dir=out)
            messages += [message for _, message in outcome.failed]
            if on_record:
                record = checked.kb.records["uk-visit"]
                for level in (model.Sensitivity.PUBLIC, model.Sensitivity.RESTRICTED):
                    letters = write_letter(checked.kb, record, level, out_dir=out, date=DATE)
                    messages += [message for _, message in letters.failed]
        except InputError as error:
            messages += [diagnostic.message for diagnostic in error.diagnostics]
            assert all(
                diagnostic.path.is_relative_to(briefs) and diagnostic.line >= 1 for diagnostic in error.diagnostics
            )
            if any(mark in value for mark in INVISIBLE.values()) and field != "recipient":
                assert any("contains the invisible character" in message for message in messages), messages
            else:
                assert any("names a person who may not be named" in message for message in messages), messages
        except (UsageError, RenderError) as error:
            messages.append(str(error))
            assert field == "recipient", (field, str(error))
            assert not out.exists() or not any(out.glob("*.pdf")), "a refused copy was written"
        else:
            assert not any(mark in value for mark in INVISIBLE.values()), "an invisible character was accepted"
            generated = not outcome.failed
        written = readings(everything_in_folder(out))
        if generated:
            assert "testland" in written[0], "nothing was written: the test would pass vacuously"
        written += readings("\n".join(messages))

    for token in re.findall(r"[A-Za-z]{5,}", person):
        for reading in written:
            assert token.lower() not in reading, (token, disguise, field)
