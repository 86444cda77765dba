"""The command line: help, version, messages and exit statuses, run as a user would."""

import os
import subprocess
import sys
from pathlib import Path

from generator import __version__


def run(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def test_help_and_version():
    help_result = run("--help")
    version = run("--version")

    assert help_result.returncode == 0
    for command in ("check", "diff", "generate", "list", "schema"):
        assert command in help_result.stdout
    assert version.stdout.strip() == f"briefing, version {__version__}"


def test_every_command_has_help():
    for command in ("check", "diff", "generate", "list", "schema"):
        result = run(command, "--help")
        assert result.returncode == 0 and "Usage:" in result.stdout


def test_each_command_is_found_in_the_module_that_defines_it_and_none_is_imported_before_it_is_asked_for():
    import importlib
    import pkgutil

    import generator.cli
    from generator.cli.shell import COMMAND_MODULES, main

    for module in pkgutil.iter_modules(generator.cli.__path__):
        importlib.import_module(f"generator.cli.{module.name}")
    assert sorted(main.commands) == sorted(COMMAND_MODULES)
    for name, command in main.commands.items():
        assert command.callback.__module__ == f"generator.cli.{COMMAND_MODULES[name]}", name
    imported = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, generator.cli; print(sorted(m for m in sys.modules if m.startswith('generator.cli.')))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert imported.strip() == "['generator.cli.shell']"


def test_check_reports_counts(minimal_kb):
    result = run("check", "--briefs", minimal_kb)

    assert result.returncode == 0
    assert result.stdout.strip().endswith(
        "Testland is valid (2 sources, 2 facts, 1 case, 1 recommendation, 1 response, 1 audience, "
        "1 meeting; 0 warnings)."
    )


def test_list_shows_audiences_meetings_and_themes(minimal_kb, cli):
    result = cli("list", "--briefs", minimal_kb)

    assert result.exit_code == 0
    assert "  uk         UK Government (en-GB, A4, 1 lever)" in result.output
    assert "uk-visit" in result.output
    assert "  assembly               4  Peaceful assembly" in result.output


def stale(minimal_kb: Path) -> None:
    country = minimal_kb / "testland" / "country.yaml"
    country.write_text(country.read_text().replace("stale_after_days: 3650", "stale_after_days: 365"))


def test_warnings_are_printed_but_do_not_fail_unless_strict(minimal_kb):
    stale(minimal_kb)

    relaxed = run("check", "--briefs", minimal_kb, env={"SOURCE_DATE_EPOCH": "1800000000"})
    strict = run("check", "--strict", "--briefs", minimal_kb, env={"SOURCE_DATE_EPOCH": "1800000000"})

    assert relaxed.returncode == 0
    assert "facts.yaml:1: warning: fact 'protest-arrests' is stale: as of 2021-07-22" in relaxed.stderr
    assert strict.returncode == 2
    assert "fatal with --strict" in strict.stderr


def test_quiet_silences_progress_and_warnings_and_no_color_keeps_text_plain(minimal_kb, tmp_path):
    stale(minimal_kb)
    env = {"SOURCE_DATE_EPOCH": "1800000000", "NO_COLOR": "1"}

    quiet = run(
        "-q", "generate", "--audience", "uk", "--format", "pdf", "--briefs", minimal_kb, "--out", tmp_path, env=env
    )
    loud = run(
        "generate", "--audience", "uk", "--format", "pdf", "--briefs", minimal_kb, "--out", tmp_path / "loud", env=env
    )

    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    assert "wrote " in loud.stdout and "warning:" in loud.stderr
    assert "\x1b[" not in loud.stdout + loud.stderr


def test_unknown_audience_is_a_usage_error(minimal_kb, tmp_path):
    result = run("generate", "--audience", "nato", "--briefs", minimal_kb, "--out", tmp_path / "out")

    assert result.returncode == 2
    assert result.stderr.strip() == "error: no audience 'nato'; choose one of uk"
    assert not (tmp_path / "out").exists()


def test_generate_needs_something_to_generate(minimal_kb):
    result = run("generate", "--briefs", minimal_kb)

    assert result.returncode == 2
    assert "name a meeting file, or use --audience ID or --all" in result.stderr


def test_missing_knowledge_base_folder(tmp_path):
    result = run("check", "--briefs", tmp_path / "nowhere")

    assert result.returncode == 2
    assert "no such knowledge-base folder" in result.stderr
    assert "Traceback" not in result.stderr
