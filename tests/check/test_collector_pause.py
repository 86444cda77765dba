"""A load builds its knowledge base with the cycle collector paused, and always leaves it as it found it."""

import gc

import pytest

import generator.check.validate as validate_module
from generator.check.validate import load_knowledge_base
from generator.core.errors import InputError


@pytest.fixture
def collector_states(monkeypatch):
    """Whether the collector ran at the moment a load validated what it read."""
    seen: list[bool] = []
    validate = validate_module.validate

    def noting(*arguments, **keywords):
        seen.append(gc.isenabled())
        return validate(*arguments, **keywords)

    monkeypatch.setattr(validate_module, "validate", noting)
    return seen


def test_a_load_pauses_the_collector_and_enables_it_again(minimal_kb, collector_states):
    assert gc.isenabled()
    load_knowledge_base(minimal_kb)
    assert collector_states == [False]
    assert gc.isenabled()


def test_a_load_that_fails_enables_the_collector_again(minimal_kb, collector_states):
    facts = minimal_kb / "testland" / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("priority: high", "priority: urgent", 1))
    with pytest.raises(InputError):
        load_knowledge_base(minimal_kb)
    assert collector_states == [False]
    assert gc.isenabled()


def test_a_load_leaves_a_collector_paused_by_its_caller_paused(minimal_kb, collector_states):
    gc.disable()
    try:
        load_knowledge_base(minimal_kb)
        assert not gc.isenabled()
    finally:
        gc.enable()
