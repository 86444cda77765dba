"""The caches can be wrong only by being absent: stale, damaged or forged entries are rebuilt, never used."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import generator.build.incremental as build_module
import generator.check.validate as validate_module
from generator.core import run_cache, store
from tests.conftest import PROJECT, build_knowledge_base

EPOCH = "1800000000"


def cache_root() -> Path:
    return Path(os.environ["XDG_CACHE_HOME"]) / "briefing"


def cache_bytes() -> bytes:
    return b"".join(path.read_bytes() for path in sorted(cache_root().rglob("*")) if path.is_file())


def parse_entry(name: str) -> Path:
    """The parse-cache entry of the YAML file called `name`."""
    (path,) = [
        path
        for path in cache_root().glob("parsed/*.entry")
        if json.loads(path.read_bytes().split(b"\n")[2]).endswith(f"/{name}")
    ]
    return path


def forget_checked() -> None:
    """Delete the checked knowledge bases, which would answer a load without reading any parsed file."""
    shutil.rmtree(cache_root() / "checked", ignore_errors=True)


def checked_entry() -> Path:
    (path,) = cache_root().glob("checked/*.entry")
    return path


def run_entry() -> Path:
    (path,) = cache_root().glob("runs/*.entry")
    return path


def parts(entry: Path) -> list[bytes]:
    """Magic, checksum, label and payload."""
    return entry.read_bytes().split(b"\n", 3)


def intact(entry: Path) -> bool:
    _, checksum, label, payload = parts(entry)
    return hashlib.sha256(label + b"\n" + payload).hexdigest().encode() == checksum


def forge(path: Path, payload: bytes) -> None:
    """Replace an entry's payload, with a correct checksum: only its shape can give it away."""
    label = path.read_bytes().split(b"\n")[2]
    body = label + b"\n" + payload
    path.write_bytes(store.MAGIC + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


def protect(cases: Path) -> None:
    """Make the fixture's case one that may not be named (its alias 'Jan Do' would make 'Do' a name)."""
    cases.write_text(cases.read_text().replace("may_name: true", "may_name: false").replace("[Jan Do]", "[]"))


@pytest.fixture
def fixed_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def test_cache_folders_are_created_0700_and_files_0600_whatever_the_umask(minimal_kb, cli, fixed_date):
    previous = os.umask(0)
    try:
        assert cli("check", "--briefs", minimal_kb).exit_code == 0
    finally:
        os.umask(previous)

    folders = [cache_root(), *(path for path in cache_root().rglob("*") if path.is_dir())]
    files = [path for path in cache_root().rglob("*") if path.is_file()]
    assert {path.name for path in folders} >= {"briefing", "runs", "parsed"}
    assert {oct(path.stat().st_mode & 0o777) for path in folders} == {"0o700"}
    assert files and {oct(path.stat().st_mode & 0o777) for path in files} == {"0o600"}


def test_an_older_cache_folder_open_to_others_is_closed(minimal_kb, cli, fixed_date):
    cache_root().mkdir(parents=True, mode=0o755)
    (cache_root() / ("0" * 64 + ".json")).write_text("{}")

    assert cli("check", "--briefs", minimal_kb).exit_code == 0

    assert cache_root().stat().st_mode & 0o777 == 0o700
    assert not list(cache_root().glob("*.json")), "files of the old layout are removed"


def run_python(code: str, *args: object, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})},
    )
    return result.stdout


CHECK_AND_SAY_WHETHER_IT_LOADED = """
import sys
from generator.cli import main
try:
    main(["-q", "check", "--briefs", sys.argv[1]])
except SystemExit:
    pass
print("loaded" if "generator.kb.load" in sys.modules else "answered from the cache")
"""


def test_an_edit_of_the_generator_code_is_not_answered_from_the_cache(tmp_path, minimal_kb):
    project = tmp_path / "project"
    shutil.copytree(PROJECT / "generator", project / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(PROJECT / "templates", project / "templates")
    # The editable install's finder would import the project's own copy; set it aside.
    check = (
        "import sys; sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f)]; "
        "sys.path.insert(0, sys.argv[1]); from generator.cli import main; "
        "main(['check', '--briefs', sys.argv[2]], prog_name='briefing')"
    )
    assert "is valid" in run_python(check, project, minimal_kb)
    assert "is valid" in run_python(check, project, minimal_kb)

    edit = project / "generator" / "build" / "checking.py"
    edit.write_text(edit.read_text().replace("Counted(checked.kb.country.name,", "Counted(checked.kb.country.id,"))

    assert "testland is valid" in run_python(check, project, minimal_kb)


def test_an_upgraded_library_is_not_answered_from_the_cache(tmp_path, minimal_kb):
    assert run_python(CHECK_AND_SAY_WHETHER_IT_LOADED, minimal_kb) == "loaded\n"
    assert run_python(CHECK_AND_SAY_WHETHER_IT_LOADED, minimal_kb) == "answered from the cache\n"

    # Metadata of a newer pydantic ahead of the installed one on the path, as after an upgrade.
    upgraded = tmp_path / "upgraded"
    (upgraded / "pydantic-99.0.dist-info").mkdir(parents=True)
    env = {"PYTHONPATH": str(upgraded)}

    assert run_python(CHECK_AND_SAY_WHETHER_IT_LOADED, minimal_kb, env=env) == "loaded\n"
    assert run_python(CHECK_AND_SAY_WHETHER_IT_LOADED, minimal_kb, env=env) == "answered from the cache\n"


def test_installed_versions_are_those_importlib_metadata_reports():
    import importlib.metadata

    names = store.OUTPUT_DISTRIBUTIONS
    assert store.installed_versions(names) == {
        store._normalised(name): importlib.metadata.version(name) for name in names
    }


def test_an_edit_inside_a_symlinked_country_folder_is_seen(tmp_path, cli, fixed_date):
    from pypdf import PdfReader

    briefs = build_knowledge_base(tmp_path / "briefs")
    (briefs / "editions").mkdir()
    (briefs / "testland").rename(briefs / "editions" / "testland-2027")
    (briefs / "testland").symlink_to(Path("editions") / "testland-2027", target_is_directory=True)
    out = tmp_path / "out"
    generate = ("generate", "--audience", "uk", "--format", "pdf", "--jobs", "1", "--briefs", briefs, "--out", out)
    assert cli(*generate).stdout.startswith("wrote")
    protect(briefs / "testland" / "cases.yaml")

    result = cli(*generate)

    assert result.stdout.startswith("wrote"), result.output
    (pdf,) = out.glob("*.pdf")
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "a protest organiser" in text.lower() and "Jan Doe" not in text


def pdf_text(out: Path) -> str:
    from pypdf import PdfReader

    (pdf,) = out.glob("*.pdf")
    return "".join(page.extract_text() for page in PdfReader(pdf).pages)


def generate_uk_pdf(cli, briefs: Path, out: Path):
    return cli("generate", "--audience", "uk", "--format", "pdf", "--jobs", "1", "--briefs", briefs, "--out", out)


def test_an_edit_behind_a_link_leading_out_of_the_country_folder_is_seen(minimal_kb, cli, fixed_date, tmp_path):
    shared = minimal_kb / "shared"
    shared.mkdir()
    (minimal_kb / "testland" / "cases.yaml").rename(shared / "cases.yaml")
    (minimal_kb / "testland" / "cases.yaml").symlink_to(Path("..") / "shared" / "cases.yaml")
    out = tmp_path / "out"
    assert generate_uk_pdf(cli, minimal_kb, out).stdout.startswith("wrote")
    assert "Jan Doe" in pdf_text(out)
    assert generate_uk_pdf(cli, minimal_kb, out).stdout.startswith("unchanged")

    protect(shared / "cases.yaml")
    result = generate_uk_pdf(cli, minimal_kb, out)

    assert result.stdout.startswith("wrote"), result.output
    assert "Jan Doe" not in pdf_text(out) and "a protest organiser" in pdf_text(out).lower()


def test_an_edit_inside_a_linked_levers_folder_is_seen(minimal_kb, cli, fixed_date, tmp_path):
    shared = minimal_kb / "shared"
    shared.mkdir()
    (minimal_kb / "testland" / "levers").rename(shared / "levers")
    (minimal_kb / "testland" / "levers").symlink_to(Path("..") / "shared" / "levers", target_is_directory=True)
    out = tmp_path / "out"
    assert generate_uk_pdf(cli, minimal_kb, out).stdout.startswith("wrote")
    assert "targeted sanctions" in pdf_text(out)

    levers = shared / "levers" / "uk.yaml"
    levers.write_text(levers.read_text().replace("impose targeted sanctions", "freeze the officials' assets"))
    result = generate_uk_pdf(cli, minimal_kb, out)

    assert result.stdout.startswith("wrote"), result.output
    assert "freeze the officials" in pdf_text(out) and "targeted sanctions" not in pdf_text(out)


def test_a_file_added_behind_a_linked_folder_is_seen(minimal_kb, cli, fixed_date):
    shared = minimal_kb / "shared"
    shared.mkdir()
    (minimal_kb / "testland" / "meetings").rename(shared / "meetings")
    (minimal_kb / "testland" / "meetings").symlink_to(Path("..") / "shared" / "meetings", target_is_directory=True)
    assert "1 meeting;" in cli("check", "--briefs", minimal_kb).stdout

    meeting = shared / "meetings" / "uk-visit.yaml"
    (shared / "meetings" / "uk-return.yaml").write_text(meeting.read_text().replace("uk-visit", "uk-return"))

    assert "2 meetings" in cli("check", "--briefs", minimal_kb).stdout


def test_a_link_retargeted_to_another_file_is_seen(minimal_kb, cli, fixed_date):
    facts = minimal_kb / "testland" / "facts.yaml"
    shared = minimal_kb / "shared"
    shared.mkdir()
    facts.rename(shared / "facts.yaml")
    original = (shared / "facts.yaml").read_text()
    (shared / "more-facts.yaml").write_text(original + original.replace("id: ", "id: more-"))
    facts.symlink_to(Path("..") / "shared" / "facts.yaml")
    assert "2 facts" in cli("check", "--briefs", minimal_kb).stdout

    facts.unlink()
    facts.symlink_to(Path("..") / "shared" / "more-facts.yaml")

    assert "4 facts" in cli("check", "--briefs", minimal_kb).stdout


def test_a_file_edited_after_it_was_read_leaves_no_answer_for_its_new_bytes(minimal_kb, cli, fixed_date, monkeypatch):
    facts = minimal_kb / "testland" / "facts.yaml"
    original = facts.read_text()
    load = validate_module.load_knowledge_base

    def load_then_edit(*args, **kwargs):
        # The edit lands after the file was read and before the run is remembered.
        checked = load(*args, **kwargs)
        facts.write_text(original + original.replace("id: ", "id: more-"))
        return checked

    monkeypatch.setattr(validate_module, "load_knowledge_base", load_then_edit)
    during = cli("check", "--briefs", minimal_kb)
    monkeypatch.setattr(validate_module, "load_knowledge_base", load)

    after = cli("check", "--briefs", minimal_kb)

    assert "2 facts" in during.stdout
    assert "note: an input changed during the run" in during.stderr
    assert "4 facts" in after.stdout and "note" not in after.stderr
    facts.write_text(original)
    assert "2 facts" in cli("check", "--briefs", minimal_kb).stdout


def test_a_file_edited_while_generate_renders_is_read_again_next_time(
    minimal_kb, cli, fixed_date, monkeypatch, tmp_path
):
    cases = minimal_kb / "testland" / "cases.yaml"
    remember = build_module.IncrementalRun.remember

    def edit_then_remember(run, *args, **kwargs):
        protect(cases)
        return remember(run, *args, **kwargs)

    monkeypatch.setattr(build_module.IncrementalRun, "remember", edit_then_remember)
    out = tmp_path / "out"
    during = generate_uk_pdf(cli, minimal_kb, out)
    monkeypatch.setattr(build_module.IncrementalRun, "remember", remember)
    assert "Jan Doe" in pdf_text(out)
    assert "note: an input changed during the run" in during.stderr

    after = generate_uk_pdf(cli, minimal_kb, out)

    assert after.stdout.startswith("wrote"), after.output
    assert "Jan Doe" not in pdf_text(out)


def test_a_file_read_twice_with_different_bytes_in_one_run_leaves_no_answer(minimal_kb, cli, fixed_date, monkeypatch):
    second = minimal_kb / "second"
    shutil.copytree(minimal_kb / "testland", second)
    for path in (second / "country.yaml", second / "meetings" / "uk-visit.yaml"):
        path.write_text(path.read_text().replace("testland", "second"))
    audience = minimal_kb / "audiences" / "uk.yaml"
    original = audience.read_text()
    cold = cli("check", "--briefs", minimal_kb)
    assert "old layout" not in cold.output
    load = validate_module.load_knowledge_base

    def load_while_the_shared_audience_changes(briefs, country, *args):
        # Each country reads the shared files: the second country reads an old-layout audience, which
        # is back as it was when the run ends.
        audience.write_text(original + ("salutation: Dear colleagues\n" if country == "testland" else ""))
        try:
            return load(briefs, country, *args)
        finally:
            audience.write_text(original)

    run_entry().unlink()
    monkeypatch.setattr(validate_module, "load_knowledge_base", load_while_the_shared_audience_changes)
    during = cli("check", "--briefs", minimal_kb)
    monkeypatch.setattr(validate_module, "load_knowledge_base", load)

    assert "old layout" in during.output
    assert "note: an input changed during the run" in during.stderr
    assert cli("check", "--briefs", minimal_kb).output == cold.output


def test_deleted_items_leave_nothing_in_the_cache(minimal_kb, cli, fixed_date, tmp_path):
    meeting = minimal_kb / "testland" / "meetings" / "uk-visit.yaml"
    meeting.write_text(meeting.read_text().replace("[Desk officer]", "[Aigerim Zhaksylykovna]"))
    cases = minimal_kb / "testland" / "cases.yaml"
    cases.write_text(cases.read_text().replace("peaceful protest.", "peaceful protest in Zhanaozen."))
    assert cli("check", "--briefs", minimal_kb).exit_code == 0
    assert (
        cli(
            "generate", meeting, "--briefs", minimal_kb, "--out", tmp_path / "out", "--format", "docx", "--jobs", "1"
        ).exit_code
        == 0
    )
    assert b"Zhaksylykovna" in cache_bytes() and b"Zhanaozen" in cache_bytes()

    meeting.unlink()
    cases.write_text(cases.read_text().replace(" in Zhanaozen.", "."))
    assert cli("check", "--briefs", minimal_kb).exit_code == 0

    assert b"Zhaksylykovna" not in cache_bytes()
    assert b"Zhanaozen" not in cache_bytes()


def test_a_stale_parse_entry_goes_even_when_the_new_content_fails(minimal_kb, cli, fixed_date):
    cases = minimal_kb / "testland" / "cases.yaml"
    cases.write_text(cases.read_text().replace("peaceful protest.", "peaceful protest in Zhanaozen."))
    assert cli("check", "--briefs", minimal_kb).exit_code == 0

    cases.write_text(cases.read_text().replace("  status:", "\tstatus:"))

    assert cli("check", "--briefs", minimal_kb).exit_code == 2
    assert b"Zhanaozen" not in cache_bytes()


@pytest.mark.parametrize("damaged", ["parsed cases.yaml", "checked knowledge base"])
def test_one_flipped_bit_cannot_name_a_protected_person(minimal_kb, cli, fixed_date, tmp_path, damaged):
    cases = minimal_kb / "testland" / "cases.yaml"
    protect(cases)
    out = tmp_path / "out"
    generate = (
        "generate",
        "--audience",
        "uk",
        "--format",
        "docx",
        "--jobs",
        "1",
        "--force",
        "--briefs",
        minimal_kb,
        "--out",
        out,
    )
    assert cli(*generate).exit_code == 0
    if damaged == "parsed cases.yaml":
        forget_checked()
    entry = parse_entry("cases.yaml") if damaged == "parsed cases.yaml" else checked_entry()
    magic, checksum, label, payload = parts(entry)
    # In a pickle, False and True differ by one bit: 0x89 and 0x88.
    entry.write_bytes(b"\n".join([magic, checksum, label, payload.replace(b"\x89", b"\x88")]))
    assert not intact(entry)

    result = cli(*generate)

    assert result.exit_code == 0, result.output
    (docx_file,) = out.glob("*.docx")
    assert b"Jan Doe" not in _docx_text(docx_file)
    assert intact(entry), "the damaged entry was rebuilt"


def _docx_text(path: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


class _RunsCode:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (str(self.marker),)


def test_a_forged_pickle_cannot_run_code(minimal_kb, cli, fixed_date, tmp_path):
    assert cli("check", "--briefs", minimal_kb).exit_code == 0
    marker = tmp_path / "code-ran"
    forge(parse_entry("facts.yaml"), pickle.dumps(_RunsCode(marker)))
    run_entry().unlink()
    forget_checked()

    result = cli("check", "--briefs", minimal_kb)

    assert result.exit_code == 0 and "2 facts" in result.stdout
    assert not marker.exists()


WRONG_SHAPES = {
    "empty mapping": lambda key, data, lines: {},
    "nothing": lambda key, data, lines: None,
    "key only": lambda key, data, lines: (key,),
    "a list": lambda key, data, lines: [key, data, lines],
    "a set in the data": lambda key, data, lines: (key, {"id": {1, 2}}, lines),
    "a number as a key": lambda key, data, lines: (key, {1: "x"}, lines),
    "text as a line": lambda key, data, lines: (key, data, {("id",): "1"}),
    "lines as a list": lambda key, data, lines: (key, data, []),
    "bytes in the data": lambda key, data, lines: (key, [b"x"], lines),
}


@pytest.mark.parametrize("shape", WRONG_SHAPES)
def test_a_wrong_shaped_parse_entry_is_rebuilt(minimal_kb, fixed_date, shape):
    from generator import api

    cold = repr(api.load_knowledge_base(minimal_kb).kb)
    entry = parse_entry("facts.yaml")
    forge(entry, pickle.dumps(WRONG_SHAPES[shape](*pickle.loads(parts(entry)[3]))))
    forget_checked()

    assert repr(api.load_knowledge_base(minimal_kb).kb) == cold
    forget_checked()
    assert intact(entry) and repr(api.load_knowledge_base(minimal_kb).kb) == cold


@pytest.mark.parametrize("payload", [b"", b"not a pickle", pickle.dumps(("key",))[:-3]])
def test_an_unreadable_parse_entry_is_rebuilt(minimal_kb, fixed_date, payload):
    from generator import api

    cold = repr(api.load_knowledge_base(minimal_kb).kb)
    forge(parse_entry("facts.yaml"), payload)
    forget_checked()

    assert repr(api.load_knowledge_base(minimal_kb).kb) == cold


def forged(entry: dict) -> dict:
    """A check result of the right shape that no run printed."""
    return {"warnings": [], "valid": [["forged", entry["result"]["valid"][0][1]]]}


RUN_SHAPES = [
    b"{}",
    b"[]",
    b"null",
    b'{"inputs": 1, "result": {}}',
    b'{"result": {}}',
    b"{",
    b'{"inputs": "x", "result": {"warnings": "none", "valid": 1}}',
    b'{"inputs": "x", "result": {"warnings": [], "valid": [["Testland", {"facts": "2"}]]}}',
]


@pytest.mark.parametrize("payload", RUN_SHAPES, ids=range(len(RUN_SHAPES)))
def test_a_wrong_shaped_run_entry_is_rebuilt(minimal_kb, cli, fixed_date, payload, tmp_path):
    cold = cli("check", "--briefs", minimal_kb)
    entry = run_entry()
    forge(entry, payload)

    assert cli("check", "--briefs", minimal_kb).output == cold.output
    assert intact(entry) and json.loads(parts(entry)[3])["result"]["valid"]


WRONG_READS = {
    "a file row cut short": lambda entry: entry["files"][0].pop(),
    "a size limit in words": lambda entry: entry["files"][0].__setitem__(2, "16 MB"),
    "a size limit of true": lambda entry: entry["files"][0].__setitem__(2, True),
    "a listing row of numbers": lambda entry: entry["listings"].append([1, 2, 3]),
    "files as a mapping": lambda entry: entry.__setitem__("files", {}),
    "no listings": lambda entry: entry.pop("listings"),
}


@pytest.mark.parametrize("damage", WRONG_READS)
def test_a_run_entry_whose_record_of_reads_is_malformed_is_rebuilt(minimal_kb, cli, fixed_date, damage):
    cold = cli("check", "--briefs", minimal_kb)
    entry = json.loads(parts(run_entry())[3])
    WRONG_READS[damage](entry)
    forge(run_entry(), json.dumps({**entry, "result": forged(entry)}).encode())

    assert cli("check", "--briefs", minimal_kb).output == cold.output
    assert run_cache.RunInputs.from_rows(json.loads(parts(run_entry())[3])) is not None


def test_a_run_entry_of_the_right_shape_for_other_inputs_is_not_used(minimal_kb, cli, fixed_date):
    cli("check", "--briefs", minimal_kb)
    entry = json.loads(parts(run_entry())[3])
    forge(run_entry(), json.dumps({**entry, "inputs": "0" * 64, "result": forged(entry)}).encode())

    assert "forged" not in cli("check", "--briefs", minimal_kb).stdout


def test_a_run_entry_for_other_bytes_of_a_file_is_not_used(minimal_kb, cli, fixed_date):
    cli("check", "--briefs", minimal_kb)
    entry = json.loads(parts(run_entry())[3])
    (row,) = [row for row in entry["files"] if row[0].endswith("facts.yaml")]
    row[4] = hashlib.sha256(b"other bytes").hexdigest()
    forge(run_entry(), json.dumps({**entry, "result": forged(entry)}).encode())

    assert "forged" not in cli("check", "--briefs", minimal_kb).stdout


@pytest.mark.parametrize("damage", ["empty", "plain json", "folder", "named pipe"])
def test_any_file_in_place_of_an_entry_is_replaced(minimal_kb, cli, fixed_date, damage):
    cold = cli("check", "--briefs", minimal_kb)
    for entry in list(cache_root().rglob("*.entry")):
        entry.unlink()
        if damage == "empty":
            entry.write_bytes(b"")
        elif damage == "plain json":
            entry.write_text("{}")
        elif damage == "folder":
            entry.mkdir()
        else:
            os.mkfifo(entry)

    assert cli("check", "--briefs", minimal_kb).output == cold.output
    if damage != "folder":  # a folder is left alone; its entry cannot be written
        assert cli("check", "--briefs", minimal_kb).output == cold.output
        assert all(entry.is_file() for entry in cache_root().rglob("*.entry"))
