"""Every sentence printed from an item older than its country's limit says when it was true.

Every audience, meeting and length of the bundled knowledge base is rendered,
and the PDF's text is read: a line, ask, known position, case status or
background sentence drawn from such an item must carry its date, and a full
briefing opens with the check-before banner exactly when it prints one.
"""

import datetime
import re

import pytest
from pypdf import PdfReader

from generator import api
from generator.kb import model
from generator.policy.staleness import older_than_limit
from tests.conftest import BUNDLED_BRIEFS

DATE = datetime.date(2026, 11, 25)
AUDIENCES = ("us", "uk", "eu", "lender")
LENGTHS = ("full", "one-page")
DATED = re.compile(r"(?:As of (?:about )?|On evidence from (?:about )?)\w+ \d{4}[,:]$")
MEETINGS = sorted((BUNDLED_BRIEFS / "kazakhstan" / "meetings").glob("*.yaml"))


@pytest.fixture(scope="module")
def kb():
    return api.load_knowledge_base(BUNDLED_BRIEFS, today=DATE).kb


@pytest.fixture(scope="module")
def rendered(kb, tmp_path_factory) -> dict[str, tuple[str, str]]:
    """Each briefing's PDF text by file name, with the audience it is for."""
    out = tmp_path_factory.mktemp("dated")
    requests = [
        *(
            request
            for length in LENGTHS
            for request in api.requests_for(kb, audiences=AUDIENCES, length=length, date=DATE)
        ),
        *(
            request
            for length in LENGTHS
            for meeting in MEETINGS
            for request in api.requests_for(kb, meeting_file=meeting, length=length, date=DATE)
        ),
    ]
    with api.RenderPool(2) as pool:
        outcome = api.generate(kb, requests, ("pdf",), out, pool=pool)
    assert outcome.failed == []
    texts = {}
    for path in outcome.written:
        if path.suffix == ".pdf":
            text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(path).pages))
            texts[path.name] = (text, path.stem.split("_")[2])
    assert len(texts) == len(requests)
    return texts


def stale_sentences(kb, audience: str) -> list[str]:
    """The sentences a briefing for `audience` may print from items older than the limit."""
    country = kb.country

    def old(date: datetime.date) -> bool:
        return older_than_limit(date, country, DATE)

    def newest(citations: list[model.Citation]) -> datetime.date:
        return max(kb.sources[citation.source].date for citation in citations)

    sentences = [
        fact.lines.get(audience) or fact.wording.get(audience, fact.text)
        for fact in kb.facts.values()
        if old(fact.as_of)
    ]
    sentences += [case.status for case in kb.cases.values() if old(case.as_of)]
    sentences += [
        rec.asks.get(audience, rec.asks["default"])
        for rec in kb.recommendations.values()
        if rec.sources and old(newest(rec.sources))
    ]
    sentences += [
        position.text
        for meeting in kb.meetings.values()
        if meeting.audience == audience
        for position in meeting.positions
        if position.sources and old(newest(position.sources))
    ]
    return [re.sub(r"\s+", " ", sentence) for sentence in sentences]


def test_no_stale_sentence_prints_without_its_date_and_the_banner_says_so(kb, rendered):
    for name, (text, audience) in rendered.items():
        printed = 0
        for sentence in stale_sentences(kb, audience):
            # From its second character: a dated sentence may start lower-case.
            chunk = sentence[1:40]
            for found in re.finditer(re.escape(chunk), text):
                before = text[max(0, found.start() - 40) : found.start() - 1]
                if before.rstrip().endswith("Evidence:"):
                    continue  # the evidence under a line, which carries the date
                if not DATED.search(before.rstrip()) and re.search(r"[a-z,’]$", before.rstrip()):
                    continue  # the same words inside another item's sentence, not this item printed
                printed += 1
                assert DATED.search(before.rstrip()), f"{name}: undated: {sentence[:80]!r} after {before!r}"
        banner = re.search(r"Check before the meeting: (\d+) items? dates? from before (\d{4})", text)
        if "one-page" in name:
            assert banner is None, name
        else:
            assert (banner is not None) == (printed > 0), name
            assert banner is None or text.index(banner.group(0)) < 40, name
