"""`briefing serve`: a live preview of the briefings, for this machine only.

A small HTTP server on 127.0.0.1 answers a fixed set of routes; nothing in
a URL is ever used as a file path. A watcher thread reloads the knowledge
base when a file under it, under the templates or under its theme is saved,
and every open page hears of it through server-sent events and fetches what
changed.

Safety: the server binds to the loopback address only and answers only
requests addressed to the exact `127.0.0.1:PORT` it printed, which defeats
DNS rebinding (a hostile web page whose name resolves to 127.0.0.1 still
sends its own name as Host). It only reads the knowledge base and renders
through the same sandboxed `render_pdf` as `generate`, and hands out a file
only as `generate` would write it: named alike, and once the same
finished-file guard has read it.
"""

from __future__ import annotations

import contextlib
import errno
import json
import re
import signal
import threading
import webbrowser
from collections.abc import Callable, Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import watchfiles

from generator import TEMPLATES_DIR
from generator.core.errors import BriefingError, UsageError
from generator.core.settings import SETTINGS_FILE
from generator.preview import Preview, View
from generator.render import FORMATS, REGISTRY, Format

LOOPBACK = "127.0.0.1"
ASSETS = Path(__file__).parent / "assets"
STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/preview.js": ("preview.js", "text/javascript; charset=utf-8"),
    "/preview.css": ("preview.css", "text/css; charset=utf-8"),
    "/favicon.svg": ("favicon.svg", "image/svg+xml"),
}
PAGE_PICTURE = re.compile(r"/page/(?P<key>[0-9a-f]{32})\.png")
DOWNLOADS: dict[str, Format] = {f"/download{REGISTRY[name].extension}": name for name in FORMATS}
"""What the page offers to download, by route: the formats `generate` writes by default, the PDF shown first."""
DOWNLOAD_BUTTONS = [{"href": path, "label": f"Download {name.upper()}"} for path, name in DOWNLOADS.items()]
PREVIEW_STATE = "X-Briefing-Preview"
"""The header that says whether a download is made from the files as saved ("current") or is the last good one."""
SECURITY_HEADERS = {
    # The page runs only its own script and shows only its own pictures; no
    # other site may frame it or embed what it serves.
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
KEEPALIVE_SECONDS = 15.0
"""How often an idle event stream sends a comment, which finds closed connections."""
WATCH_STEP_MS = 10
"""Quiet time after a save before reloading: enough to gather an editor's burst of writes."""
YAML_SUFFIXES = (".yaml", ".yml")
NOT_EDITOR_DROPPINGS = watchfiles.DefaultFilter()
"""Leaves out swap and backup files, .git and the like."""


class PreviewServer(ThreadingHTTPServer):
    """The HTTP server and the file watcher around one `Preview`."""

    daemon_threads = True

    def __init__(self, preview: Preview, port: int = 8000) -> None:
        try:
            super().__init__((LOOPBACK, port), PreviewHandler)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise UsageError(f"port {port} is in use; choose another with --port") from None
            raise
        self.preview = preview
        self.host = f"{LOOPBACK}:{self.server_port}"
        self.url = f"http://{self.host}/"
        self.stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="watch", daemon=True)
        self._watcher.start()

    def close(self) -> None:
        """End every event stream and the watcher, and close the socket; call once serving has stopped."""
        self.stopping.set()
        self.preview.wake_everyone()
        self.server_close()
        self._watcher.join(timeout=5)

    def _watch(self) -> None:
        preview = self.preview
        # A theme outside the knowledge base is watched too: the one its settings named at the start.
        theme = [preview.theme] if preview.theme and not preview.theme.is_relative_to(preview.briefs) else []
        for changes in watchfiles.watch(
            preview.briefs,
            preview.templates_dir,
            *theme,
            watch_filter=self._matters,
            step=WATCH_STEP_MS,
            stop_event=self.stopping,
            raise_interrupt=False,
        ):
            preview.reload(templates_changed=any(self._restyles(path) for _, path in changes))

    def _matters(self, change: watchfiles.Change, path: str) -> bool:
        """Knowledge-base YAML, its settings and anything under the templates or the theme; never editor droppings."""
        return NOT_EDITOR_DROPPINGS(change, path) and (self._restyles(path) or path.endswith(YAML_SUFFIXES))

    def _restyles(self, path: str) -> bool:
        """A file of the templates or of the theme, or the settings that name the theme: every page is laid out
        again."""
        theme = self.preview.theme
        return (
            Path(path).is_relative_to(self.preview.templates_dir)
            or Path(path).name == SETTINGS_FILE
            or (theme is not None and Path(path).is_relative_to(theme))
        )


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "briefing-preview"
    sys_version = ""
    send_body = True

    def do_GET(self) -> None:
        self._answer()

    def do_HEAD(self) -> None:
        self.send_body = False
        self._answer()

    def do_POST(self) -> None:
        self._send_text(HTTPStatus.METHOD_NOT_ALLOWED, "the preview only reads", {"Allow": "GET, HEAD"})

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_POST

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal is for the address and for problems, not for every request."""

    def _answer(self) -> None:
        if self.headers.get_all("Host") != [self.server.host]:
            # Also what a DNS-rebinding page gets: its requests carry its own name.
            self._send_text(HTTPStatus.MISDIRECTED_REQUEST, f"this preview answers only at {self.server.url}")
            return
        url = urlsplit(self.path)
        try:
            self._route(url.path, parse_qs(url.query, keep_blank_values=True))
        except UsageError as error:
            self._send_text(HTTPStatus.BAD_REQUEST, str(error))
        except BriefingError as error:
            self._send_text(HTTPStatus.CONFLICT, str(error))
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _route(self, path: str, query: dict[str, list[str]]) -> None:
        preview = self.server.preview
        if path in STATIC:
            name, content_type = STATIC[path]
            self._send(HTTPStatus.OK, (ASSETS / name).read_bytes(), content_type)
        elif path == "/events" and not query:
            self._stream_events()
        elif path == "/preview.json":
            data = json.dumps({**preview.describe(View.from_query(query)), "downloads": DOWNLOAD_BUTTONS}).encode()
            self._send(HTTPStatus.OK, data, "application/json")
        elif path in DOWNLOADS:
            self._download(View.from_query(query), DOWNLOADS[path])
        elif (picture := PAGE_PICTURE.fullmatch(path)) and not query:
            self._send_picture(picture["key"])
        else:
            self._send_text(HTTPStatus.NOT_FOUND, "not part of the preview")

    def _send_picture(self, key: str) -> None:
        png = self.server.preview.pictures.png(key)
        if png is None:
            self._send_text(HTTPStatus.NOT_FOUND, "no such page any more")
            return
        # Named by its content, a picture never changes.
        self._send(HTTPStatus.OK, png, "image/png", {"Cache-Control": "private, max-age=3600, immutable"})

    def _download(self, view: View, output_format: Format) -> None:
        name, data = self.server.preview.download(view, output_format)
        # While the knowledge base as saved has problems, the file is the last good one, and says so.
        state = "current" if self.server.preview.is_current(view) else "last-good"
        self._send(
            HTTPStatus.OK,
            data,
            REGISTRY[output_format].media_type,
            {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}", PREVIEW_STATE: state},
        )

    def _stream_events(self) -> None:
        """Server-sent events: the knowledge base's version now, then each time it changes."""
        self.send_response(HTTPStatus.OK)
        self._headers({"Content-Type": "text/event-stream", "Cache-Control": "no-store"})
        self.end_headers()
        self.wfile.write(b"retry: 1000\n\n")
        seen: int | None = None
        while not self.server.stopping.is_set():
            version = self.server.preview.wait_for_change(seen, KEEPALIVE_SECONDS)
            self.wfile.write(f"data: {version}\n\n".encode() if version != seen else b": still here\n\n")
            self.wfile.flush()
            seen = version

    def _send_text(self, status: HTTPStatus, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, f"{message}\n".encode(), "text/plain; charset=utf-8", headers)

    def _send(self, status: HTTPStatus, data: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self._headers(
            {
                "Content-Type": content_type,
                "Content-Length": str(len(data)),
                "Cache-Control": "no-store",
                **(headers or {}),
            }
        )
        self.end_headers()
        if self.send_body:
            self.wfile.write(data)

    def _headers(self, headers: dict[str, str]) -> None:
        for name, value in {**SECURITY_HEADERS, **headers}.items():
            self.send_header(name, value)


def serve(
    briefs: Path,
    country: str | None = None,
    port: int = 8000,
    announce: Callable[[str], None] = print,
    templates_dir: Path = TEMPLATES_DIR,
    log: Callable[[str], None] = print,
    open_browser: bool = False,
) -> None:
    """Preview the knowledge base in `briefs` until interrupted, logging each briefing laid out and each problem
    a save brings; with `open_browser`, open the page in the user's browser."""
    if not briefs.is_dir():
        raise UsageError(f"no knowledge-base folder at {briefs}")
    server = PreviewServer(Preview(briefs, country, templates_dir, log=log), port)
    try:
        with _stopped_by_ctrl_c():
            announce(server.url)
            if open_browser:
                webbrowser.open(server.url)
            server.serve_forever()
    finally:
        server.close()


@contextlib.contextmanager
def _stopped_by_ctrl_c() -> Iterator[None]:
    """Ctrl-C stops the server, as the address it prints says, whatever SIGINT did when it started.

    A shell starts a command it runs in the background (`briefing serve &` in a
    script, a test runner started that way) with SIGINT ignored, and Python then
    leaves it ignored: the server would serve on after every Ctrl-C. Taken before
    the address is printed, so a Ctrl-C that follows the address always counts.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        # None: the handler before was set outside Python, which leaves nothing to put back.
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
