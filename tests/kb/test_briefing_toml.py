"""A knowledge base's briefing.toml is loaded with it: its mistakes are input errors, its limits apply."""

from __future__ import annotations

from generator import api
from generator.core.settings import Settings


def test_a_knowledge_base_without_settings_has_the_defaults(minimal_kb):
    assert api.load_knowledge_base(minimal_kb).kb.settings == Settings()


def test_the_settings_travel_with_the_knowledge_base(minimal_kb):
    (minimal_kb / "look").mkdir()
    (minimal_kb / "briefing.toml").write_text('theme = "look"\n[pages]\nfull = 2\n')

    settings = api.load_knowledge_base(minimal_kb).kb.settings

    assert (settings.pages["full"], settings.theme) == (2, minimal_kb / "look")


def test_a_mistake_in_the_settings_is_reported_with_the_yaml_mistakes(minimal_kb, cli):
    (minimal_kb / "briefing.toml").write_text("[pages]\nfull = 4\none-page = 'one'\n")
    facts = minimal_kb / "testland" / "facts.yaml"
    facts.write_text(facts.read_text().replace("priority: high", "priority: urgent", 1))

    result = cli("check", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert (
        f"{minimal_kb}/briefing.toml:3: pages.one-page: expected a whole number of pages, found the text 'one'; "
        "write it without quotes\n"
    ) in result.stderr
    assert f"{facts}:" in result.stderr
    assert result.stderr.endswith("2 problems found.\n")


def test_the_size_limit_of_the_file_applies_to_every_yaml_file(minimal_kb, cli):
    (minimal_kb / "briefing.toml").write_text("[limits]\nmax_file_bytes = 300\n")

    result = cli("check", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert "facts.yaml:1: file is larger than 300 bytes, the most allowed" in result.stderr


def test_the_environment_variable_beats_the_file_size_limit(minimal_kb, cli, monkeypatch):
    (minimal_kb / "briefing.toml").write_text("[limits]\nmax_file_bytes = 300\n")
    monkeypatch.setenv("BRIEFING_MAX_FILE_BYTES", "1000000")

    result = cli("check", "--briefs", minimal_kb)

    assert result.exit_code == 0, result.output


def test_an_edit_of_the_settings_is_seen_by_the_next_check(minimal_kb, cli):
    assert cli("check", "--briefs", minimal_kb).exit_code == 0
    (minimal_kb / "briefing.toml").write_text("[limits]\nmax_file_bytes = 300\n")

    assert cli("check", "--briefs", minimal_kb).exit_code == 2
