"""Turn a `Brief` into the HTML that WeasyPrint lays out as the PDF.

Every value from the Brief reaches the page through Jinja's autoescaping, so
text typed by a YAML author is always shown as text, never read as markup.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from generator import TEMPLATES_DIR
from generator.compose.brief import Brief, strings
from generator.core.errors import RenderError
from generator.core.settings import template_folders
from generator.render.fonts import fallbacks_for
from generator.text.catalogue import split_placeholders

ENTRY_TEMPLATE = "briefing.html.j2"

# CSS page-size keywords; kept in Python so an unknown paper fails here with
# a message rather than falling back silently to WeasyPrint's default.
PAGE_SIZES = {"a4": "A4", "letter": "letter"}


def render_html(brief: Brief, templates_dir: Path = TEMPLATES_DIR) -> str:
    """The briefing as a complete HTML document, the same for the same Brief.

    Each template is looked for in the briefing's theme, then in `templates_dir`.
    """
    if brief.paper not in PAGE_SIZES:
        raise RenderError(f"unknown paper size {brief.paper!r}; use one of {sorted(PAGE_SIZES)}")
    folders = template_folders(brief.theme, templates_dir)
    environment = _environment(folders)
    try:
        template = environment.get_template(ENTRY_TEMPLATE)
        return template.render(
            brief=brief,
            page_size=PAGE_SIZES[brief.paper],
            page_counter=css_page_counter(brief.labels.page),
            fallback_fonts=fallbacks_for("".join(text for _, text in strings(brief)), folders),
        )
    except jinja2.TemplateError as error:
        raise RenderError(f"{_where(error, folders)}: {error}") from error


def css_page_counter(label: str) -> Markup:
    """ "Page {page} of {pages}" as a CSS `content` value: the words as strings, the numbers as counters.

    Every character but letters, digits and spaces is written as a CSS escape,
    so no label can close the string or the surrounding <style> element.
    """
    parts = []
    for literal, name in split_placeholders(label):
        if literal:
            parts.append('"' + "".join(_css_char(char) for char in literal) + '"')
        if name:
            parts.append(f"counter({'pages' if name == 'pages' else 'page'})")
    return Markup(" ".join(parts) or '""')


def _css_char(char: str) -> str:
    return char if char.isalnum() or char == " " else f"\\{ord(char):06x}"


@functools.cache
def _environment(folders: tuple[Path, ...]) -> jinja2.Environment:
    """One environment per list of template folders for the life of the process.

    Compiling the templates costs more than rendering them, and fitting
    renders a briefing up to ten times; Jinja still reloads a template whose
    file has changed since it was compiled.
    """
    environment = jinja2.Environment(
        loader=_OverlayLoader(folders),
        # Every template, whatever its name ends with: a briefing has no
        # context where raw text from the knowledge base would be right.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["external_href"] = _external_href
    return environment


class _OverlayLoader(jinja2.FileSystemLoader):
    """Templates from the first folder that has them; one compiled from a later folder is out of date
    once an earlier folder holds a file of its name, as when a theme gains a template while a preview runs."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        candidates = [os.path.normpath(os.path.join(folder, template)) for folder in self.searchpath]
        earlier = candidates[: candidates.index(filename)] if filename in candidates else []
        return source, filename, lambda: uptodate() and not any(map(os.path.isfile, earlier))


def _external_href(url: str) -> str:
    """`url` if it is a web address; anything else is refused, not linked.

    The knowledge base only admits http(s) links, but a PDF link to file: or
    javascript: would be opened by the reader's viewer, so the renderer does
    not take that on trust.
    """
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise RenderError(f"refusing to link to {url!r}: only http and https links are allowed")
    return url


def _where(error: jinja2.TemplateError, folders: tuple[Path, ...]) -> str:
    """`file:line` of the template that failed, as precisely as Jinja tells."""
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        return f"{error.filename}:{error.lineno}"
    searched = " and ".join(map(str, folders))
    if isinstance(error, jinja2.TemplateNotFound):
        return searched
    # Jinja rewrites its tracebacks so that template code shows up as frames
    # of the template file itself; the innermost such frame is the culprit.
    location = searched
    traceback = error.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            location = f"{filename}:{traceback.tb_lineno}"
        traceback = traceback.tb_next
    return location
