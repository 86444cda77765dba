"""YAML built to exhaust memory or the stack is refused with bounded memory, as one clear message.

How fast is for the benchmark, not for unit tests; memory is what a bomb attacks.
"""

import tracemalloc
from pathlib import Path

import pytest

from generator.kb.yamlfile import YamlFileError, read_yaml


def billion_laughs(levels: int = 9) -> str:
    """Each level holds nine aliases of the one before: 9**9 strings once expanded."""
    lines = ["- id: lol", "  label: Lol", '  l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"  l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def read_measured(path: Path) -> tuple[YamlFileError, int]:
    tracemalloc.start()
    try:
        with pytest.raises(YamlFileError) as raised:
            read_yaml(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return raised.value, peak


def test_alias_bomb_is_rejected_fast_and_small(tmp_path: Path):
    path = tmp_path / "themes.yaml"
    path.write_text(billion_laughs())

    error, peak = read_measured(path)

    assert peak < 20_000_000
    assert error.diagnostic.line == 4
    assert "aliases" in error.diagnostic.message


def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path: Path):
    path = tmp_path / "facts.yaml"
    path.write_text("- id: deep\n  themes: " + "[" * 10_000 + "]" * 10_000 + "\n")

    error, peak = read_measured(path)

    assert peak < 20_000_000
    assert error.diagnostic.line == 2
    assert "nested more than" in error.diagnostic.message
