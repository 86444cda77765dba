"""Tailored human-rights advocacy briefings from a YAML knowledge base.

load -> validate -> select -> compose -> render -> publish; `generator.api`
is the entry point for programs, `generator.cli` for people.
"""

from pathlib import Path

__version__ = "0.1.0"

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
"""The templates, stylesheet, fonts and reference document shipped with the generator."""
