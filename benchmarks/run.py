"""Speed targets of the briefing generator, measured side by side in one run.

    .venv/bin/python benchmarks/run.py [--repeat N]

Each figure is a ratio of two medians measured here and now, so it holds on
any machine or fails on it; it is printed with its target and whether it
holds. Exits 1 when any target fails. Not part of the unit tests: timings
belong here, not in assertions that flake on a busy machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_synthetic  # noqa: E402

PYTHON = sys.executable
EPOCH = "1800000000"
"""Fixed build date, so every run renders the same documents."""


@dataclass
class Figure:
    name: str
    measured: float
    baseline: float
    target: float
    unit: str = "ratio"

    @property
    def value(self) -> float:
        return self.measured / self.baseline if self.unit == "ratio" else self.measured

    @property
    def holds(self) -> bool:
        return self.value <= self.target


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def command(*args: str, env: dict[str, str]) -> Callable[[], None]:
    def run() -> None:
        subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return run


def briefing(*args: str, env: dict[str, str]) -> Callable[[], None]:
    return command(PYTHON, "-m", "generator", "-q", *args, env=env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement; the median counts")
    repeat = parser.parse_args().repeat

    work = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    try:
        return measure(work, repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(work: Path, repeat: int) -> int:
    os.chdir(PROJECT)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "XDG_CACHE_HOME": str(work / "cache")}
    briefs = PROJECT / "briefs"
    out = work / "out"
    figures: list[Figure] = []

    # 1. One PDF end to end against WeasyPrint alone on the very same HTML.
    from generator import TEMPLATES_DIR, api
    from generator.render_html import render_html
    from generator.render_pdf import PDF_VARIANT

    kb = api.load_knowledge_base(briefs).kb
    html = work / "uk.html"
    html.write_text(render_html(api.compose_brief(kb, api.Request("uk"), api.build_date())), encoding="utf-8")
    raw = (f"import sys, weasyprint; weasyprint.HTML(filename=sys.argv[1], base_url={str(TEMPLATES_DIR)!r} + '/')"
           f".write_pdf(sys.argv[2], pdf_variant={PDF_VARIANT!r})")
    one_pdf = briefing("generate", "--audience", "uk", "--format", "pdf", "--force", "--out", str(out), env=env)
    weasyprint_only = command(PYTHON, "-c", raw, str(html), str(work / "raw.pdf"), env=env)
    figures.append(Figure("one PDF end to end / WeasyPrint alone, same HTML",
                          median_seconds(one_pdf, repeat), median_seconds(weasyprint_only, repeat), 1.10))

    # 2. A tour of four capitals: every audience in both formats, two workers against one.
    everything = ("generate", "--all", "--force", "--out", str(out))
    two = median_seconds(briefing(*everything, "--jobs", "2", env=env), repeat)
    one = median_seconds(briefing(*everything, "--jobs", "1", env=env), repeat)
    figures.append(Figure("all audiences x both formats, --jobs 2 / --jobs 1", two, one, 0.6))

    # 3. Run again with nothing changed, against the full build just measured.
    briefing("generate", "--all", "--out", str(out), env=env)()
    unchanged = median_seconds(briefing("generate", "--all", "--out", str(out), env=env), repeat)
    figures.append(Figure("rebuild with nothing changed / full build (--jobs 2)", unchanged, two, 0.05))

    # 4. Start-up of commands that do not render, against an empty interpreter.
    nothing = median_seconds(command(PYTHON, "-c", "pass", env=env), repeat * 2)
    figures.append(Figure("briefing --help / python -c pass",
                          median_seconds(briefing("--help", env=env), repeat * 2), nothing, 3.0))
    briefing("check", env=env)()
    figures.append(Figure("briefing check, files unchanged since last check / python -c pass",
                          median_seconds(briefing("check", env=env), repeat * 2), nothing, 3.0))
    cold_env = {**env, "XDG_CACHE_HOME": str(work / "no-cache")}

    def cold_check() -> None:
        shutil.rmtree(work / "no-cache", ignore_errors=True)
        briefing("check", env=cold_env)()

    figures.append(Figure("briefing check, first run (no cache) / python -c pass",
                          median_seconds(cold_check, repeat), nothing, 3.0))

    # 5. A knowledge base of 10,000 facts against the bundled one.
    synthetic = make_synthetic(briefs, work / "synthetic", 10_000)
    stages = ("import time, sys; from pathlib import Path; from generator import api; from generator.select "
              "import select; started = time.perf_counter(); kb = api.load_knowledge_base(Path(sys.argv[1])).kb; "
              "select(kb, kb.audiences['uk']); print(time.perf_counter() - started)")

    def load_check_select(folder: Path, cache_env: dict[str, str]) -> float:
        result = subprocess.run([PYTHON, "-c", stages, str(folder)], check=True, env=cache_env,
                                capture_output=True, text=True)
        return float(result.stdout)

    def cold_load(folder: Path) -> float:
        shutil.rmtree(work / "no-cache", ignore_errors=True)
        return load_check_select(folder, cold_env)

    load_check_select(synthetic, env)
    figures.append(Figure("10,000 facts: load + check + select, files read before (s)",
                          statistics.median(load_check_select(synthetic, env) for _ in range(repeat)), 1, 1.0,
                          unit="s"))
    figures.append(Figure("10,000 facts: load + check + select, first read (s)",
                          statistics.median(cold_load(synthetic) for _ in range(repeat)), 1, 1.0, unit="s"))
    large = median_seconds(briefing("generate", "--audience", "uk", "--format", "pdf", "--force", "--briefs",
                                    str(synthetic), "--out", str(work / "large"), env=env), repeat)
    figures.append(Figure("10,000 facts / bundled: one PDF end to end", large,
                          median_seconds(one_pdf, repeat), 1.3))

    width = max(len(figure.name) for figure in figures)
    print(f"{'measurement':<{width}}  {'value':>7}  {'target':>7}  result   (medians of {repeat} runs)")
    for figure in figures:
        suffix = "s" if figure.unit == "s" else ""
        print(f"{figure.name:<{width}}  {figure.value:>6.3f}{suffix or ' '}  <= {figure.target:<4}{suffix or ' '} "
              f"{'holds' if figure.holds else 'FAILS'}"
              + (f"   ({figure.measured:.3f} s / {figure.baseline:.3f} s)" if figure.unit == "ratio" else ""))
    failed = [figure for figure in figures if not figure.holds]
    print(f"{len(figures) - len(failed)} of {len(figures)} targets hold")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
