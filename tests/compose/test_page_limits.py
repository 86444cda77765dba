"""Briefings fit their page limits, measured on the real PDFs: a leave-behind one page, a full briefing four."""

from __future__ import annotations

import dataclasses
import datetime
import io
import math
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator import api
from generator.compose.brief import strings
from generator.compose.fit import fit_to_pages
from generator.core.errors import TooLong
from generator.core.settings import DEFAULT_PAGES
from generator.kb.layout import meeting_files
from generator.kb.model import Sensitivity
from generator.render.docx import render_docx
from generator.render.pdf import render_pdf
from generator.select.selection import room_taken, select
from tests.conftest import BUNDLED_BRIEFS, FIXTURES
from tests.once import once

DATE = datetime.date(2026, 11, 25)
LEVELS = (Sensitivity.PUBLIC, Sensitivity.CONFIDENTIAL)


def pages_of(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def docx_text(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return archive.read("word/document.xml").decode()


def knowledge_bases() -> list[Path]:
    return [BUNDLED_BRIEFS, FIXTURES / "minimal"]


def every_request() -> list[tuple[Path, api.Request]]:
    requests = []
    for briefs in knowledge_bases():
        kb = api.load_knowledge_base(briefs, today=DATE).kb
        for audience in sorted(kb.audiences):
            for length in DEFAULT_PAGES:
                requests += [
                    (briefs, api.request_for(kb, audience, distribution=level, length=length, date=DATE))
                    for level in LEVELS
                ]
        for meeting_file in sorted(path for folder in briefs.glob("*/meetings") for path in meeting_files(folder)):
            for request in api.requests_for(kb, meeting_file=meeting_file, date=DATE):
                requests += [(briefs, request), (briefs, dataclasses.replace(request, length="one-page"))]
    # The EU briefings have a French translation, which runs longer than the English: they still fit.
    kb = api.load_knowledge_base(BUNDLED_BRIEFS, today=DATE).kb
    meeting = BUNDLED_BRIEFS / "kazakhstan" / "meetings" / "eu-hrd-prep-brussels-2027-03.yaml"
    for length in DEFAULT_PAGES:
        requests.append((BUNDLED_BRIEFS, api.request_for(kb, "eu", length=length, date=DATE, language="fr")))
        for request in api.requests_for(kb, meeting_file=meeting, length=length, date=DATE, language="fr"):
            requests.append((BUNDLED_BRIEFS, request))
    return requests


def request_id(case: tuple[Path, api.Request]) -> str:
    briefs, request = case
    what = request.meeting.id if request.meeting else request.audience
    language = f"-{request.language}" if request.translations else ""
    return f"{briefs.name}-{what}-{request.length}-{request.level.value}{language}"


@pytest.fixture(scope="module")
def kbs():
    return {briefs: api.load_knowledge_base(briefs, today=DATE).kb for briefs in knowledge_bases()}


@pytest.mark.slow
@pytest.mark.parametrize("case", every_request(), ids=request_id)
def test_every_briefing_fits_its_page_limit(built, case):
    briefs, request = case
    brief = built.brief(briefs, DATE, request)
    pages = pages_of(built.file(briefs, DATE, request, "pdf"))
    assert pages <= DEFAULT_PAGES[brief.length]
    if brief.length == "one-page":
        assert pages == 1


pdf_of, docx_of = once(render_pdf), once(render_docx)
"""The leave-behind's files, which its tests only read."""


@pytest.fixture(scope="module")
def leave_behind(kbs, built):
    kb = kbs[BUNDLED_BRIEFS]
    return built.brief(BUNDLED_BRIEFS, DATE, api.request_for(kb, "uk", length="one-page", date=DATE))


def test_leave_behind_labels_its_sections_for_the_reader_not_as_the_full_briefing_does(leave_behind):
    text = text_of(pdf_of(leave_behind))
    for heading in ("Purpose", "Key asks", "Individual cases", "Talking points"):
        assert heading not in text
    for label in ("Our asks\n", "Cases\n", "Key points\n"):
        assert label in text
    assert "human rights briefing" in text
    assert "Heading1" in docx_text(docx_of(leave_behind))


def test_leave_behind_puts_the_asks_first_then_cases_then_talking_points(leave_behind):
    assert [section.key for section in leave_behind.sections] == ["asks", "cases", "talking-points"]


def test_leave_behind_carries_the_contact_block_from_the_country_file(leave_behind):
    assert leave_behind.contact == ("Central Asia advocacy team",)
    assert "Contact: Central Asia advocacy team" in text_of(pdf_of(leave_behind))
    assert "Central Asia advocacy team" in docx_text(docx_of(leave_behind))


def test_full_briefing_keeps_its_headings(kbs, built):
    kb = kbs[BUNDLED_BRIEFS]
    request = api.request_for(kb, "uk", length="full", date=DATE)
    assert "Key asks" in text_of(built.file(BUNDLED_BRIEFS, DATE, request, "pdf"))


# The search itself, with a stand-in page count so that each case is exact.


def selection_of(kbs, length="full", meeting=None):
    kb = kbs[BUNDLED_BRIEFS]
    return select(kb, kb.audiences["uk"], meeting, Sensitivity.CONFIDENTIAL, length)


def room(selection) -> int:
    return sum(
        room_taken(item, selection.audience)
        for kind in ("talking_points", "background", "cases", "recommendations", "responses", "levers")
        for item in getattr(selection, kind)
    )


def item_count(selection) -> int:
    return sum(
        len(getattr(selection, kind))
        for kind in ("talking_points", "background", "cases", "recommendations", "responses", "levers")
    )


def test_fitting_removes_the_fewest_items_that_fit(kbs):
    selection = selection_of(kbs)
    total = item_count(selection)
    layouts = []

    def pages(count: int) -> int:
        layouts.append(count)
        return 5 if count > total - 3 else 4  # fits once three items are gone

    fitted = fit_to_pages(selection, item_count, pages)
    assert fitted == total - 3
    assert len(layouts) <= 5


@pytest.mark.parametrize("over", [0.3, 0.6, 0.9])
def test_a_briefing_whose_pages_follow_its_text_is_fitted_in_three_layouts(kbs, over):
    selection = selection_of(kbs)
    whole = room(selection)
    per_page = whole / (4 + over)  # its text runs `over` of a page past four
    layouts = []

    def pages(chosen) -> int:
        layouts.append(chosen)
        return math.ceil(room(chosen) / per_page)

    fitted = fit_to_pages(selection, lambda chosen: chosen, pages)

    assert room(fitted) <= 4 * per_page
    # Laid out as selected, with the removals that free that much room, and with one fewer, which does not fit.
    assert len(layouts) == 3
    one_fewer = [set(chosen.cut) for chosen in layouts if room(chosen) > 4 * per_page][-1]
    assert one_fewer < set(fitted.cut) and len(set(fitted.cut) - one_fewer) == 1


def pages_following_text(selection, pages_of_text: float, layouts: list):
    """Page counting that lays out `pages_of_text` pages as selected, fewer as items go, noting each layout."""
    per_page = room(selection) / pages_of_text

    def pages(chosen) -> int:
        layouts.append(chosen)
        return math.ceil(room(chosen) / per_page)

    return pages


def test_a_briefing_fitted_before_is_laid_out_once_with_what_it_left_out(kbs):
    selection = selection_of(kbs)
    layouts: list = []
    pages = pages_following_text(selection, 4.6, layouts)

    searched = fit_to_pages(selection, lambda chosen: chosen, pages)
    layouts.clear()

    assert fit_to_pages(selection, lambda chosen: chosen, pages, known_cut=searched.cut) == searched
    assert layouts == [searched]


@pytest.mark.parametrize("wrong", ["too few", "unknown item"])
def test_a_remembered_cut_that_does_not_fit_or_no_longer_applies_is_searched_again(kbs, wrong):
    selection = selection_of(kbs)
    layouts: list = []
    pages = pages_following_text(selection, 4.6, layouts)

    searched = fit_to_pages(selection, lambda chosen: chosen, pages)
    one_fewer = next(chosen.cut for chosen in reversed(layouts) if chosen.cut and pages(chosen) > 4)
    known = one_fewer if wrong == "too few" else ("background fact 'no-such-fact'",)
    layouts.clear()

    assert fit_to_pages(selection, lambda chosen: chosen, pages, known_cut=known) == searched
    assert (layouts[0].cut == known) == (wrong == "too few")


def test_the_page_limit_is_the_knowledge_bases(kbs):
    kb = kbs[BUNDLED_BRIEFS]
    two_pages = dataclasses.replace(kb, settings=dataclasses.replace(kb.settings, pages={"full": 2, "one-page": 1}))
    selection = select(two_pages, two_pages.audiences["uk"], None, Sensitivity.CONFIDENTIAL, "full")
    total = item_count(selection)

    # Three pages fit the default limit of four at once; two pages need two items gone.
    assert fit_to_pages(selection, item_count, lambda count: 3 if count > total - 2 else 2) == total - 2


def test_a_briefing_that_fits_is_laid_out_once(kbs):
    selection = selection_of(kbs)
    layouts = []
    fit_to_pages(selection, lambda chosen: chosen, lambda brief: layouts.append(brief) or 1)
    assert layouts == [selection]


def test_pinned_items_never_give_way_and_a_briefing_that_cannot_fit_is_refused(kbs):
    kb = kbs[BUNDLED_BRIEFS]
    meeting = api.read_meeting_file(BUNDLED_BRIEFS / "kazakhstan" / "meetings" / "uk-fcdo-london-2027-02.yaml", kb)
    selection = selection_of(kbs, "one-page", meeting)
    pinned = {item.id for item in ids_in(selection)} & set(meeting.include)
    assert pinned
    laid_out = []

    def always_too_long(chosen) -> int:
        laid_out.append(chosen)
        return 2

    with pytest.raises(TooLong, match="leave-behind for the uk-fcdo-london-2027-02 meeting runs to 2 pages"):
        fit_to_pages(selection, lambda chosen: chosen, always_too_long)
    assert len(laid_out) <= 6
    for chosen in laid_out:
        assert pinned <= {item.id for item in ids_in(chosen)}


def ids_in(selection):
    return [
        item
        for kind in ("talking_points", "background", "cases", "recommendations", "responses")
        for item in getattr(selection, kind)
    ]


def test_a_leave_behind_that_cannot_fit_is_refused_with_exit_status_2(tmp_path, cli, monkeypatch):
    import generator.render.pdf as render_pdf_module

    monkeypatch.setattr(render_pdf_module, "count_pages", lambda brief: 2)
    result = cli(
        "generate",
        "--briefs",
        FIXTURES / "minimal",
        "--audience",
        "uk",
        "--length",
        "one-page",
        "--out",
        tmp_path / "out",
    )
    assert result.exit_code == 2, result.output
    assert "runs to 2 pages" in result.output
    assert not (tmp_path / "out").exists()


def test_what_fitting_leaves_out_is_reported_by_generate_and_kept_off_the_page(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kb = api.load_knowledge_base(BUNDLED_BRIEFS).kb
    brief = api.compose_brief(kb, api.request_for(kb, "uk", length="full"))
    assert brief.cut, "the full UK briefing must run long for this test to mean anything"
    printed = "\n".join(text for _, text in strings(brief))
    for item in brief.cut:
        if item.startswith(("line to take", "background fact")):
            fact = kb.facts[item.split("'")[1]]
            assert (fact.lines.get("uk") or fact.wording.get("uk") or fact.text)[20:80] not in printed, item
    # General background and lines give way before the audience's own levers and our asks.
    assert not any(item.startswith(("lever", "ask")) for item in brief.cut)

    result = cli("generate", "--audience", "uk", "--briefs", str(BUNDLED_BRIEFS), "--out", "out", "--format", "pdf")

    assert result.exit_code == 0, result.output
    assert "_kazakhstan_uk.pdf: left out to fit its pages: " + ", ".join(brief.cut) in result.output
