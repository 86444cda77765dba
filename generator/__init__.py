"""Tailored human-rights advocacy briefings from a YAML knowledge base.

load -> validate -> select -> compose -> render -> publish; `generator.api`
is the entry point for programs, `generator.cli` for people.
"""

from pathlib import Path

__version__ = "0.1.0"

_PACKAGED_TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATES_DIR = (
    _PACKAGED_TEMPLATES if _PACKAGED_TEMPLATES.is_dir() else Path(__file__).resolve().parent.parent / "templates"
)
"""The templates, stylesheet, fonts and reference document shipped with the generator."""
