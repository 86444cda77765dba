"""Hostile templates cannot make WeasyPrint read outside templates/ and the theme, or go online.

Each scenario copies the real templates and injects one hostile request into
the stylesheet or the HTML template, or puts it in a theme's stylesheet.
"""

from __future__ import annotations

import dataclasses
import shutil
import socket
from pathlib import Path

import pytest
from weasyprint import HTML

from generator.core.errors import SandboxViolation
from generator.render import engine_process
from generator.render.html import TEMPLATES_DIR
from generator.render.pdf import render_pdf
from generator.render.sandbox import ResourceRefused, TemplatesFetcher
from tests.sample_brief import sample_brief

# A 1x1 transparent PNG.
PNG_1X1 = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.fixture
def templates(tmp_path) -> Path:
    copy = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, copy)
    (tmp_path / "secret.css").write_text("body { color: red; }")
    return copy


@pytest.fixture
def no_network(monkeypatch) -> list:
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted during render")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def prepend_css(templates: Path, css: str) -> None:
    # @import is only honoured before every other rule.
    stylesheet = templates / "briefing.css"
    stylesheet.write_text(css + "\n" + stylesheet.read_text())


def override_block(templates: Path, block: str, html: str) -> None:
    (templates / "briefing.html.j2").write_text(
        f'{{% extends "base.html.j2" %}}\n{{% block {block} %}}{{{{ super() }}}}{html}{{% endblock %}}\n'
    )


def assert_refused(templates: Path, url: str) -> None:
    """Refused in this process, and in the engine process that lays out a single PDF (`engine_process`)."""
    for in_engine_process in (False, True):
        with engine_process.serving(in_engine_process), pytest.raises(SandboxViolation) as caught:
            render_pdf(sample_brief(), templates)
        assert url in str(caught.value)


def test_http_import_is_refused_without_touching_the_network(templates, no_network):
    prepend_css(templates, "@import url(http://127.0.0.1:9/x.css);")

    assert_refused(templates, "http://127.0.0.1:9/x.css")
    assert no_network == []


@pytest.mark.parametrize("url", ["https://127.0.0.1:9/x.css", "ftp://127.0.0.1:9/x.css"])
def test_other_network_schemes_are_refused(templates, no_network, url):
    prepend_css(templates, f"@import url({url});")

    assert_refused(templates, url)
    assert no_network == []


def test_absolute_file_url_is_refused(templates):
    prepend_css(templates, "body { background-image: url(file:///etc/passwd); }")

    assert_refused(templates, "file:///etc/passwd")


def test_file_outside_templates_through_dotdot_is_refused(templates):
    prepend_css(templates, "@import url(../secret.css);")

    assert_refused(templates, (templates.parent / "secret.css").as_uri())


def test_percent_encoded_dotdot_is_refused(templates):
    prepend_css(templates, "@import url(fonts/%2e%2e/%2e%2e/secret.css);")

    assert_refused(templates, "%2e%2e/%2e%2e/secret.css")


def test_symlink_pointing_outside_is_refused(templates):
    (templates / "linked.css").symlink_to(templates.parent / "secret.css")
    prepend_css(templates, "@import url(linked.css);")

    assert_refused(templates, (templates / "linked.css").as_uri())


def test_missing_file_stops_the_render(templates):
    (templates / "fonts" / "NotoSerif-Bold.ttf").unlink()

    assert_refused(templates, "fonts/NotoSerif-Bold.ttf")


def test_data_css_import_is_refused(templates):
    prepend_css(templates, '@import url("data:text/css,body{color:red}");')

    assert_refused(templates, "data:text/css,body{color:red}")


def test_data_svg_image_is_refused(templates):
    override_block(templates, "letterhead", '<img alt="" src="data:image/svg+xml,%3Csvg/%3E">')

    assert_refused(templates, "data:image/svg+xml")


def test_link_rel_attachment_is_refused(templates):
    override_block(templates, "metadata", '<link rel="attachment" href="file:///etc/hostname">')

    assert_refused(templates, "file:///etc/hostname")


def test_anchor_rel_attachment_is_refused(templates):
    override_block(templates, "letterhead", '<a rel="attachment" href="file:///etc/hostname">x</a>')

    assert_refused(templates, "file:///etc/hostname")


def test_request_from_inside_an_svg_file_is_caught(templates):
    # WeasyPrint catches every exception raised while drawing an SVG, so this
    # refusal is only seen through the fetcher's record.
    (templates / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        ' width="10" height="10"><image width="10" height="10" xlink:href="file:///etc/hostname"/></svg>'
    )
    override_block(templates, "letterhead", '<img alt="" src="logo.svg">')

    assert_refused(templates, "file:///etc/hostname")


def test_attachments_option_goes_through_the_sandbox(templates):
    html = HTML(string="<p>x</p>", base_url=templates.as_uri() + "/", url_fetcher=TemplatesFetcher(templates))

    with pytest.raises(ResourceRefused, match="file:///etc/hostname"):
        html.write_pdf(attachments=["file:///etc/hostname"])


def test_normal_render_reads_only_files_under_templates(templates, monkeypatch, no_network):
    fetched = []
    fetch = TemplatesFetcher.fetch

    def recording_fetch(self, url, headers=None):
        fetched.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(TemplatesFetcher, "fetch", recording_fetch)
    override_block(templates, "letterhead", f'<img alt="" src="{PNG_1X1}">')

    assert render_pdf(sample_brief(), templates).startswith(b"%PDF-")

    files = [url for url in fetched if not url.startswith("data:")]
    assert templates.as_uri() + "/briefing.css" in files
    assert templates.as_uri() + "/fonts/NotoSerif-Regular.ttf" in files
    assert all(url.startswith(templates.as_uri() + "/") for url in files), files
    assert fetched.count(PNG_1X1) == 1
    assert no_network == []


def test_an_svg_sent_as_a_png_data_url_is_refused(templates):
    svg = "data:image/png;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4="  # <svg xmlns=.../>
    override_block(templates, "letterhead", f'<img alt="" src="{svg}">')

    with pytest.raises(SandboxViolation) as caught:
        render_pdf(sample_brief(), templates)
    assert svg in str(caught.value)
    assert "declared image/png but its bytes are not such an image" in str(caught.value)


def test_a_jpeg_data_url_must_start_like_a_jpeg():
    fetcher = TemplatesFetcher(TEMPLATES_DIR)

    with pytest.raises(ResourceRefused, match="not such an image"):
        fetcher.fetch("data:image/jpeg;base64,iVBORw0KGgo=")
    assert fetcher.fetch(PNG_1X1).read().startswith(b"\x89PNG")


@pytest.fixture
def theme(templates) -> Path:
    """A theme in a knowledge base beside the packaged templates' copy, with a private file next to it."""
    briefs = templates.parent / "briefs"
    (briefs / "theme").mkdir(parents=True)
    (briefs / "private.css").write_text("body { color: red; }")
    return briefs / "theme"


def theme_css(theme: Path, css: str) -> None:
    (theme / "briefing.css").write_text(css + "\n" + (TEMPLATES_DIR / "briefing.css").read_text())


def assert_theme_refused(theme: Path, templates: Path, url: str) -> None:
    with pytest.raises(SandboxViolation) as caught:
        render_pdf(dataclasses.replace(sample_brief(), theme=theme), templates)
    assert url in str(caught.value)


def test_a_theme_stylesheet_cannot_read_a_file_beside_the_theme(theme, templates):
    private = (theme.parent / "private.css").as_uri()
    theme_css(theme, f"@import url({private});")

    assert_theme_refused(theme, templates, private)


def test_a_theme_stylesheet_cannot_climb_out_of_the_folders(theme, templates):
    theme_css(theme, "@import url(../secret.css);")

    assert_theme_refused(theme, templates, (templates.parent / "secret.css").as_uri())


def test_a_theme_file_linked_to_outside_is_refused(theme, templates):
    (theme / "briefing.css").symlink_to(theme.parent / "private.css")

    assert_theme_refused(theme, templates, (templates / "briefing.css").as_uri())


def test_a_theme_stylesheet_cannot_go_online(theme, templates, no_network):
    theme_css(theme, "@import url(http://127.0.0.1:9/x.css);")

    assert_theme_refused(theme, templates, "http://127.0.0.1:9/x.css")
    assert no_network == []


def test_a_themed_render_reads_only_the_theme_and_the_templates(theme, templates, monkeypatch, no_network):
    served = []
    found = TemplatesFetcher._found

    def recording(self, url, named):
        served.append(found(self, url, named))
        return served[-1]

    monkeypatch.setattr(TemplatesFetcher, "_found", recording)
    theme_css(theme, "")

    assert render_pdf(dataclasses.replace(sample_brief(), theme=theme), templates).startswith(b"%PDF-")

    assert theme.resolve() / "briefing.css" in served
    assert templates.resolve() / "fonts" / "NotoSerif-Regular.ttf" in served
    assert all(path.is_relative_to(theme.resolve()) or path.is_relative_to(templates.resolve()) for path in served)
    assert no_network == []
