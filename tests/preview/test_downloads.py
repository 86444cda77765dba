"""A preview download is the file `generate` would write: the same name, and the same finished-file guard."""

from __future__ import annotations

import datetime
import http.client
import shutil
import threading
from pathlib import Path

import pytest

from generator import TEMPLATES_DIR, api
from generator.core.errors import RenderError
from generator.kb.model import Sensitivity
from generator.preview import Preview, View
from generator.preview.serve import PreviewServer
from generator.render import FORMATS
from tests.conftest import build_knowledge_base

DAY = datetime.date(2027, 1, 15)
WITHHELD = "would name a person who may not be named here (the case at cases.yaml:1)"


@pytest.fixture
def withheld_briefs(tmp_path: Path) -> Path:
    """The minimal knowledge base, with its case's person one no copy may name."""
    briefs = build_knowledge_base(tmp_path / "briefs")
    cases = briefs / "testland" / "cases.yaml"
    cases.write_text(cases.read_text().replace("may_name: true", "may_name: false"))
    return briefs


@pytest.fixture
def naming_templates(tmp_path: Path) -> Path:
    """Templates whose letterhead, edited by hand, prints the name the knowledge base withholds."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    entry = templates / "briefing.html.j2"
    entry.write_text(entry.read_text() + '{% block letterhead %}<p class="kicker">With Jan Doe</p>{% endblock %}\n')
    return templates


def test_a_download_the_finished_file_guard_refuses_is_not_handed_out(withheld_briefs, naming_templates):
    preview = Preview(withheld_briefs, templates_dir=naming_templates, today=DAY)

    with pytest.raises(RenderError, match=r"the finished PDF would name a person") as refused:
        preview.download(View(audience="uk"), "pdf")

    assert WITHHELD in str(refused.value) and "Doe" not in str(refused.value)
    name, docx = preview.download(View(audience="uk"), "docx")
    assert name == "2027-01-15_testland_uk.docx" and docx.startswith(b"PK")


def test_the_server_answers_a_refused_download_with_the_refusal(withheld_briefs, naming_templates):
    server = PreviewServer(Preview(withheld_briefs, templates_dir=naming_templates, today=DAY), 0)
    serving = threading.Thread(target=server.serve_forever)
    serving.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=60)
        connection.request("GET", "/download.pdf?audience=uk", headers={"Host": server.host})
        response = connection.getresponse()
        body = response.read().decode()
        connection.close()
    finally:
        server.shutdown()
        server.close()
        serving.join()

    assert response.status == 409
    assert WITHHELD in body and "Doe" not in body


@pytest.mark.parametrize(
    "view, asked",
    [
        (View(audience="uk", distribution=Sensitivity.CONFIDENTIAL), {"audiences": ["uk"]}),
        (
            View(meeting="uk-visit", distribution=Sensitivity.RESTRICTED, length="one-page"),
            {"meeting_file": Path("testland/meetings/uk-visit.yaml")},
        ),
    ],
    ids=["audience", "meeting"],
)
def test_a_download_is_named_as_generate_names_the_same_request(tmp_path, view, asked):
    briefs = build_knowledge_base(tmp_path / "briefs")
    kb = api.load_knowledge_base(briefs, today=DAY).kb
    if "meeting_file" in asked:
        asked = {"meeting_file": briefs / asked["meeting_file"]}
    requests = api.requests_for(kb, distribution=view.distribution, length=view.length, date=DAY, **asked)
    outcome = api.generate(kb, requests, FORMATS, tmp_path / "out")
    preview = Preview(briefs, today=DAY)

    downloads = dict(preview.download(view, output_format) for output_format in FORMATS)

    assert sorted(downloads) == sorted(path.name for path in outcome.written)
    # The level and length are part of the name, whatever the view left to its defaults.
    assert all(f"_{requests[0].level.value}" in name for name in downloads)
    assert all(downloads[path.name] == path.read_bytes() for path in outcome.written)
