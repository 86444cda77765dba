"""The only way WeasyPrint may read anything while rendering a briefing.

Templates can be overridden by an organisation (a theme, see
`core.settings`), so they are not trusted to stay inside their folders: a
stylesheet could otherwise embed /etc/passwd as a "font", pull a file into
the PDF as an attachment, or tell a third party who is printing which
briefing. `TemplatesFetcher` serves regular files of the theme and the
packaged templates and a few inert data: URLs, and refuses everything else.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from generator.render.engine import FatalURLFetchingError, URLFetcher, URLFetcherResponse

# Pixels only. SVG is left out although it is an image: it is a document that
# makes requests of its own, and WeasyPrint swallows every exception raised
# while drawing one, so a refusal there no longer stops the render and is only
# caught afterwards from `refused`. Inline SVG has no use worth that; an SVG
# file shipped under templates/ still works, and its requests come back here.
DATA_MEDIA_TYPES = frozenset({"image/png", "image/jpeg"})

# WeasyPrint sniffs an image's bytes and would draw an SVG sent as
# data:image/png; the first bytes must prove the declared type.
MAGIC_NUMBERS = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}

# Named here rather than guessed by `mimetypes`, whose answers depend on the
# machine's /etc/mime.types; WeasyPrint ignores a stylesheet not served as
# text/css and tells SVG from raster images by this type.
MEDIA_TYPES = {
    ".css": "text/css",
    ".jpeg": "image/jpeg",
    ".jpg": "image/jpeg",
    ".otf": "font/otf",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".ttf": "font/ttf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}


class ResourceRefused(FatalURLFetchingError):
    """A fetch the sandbox will not serve; fatal so that WeasyPrint stops."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class TemplatesFetcher(URLFetcher):
    """Serve regular files of the template `folders` and PNG/JPEG data: URLs, nothing else.

    The folders are searched in order, as a theme overlays the packaged
    templates: a file named under any of them is served from the first that
    has it, so a theme's stylesheet reaches the packaged fonts it does not
    replace, and the packaged templates reach the theme's. Whatever a name
    leads to, through links too, must lie inside one of the folders.

    No network scheme is ever opened, so redirects cannot happen either. Every
    refusal is raised and also kept in `refused`, because a few WeasyPrint code
    paths (SVG drawing) catch even fatal errors: the caller checks the list
    after rendering so that none goes unnoticed.
    """

    def __init__(self, *folders: Path) -> None:
        # fail_on_errors: any unforeseen error while fetching stops the render
        # too, instead of WeasyPrint logging it and quietly leaving a gap.
        super().__init__(fail_on_errors=True)
        self.folders = tuple(folder.resolve() for folder in folders)
        self.refused: list[ResourceRefused] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        try:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "file":
                return self._file(url)
            if scheme == "data":
                return self._data(url)
            raise ResourceRefused(url, "nothing is fetched from the network, only the templates' own files")
        except ResourceRefused as refusal:
            self.refused.append(refusal)
            raise

    def _file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ResourceRefused(url, "file URL names another host")
        name = url2pathname(parts.path)
        # urljoin has already folded literal "..", but not percent-encoded ones;
        # refusing them outright saves reasoning about what resolve() makes of them.
        if ".." in name.split("/"):
            raise ResourceRefused(url, "path climbs out with '..'")
        try:
            path = self._found(url, Path(os.path.normpath(name)))
            body = path.read_bytes()
        except (OSError, ValueError) as error:
            raise ResourceRefused(url, f"cannot be read ({error})") from error
        media_type = MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
        return URLFetcherResponse(url, body, {"Content-Type": media_type})

    def _found(self, url: str, named: Path) -> Path:
        """The real file `named` stands for: the first folder's that has it, found inside one of the folders."""
        relative = next((named.relative_to(folder) for folder in self.folders if named.is_relative_to(folder)), None)
        if relative is None:
            raise ResourceRefused(url, "outside the template folders")
        for folder in self.folders:
            candidate = folder / relative
            if candidate.exists() or candidate.is_symlink():
                # resolve() follows every symlink, so a link pointing outside lands outside.
                path = candidate.resolve()
                if not any(path.is_relative_to(each) for each in self.folders):
                    raise ResourceRefused(url, "outside the template folders")
                if not path.is_file():
                    raise ResourceRefused(url, "not a file in the template folders")
                return path
        raise ResourceRefused(url, "not a file in the template folders")

    def _data(self, url: str) -> URLFetcherResponse:
        header, comma, payload = url[len("data:") :].partition(",")
        params = [param.strip().lower() for param in header.split(";")]
        if not comma or params[0] not in DATA_MEDIA_TYPES:
            raise ResourceRefused(_shorten(url), "only PNG and JPEG data: URLs are allowed")
        body = unquote_to_bytes(payload)
        if "base64" in params[1:]:
            try:
                body = base64.b64decode(body, validate=True)
            except ValueError as error:
                raise ResourceRefused(_shorten(url), "invalid base64") from error
        if not body.startswith(MAGIC_NUMBERS[params[0]]):
            raise ResourceRefused(_shorten(url), f"declared {params[0]} but its bytes are not such an image")
        return URLFetcherResponse(url, body, {"Content-Type": params[0]})


def _shorten(url: str) -> str:
    """A data: URL fit for an error message, which it may otherwise flood."""
    return url if len(url) <= 80 else f"{url[:77]}..."
