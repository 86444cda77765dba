"""`briefing serve` over plain HTTP: a real server process, real requests.

What the page looks like and how it updates is tested in a real browser in
test_serve_browser.py; here, what any HTTP client can ask of the server.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import pypdf
import pytest

from generator import TEMPLATES_DIR
from generator.core.errors import UsageError
from generator.kb.model import Sensitivity
from generator.preview import Preview, View
from generator.preview.serve import PreviewServer
from tests.conftest import BUNDLED_BRIEFS, FIXTURES, build_knowledge_base, replace_in

VELORIA = FIXTURES / "veloria" / "briefs" / "veloria"
EPOCH = "1800000000"
"""15 January 2027: a fixed build date, so warnings and documents are the same on every run."""
STARTUP_SECONDS = 60
STOP_SECONDS = 10
"""Ctrl-C stops a server within a second; the rest is for a machine busy with the whole suite."""
SIGINT_IGNORED = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
)
"""Runs the rest of the command with SIGINT ignored, as a shell starts a command it runs in the background."""


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    port: int
    briefs: Path
    stderr: Path

    def errors(self) -> str:
        """What the server wrote to stderr: problems, and where each thread stood if it had to be aborted."""
        return self.stderr.read_text(errors="replace")

    def get(self, path: str, host: str | None = None, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.putrequest(method, path, skip_host=True)
            if host is not None:
                connection.putheader("Host", host)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def ok(self, path: str) -> bytes:
        status, _, body = self.get(path, host=f"127.0.0.1:{self.port}")
        assert status == 200, body
        return body

    def describe(self, query: str = "audience=uk") -> dict:
        return json.loads(self.ok(f"/preview.json?{query}"))

    def wait_until(self, condition, query: str = "audience=uk", timeout: float = 15) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            description = self.describe(query)
            if condition(description):
                return description
            assert time.monotonic() < deadline, (
                f"the preview never reached the state wanted: version {description['version']}, "
                f"problems {description['problems']}"
            )
            time.sleep(0.05)

    @contextlib.contextmanager
    def edited(self, relative: str, old: str, new: str) -> Iterator[Path]:
        """Replace `old` by `new` in a knowledge-base file; put it back and wait for a clean reload after."""
        path = self.briefs / relative
        original = path.read_text(encoding="utf-8")
        assert old in original
        version = self.describe()["version"]
        path.write_text(original.replace(old, new, 1), encoding="utf-8")
        try:
            yield path
        finally:
            path.write_text(original, encoding="utf-8")
            self.wait_until(lambda d: d["version"] > version + 1 and d["current"])


@contextlib.contextmanager
def running_server(
    briefs: Path, cache: Path, *extra: str, sigint_ignored: bool = False, environment: dict[str, str] | None = None
) -> Iterator[Server]:
    """`briefing serve` as a user starts it, on a free port, stopped with Ctrl-C at the end.

    Its stderr goes to a file beside the cache: a pipe nobody reads while it runs would
    stop the server once full. A server that outlives Ctrl-C is aborted, and Python's
    fault handler writes there where each of its threads stood.
    """
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": EPOCH,
        "XDG_CACHE_HOME": str(cache),
        "NO_COLOR": "1",
        "PYTHONFAULTHANDLER": "1",
        **(environment or {}),
    }
    command = [sys.executable, "-m", "generator", "serve", "--briefs", str(briefs), "--port", "0", *extra]
    if sigint_ignored:
        command[1:1] = ["-c", SIGINT_IGNORED]
    errors = cache.with_name(f"{cache.name}.stderr")
    with errors.open("w") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True, env=env)
    try:
        line = process.stdout.readline()
        assert " at http://127.0.0.1:" in line, line + errors.read_text()
        url = line.split(" at ")[1].split()[0]
        yield Server(process, url, int(url.rstrip("/").rsplit(":", 1)[1]), briefs, errors)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    briefs = tmp_path_factory.mktemp("serve") / "briefs"
    shutil.copytree(BUNDLED_BRIEFS, briefs)
    with running_server(briefs, tmp_path_factory.mktemp("cache")) as running:
        yield running


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_prints_its_loopback_address_and_listens_on_loopback_only(server):
    assert server.url == f"http://127.0.0.1:{server.port}/"
    # /proc/net/tcp lists each listening socket's local address: 0100007F is 127.0.0.1.
    listening = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    local = {fields[1] for fields in listening if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == server.port}
    assert local == {f"0100007F:{server.port:04X}"}
    assert not any(
        int(f.split()[1].split(":")[-1], 16) == server.port and f.split()[3] == "0A"
        for f in Path("/proc/net/tcp6").read_text().splitlines()[1:]
    )


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:{port}", "localhost:{port}", "127.0.0.1", "127.0.0.1:1", "[::1]:{port}", None],
)
def test_refuses_requests_not_addressed_to_the_printed_host(server, host):
    """A DNS-rebinding page reaches 127.0.0.1 under its own name, which is what it sends as Host."""
    status, _, body = server.get("/preview.json?audience=uk", host=host and host.format(port=server.port))
    assert status == 421
    assert b"answers only at http://127.0.0.1:" in body


def test_a_second_host_header_is_refused(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(
            f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nHost: evil.example\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        answer = connection.makefile("rb").read()
    assert answer.startswith(b"HTTP/1.0 421 ")


@pytest.mark.parametrize(
    "path",
    [
        "/briefs/themes.yaml",
        "/kazakhstan/facts.yaml",
        "/templates/briefing.css",
        "/../README.md",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "//etc/passwd",
        "/page/../../generator/serve.py",
        "/page/1.png",
        "/page/" + "0" * 32 + ".png",
        "/page/" + "a" * 32 + ".png/../../x",
        "/preview",
        "/assets/index.html",
        "/preview.js/..",
        "/fonts/",
        "/.git/config",
    ],
)
def test_serves_nothing_but_the_preview(server, path):
    status, headers, body = server.get(path, host=f"127.0.0.1:{server.port}")
    assert status == 404
    assert body == b"not part of the preview\n" or body == b"no such page any more\n"
    assert headers["content-type"].startswith("text/plain")


def test_query_parameters_are_checked_never_used_as_paths(server):
    for query, message in [
        ("audience=../../etc/passwd", b"no audience '../../etc/passwd'"),
        ("distribution=secret", b"distribution must be one of public, restricted, confidential"),
        ("length=long", b"length must be one of full, one-page"),
        ("file=/etc/passwd", b"unknown parameter 'file'"),
        ("audience=uk&audience=us", b"given more than once"),
        ("audience=uk&meeting=uk-fcdo-london-2027-02", b"not both"),
    ]:
        status, _, body = server.get(f"/download.pdf?{query}", host=f"127.0.0.1:{server.port}")
        assert status in (400, 409), (query, body)
        assert message in body, (query, body)


def test_only_reads(server):
    for method in ("POST", "PUT", "DELETE"):
        status, headers, _ = server.get("/preview.json", host=f"127.0.0.1:{server.port}", method=method)
        assert status == 405
        assert headers["allow"] == "GET, HEAD"


def test_every_answer_forbids_other_sites_to_embed_or_script_it(server):
    status, headers, body = server.get("/", host=f"127.0.0.1:{server.port}")
    assert status == 200 and b"Briefing preview" in body
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["cross-origin-resource-policy"] == "same-origin"
    assert headers["x-content-type-options"] == "nosniff"


def test_description_has_the_paged_briefing_with_text_and_pictures(server):
    description = server.describe("audience=uk")
    document = description["document"]
    assert description["current"] and description["problems"] == []
    assert description["view"] == {
        "audience": "uk",
        "meeting": None,
        "distribution": "public",
        "length": "full",
        "language": "en-GB",
    }
    assert 3 <= len(document["pages"]) <= 5
    first = document["pages"][0]
    assert any("Kazakhstan: human rights briefing" in run[0] for run in first["runs"])
    picture = server.ok(first["image"])
    assert picture.startswith(b"\x89PNG\r\n\x1a\n")
    # The full UK briefing runs long: what fitting left out is listed, as `generate` lists it.
    assert description["cut"] and all(re.fullmatch(r"[a-z ]+ '[a-z0-9-]+'", item) for item in description["cut"])


def test_downloads_are_the_documents_shown(server):
    description = server.describe("meeting=uk-fcdo-london-2027-02")
    status, headers, pdf = server.get("/download.pdf?meeting=uk-fcdo-london-2027-02", host=f"127.0.0.1:{server.port}")
    assert status == 200 and headers["content-type"] == "application/pdf"
    # Named as `generate` names it: the meeting's date, the country, the audience, the meeting.
    assert (
        headers["content-disposition"]
        == "attachment; filename*=UTF-8''2027-02-24_kazakhstan_uk_at-uk-fcdo-london-2027-02.pdf"
    )
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(description["document"]["pages"])
    assert description["document"]["title"] in reader.pages[0].extract_text()

    status, headers, data = server.get("/download.docx?meeting=uk-fcdo-london-2027-02", host=f"127.0.0.1:{server.port}")
    assert status == 200 and headers["content-disposition"].endswith(".docx")
    document = docx.Document(io.BytesIO(data))
    assert document.core_properties.title == description["document"]["title"]


def test_an_edit_reaches_the_description_and_the_download(server):
    marker = "Zebulonova"
    with server.edited(
        "kazakhstan/facts.yaml",
        "Mihra Rittmann of Human Rights Watch wrote that President",
        f"{marker} of Human Rights Watch wrote that President",
    ):
        description = server.wait_until(
            lambda d: any(marker in run[0] for page in d["document"]["pages"] for run in page["runs"])
        )
        assert description["current"]
        pdf = pypdf.PdfReader(io.BytesIO(server.ok("/download.pdf?audience=uk")))
        assert marker in "".join(page.extract_text() for page in pdf.pages)


def test_a_broken_file_is_reported_and_the_last_good_preview_kept(server):
    before = server.describe()
    with server.edited("kazakhstan/facts.yaml", "- id: few-reforms-2015\n", "- id: few-reforms-2015\n  bogus: [\n"):
        broken = server.wait_until(lambda d: not d["current"])
        assert broken["document"]["key"] == before["document"]["key"]
        [problem] = broken["problems"]
        facts = (server.briefs / "kazakhstan/facts.yaml").resolve()
        assert problem["where"].startswith(f"{facts}:")
        assert problem["href"] == f"vscode://file{facts}:{problem['where'].rsplit(':', 1)[1]}"
        status, headers, pdf = server.get("/download.pdf?audience=uk", host=f"127.0.0.1:{server.port}")
        assert status == 200 and pdf == server.ok("/download.pdf?audience=uk")
        assert headers["x-briefing-preview"] == "last-good"
        # The terminal says so too, once, as check would.
        assert server.errors().count(f"{problem['where']}: {problem['message']}") == 1
    current = server.wait_until(lambda d: d["current"])
    assert current["document"]["key"] == before["document"]["key"]
    assert (
        server.get("/download.pdf?audience=uk", host=f"127.0.0.1:{server.port}")[1]["x-briefing-preview"] == "current"
    )
    assert re.search(r"\d\d:\d\d:\d\d laid out uk \(full, public\) in \d+\.\d s", server.errors())


def test_warnings_are_placed_beside_the_items_shown(server):
    warnings = server.describe("audience=uk")["warnings"]
    stale = next(w for w in warnings if "'few-reforms-2015' is stale" in w["message"])
    # Background follows the lines to take and the cases.
    assert stale["page"] in (2, 3) and 0 < stale["top"] < 1
    assert stale["href"].startswith("vscode://file/") and stale["href"].endswith(
        f"facts.yaml:{stale['where'].rsplit(':', 1)[1]}"
    )
    # A fact this briefing does not show is listed, not placed.
    assert any(w["page"] is None for w in warnings)


def test_server_never_writes_into_the_knowledge_base(server):
    before = tree_digest(server.briefs)
    for query in ("audience=us", "audience=eu&length=one-page", "meeting=lender-ebrd-country-team-2027-01"):
        server.describe(query)
        server.ok(f"/download.pdf?{query}")
        server.ok(f"/download.docx?{query}")
    assert tree_digest(server.briefs) == before


@pytest.mark.slow
def test_starts_on_a_broken_knowledge_base_and_recovers(tmp_path):
    briefs = build_knowledge_base(tmp_path / "briefs")
    themes = briefs / "themes.yaml"
    good = themes.read_text()
    themes.write_text("- id: [\n")
    with running_server(briefs, tmp_path / "cache") as server:
        description = server.describe("")
        assert description["document"] is None and not description["current"]
        assert description["problems"][0]["where"].startswith(f"{themes.resolve()}:")
        status, _, body = server.get("/download.pdf", host=f"127.0.0.1:{server.port}")
        assert status == 409 and b"fix the problems" in body
        themes.write_text(good)
        assert server.wait_until(lambda d: d["current"], query="")["document"]["pages"]


@pytest.mark.slow
@pytest.mark.parametrize("sigint_ignored", [False, True], ids=["from-a-terminal", "in-the-background"])
def test_stops_cleanly_on_ctrl_c(tmp_path, sigint_ignored):
    """Also when started as a shell starts a command it runs in the background, with SIGINT ignored."""
    briefs = build_knowledge_base(tmp_path / "briefs")
    with running_server(briefs, tmp_path / "cache", sigint_ignored=sigint_ignored) as server:
        pass
    assert server.process.returncode == 0, server.errors()
    assert "Traceback" not in server.errors()


@pytest.mark.slow
def test_open_opens_the_preview_in_the_users_browser(tmp_path):
    opened = tmp_path / "opened"
    # Python's webbrowser runs $BROWSER with the address in place of %s.
    browser = (
        f"{sys.executable} -c 'import pathlib, sys; pathlib.Path(sys.argv[1]).write_text(sys.argv[2])' {opened} %s"
    )
    briefs = build_knowledge_base(tmp_path / "briefs")
    with running_server(briefs, tmp_path / "cache", "--open", environment={"BROWSER": browser}) as server:
        deadline = time.monotonic() + 15
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert opened.read_text() == server.url


@pytest.mark.slow
def test_missing_folder_and_busy_port_are_usage_errors(tmp_path, cli):
    result = cli("serve", "--briefs", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "no knowledge-base folder at" in result.output
    briefs = build_knowledge_base(tmp_path / "briefs")
    with running_server(briefs, tmp_path / "cache") as server:
        result = cli("serve", "--briefs", briefs, "--port", server.port)
    assert result.exit_code == 2
    assert f"port {server.port} is in use; choose another with --port" in result.output


def test_templates_that_reach_outside_are_refused_as_in_generate(tmp_path, templates_copy):
    templates = templates_copy
    css = templates / "briefing.css"
    css.write_text('@import url("file:///etc/passwd");\n' + css.read_text())
    preview = Preview(build_knowledge_base(tmp_path / "briefs"), templates_dir=templates)
    description = preview.describe(View())
    assert description["document"] is None
    [problem] = description["problems"]
    assert "file:///etc/passwd" in problem["message"] and "refused" in problem["message"]


def test_a_template_edit_renders_again_and_an_unrelated_reload_does_not(tmp_path, templates_copy):
    templates = templates_copy
    preview = Preview(build_knowledge_base(tmp_path / "briefs"), templates_dir=templates)
    first = preview.describe(View())["document"]
    preview.reload()
    assert preview.describe(View())["document"]["key"] == first["key"]
    css = templates / "briefing.css"
    css.write_text(css.read_text() + "\nbody { font-size: 14pt; }\n")
    preview.reload(templates_changed=True)
    again = preview.describe(View())["document"]
    assert again["key"] != first["key"]
    assert len(again["pages"]) >= len(first["pages"])


def test_items_a_meeting_names_but_its_briefing_leaves_out_are_reported(tmp_path):
    briefs = build_knowledge_base(tmp_path / "briefs")
    cases = briefs / "testland" / "cases.yaml"
    cases.write_text(
        cases.read_text().replace("  may_name: true\n", "  may_name: true\n  sensitivity: restricted\n", 1)
    )
    preview = Preview(briefs)
    [left_out] = preview.describe(View(meeting="uk-visit"))["left_out"]
    # A restricted case's id names a person a public copy may not name, so the message withholds it.
    assert left_out["message"] == (
        "warning: the meeting includes [name withheld], but this briefing leaves it out: it is restricted, above "
        "this public copy ([name withheld]: the id of the case at cases.yaml:1 names a person who may not be named "
        "(the case at cases.yaml:1); rename that id and every reference to it)"
    )
    assert "doe" not in left_out["message"].lower()
    assert left_out["where"] == f"{(briefs / 'testland' / 'meetings' / 'uk-visit.yaml').resolve()}:1"
    assert preview.describe(View(meeting="uk-visit", distribution=Sensitivity.RESTRICTED))["left_out"] == []


@pytest.fixture
def templates_copy(tmp_path) -> Path:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    return templates


@pytest.mark.slow
def test_saving_a_template_reaches_the_preview_through_the_watcher(tmp_path, templates_copy):
    server = PreviewServer(Preview(build_knowledge_base(tmp_path / "briefs"), templates_dir=templates_copy), 0)
    serving = threading.Thread(target=server.serve_forever)
    serving.start()
    try:
        first = server.preview.describe(View())
        entry = templates_copy / "briefing.html.j2"
        entry.write_text(entry.read_text().replace("{% block", "{#- edited -#}{% block", 1))
        deadline = time.monotonic() + 15
        while server.preview.version == first["version"]:
            assert time.monotonic() < deadline, "the watcher never reported the template edit"
            time.sleep(0.05)
        assert server.preview.describe(View())["document"]["key"] != first["document"]["key"]
    finally:
        server.shutdown()
        serving.join()
        server.close()


@pytest.mark.slow
def test_saving_a_theme_stylesheet_reaches_the_preview_through_the_watcher(tmp_path):
    briefs = build_knowledge_base(tmp_path / "briefs")
    (briefs / "look").mkdir()
    (briefs / "briefing.toml").write_text('theme = "look"\n')
    server = PreviewServer(Preview(briefs), 0)
    serving = threading.Thread(target=server.serve_forever)
    serving.start()
    try:
        first = server.preview.describe(View())
        (briefs / "look" / "briefing.css").write_text(
            (TEMPLATES_DIR / "briefing.css").read_text() + "\nh1 { color: red; }\n"
        )
        deadline = time.monotonic() + 15
        while server.preview.version == first["version"]:
            assert time.monotonic() < deadline, "the watcher never reported the theme edit"
            time.sleep(0.05)
        assert server.preview.describe(View())["document"]["key"] != first["document"]["key"]
    finally:
        server.shutdown()
        serving.join()
        server.close()


def test_a_template_error_is_linked_to_its_line(tmp_path, templates_copy):
    entry = templates_copy / "briefing.html.j2"
    lines = [*entry.read_text().splitlines(), "{% if %}"]
    entry.write_text("\n".join(lines) + "\n")
    description = Preview(build_knowledge_base(tmp_path / "briefs"), templates_dir=templates_copy).describe(View())
    [problem] = description["problems"]
    assert problem["where"] == f"{entry}:{len(lines)}"
    assert problem["href"] == f"vscode://file{entry}:{len(lines)}"


def test_a_view_is_fitted_again_only_when_what_its_briefing_is_made_from_changes(tmp_path, monkeypatch):
    """Its description, its downloads and every look after are one layout search, and so are a save that does
    not load and one that puts back what was there: only an edit the briefing shows is laid out again."""
    from generator.build.drafting import Draft

    briefs = build_knowledge_base(tmp_path / "briefs")
    preview = Preview(briefs)
    fitted = []
    fit = Draft.fitted
    monkeypatch.setattr(Draft, "fitted", lambda draft: fitted.append(draft.selection.audience.id) or fit(draft))

    first = preview.describe(View())["document"]["key"]
    preview.download(View(), "docx")
    assert preview.describe(View())["document"]["key"] == first
    assert fitted == ["uk"]
    themes = briefs / "themes.yaml"
    good = themes.read_text()
    themes.write_text("- id: [\n")
    preview.reload()
    broken = preview.describe(View())
    assert not broken["current"] and broken["document"]["key"] == first
    themes.write_text(good)
    preview.reload()
    assert preview.describe(View())["document"]["key"] == first
    assert fitted == ["uk"]

    facts = briefs / "testland" / "facts.yaml"
    before = facts.read_text()
    facts.write_text(before.replace("in the capital", "in the capital city"))
    preview.reload()
    assert preview.describe(View())["document"]["key"] != first
    assert fitted == ["uk", "uk"]
    facts.write_text(before)
    preview.reload()
    assert preview.describe(View())["document"]["key"] == first
    assert fitted == ["uk", "uk"]


def test_a_knowledge_base_folder_removed_while_serving_is_a_problem_not_a_crash(tmp_path):
    briefs = build_knowledge_base(tmp_path / "briefs")
    preview = Preview(briefs)
    shown = preview.describe(View())["document"]["key"]
    shutil.rmtree(briefs)
    preview.reload()
    description = preview.describe(View())
    assert not description["current"] and description["problems"]
    assert description["document"]["key"] == shown


def test_pages_asking_at_once_never_lay_out_two_briefings_together(tmp_path, monkeypatch):
    """WeasyPrint is not made for threads: fitting a briefing, like writing its PDF, takes turns."""
    from generator.render import pdf

    preview = Preview(build_knowledge_base(tmp_path / "briefs"))
    running, most = [], []
    lay_out = pdf._lay_out

    def one_at_a_time(*args, **kwargs):
        running.append(threading.get_ident())
        most.append(len(running))
        time.sleep(0.05)
        try:
            return lay_out(*args, **kwargs)
        finally:
            running.pop()

    monkeypatch.setattr(pdf, "_lay_out", one_at_a_time)
    views = [View(audience="uk", distribution=level) for level in Sensitivity] + [View(meeting="uk-visit")]
    with concurrent.futures.ThreadPoolExecutor(len(views)) as pool:
        described = list(pool.map(preview.describe, views))

    assert all(description["document"] for description in described)
    assert max(most) == 1


def test_an_edit_changes_the_pictures_of_the_pages_it_reaches_and_no_other(tmp_path):
    """Every save changes the knowledge base's revision, which the footer of each page prints: the preview
    leaves it out of its pictures, so that the browser fetches again only the pages whose text changed."""
    briefs = tmp_path / "briefs"
    shutil.copytree(BUNDLED_BRIEFS, briefs)
    preview = Preview(briefs)
    before = preview.describe(View(audience="uk"))["document"]["pages"]
    old = "title: Trade and Rights Aren't Mutually Exclusive"
    replace_in(briefs / "kazakhstan" / "sources.yaml", old, f"{old} (an op-ed)")
    preview.reload()

    after = preview.describe(View(audience="uk"))["document"]["pages"]
    assert len(after) == len(before) >= 3
    changed_text = [number for number, page in enumerate(after) if page["runs"] != before[number]["runs"]]
    changed_image = [number for number, page in enumerate(after) if page["image"] != before[number]["image"]]
    assert changed_image == changed_text and 0 < len(changed_text) < len(after)
    assert not any("KB " in run[0] for page in after for run in page["runs"])
    pdf = pypdf.PdfReader(io.BytesIO(preview.download(View(audience="uk"), "pdf")[1]))
    assert "KB " in pdf.pages[0].extract_text(), "the download still carries the revision"


def test_a_tree_of_several_countries_shows_the_first_and_switches_to_the_one_chosen(tmp_path):
    briefs = tmp_path / "briefs"
    shutil.copytree(BUNDLED_BRIEFS, briefs)
    shutil.copytree(VELORIA, briefs / "veloria")
    preview = Preview(briefs)

    first = preview.describe(View())
    assert first["current"] and first["problems"] == []
    assert [country["id"] for country in first["options"]["countries"]] == ["kazakhstan", "veloria"]
    assert first["options"]["country"] == "kazakhstan" and first["document"]["title"].startswith("Kazakhstan")

    chosen = preview.describe(View(country="veloria"))
    assert chosen["options"]["country"] == "veloria" and chosen["current"]
    assert "Veloria" in chosen["document"]["title"]
    assert preview.download(View(country="veloria"), "pdf")[0].split("_")[1] == "veloria"
    with pytest.raises(UsageError, match="no country 'atlantis'"):
        preview.describe(View(country="atlantis"))


def test_a_view_in_another_language_flags_each_item_shown_in_english_beside_it(tmp_path):
    briefs = tmp_path / "briefs"
    shutil.copytree(BUNDLED_BRIEFS, briefs)
    preview = Preview(briefs)

    french = preview.describe(View(audience="eu", language="fr"))
    assert "fr" in french["options"]["languages"] and french["view"]["language"] == "fr"
    assert "Demandes principales" in " ".join(run[0] for page in french["document"]["pages"] for run in page["runs"])
    assert not [w for w in french["warnings"] if w.get("untranslated")], "the sample translates the EU briefing"

    # The French sample covers what the EU briefings print, not the UK's: each English item is flagged.
    uk = preview.describe(View(audience="uk", language="fr"))
    flagged = [w for w in uk["warnings"] if w.get("untranslated")]
    assert flagged and any(w["page"] for w in flagged)
    assert all("translations/fr.po" in w["message"] for w in flagged)
    assert preview.download(View(audience="uk", language="fr"), "pdf")[0].endswith("_uk_in-fr.pdf")
    with pytest.raises(UsageError, match="language must be one of"):
        View.from_query({"language": ["xx"]})


@pytest.mark.parametrize(
    ("change", "said"),
    [("fuzzy", "is fuzzy, so shown in English"), ("stale", "is of English that has since changed")],
)
def test_the_margin_says_whether_a_translation_is_fuzzy_or_of_changed_english_at_its_po_line(tmp_path, change, said):
    from generator.kb import translations

    briefs = tmp_path / "briefs"
    shutil.copytree(BUNDLED_BRIEFS, briefs)
    po = briefs / "kazakhstan" / "translations" / "fr.po"
    catalog = translations._read_catalog(po)
    for message in catalog:
        if message.context and message.context.startswith("facts:") and message.string:
            if change == "fuzzy":
                message.flags.add("fuzzy")
            else:
                message.id = f"{message.id} As first written."
    po.write_bytes(translations.as_bytes(catalog))

    french = Preview(briefs).describe(View(audience="eu", language="fr"))

    flagged = [w for w in french["warnings"] if w.get("untranslated")]
    assert flagged and all(w["translation"] == change for w in flagged)
    assert all(said in w["message"] and "translation of facts:" in w["message"] for w in flagged)
    assert all(re.fullmatch(r".*translations/fr\.po:\d\d+", w["where"]) for w in flagged)
    assert any(w["page"] for w in flagged)
