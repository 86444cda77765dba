"""WeasyPrint is imported without running a compiler, listing the loader's cache once, and finds the same
libraries as a plain import."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the compiler lookups happen on Linux")

LIBRARIES = ("gobject", "pango", "harfbuzz", "harfbuzz_subset", "harfbuzz_vector", "fontconfig", "pangoft2")

REPORT = f"""
import ctypes.util, json, subprocess
standard = ctypes.util.find_library
spawned = []
start = subprocess.Popen.__init__
def recording(self, args, *rest, **options):
    spawned.append(args[0] if isinstance(args, (list, tuple)) else args)
    start(self, args, *rest, **options)
subprocess.Popen.__init__ = recording
IMPORT
from weasyprint.text import ffi
print(json.dumps({{
    "spawned": spawned,
    "restored": ctypes.util.find_library is standard,
    "opened": [name for name in {LIBRARIES!r} if getattr(ffi, name) is not None],
}}))
"""


def imported_by(statement: str) -> dict[str, object]:
    script = REPORT.replace("IMPORT", statement)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    report: dict[str, object] = json.loads(result.stdout)
    return report


def test_the_renderer_imports_weasyprint_with_the_loaders_cache_alone():
    ours = imported_by("import generator.render.layouts")
    plain = imported_by("import weasyprint")

    # The loader's cache is listed once, however many names WeasyPrint asks for.
    assert [str(program).rsplit("/", 1)[-1] for program in ours["spawned"]] == ["ldconfig"], ours["spawned"]
    assert ours["restored"], "find_library is the standard one again once WeasyPrint is in"
    assert ours["opened"] == plain["opened"]
    assert len(plain["spawned"]) > len(ours["spawned"])
