"""The bundled Kazakhstan knowledge base: valid, and every passage it cites is real."""

import hashlib
import re
from collections.abc import Iterator

import pytest

from generator.api import load_knowledge_base
from generator.kb import model
from generator.kb.layout import ITEM_KINDS
from generator.kb.load import KnowledgeBase
from tests.conftest import BUNDLED_BRIEFS


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base(BUNDLED_BRIEFS).kb


def citations(kb: KnowledgeBase) -> Iterator[tuple[str, model.Citation]]:
    for kind in ITEM_KINDS:
        for item in getattr(kb, kind).values():
            for citation in item.sources:
                yield f"{kind}/{item.id}", citation
            if isinstance(item, model.Response):
                for citation in item.claim_sources:
                    yield f"{kind}/{item.id} (claim)", citation
    for audience in kb.audiences.values():
        for lever in kb.levers[audience.id].values():
            for citation in lever.sources:
                yield f"audiences/{audience.id}/{lever.id}", citation


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_bundled_knowledge_base_passes_check(cli):
    result = cli("check", "--briefs", BUNDLED_BRIEFS)

    assert result.exit_code == 0, result.output
    assert "Kazakhstan is valid" in result.output


def test_it_covers_every_audience_and_the_named_cases(kb):
    assert set(kb.audiences) == {"us", "uk", "eu", "lender", "world-bank", "ebrd"}
    assert {
        "bokayev",
        "ayan",
        "kharkova",
        "kushakbaev",
        "kozlov",
        "ilyashev",
        "tulesova",
        "eleusinov",
        "baltabay",
    } <= set(kb.cases)
    assert len(kb.meetings) >= 4
    assert {audience.paper for audience in kb.audiences.values()} == {"a4", "letter"}
    assert kb.audiences["us"].paper == "letter" and kb.audiences["us"].language == "en-US"


def test_every_recommendation_of_the_report_is_there(kb):
    addressed = [rec.addressee for rec in kb.recommendations.values()]
    assert addressed.count("government") == 13
    assert addressed.count("international") >= 2


@pytest.mark.parametrize(
    "figure",
    [
        "247 individuals",
        "78",
        "$4.15 billion for 13 projects",
        "€2.43bn",
        "$62 billion",
        "at least 205",
    ],
)
def test_key_figures_are_stated_exactly(kb, figure):
    texts = [fact.text for fact in kb.facts.values()] + [
        lever.text for levers in kb.levers.values() for lever in levers.values()
    ]
    assert any(figure in text for text in texts), figure


def test_every_cited_passage_appears_verbatim_in_its_archived_source(kb):
    folder = BUNDLED_BRIEFS / "kazakhstan"
    documents = {
        source.id: squeeze((folder / source.archive).read_text(encoding="utf-8"))
        for source in kb.sources.values()
        if source.archive
    }
    missing = [
        f"{where}: {citation.source}: {citation.passage!r}"
        for where, citation in citations(kb)
        if squeeze(citation.passage) not in documents.get(citation.source, "")
    ]
    assert missing == []


def test_every_source_is_archived_with_the_hash_of_its_text(kb):
    folder = BUNDLED_BRIEFS / "kazakhstan"
    for source in kb.sources.values():
        assert source.archive == f"sources/{source.id}.txt"
        assert hashlib.sha256((folder / source.archive).read_bytes()).hexdigest() == source.archive_sha256
