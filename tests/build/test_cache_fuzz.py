"""Random damage to cache entries never changes an answer and never ends in a traceback."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import random
import shutil
from pathlib import Path

import pytest

from generator import api
from generator.core import store

EPOCH = "1800000000"


def cache_entries() -> list[Path]:
    return sorted((Path(os.environ["XDG_CACHE_HOME"]) / "briefing").rglob("*.entry"))


def forged(entry: bytes, payload: bytes) -> bytes:
    """The entry with another payload under a correct checksum: only its shape can give it away."""
    label = entry.split(b"\n", 3)[2]
    body = label + b"\n" + payload
    return store.MAGIC + hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def damage(path: Path, rng: random.Random) -> None:
    content = bytearray(path.read_bytes())
    kind = rng.choices(["flip", "truncate", "wrong shape", "empty object"], weights=[14, 2, 2, 2])[0]
    if kind == "flip":
        position = rng.randrange(len(content))
        content[position] ^= 1 << rng.randrange(8)
    elif kind == "truncate":
        del content[rng.randrange(len(content)) :]
    elif kind == "wrong shape":
        shape = rng.choice([{}, [], None, ("x",), {"inputs": "x", "result": {}}, ("x", {1: 2}, {})])
        payload = json.dumps(shape).encode() if "runs" in path.parts else pickle.dumps(shape)
        content = bytearray(forged(bytes(content), payload))
    else:
        content = bytearray(b"{}")
    path.write_bytes(bytes(content))


def snapshot(briefs: Path) -> str:
    checked = api.load_knowledge_base(briefs)
    return repr((checked.kb, checked.warnings))


@pytest.mark.slow
def test_200_random_damages_to_cache_entries_give_the_cold_answer(minimal_kb, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    rng = random.Random(20270215)
    cold_kb = snapshot(minimal_kb)
    cold_check = cli("check", "--briefs", minimal_kb)
    assert cold_check.exit_code == 0

    for _ in range(200):
        target = rng.choice(cache_entries())
        damage(target, rng)
        if "runs" in target.parts:
            result = cli("check", "--briefs", minimal_kb)
            assert (result.exit_code, result.output) == (0, cold_check.output), result.exception
        else:
            if "checked" not in target.parts:
                # The checked knowledge base would answer without reading the damaged entry.
                shutil.rmtree(target.parent.parent / "checked", ignore_errors=True)
            assert snapshot(minimal_kb) == cold_kb

    # One run, one checked knowledge base, one parsed entry per YAML file and one for what was found
    # in each archived source text.
    assert len(cache_entries()) == 2 + len(list(minimal_kb.rglob("*.yaml"))) + len(
        list(minimal_kb.rglob("sources/*.txt"))
    )


@pytest.mark.slow
def test_generate_after_random_damage_writes_the_cold_run_bytes(minimal_kb, cli, monkeypatch, tmp_path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    rng = random.Random(1800000000)
    generate = (
        "generate",
        "--audience",
        "uk",
        "--format",
        "docx",
        "--jobs",
        "1",
        "--briefs",
        minimal_kb,
        "--out",
        tmp_path / "out",
    )
    assert cli(*generate).exit_code == 0
    (document,) = (tmp_path / "out").glob("*.docx")
    cold = document.read_bytes()

    for _ in range(12):
        for target in rng.sample(cache_entries(), 3):
            damage(target, rng)
        document.unlink()
        result = cli(*generate, "--force")
        assert result.exit_code == 0, result.output
        assert document.read_bytes() == cold
