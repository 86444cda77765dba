"""A document downloaded once, for `briefing source add URL`: the one place the generator uses the network.

Every other command reads only files: a knowledge base cites the copy archived
beside it, never the live page, which may change or vanish. The download is
bounded three ways, by a time limit, a size limit read as it streams, and the
kinds of document `source add` can read, judged by the server's Content-Type.
"""

from __future__ import annotations

import email.message
import http.client
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from generator import __version__
from generator.kb.ingest import SourceRefused
from generator.kb.ingest.extract import Kind

TIMEOUT_SECONDS = 20.0
"""How long the whole download may take, and how long the server may stay silent."""

MAX_BYTES = 25 * 1024 * 1024
"""More than any report, web page or DOCX a briefing cites; the download stops past it."""

_CHUNK = 64 * 1024

CONTENT_TYPES: dict[str, Kind] = {
    "application/pdf": "pdf",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/plain": "txt",
    "text/markdown": "txt",
}


@dataclass(frozen=True)
class Download:
    content: bytes
    kind: Kind
    charset: str | None
    """The text encoding the server named, if any."""


def is_url(argument: str) -> bool:
    return argument.lower().startswith(("http://", "https://"))


def fetch(url: str, timeout: float | None = None, limit: int | None = None) -> Download:
    """The document at `url`, refused when it is slow, too large, unreachable or of a kind not read.

    `timeout` and `limit` default to TIMEOUT_SECONDS and MAX_BYTES.
    """
    timeout = timeout or TIMEOUT_SECONDS
    limit = limit or MAX_BYTES
    request = urllib.request.Request(url, headers={"User-Agent": f"briefing/{__version__}"})
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            header = email.message.Message()
            header["Content-Type"] = response.headers.get("Content-Type", "")
            media_type = header.get_content_type()
            kind = CONTENT_TYPES.get(media_type)
            if kind is None or not response.headers.get("Content-Type"):
                served = f"'{media_type}'" if response.headers.get("Content-Type") else "no Content-Type"
                raise SourceRefused(
                    f"{url}: the server sends {served}, not a PDF, a web page, a DOCX or plain text; "
                    "download the document yourself and add the file"
                )
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise SourceRefused(_too_large(url, limit))
            content = _read(response, url, limit, deadline, timeout)
            return Download(content, kind, header.get_content_charset() if kind in ("html", "txt") else None)
    except urllib.error.HTTPError as error:
        raise SourceRefused(f"{url}: the server answered {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError | socket.timeout):
            raise SourceRefused(_too_slow(url, timeout)) from None
        raise SourceRefused(f"{url}: cannot be reached ({error.reason})") from None
    except TimeoutError:
        raise SourceRefused(_too_slow(url, timeout)) from None
    except (OSError, ValueError) as error:
        raise SourceRefused(f"{url}: the download failed ({error})") from None


def _read(response: http.client.HTTPResponse, url: str, limit: int, deadline: float, timeout: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise SourceRefused(_too_large(url, limit))
        if time.monotonic() > deadline:
            raise SourceRefused(_too_slow(url, timeout))
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(url: str, limit: int) -> str:
    size = f"{limit / (1024 * 1024):g} MB" if limit >= 1024 * 1024 else f"{limit:,} bytes"
    return f"{url}: the document is larger than {size}; download it yourself and add the file"


def _too_slow(url: str, timeout: float) -> str:
    return f"{url}: no complete answer within {timeout:g} seconds; try again later, or download it yourself"
