"""The World Bank and the EBRD are briefed on their own, each reading what is written for lenders after
what is written for itself."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from generator import api
from generator.kb import model
from tests.conftest import BUNDLED_BRIEFS

DATE = datetime.date(2026, 11, 25)


@pytest.fixture(scope="module")
def kb():
    return api.load_knowledge_base(BUNDLED_BRIEFS, today=DATE).kb


def texts(brief, key: str) -> list[str]:
    section = next(section for section in brief.sections if section.key == key)
    return ["".join(span.text for span in point.text) for point in section.points]


@pytest.mark.parametrize(
    ("audience", "bank", "other"), [("world-bank", "World Bank", "EBRD"), ("ebrd", "EBRD", "World Bank")]
)
def test_each_bank_gets_its_own_asks_portfolio_and_the_lenders_levers(kb, audience, bank, other):
    brief = api.compose_brief(kb, api.request_for(kb, audience, date=DATE))

    asks = texts(brief, "asks")
    assert asks and all(other not in ask for ask in asks), asks
    assert any(f"{bank}’s" in ask for ask in asks)
    levers = [point.label for point in next(s for s in brief.sections if s.key == "levers").points]
    assert levers[0] == f"The {bank}’s portfolio in Kazakhstan"
    assert "Finance and technical expertise as leverage in country strategies and project conditions" in levers
    assert f"The {other}’s portfolio in Kazakhstan" not in levers


def test_a_bank_reads_the_lenders_wording_where_it_has_none_of_its_own(kb):
    ebrd = kb.audiences["ebrd"]
    fact = next(fact for fact in kb.facts.values() if "lender" in fact.lines)
    assert model.worded_for(fact.lines, ebrd) == fact.lines["lender"]
    assert ebrd.instruments == kb.audiences["lender"].instruments
    assert ebrd.reads(["lender"]) and not kb.audiences["lender"].reads(["ebrd"])


def test_the_ebrd_meeting_is_briefed_for_the_ebrd(kb):
    meeting = kb.meetings["lender-ebrd-country-team-2027-01"]
    assert meeting.audience == "ebrd"
    brief = api.compose_brief(kb, api.request_for(kb, "ebrd", meeting, length="full", date=DATE))
    assert all("World Bank’s" not in ask for ask in texts(brief, "asks"))


@pytest.mark.parametrize(
    ("part_of", "message"),
    [
        ("world-bank", "part_of names the audience itself ('world-bank'); name another, or remove it"),
        ("ebrd", "part_of names 'ebrd', which is itself part of 'lender'; name 'lender' instead"),
        ("lendr", "unknown audience 'lendr'; did you mean 'lender'?"),
    ],
)
def test_part_of_names_another_audience_that_is_part_of_none(tmp_path: Path, cli, part_of, message):
    briefs = tmp_path / "briefs"
    shutil.copytree(BUNDLED_BRIEFS, briefs)
    audience = briefs / "audiences" / "world-bank.yaml"
    audience.write_text(audience.read_text().replace("part_of: lender", f"part_of: {part_of}"))

    result = cli("check", "--briefs", str(briefs))

    line = next(n for n, text in enumerate(audience.read_text().splitlines(), 1) if text.startswith("part_of:"))
    assert result.exit_code == 2
    assert f"{audience}:{line}: {message}" in result.stderr
