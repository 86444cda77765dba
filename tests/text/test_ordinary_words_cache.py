"""The name guard's word lists are remembered across runs, and a damaged entry is rebuilt, never used."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.core import run_cache, store
from generator.text import name_matching


@pytest.fixture
def fresh_lists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    name_matching._word_lists.cache_clear()
    yield tmp_path / "briefing" / "runs"
    name_matching._word_lists.cache_clear()


def test_a_later_process_reads_the_lists_it_would_build(fresh_lists: Path):
    built = name_matching._word_lists()
    assert {"may", "page", "crowd", "roman"} <= built[0] | built[1]
    assert len(list(fresh_lists.glob("*.entry"))) == 1

    name_matching._word_lists.cache_clear()

    assert name_matching._word_lists() == built


def test_a_damaged_entry_is_rebuilt(fresh_lists: Path):
    built = name_matching._word_lists()
    (entry,) = fresh_lists.glob("*.entry")
    # Every word of the entry dropped, its checksum kept: the entry no longer matches its checksum.
    damaged = entry.read_bytes().replace(b'"may"', b'"xyz"')
    entry.write_bytes(damaged)
    name_matching._word_lists.cache_clear()

    assert name_matching._word_lists() == built


def test_an_entry_of_the_wrong_shape_is_not_used(fresh_lists: Path):
    key = store.inputs_key(store.templates_digest())
    run_cache.remember(name_matching.ORDINARY_WORDS, key, {"common": ["may"], "own": "page"})
    built_now = {"common": ["x"], "own": ["y"]}
    assert not name_matching._are_word_lists({"common": ["may"], "own": "page"})
    assert name_matching._are_word_lists(built_now)

    lists = name_matching._word_lists()

    assert "crowd" in lists[0]
