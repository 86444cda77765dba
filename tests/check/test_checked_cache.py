"""A load is answered from what it found last time only while nothing it read has changed."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import pickle
import random
import shutil
from pathlib import Path

import pytest

import generator.check.validate as validate_module
import generator.kb.load as load_module
from generator import api
from generator.core.errors import InputError
from generator.core.store import MAGIC, cache_dir
from tests.conftest import build_knowledge_base, replace_in

DAY = datetime.date(2026, 12, 6)


def entries() -> list[Path]:
    return sorted((cache_dir() / "checked").glob("*.entry"))


def cache_bytes() -> bytes:
    return b"".join(path.read_bytes() for path in sorted(cache_dir().rglob("*")) if path.is_file())


@pytest.fixture
def validations(monkeypatch) -> list[int]:
    """One element per knowledge base validated, rather than read back."""
    calls: list[int] = []
    real = validate_module.validate

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(validate_module, "validate", counted)
    return calls


def loaded(briefs: Path, country: str | None = None, today: datetime.date = DAY) -> tuple[str, list[object]]:
    checked = api.load_knowledge_base(briefs, country, today)
    return repr(checked.kb), list(checked.warnings)


def test_a_second_load_reads_back_what_the_first_found(minimal_kb: Path, validations: list[int]):
    first = loaded(minimal_kb)
    second = loaded(minimal_kb)

    assert second == first
    assert len(validations) == 1
    assert len(entries()) == 1


EDITS = {
    "a fact edited": lambda briefs: replace_in(briefs / "testland" / "facts.yaml", "40 protesters", "41 protesters"),
    "an archive edited": lambda briefs: replace_in(
        briefs / "testland" / "sources" / "report-2021.txt", "detained 40", "detained 4"
    ),
    "a meeting added": lambda briefs: shutil.copy(
        briefs / "testland" / "meetings" / "uk-visit.yaml", briefs / "testland" / "meetings" / "uk-visit-2.yaml"
    ),
    "a meeting removed": lambda briefs: (briefs / "testland" / "meetings" / "uk-visit.yaml").unlink(),
    "the settings edited": lambda briefs: (briefs / "briefing.toml").write_text("[pages]\nfull = 3\n"),
}


@pytest.mark.parametrize("edit", EDITS)
def test_whatever_the_load_read_changing_loads_again(minimal_kb: Path, validations: list[int], edit: str):
    loaded(minimal_kb)
    EDITS[edit](minimal_kb)
    shutil.rmtree(cache_dir() / "runs", ignore_errors=True)

    try:
        after = loaded(minimal_kb)
    except InputError:
        after = None
    validations_after_edit = len(validations)
    validations.clear()
    # Whatever the edit made of it, a load from nothing finds the same.
    shutil.rmtree(cache_dir())
    try:
        fresh = loaded(minimal_kb)
    except InputError:
        fresh = None

    assert validations_after_edit == 2
    assert after == fresh


def test_another_day_loads_again(minimal_kb: Path, validations: list[int]):
    loaded(minimal_kb, today=DAY)
    later = loaded(minimal_kb, today=DAY + datetime.timedelta(days=3650))

    assert len(validations) == 2
    assert later[1] != loaded(minimal_kb, today=DAY)[1], "ten years on, more facts are out of date"


def test_a_setting_given_in_the_environment_loads_again(minimal_kb: Path, validations: list[int], monkeypatch):
    loaded(minimal_kb)
    monkeypatch.setenv("BRIEFING_TIMEOUT", "99")
    loaded(minimal_kb)

    assert len(validations) == 2


def test_a_load_that_fails_is_not_kept(minimal_kb: Path, validations: list[int]):
    replace_in(minimal_kb / "testland" / "facts.yaml", "themes: [assembly]", "themes: [no-such-theme]")

    for _ in range(2):
        with pytest.raises(InputError, match="no-such-theme"):
            loaded(minimal_kb)

    assert len(validations) == 2
    assert entries() == []


def test_a_check_after_a_load_read_back_still_sees_an_edit(minimal_kb: Path, cli):
    """`check` remembers its answer by the files its load read, the load read back from its entry included."""
    loaded(minimal_kb, "testland")
    assert cli("check", "--briefs", minimal_kb).exit_code == 0

    replace_in(minimal_kb / "testland" / "facts.yaml", "themes: [assembly]", "themes: [no-such-theme]")

    result = cli("check", "--briefs", minimal_kb)
    assert result.exit_code == 2 and "no-such-theme" in result.output


def test_a_person_removed_from_the_files_is_gone_from_every_entry_after_the_next_load(minimal_kb: Path, cli):
    cases = minimal_kb / "testland" / "cases.yaml"
    replace_in(cases, "peaceful protest.", "peaceful protest in Zhanaozen.")
    loaded(minimal_kb)
    loaded(minimal_kb, "testland")
    assert len(entries()) == 2 and b"Zhanaozen" in cache_bytes()

    replace_in(cases, " in Zhanaozen.", ".")
    # A new mistake elsewhere: the load fails, and still leaves nothing of the old files behind.
    replace_in(minimal_kb / "testland" / "facts.yaml", "themes: [assembly]", "themes: [no-such-theme]")
    with pytest.raises(InputError):
        loaded(minimal_kb, "testland")

    assert b"Zhanaozen" not in b"".join(path.read_bytes() for path in entries())


def test_the_entry_of_a_folder_that_is_gone_is_deleted(minimal_kb: Path, tmp_path: Path):
    other = tmp_path / "other"
    shutil.copytree(minimal_kb, other)
    loaded(other)
    shutil.rmtree(other)
    replace_in(minimal_kb / "testland" / "facts.yaml", "40 protesters", "41 protesters")

    loaded(minimal_kb)

    assert [json.loads(json.loads(path.read_bytes().split(b"\n")[2]))[1] for path in entries()] == [
        str(minimal_kb.resolve())
    ]


def forge(entry: Path, pickled: bytes) -> None:
    """Replace an entry's pickle, keeping its record of reads and a correct checksum."""
    _, _, label, header, _ = entry.read_bytes().split(b"\n", 4)
    body = label + b"\n" + header + b"\n" + pickled
    entry.write_bytes(MAGIC + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


class _RunsCode:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (str(self.marker),)


class _CallsPlanted(_RunsCode):
    """Calls a function that lives in a module whose classes an entry may build."""

    def __reduce__(self):
        return load_module.planted, (str(self.marker),)


@pytest.fixture(autouse=True)
def planted(monkeypatch):
    def planted(marker: str) -> None:
        os.mkdir(marker)

    planted.__module__, planted.__qualname__ = load_module.__name__, "planted"
    monkeypatch.setattr(load_module, "planted", planted, raising=False)


FORGERIES = {
    "code": lambda marker: pickle.dumps(_RunsCode(marker)),
    "a function of an allowed module": lambda marker: pickle.dumps(_CallsPlanted(marker)),
    "a knowledge base alone": lambda marker: pickle.dumps(api.load_knowledge_base(marker.parent / "briefs").kb),
    "warnings that are text": lambda marker: pickle.dumps(
        (api.load_knowledge_base(marker.parent / "briefs").kb, ["x"])
    ),
    "cut short": lambda marker: pickle.dumps(api.load_knowledge_base(marker.parent / "briefs").kb)[:-10],
}


@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_forged_entry_runs_nothing_and_is_read_again(minimal_kb: Path, tmp_path: Path, forgery: str):
    first = loaded(minimal_kb)
    marker = tmp_path / "code-ran"
    (entry,) = entries()
    forge(entry, FORGERIES[forgery](marker))

    assert loaded(minimal_kb) == first
    assert not marker.exists()
    assert loaded(minimal_kb) == first


def test_a_damaged_entry_is_read_again(minimal_kb: Path, validations: list[int]):
    first = loaded(minimal_kb)
    (entry,) = entries()
    raw = entry.read_bytes()
    entry.write_bytes(raw[:-20] + bytes(byte ^ 1 for byte in raw[-20:]))

    assert loaded(minimal_kb) == first
    assert len(validations) == 2


def cold(briefs: Path, cache: Path, monkeypatch) -> object:
    """What a load finds with nothing cached, kept apart from the cache under test."""
    with monkeypatch.context() as patched:
        patched.setenv("XDG_CACHE_HOME", str(cache))
        shutil.rmtree(cache, ignore_errors=True)
        try:
            return loaded(briefs)
        except InputError as error:
            return [str(diagnostic) for diagnostic in error.diagnostics]


def warm(briefs: Path) -> object:
    try:
        return loaded(briefs)
    except InputError as error:
        return [str(diagnostic) for diagnostic in error.diagnostics]


@pytest.mark.slow
def test_after_any_of_40_random_edits_a_load_finds_what_a_load_from_nothing_finds(
    minimal_kb: Path, tmp_path: Path, monkeypatch
):
    rng = random.Random(20261206)
    files = sorted(path for path in minimal_kb.rglob("*") if path.is_file())
    words = ["detained 40 protesters", "held property abroad", "assembly", "uk", "high", "2021", "Jan Doe"]
    for _ in range(40):
        assert warm(minimal_kb) == cold(minimal_kb, tmp_path / "cold", monkeypatch)
        target = rng.choice(files)
        text = target.read_text(encoding="utf-8")
        edit = rng.choice(["swap a word", "drop a line", "add a file", "restore"])
        if edit == "swap a word" and (present := [word for word in words if word in text]):
            word = rng.choice(present)
            target.write_text(text.replace(word, rng.choice(words), 1), encoding="utf-8")
        elif edit == "drop a line" and text.count("\n") > 2:
            lines = text.splitlines(keepends=True)
            del lines[rng.randrange(len(lines))]
            target.write_text("".join(lines), encoding="utf-8")
        elif edit == "add a file" and target.suffix == ".yaml" and target.parent.name in ("meetings", "levers"):
            shutil.copy(target, target.with_name(f"copy-{rng.randrange(1000)}.yaml"))
        else:
            shutil.rmtree(minimal_kb)
            build_knowledge_base(minimal_kb)
        files = sorted(path for path in minimal_kb.rglob("*") if path.is_file())
    assert warm(minimal_kb) == cold(minimal_kb, tmp_path / "cold", monkeypatch)
