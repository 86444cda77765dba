"""The live preview in a real headless Chromium, driven by Playwright.

A real `briefing serve` process, a real browser, real edits of YAML files on
disk: what an author sees while editing.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import docx
import pypdf
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import BUNDLED_BRIEFS
from tests.preview.test_serve import VELORIA, Server, running_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TIMEOUT_MS = 20_000
BACKGROUND_FACT = "Mihra Rittmann of Human Rights Watch wrote that President"
"""The opening of a fact the UK briefing shows."""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.skip("no Chromium binary on this machine; scripts/bootstrap installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    briefs = tmp_path_factory.mktemp("serve-browser") / "briefs"
    shutil.copytree(BUNDLED_BRIEFS, briefs)
    with running_server(briefs, tmp_path_factory.mktemp("cache")) as running:
        yield running


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """The preview of the UK briefing, loaded; fails the test on any script error or failed request."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{server.url}?audience=uk")
    page.wait_for_selector("body[data-version]", state="attached")
    yield page
    context.close()
    assert errors == []


def page_numbers(page: Page) -> list[str]:
    return page.locator(".page-number").all_inner_texts()


def text_layer(page: Page) -> str:
    return " ".join(page.locator(".text-layer").all_text_contents())


def shown_version(page: Page) -> int:
    return int(page.locator("body").get_attribute("data-version"))


def test_shows_weasyprints_pages_with_their_text(page):
    numbers = page_numbers(page)
    assert 3 <= len(numbers) <= 5
    assert numbers == [f"Page {n} of {len(numbers)}" for n in range(1, len(numbers) + 1)]
    assert page.locator(".sheet img").count() == len(numbers)
    for picture in page.locator(".sheet img").all():
        assert picture.evaluate("image => image.complete && image.naturalWidth > 0")
    text = text_layer(page)
    assert "Kazakhstan: human rights briefing" in text
    # WeasyPrint's own running footer, which no browser would draw from the CSS.
    assert f"Page 2 of {len(numbers)}" in text
    assert page.locator("#status").inner_text() == "Up to date"


def test_selectors_choose_audience_meeting_level_and_length(page):
    assert page.locator("#audience option").all_inner_texts() == [
        "EBRD (ebrd)",
        "European Union (eu)",
        "Multilateral lenders (lender)",
        "United Kingdom (uk)",
        "United States (us)",
        "World Bank (world-bank)",
    ]
    page.select_option("#audience", "eu")
    page.locator(".column-head h2", has_text="European Union").wait_for()
    assert "audience=eu" in page.url
    page.select_option("#length", "one-page")
    page.locator(".page-number", has_text="Page 1 of 1").wait_for()
    assert page_numbers(page) == ["Page 1 of 1"]
    assert "length=one-page" in page.url

    page.select_option("#meeting", "us-state-working-session-2027-02")
    page.locator(".column-head h2", has_text="United States Government").wait_for()
    assert page.locator("#audience").is_disabled()
    assert page.locator("#audience").input_value() == "us"
    assert "Working session with State Department officials" in text_layer(page)

    page.select_option("#meeting", "")
    page.select_option("#distribution", "confidential")
    page.locator(".column-head .meta", has_text="CONFIDENTIAL").wait_for()
    assert "Confidential" in text_layer(page)


def test_saving_a_yaml_file_updates_the_open_page(page, server):
    version = shown_version(page)
    assert "Zebulonova" not in text_layer(page)
    with server.edited("kazakhstan/facts.yaml", BACKGROUND_FACT, BACKGROUND_FACT.replace("Mihra", "Zebulonova")):
        page.locator(".text-layer span", has_text="Zebulonova Rittmann").wait_for()
        assert shown_version(page) > version
        assert page.locator("#problems").is_hidden()
    page.locator(".text-layer span", has_text="Mihra Rittmann of Human Rights Watch wrote").wait_for()


def test_a_yaml_error_shows_file_and_line_and_keeps_the_last_good_preview(page, server):
    before = text_layer(page)
    with server.edited(
        "kazakhstan/facts.yaml", "- id: few-reforms-2015\n", "- id: few-reforms-2015\n  as_of: [unclosed\n"
    ) as facts:
        problem = page.locator("#problem-list li").first
        problem.wait_for()
        line = next(number for number, text in enumerate(facts.read_text().splitlines(), 1) if "[unclosed" in text)
        assert re.search(rf"facts\.yaml:{line}: ", problem.inner_text()), problem.inner_text()
        link = problem.locator("a")
        assert link.get_attribute("href") == f"vscode://file{facts.resolve()}:{line}"
        assert page.locator("#status").inner_text() == "1 problem"
        assert "last good preview" in page.locator("#problems-title").inner_text()
        # The preview stays as it was, pictures and all.
        assert text_layer(page) == before
        assert page.locator(".column-head .stale-note").is_visible()
    page.locator("#problems").wait_for(state="hidden")
    assert page.locator("#status").inner_text() == "Up to date"


def test_warnings_sit_beside_the_items_they_concern(page):
    stale = page.locator(".note", has_text="'few-reforms-2015' is stale")
    shown_on = page.locator(".page").filter(has=stale)
    note = shown_on.locator(".note", has_text="'few-reforms-2015' is stale")
    assert note.is_visible()
    assert note.locator("a").get_attribute("href").startswith("vscode://file/")
    # Beside the fact: level with where it starts on the page, its line to take, or just under the note
    # before it when that one runs further down.
    fact_line = shown_on.locator(".text-layer span", has_text="November 2015, few tangible")
    notes = shown_on.locator(".note").all()
    at = [n.bounding_box() for n in notes].index(note.bounding_box())
    level = abs(note.bounding_box()["y"] - fact_line.bounding_box()["y"]) < 20
    before = notes[at - 1].bounding_box() if at else None
    pushed = before is not None and abs(note.bounding_box()["y"] - (before["y"] + before["height"] + 4)) < 2
    assert level or (pushed and note.bounding_box()["y"] > fact_line.bounding_box()["y"])
    summary = page.locator("#warnings-title").inner_text()
    assert re.fullmatch(r"\d+ warnings \(\d+ beside the pages shown\)", summary)
    assert page.locator("#warning-list li").count() == int(summary.split()[0])


def test_download_buttons_give_the_documents_shown(page, tmp_path):
    with page.expect_download() as download:
        page.locator(".column-head a", has_text="Download PDF").click()
    assert download.value.suggested_filename.endswith("_kazakhstan_uk.pdf")
    pdf = tmp_path / "shown.pdf"
    download.value.save_as(pdf)
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) == len(page_numbers(page))
    assert "Kazakhstan: human rights briefing" in reader.pages[0].extract_text()
    assert "Mihra Rittmann" in "".join(page.extract_text() for page in reader.pages)

    with page.expect_download() as download:
        page.locator(".column-head a", has_text="Download DOCX").click()
    assert download.value.suggested_filename.endswith("_kazakhstan_uk.docx")
    document = docx.Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert "For the UK Government" in [paragraph.text for paragraph in document.paragraphs]


def test_compare_shows_two_audiences_side_by_side(page):
    page.select_option("#compare", "audience:eu")
    page.locator(".column").nth(1).wait_for()
    left, right = page.locator(".column").all()
    assert left.locator("h2").inner_text() == "UK Government"
    assert "For the UK Government" in " ".join(left.locator(".text-layer").all_text_contents())
    assert "For the European Union" in " ".join(right.locator(".text-layer").all_text_contents())
    assert left.bounding_box()["x"] < right.bounding_box()["x"]
    assert abs(left.bounding_box()["y"] - right.bounding_box()["y"]) < 5
    assert "compare=audience%3Aeu" in page.url or "compare=audience:eu" in page.url
    # What one briefing says and the other does not is highlighted, and counted, in each.
    for column, other in ((left, "For the European Union"), (right, "For the UK Government")):
        assert re.fullmatch(
            r"[1-9]\d* lines not in the other briefing", column.locator(".difference-count").inner_text()
        )
        differing = " ".join(column.locator(".text-layer span.differs").all_text_contents())
        assert other not in differing
    assert "For the UK Government" in " ".join(left.locator(".text-layer span.differs").all_text_contents())
    # The title both print is not.
    title = left.locator(".text-layer span", has_text="Kazakhstan: human rights briefing").first
    assert "differs" not in (title.get_attribute("class") or "")


def test_an_item_the_meeting_names_but_the_briefing_leaves_out_is_flagged(page, server):
    page.select_option("#meeting", "uk-fcdo-london-2027-02")
    page.locator(".column-head h2", has_text="UK Government").wait_for()
    assert page.locator(".left-out").count() == 0
    kharkova = (
        "  sensitivity: public\n  sources:\n    - source: hrw-2016-independence-day\n      passage: >-\n"
        "        Kharkova is chair"
    )
    with server.edited("kazakhstan/cases.yaml", kharkova, kharkova.replace("public", "restricted")):
        # Her case's id names a person a public copy may not name, so the notice withholds it.
        notice = page.locator(".left-out", has_text="it is restricted, above this public copy")
        notice.wait_for()
        assert "the meeting includes [name withheld], but this briefing leaves it out" in notice.inner_text()
        assert "kharkova" not in notice.inner_text().lower()
        assert notice.locator("a").get_attribute("href").endswith("uk-fcdo-london-2027-02.yaml:2")
        # Items that name her go too, since a restricted case's name may not appear in a public copy.
        assert page.locator(".left-out", has_text="withheld from a public copy").count() >= 1
    page.locator(".left-out").first.wait_for(state="detached")


@pytest.mark.parametrize("width", [1280, 400])
def test_the_page_fits_the_window_at_any_width(browser, server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(f"{server.url}?audience=uk&compare=audience%3Aeu")
        page.locator(".column").nth(1).locator(".sheet img").first.wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
        sheet = page.locator(".sheet img").first.bounding_box()
        toolbar = page.locator(".toolbar").bounding_box()
        left, right = page.locator(".column").all()
        if width < 700:
            # One column: the page takes the width, the two briefings stack, and the options fold away.
            assert sheet["width"] >= 0.9 * width
            assert right.bounding_box()["y"] > left.bounding_box()["y"] + left.bounding_box()["height"] - 1
            assert toolbar["height"] < 60 and not page.locator("#audience").is_visible()
            page.locator("#toolbar-toggle").click()
            assert page.locator("#audience").is_visible()
            # A note sits under its page, across the width, not in a narrow column beside it.
            note = page.locator(".note").first
            if note.count():
                assert note.bounding_box()["width"] >= 0.9 * sheet["width"]
        else:
            assert abs(left.bounding_box()["y"] - right.bounding_box()["y"]) < 5
            assert page.locator("#audience").is_visible() and not page.locator("#toolbar-toggle").is_visible()
    finally:
        context.close()


def test_a_tree_of_several_countries_offers_a_country_selector(browser, tmp_path):
    briefs = tmp_path / "briefs"
    shutil.copytree(BUNDLED_BRIEFS, briefs)
    shutil.copytree(VELORIA, briefs / "veloria")
    with running_server(briefs, tmp_path / "cache") as server:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        try:
            page.goto(server.url)
            page.locator(".sheet img").first.wait_for()
            assert page.locator("#country").is_visible()
            assert "Kazakhstan" in text_layer(page)
            page.select_option("#country", "veloria")
            page.locator(".text-layer span", has_text="Veloria").first.wait_for()
            assert "country=veloria" in page.url
        finally:
            context.close()


def test_the_language_can_be_switched_and_english_items_are_flagged_in_the_margin(page):
    page.select_option("#language", "fr")
    page.locator(".text-layer span", has_text="Éléments de langage").first.wait_for()
    assert "language=fr" in page.url
    # The sample translates what the EU briefings print: the UK briefing's items stay in English, flagged.
    flagged = page.locator(".note.untranslated")
    flagged.first.wait_for()
    assert "translations/fr.po" in flagged.first.inner_text()
