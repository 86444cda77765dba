"""Odd but possible input ends in a clear message and exit status 2, never a traceback."""

from __future__ import annotations

import dataclasses
import datetime
import io
import os
import re
import subprocess
import sys
import typing
import zipfile
from pathlib import Path

import pytest

from generator.core.clock import build_date
from generator.core.errors import RenderError, UsageError
from generator.kb.schema import LIST_FILES, SINGLE_FILES
from generator.render.docx import render_docx
from tests.conftest import build_knowledge_base
from tests.sample_brief import sample_brief

RANGE = "is outside the dates a briefing can carry, 1980-01-01 to 2107-12-31 (the dates a DOCX file can hold)"


def briefing(*args: object, env: dict[str, str] | None = None, cwd: Path | None = None):
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    "epoch", ["7258118400", "-1", "315532799", "99999999999999999999"], ids=["year 2200", "negative", "1979", "huge"]
)
def test_a_build_date_no_docx_can_hold_is_a_usage_error(minimal_kb, epoch):
    result = briefing(
        "generate",
        "--audience",
        "uk",
        "--briefs",
        minimal_kb,
        "--out",
        minimal_kb.parent / "out",
        env={"SOURCE_DATE_EPOCH": epoch},
    )

    assert result.returncode == 2
    assert result.stderr == f"error: SOURCE_DATE_EPOCH='{epoch}' {RANGE}\n"


@pytest.mark.parametrize(
    "epoch, day", [("315532800", datetime.date(1980, 1, 1)), ("4354819199", datetime.date(2107, 12, 31))]
)
def test_the_first_and_last_days_a_docx_can_hold_are_accepted(monkeypatch, epoch, day):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)

    assert build_date() == day
    document = render_docx(dataclasses.replace(sample_brief(), date=day))
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        assert {info.date_time[:3] for info in archive.infolist()} == {(day.year, day.month, day.day)}


def test_build_date_raises_a_usage_error(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "7258118400")

    with pytest.raises(UsageError, match="1980-01-01 to 2107-12-31"):
        build_date()


def test_render_docx_refuses_a_date_it_cannot_write_with_a_render_error():
    with pytest.raises(RenderError, match="2200-01-01 cannot be written into a Word document"):
        render_docx(dataclasses.replace(sample_brief(), date=datetime.date(2200, 1, 1)))


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Team", "-c", "user.email=team@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.mark.slow
def test_diff_with_a_committed_link_leading_outside_names_it(tmp_path):
    briefs = build_knowledge_base(tmp_path / "briefs")
    (briefs / "testland" / "meetings" / "hosts.yaml").symlink_to("/etc/hostname")
    git("init", "-q", cwd=tmp_path)
    git("add", "-A", cwd=tmp_path)
    git("commit", "-qm", "knowledge base", cwd=tmp_path)

    result = briefing("diff", "HEAD", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr == (
        "error: cannot compare with HEAD: briefs/testland/meetings/hosts.yaml is a symbolic link to "
        "'/etc/hostname', which leads outside the knowledge base\n"
    )


NUMBERS = {
    "stale_after_days": ("testland/country.yaml", "stale_after_days: 3650", "stale_after_days: {}"),
    "theme_weights": ("audiences/uk.yaml", "corruption: 3", "corruption: {}"),
}
"""Every number a knowledge base holds: the file, the line as the minimal base writes it, and the same with a value."""


def numeric_fields() -> set[str]:
    def holds_int(annotation: object) -> bool:
        return annotation is int or any(holds_int(argument) for argument in typing.get_args(annotation))

    kinds = [*SINGLE_FILES.values(), *LIST_FILES.values()]
    return {name for kind in kinds for name, info in kind.model_fields.items() if holds_int(info.annotation)}


def test_every_number_in_the_models_is_tried():
    assert numeric_fields() == set(NUMBERS)


@pytest.mark.parametrize(
    "value", ["1000000000", "-1", "99999999999999999999999999999999"], ids=["huge", "negative", "huger"]
)
@pytest.mark.parametrize("field", sorted(NUMBERS))
def test_a_number_out_of_bounds_is_reported_at_its_line(minimal_kb, field, value):
    relative, written, replaced = NUMBERS[field]
    path = minimal_kb / relative
    path.write_text(path.read_text().replace(written, replaced.format(value)))
    line = next(number for number, text in enumerate(path.read_text().splitlines(), 1) if value in text)

    result = briefing("check", "--briefs", minimal_kb)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    most = "more than" if value[0] != "-" else "less than"
    assert re.search(rf"^{re.escape(str(path))}:{line}: {field}\S*: {value} is {most} \d+, the", result.stderr, re.M)
    assert "write a smaller number" in result.stderr or "write a larger number" in result.stderr
