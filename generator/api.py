"""The library entry points: everything the CLI does, callable from Python.

A facade over the stages: `kb` loads and checks, `documents` selects,
composes, renders and publishes each briefing, `build` skips what has not
changed, `render` turns one Brief into a file's bytes.
Rendering modules are imported only when a document is rendered, so checking
a knowledge base never pays for loading WeasyPrint or python-docx.
"""

from __future__ import annotations

from .build import BuildOptions, CheckReport, IncrementalRun, Session, Workers, check, country_runs
from .clock import build_date
from .documents import Outcome, Request, compose_brief, generate, requests_for, write_letter
from .kb.validate import Checked, check_every_country, load_knowledge_base, meeting_country, read_meeting_file
from .render import DEFAULT_TIMEOUT, FORMATS, Format, render
from .render.pool import RenderPool

__all__ = [
    "DEFAULT_TIMEOUT",
    "FORMATS",
    "BuildOptions",
    "CheckReport",
    "Checked",
    "Format",
    "IncrementalRun",
    "Outcome",
    "RenderPool",
    "Request",
    "Session",
    "Workers",
    "build_date",
    "check",
    "check_every_country",
    "compose_brief",
    "country_runs",
    "generate",
    "load_knowledge_base",
    "meeting_country",
    "read_meeting_file",
    "render",
    "requests_for",
    "write_letter",
]
