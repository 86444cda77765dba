"""Renderers: a Brief to HTML, PDF (WeasyPrint, sandboxed) or DOCX (python-docx)."""
