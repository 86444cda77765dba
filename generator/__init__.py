"""Tailored human-rights advocacy briefings from a YAML knowledge base.

load -> validate -> select -> compose -> render -> publish; `generator.api`
is the entry point for programs, `generator.cli` for people.
"""

__version__ = "0.1.0"
