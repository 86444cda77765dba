"""`briefing source add`: a document archived beside sources.yaml, with an entry `check` holds to account."""

from __future__ import annotations

import datetime
import hashlib
import http.server
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
import yaml

from generator.kb.ingest import fetch

SOURCES = "testland/sources.yaml"


def entry(kb: Path, source_id: str) -> dict:
    return next(item for item in yaml.safe_load((kb / SOURCES).read_text()) if item["id"] == source_id)


def fill_blanks(kb: Path, source_id: str, **values: str) -> None:
    """Give the fields `source add` left blank a value, as an author does in step two."""
    text = (kb / SOURCES).read_text()
    for name, value in values.items():
        text, replaced = re.subn(rf"^  {name}:\s+# fill in: .*$", f"  {name}: {value}", text, flags=re.MULTILINE)
        assert replaced == 1, name
    (kb / SOURCES).write_text(text.replace("sensitivity: confidential", "sensitivity: public"))


def add_fact(kb: Path, fact_id: str, citation_yaml: str) -> None:
    """A fact resting on the citation `cite` printed, pasted in under its own fields."""
    pasted = "".join(f"  {line}\n" for line in citation_yaml.splitlines())
    with (kb / "testland/facts.yaml").open("a") as facts:
        facts.write(
            f"- id: {fact_id}\n  text: A fact resting on an archived source.\n  themes: [assembly]\n"
            f"  as_of: 2021-07-22\n  priority: low\n{pasted}"
        )


# A PDF the project renders itself


@pytest.fixture
def briefing_pdf(minimal_kb, cli, tmp_path) -> Path:
    """A briefing rendered by the generator, behind a blank cover page so that it runs to several pages."""
    from pypdf import PdfReader, PdfWriter

    result = cli("generate", "--audience", "uk", "--format", "pdf", "--briefs", minimal_kb, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.append(PdfReader(next((tmp_path / "out").glob("*.pdf"))))
    writer.add_metadata({"/Title": "Testland: human rights briefing", "/Author": "Test advocacy team"})
    path = tmp_path / "briefing.pdf"
    with path.open("wb") as stream:
        writer.write(stream)
    return path


def page_holding(pdf: Path, words: str) -> int:
    """The page `words` are on as pypdf, another reader than the archive's, finds them."""
    from pypdf import PdfReader

    pages = [" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages]
    return next(number for number, text in enumerate(pages, 1) if words in text)


def test_a_pdf_is_archived_with_its_pages_and_an_entry_check_asks_to_complete(minimal_kb, briefing_pdf, cli):
    before = (minimal_kb / SOURCES).read_text()

    result = cli("source", "add", briefing_pdf, "--id", "testland-briefing", "--briefs", minimal_kb)

    assert result.exit_code == 0, result.output
    folder = minimal_kb / "testland/sources"
    archive = (folder / "testland-briefing.txt").read_text()
    assert (folder / "testland-briefing.pdf").read_bytes() == briefing_pdf.read_bytes()
    pages = archive.split("\f")
    assert len(pages) == page_holding(briefing_pdf, "Sources") + 1  # every page ends with a form feed
    assert pages[0].strip() == "" and "Purpose" in pages[1] and pages[-1] == ""
    text = (minimal_kb / SOURCES).read_text()
    assert text.startswith(before)  # what was there stays as written
    added = entry(minimal_kb, "testland-briefing")
    assert added == {
        "id": "testland-briefing",
        "title": "Testland: human rights briefing",
        "publisher": None,
        "author": "Test advocacy team",
        "date": None,
        "kind": None,
        "sensitivity": "confidential",
        "archive": "sources/testland-briefing.txt",
        "archive_sha256": hashlib.sha256(archive.encode()).hexdigest(),
        "original": "sources/testland-briefing.pdf",
        "original_sha256": hashlib.sha256(briefing_pdf.read_bytes()).hexdigest(),
    }
    assert "to fill in: publisher, date, kind" in result.output
    line = text.splitlines().index("- id: testland-briefing") + 3  # publisher, after id and title
    check = cli("check", "--briefs", minimal_kb)
    assert check.exit_code == 2
    assert f"sources.yaml:{line}: publisher: has no value; write one after the colon" in check.output
    assert f"sources.yaml:{line + 2}: date: has no value; write one after the colon" in check.output
    assert f"sources.yaml:{line + 3}: kind: has no value; write one after the colon" in check.output


def test_a_sentence_cited_from_the_pdf_names_its_page_and_passes_check(minimal_kb, briefing_pdf, cli):
    cli("source", "add", briefing_pdf, "--id", "testland-briefing", "--briefs", minimal_kb)
    fill_blanks(minimal_kb, "testland-briefing", publisher="Test advocacy team", date="2026-12-06", kind="ngo-report")

    first = cli("cite", "testland-briefing", "human rights situation", "--briefs", minimal_kb)
    second = cli("cite", "testland-briefing", "Test Watch", "--briefs", minimal_kb)

    assert first.exit_code == 0, first.output
    assert first.output == (
        "sources:\n"
        "  - source: testland-briefing\n"
        "    passage: >-\n"
        "      To brief FCDO officials on the human rights situation in Testland and on\n"
        "      what the UK Government can do about it.\n"
        "    locator: p. 2\n"
    )
    # The sources list, on the last page, and a sentence that goes on after "c." (circa).
    assert yaml.safe_load(second.output)["sources"] == [
        {
            "source": "testland-briefing",
            "passage": "“Testland op-ed”, Test Watch, c. December 2016.",
            "locator": f"p. {page_holding(briefing_pdf, 'Test Watch')}",
        }
    ]
    add_fact(minimal_kb, "briefing-purpose", first.output)
    add_fact(minimal_kb, "briefing-sources", second.output)
    check = cli("check", "--briefs", minimal_kb)
    assert check.exit_code == 0, check.output
    assert "testland-briefing" not in check.output


def test_a_pdf_without_text_is_refused_as_a_scan(minimal_kb, cli, tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    scan = tmp_path / "scan.pdf"
    with scan.open("wb") as stream:
        writer.write(stream)

    result = cli("source", "add", scan, "--id", "scan", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert result.output.startswith(f"error: {scan}: no text could be extracted: its pages look like pictures (a scan)")
    assert not list((minimal_kb / "testland/sources").glob("scan.*"))
    assert "scan" not in (minimal_kb / SOURCES).read_text()


def test_a_damaged_pdf_is_refused(minimal_kb, cli, tmp_path):
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\nnot really\n")

    result = cli("source", "add", damaged, "--id", "damaged", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert result.output.startswith(f"error: {damaged}: cannot be read as a PDF (")


# A web page saved from a browser

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Site name | Detentions in Testland</title>
<meta property="og:title" content="Detentions in Testland">
<meta name="author" content="Jo Example">
<meta property="article:published_time" content="2024-03-05">
<link rel="canonical" href="https://example.org/reports/detentions">
</head><body>
<nav><ul><li><a href="/">Home page</a></li><li><a href="/donate">Donate to our cause</a></li>
<li><a href="/about">About the organisation</a></li></ul></nav>
<main><article>
<h1>Detentions in Testland</h1>
<p>Police in the capital detained forty protesters on 3 May, according to lawyers who represented them.
Most were released the next day without charge, but several remain in custody.</p>
<p>The authorities said the protest had not been authorised. Mr. Doe, a lawyer, said the law on assemblies
does not require authorisation, only notification, and that the detentions were therefore unlawful.</p>
<p>Observers from two embassies attended the first hearings, which were closed to the public and the press.</p>
</article></main>
<footer><p>Copyright 2019 Example Org. All rights reserved. Privacy policy. Cookie settings.</p>
<p>Sign up to our newsletter for weekly updates.</p></footer>
</body></html>
"""


def test_a_saved_web_page_loses_its_navigation_and_footer_and_keeps_its_metadata(minimal_kb, cli, tmp_path):
    page = tmp_path / "detentions.htm"
    page.write_text(PAGE, encoding="utf-8")

    result = cli("source", "add", page, "--id", "example-2024-detentions", "--briefs", minimal_kb)

    assert result.exit_code == 0, result.output
    folder = minimal_kb / "testland/sources"
    archive = (folder / "example-2024-detentions.txt").read_text()
    assert (folder / "example-2024-detentions.html").read_text() == PAGE
    assert "detained forty protesters on 3 May" in archive
    assert "Observers from two embassies" in archive
    for noise in ("Home page", "Donate", "About the organisation", "Copyright", "Privacy", "newsletter"):
        assert noise not in archive
    assert "\n\n" in archive and "\f" not in archive
    added = entry(minimal_kb, "example-2024-detentions")
    assert added["title"] == "Detentions in Testland"
    assert added["author"] == "Jo Example"
    assert added["date"] == datetime.date(2024, 3, 5)
    assert added["url"] == "https://example.org/reports/detentions"
    assert added["original"] == "sources/example-2024-detentions.html"


def test_a_web_page_states_no_date_gets_none_from_its_copyright_line(minimal_kb, cli, tmp_path):
    page = tmp_path / "undated.html"
    page.write_text(re.sub(r'<meta property="article:published_time"[^>]*>', "", PAGE), encoding="utf-8")

    result = cli("source", "add", page, "--id", "undated", "--briefs", minimal_kb)

    assert result.exit_code == 0, result.output
    assert entry(minimal_kb, "undated")["date"] is None
    assert "to fill in: publisher, date, kind" in result.output


# A DOCX


def test_a_docx_gives_its_paragraphs_tables_and_core_properties(minimal_kb, cli, tmp_path):
    from docx import Document

    document = Document()
    document.add_heading("Trial monitoring in Testland", level=1)
    document.add_paragraph("The court sentenced Jan Doe to five years in prison on 12 March.")
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("Defendant", "Sentence"), ("Jan Doe", "Five years")], strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_paragraph("Monitors were allowed into the courtroom on the last day only.")
    document.core_properties.title = "Trial monitoring in Testland"
    document.core_properties.author = "Monitoring Unit"
    document.core_properties.created = datetime.datetime(2022, 4, 1, 9, 30)
    path = tmp_path / "monitoring.DOCX"
    document.save(path)

    result = cli("source", "add", path, "--id", "monitoring-2022", "--briefs", minimal_kb)

    assert result.exit_code == 0, result.output
    archive = (minimal_kb / "testland/sources/monitoring-2022.txt").read_text()
    assert archive == (
        "Trial monitoring in Testland\n\n"
        "The court sentenced Jan Doe to five years in prison on 12 March.\n\n"
        "Defendant | Sentence\nJan Doe | Five years\n\n"
        "Monitors were allowed into the courtroom on the last day only.\n"
    )
    assert (minimal_kb / "testland/sources/monitoring-2022.docx").read_bytes() == path.read_bytes()
    added = entry(minimal_kb, "monitoring-2022")
    assert (added["title"], added["author"], added["date"]) == (
        "Trial monitoring in Testland",
        "Monitoring Unit",
        datetime.date(2022, 4, 1),
    )


def test_a_docx_without_properties_does_not_pass_off_its_template_s_as_its_own(minimal_kb, cli, tmp_path):
    from docx import Document

    document = Document()
    document.add_paragraph("A paragraph with no metadata around it at all.")
    path = tmp_path / "bare.docx"
    document.save(path)

    result = cli("source", "add", path, "--id", "bare", "--briefs", minimal_kb)

    assert result.exit_code == 0, result.output
    added = entry(minimal_kb, "bare")
    assert (added["title"], added["date"], "author" in added) == (None, None, False)


# Plain text


def test_plain_text_is_its_own_archive(minimal_kb, cli, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_bytes("# Notes\n\nThe minister’s statement of 4 May.\r\n".encode())

    result = cli("source", "add", notes, "--id", "notes", "--briefs", minimal_kb)

    assert result.exit_code == 0, result.output
    folder = minimal_kb / "testland/sources"
    assert [path.name for path in folder.glob("notes.*")] == ["notes.txt"]
    assert (folder / "notes.txt").read_bytes() == notes.read_bytes()
    added = entry(minimal_kb, "notes")
    assert "original" not in added and "original_sha256" not in added
    assert added["archive_sha256"] == hashlib.sha256(notes.read_bytes()).hexdigest()


def test_an_awkward_title_is_quoted_so_it_reads_back_as_written(minimal_kb, cli, tmp_path):
    from docx import Document

    document = Document()
    document.add_paragraph("Some text to archive.")
    document.core_properties.title = "Yes: #1 report, 2021-07-22"
    path = tmp_path / "awkward.docx"
    document.save(path)

    cli("source", "add", path, "--id", "awkward", "--briefs", minimal_kb)

    assert entry(minimal_kb, "awkward")["title"] == "Yes: #1 report, 2021-07-22"


# Refusals


def test_an_id_that_exists_is_refused_where_it_is(minimal_kb, cli, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("Some text.\n")

    result = cli("source", "add", notes, "--id", "report-2021", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert result.output == (
        f"error: {minimal_kb / SOURCES}:1: there is already a source 'report-2021'; choose another id\n"
    )


def test_an_invalid_id_is_refused_with_one_that_would_do(minimal_kb, cli, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("Some text.\n")

    result = cli("source", "add", notes, "--id", "HRW 2021 Report", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert result.output == (
        "error: 'HRW 2021 Report' is not a valid id; use lower-case letters, digits and hyphens, "
        "at most 80 characters, e.g. 'hrw-2021-report'\n"
    )


def test_an_unknown_country_is_refused(minimal_kb, cli, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("Some text.\n")

    result = cli("source", "add", notes, "--id", "notes", "--country", "atlantis", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert result.output == f"error: {minimal_kb}: no country 'atlantis' (countries: testland)\n"


@pytest.mark.parametrize(
    "name, message",
    [
        ("report.doc", "cannot read a .doc file; save it as DOCX or PDF and add that"),
        ("data.xlsx", "cannot tell what kind of document this is from its name; source add reads"),
        ("README", "cannot tell what kind of document this is from its name"),
    ],
)
def test_a_file_of_a_kind_it_cannot_read_is_refused(minimal_kb, cli, tmp_path, name, message):
    path = tmp_path / name
    path.write_bytes(b"something")

    result = cli("source", "add", path, "--id", "something", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert result.output.startswith(f"error: {path}: {message}")


def test_a_missing_file_and_text_in_another_encoding_are_refused(minimal_kb, cli, tmp_path):
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Café society".encode("latin-1"))

    missing = cli("source", "add", tmp_path / "nowhere.pdf", "--id", "nowhere", "--briefs", minimal_kb)
    encoded = cli("source", "add", latin, "--id", "latin", "--briefs", minimal_kb)

    assert (missing.exit_code, missing.output) == (2, f"error: {tmp_path / 'nowhere.pdf'}: no such file\n")
    assert encoded.exit_code == 2
    assert (
        encoded.output
        == f"error: {latin}: is not UTF-8 text (byte 4); save it with the UTF-8 encoding and add it again\n"
    )


def test_archived_files_are_never_replaced(minimal_kb, cli, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("Some text.\n")
    (minimal_kb / "testland/sources").mkdir(exist_ok=True)
    (minimal_kb / "testland/sources/notes.txt").write_text("An earlier archive.\n")

    result = cli("source", "add", notes, "--id", "notes", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert "notes.txt exists already; remove it, or choose another id" in result.output
    assert (minimal_kb / "testland/sources/notes.txt").read_text() == "An earlier archive.\n"


def test_a_sources_file_written_as_a_flow_list_is_left_alone(minimal_kb, cli, tmp_path):
    (minimal_kb / SOURCES).write_text("[{id: a, title: A, publisher: P, date: 2021-01-01, kind: news}]\n")
    notes = tmp_path / "notes.txt"
    notes.write_text("Some text.\n")

    result = cli("source", "add", notes, "--id", "notes", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert "cannot add an entry at its end (is it written as [...]?)" in result.output
    assert not list((minimal_kb / "testland/sources").glob("notes.*"))


def test_a_first_source_starts_the_file(minimal_kb, cli, tmp_path):
    (minimal_kb / SOURCES).unlink()
    notes = tmp_path / "notes.txt"
    notes.write_text("Some text.\n")

    result = cli("source", "add", notes, "--id", "notes", "--briefs", minimal_kb)

    assert result.exit_code == 0, result.output
    assert "added notes to" in result.output and "sources.yaml:3" in result.output
    assert [item["id"] for item in yaml.safe_load((minimal_kb / SOURCES).read_text())] == ["notes"]


# Downloads, from a server on this machine


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[str | None, bytes, bool]]] = {}
    """path -> (Content-Type, body, whether to send Content-Length)"""

    def do_GET(self) -> None:
        if self.path == "/slow":
            time.sleep(1.5)
        if self.path not in self.routes:
            self.send_error(404, "Not Found")
            return
        content_type, body, with_length = self.routes[self.path]
        self.send_response(200)
        if content_type:
            self.send_header("Content-Type", content_type)
        if with_length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    # A client that gave up (the timeout test) leaves a handler writing to a closed socket: expected here.
    httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
    _Handler.routes = {
        "/detentions": ("text/html; charset=utf-8", PAGE.encode(), True),
        "/notes.txt": ("text/plain; charset=iso-8859-1", "Café society reported.\n".encode("latin-1"), True),
        "/data.bin": ("application/octet-stream", b"\x00\x01", True),
        "/untyped": (None, b"Some text.\n", True),
        "/big": ("text/plain", b"x" * 5000, True),
        "/big-unannounced": ("text/plain", b"x" * 5000, False),
        "/slow": ("text/plain", b"Late text.\n", True),
    }
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_page_is_downloaded_once_and_its_address_is_the_entry_s_url(minimal_kb, cli, server):
    result = cli("source", "add", f"{server}/detentions", "--id", "example-detentions", "--briefs", minimal_kb)

    assert result.exit_code == 0, result.output
    added = entry(minimal_kb, "example-detentions")
    # The address it came from, not the canonical one the page claims.
    assert added["url"] == f"{server}/detentions"
    assert added["title"] == "Detentions in Testland"
    assert (minimal_kb / "testland/sources/example-detentions.html").read_bytes() == PAGE.encode()
    assert "where it was downloaded from" in (minimal_kb / SOURCES).read_text()


def test_downloaded_text_is_archived_as_utf8(minimal_kb, cli, server):
    result = cli("source", "add", f"{server}/notes.txt", "--id", "notes", "--briefs", minimal_kb)

    assert result.exit_code == 0, result.output
    assert (minimal_kb / "testland/sources/notes.txt").read_text(encoding="utf-8") == "Café society reported.\n"


@pytest.mark.parametrize(
    "path, message",
    [
        (
            "/data.bin",
            "the server sends 'application/octet-stream', not a PDF, a web page, a DOCX or plain text; "
            "download the document yourself and add the file",
        ),
        (
            "/untyped",
            "the server sends no Content-Type, not a PDF, a web page, a DOCX or plain text; "
            "download the document yourself and add the file",
        ),
        ("/big", "the document is larger than 1,000 bytes; download it yourself and add the file"),
        ("/big-unannounced", "the document is larger than 1,000 bytes; download it yourself and add the file"),
        ("/missing", "the server answered 404 Not Found"),
    ],
)
def test_a_download_of_the_wrong_kind_or_size_is_refused(minimal_kb, cli, server, monkeypatch, path, message):
    monkeypatch.setattr(fetch, "MAX_BYTES", 1000)

    result = cli("source", "add", f"{server}{path}", "--id", "download", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert result.output == f"error: {server}{path}: {message}\n"
    assert not list((minimal_kb / "testland/sources").glob("download.*"))


def test_a_server_that_does_not_answer_in_time_is_given_up_on(minimal_kb, cli, server, monkeypatch):
    monkeypatch.setattr(fetch, "TIMEOUT_SECONDS", 0.3)

    result = cli("source", "add", f"{server}/slow", "--id", "slow", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert result.output == (
        f"error: {server}/slow: no complete answer within 0.3 seconds; try again later, or download it yourself\n"
    )


def test_an_address_nothing_answers_at_is_refused(minimal_kb, cli):
    import socket

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]

    result = cli("source", "add", f"http://127.0.0.1:{port}/x.pdf", "--id", "x", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert result.output.startswith(f"error: http://127.0.0.1:{port}/x.pdf: cannot be reached (")


def test_help_names_the_kinds_of_document(cli):
    result = cli("source", "add", "--help")

    assert result.exit_code == 0
    assert "PDF, saved web page, DOCX or text, or an http(s) address" in result.output


NETWORK_IMPORT = re.compile(
    r"^\s*(?:import|from) (?:urllib\.request|http\.client|socket|requests|httpx)\b(?! import url2pathname$)",
    re.MULTILINE,
)
"""What a module imports to open a connection; the sandbox's file-name helper from urllib.request opens none."""


def test_nothing_but_source_add_opens_a_network_connection():
    # `check`, `generate` and the preview read only files: the archive is what a citation rests on.
    generator = Path(__file__).parents[2] / "generator"
    users = sorted(
        str(path.relative_to(generator)) for path in generator.rglob("*.py") if NETWORK_IMPORT.search(path.read_text())
    )
    assert users == ["kb/ingest/fetch.py"]
