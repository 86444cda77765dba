"""Read a finished file back, as its reader's tools would, before it is published.

The compose guard checks every string handed to the renderers; this checks
what the renderers made of them, including what templates and document
properties add, so a leak introduced after composing is caught too: every
string a reader can see in the file (its format's read-back, see
`render.readback`), then the file's name and its manifest entry.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from generator.render import REGISTRY, Format
from generator.text.name_matching import NameGuard


def manifest_texts(entry: Mapping[str, object], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every text of a manifest entry with the field it is in, the keys of an object among them (source ids)."""
    for key, value in entry.items():
        if isinstance(value, str):
            yield f"{prefix}{key}", value
        elif isinstance(value, Mapping):
            for inner in value:
                yield f"{prefix}{key}", str(inner)
            yield from manifest_texts(value, f"{prefix}{key}.")


def leak_in(
    content: bytes, output_format: Format, guard: NameGuard, file_name: str, manifest_entry: Mapping[str, object]
) -> str | None:
    """Why the finished file may not be published, or None when it names no one it may not name."""
    if not guard:
        return None
    readable = [
        ("the file name", file_name),
        *((f"the manifest's {key}", value) for key, value in manifest_texts(manifest_entry)),
        *REGISTRY[output_format].read_back(content),
    ]
    for where, text in readable:
        if label := guard.find(text):
            return (
                f"the finished {output_format.upper()} would name a person who may not be named here ({label}) "
                f"in {where}; refusing to publish it"
            )
    return None
