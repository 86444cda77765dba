"""The format registry: each entry's name, media type, renderer and read-back agree on a real document."""

import io
import subprocess
import sys
import zipfile
from xml.etree import ElementTree

import click
import pytest

from generator.cli import main
from generator.cli.shell import EVERY_FORMAT
from generator.render import ARCHIVE, CHOICES, FORMATS, REGISTRY, render
from tests.sample_brief import sample_brief

CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}Override"


@pytest.fixture(scope="module")
def rendered():
    return {output_format: render(sample_brief(), output_format) for output_format in REGISTRY}


def media_type_of(content: bytes) -> str:
    """What the file says it is: a PDF by its header, an Office file by its main part's content type."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        overrides = ElementTree.fromstring(archive.read("[Content_Types].xml")).iter(CONTENT_TYPES)
        (main_part,) = (o.get("ContentType", "") for o in overrides if o.get("PartName") == "/word/document.xml")
    return main_part.removesuffix(".main+xml")


@pytest.mark.parametrize("output_format", REGISTRY)
def test_each_format_makes_files_of_its_media_type(rendered, output_format):
    assert media_type_of(rendered[output_format]) == REGISTRY[output_format].media_type


@pytest.mark.parametrize("output_format", REGISTRY)
def test_each_format_reads_its_own_files_back(rendered, output_format):
    strings = list(REGISTRY[output_format].read_back(rendered[output_format]))

    shown = " ".join(text for _, text in strings)
    assert "Kazakhstan: human rights briefing" in shown
    assert "Central Asia advocacy team" in shown
    assert all(where and isinstance(text, str) for where, text in strings)


def test_extensions_tell_every_format_apart():
    extensions = [entry.extension for entry in REGISTRY.values()]

    assert len(set(extensions)) == len(extensions)
    assert all(extension.startswith(".") for extension in extensions)


def test_laid_out_by_weasyprint_means_rendered_as_a_pdf(rendered):
    for output_format, entry in REGISTRY.items():
        assert entry.laid_out_by_weasyprint == rendered[output_format].startswith(b"%PDF-")


def test_the_archive_copy_has_an_option_of_its_own_not_a_choice():
    assert REGISTRY[ARCHIVE].choice is None
    assert ARCHIVE not in FORMATS
    assert FORMATS == tuple(CHOICES.values()) == ("pdf", "docx")


@pytest.mark.parametrize("command", ["generate", "letter"])
def test_format_choices_come_from_the_registry(command):
    cli_command = main.get_command(click.Context(main), command)
    option = next(param for param in cli_command.params if param.name == "formats")

    def asked(*args: str) -> tuple[str, ...]:
        return cli_command.make_context(command, [*args, __file__]).params["formats"]

    assert list(option.type.choices) == [*CHOICES, EVERY_FORMAT]
    assert all(asked("--format", choice) == (output_format,) for choice, output_format in CHOICES.items())
    assert asked() == asked("--format", EVERY_FORMAT) == FORMATS


def test_checking_a_knowledge_base_loads_no_renderer_nor_reader(minimal_kb):
    """The registry names its modules; only rendering or reading a file back imports them."""
    script = (
        "import sys\n"
        "from generator.cli import main\n"
        "from generator.render import REGISTRY\n"
        f"main(['check', '--briefs', {str(minimal_kb)!r}], standalone_mode=False)\n"
        "heavy = ('weasyprint', 'docx', 'pypdf', 'generator.render.')\n"
        "print(sorted(name for name in sys.modules if name.startswith(heavy)))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)

    assert result.stdout.splitlines()[-1] == "[]"
