"""Speed targets of the briefing generator, measured side by side in one run.

    .venv/bin/python benchmarks/run.py [--repeat N] [--only build|preview|archives|scale]

Each figure is a ratio of two medians measured here and now, so it holds on
any machine or fails on it; it is printed with its target and whether it
holds. Exits 1 when any target fails. Not part of the unit tests: timings
belong here, not in assertions that flake on a busy machine.
"""

from __future__ import annotations

import argparse
import compileall
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
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


class Timing(float):
    """The median of several timed runs, which it keeps for their spread."""

    runs: tuple[float, ...]

    def __new__(cls, runs: list[float]) -> Timing:
        timing = super().__new__(cls, statistics.median(runs))
        timing.runs = tuple(runs)
        return timing


@dataclass
class Figure:
    name: str
    measured: float
    baseline: float
    target: float | None
    """None for a figure reported beside a target, not held to one."""
    unit: str = "ratio"

    @property
    def value(self) -> float:
        return self.measured / self.baseline if self.unit == "ratio" else self.measured

    @property
    def holds(self) -> bool:
        return self.target is None or self.value <= self.target

    @property
    def spread(self) -> str:
        """The lowest and highest of the runs: of each round's ratio, the two sides being timed in turn."""
        measured, baseline = self.measured, self.baseline
        if not isinstance(measured, Timing):
            return ""
        if self.unit == "s":
            return f"{min(measured.runs):.3f}-{max(measured.runs):.3f} s"
        if isinstance(baseline, Timing) and len(baseline.runs) == len(measured.runs):
            ratios = [ours / theirs for ours, theirs in zip(measured.runs, baseline.runs, strict=True)]
            return f"{min(ratios):.3f}-{max(ratios):.3f}"
        return ""


def median_seconds(action: Callable[[], object], repeat: int) -> Timing:
    return Timing([seconds(action) for _ in range(repeat)])


def side_by_side(*actions: Callable[[], object], repeat: int) -> list[Timing]:
    """The median time of each action, run in turn round after round.

    A shared machine speeds up and slows down from one minute to the next;
    taking turns lets every action of a ratio meet the same moments.
    """
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(repeat):
        for action, taken in zip(actions, times, strict=True):
            taken.append(seconds(action))
    return [Timing(taken) for taken in times]


def seconds(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value at least `share` of them do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def command(*args: str, env: dict[str, str]) -> Callable[[], None]:
    def run() -> None:
        subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    return run


def briefing(*args: str, env: dict[str, str]) -> Callable[[], None]:
    return command(PYTHON, "-m", "generator", "-q", *args, env=env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement; the median counts")
    parser.add_argument(
        "--only", choices=("build", "preview", "archives", "scale"), help="measure one group of targets"
    )
    arguments = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    try:
        os.chdir(PROJECT)
        # As scripts/bootstrap leaves the tree: the generator's bytecode written, even where the environment
        # keeps Python from writing it (PYTHONDONTWRITEBYTECODE), so no command is timed compiling it.
        compileall.compile_dir(PROJECT / "generator", quiet=1)
        env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "XDG_CACHE_HOME": str(work / "cache")}
        figures = []
        if arguments.only in (None, "build"):
            figures += build_figures(work, arguments.repeat, env)
        if arguments.only in (None, "archives"):
            figures += archive_figures(work, arguments.repeat, env)
        if arguments.only in (None, "scale"):
            figures += scale_figures(work, arguments.repeat)
        if arguments.only in (None, "preview"):
            figures += preview_figures(work, arguments.repeat, env)
        return report(figures, arguments.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def build_figures(work: Path, repeat: int, env: dict[str, str]) -> list[Figure]:
    briefs = PROJECT / "briefs"
    out = work / "out"
    figures: list[Figure] = []

    # 1. One PDF end to end against WeasyPrint alone on the very same HTML.
    from generator import TEMPLATES_DIR, api
    from generator.render.html import render_html
    from generator.render.pdf import PDF_VARIANT

    kb = api.load_knowledge_base(briefs).kb
    html = work / "uk.html"
    html.write_text(render_html(api.compose_brief(kb, api.request_for(kb, "uk"))), encoding="utf-8")
    raw = (
        f"import sys, weasyprint; weasyprint.HTML(filename=sys.argv[1], base_url={str(TEMPLATES_DIR)!r} + '/')"
        f".write_pdf(sys.argv[2], pdf_variant={PDF_VARIANT!r})"
    )
    one_pdf = briefing("generate", "--audience", "uk", "--format", "pdf", "--force", "--out", str(out), env=env)
    weasyprint_only = command(PYTHON, "-c", raw, str(html), str(work / "raw.pdf"), env=env)
    first_env = {**env, "XDG_CACHE_HOME": str(work / "first-cache")}

    def first_pdf() -> None:
        shutil.rmtree(work / "first-cache", ignore_errors=True)
        briefing("generate", "--audience", "uk", "--format", "pdf", "--force", "--out", str(out), env=first_env)()

    # Timed as a team runs it, after a first build, which learns what fitting leaves out of this layout;
    # the first build of all, with nothing cached, is reported beside it.
    one_pdf()
    again, alone, first = side_by_side(one_pdf, weasyprint_only, first_pdf, repeat=repeat)
    figures.append(Figure("one PDF end to end / WeasyPrint alone, same HTML", again, alone, 1.10))
    figures.append(Figure("one PDF, nothing cached / WeasyPrint alone, same HTML", first, alone, None))

    # 2. A tour of four capitals: every audience in both formats, two workers against one,
    # held to what two processes gain on this machine right now.
    everything = ("generate", "--all", "--force", "--out", str(out))
    # Measured as a team runs it, again and again: the first build of a session
    # learns how long each briefing takes to fit, and later builds start the longest first.
    briefing(*everything, "--jobs", "2", env=env)()
    parallel, serial, two, one = side_by_side(
        *capacity_tasks(),
        briefing(*everything, "--jobs", "2", env=env),
        briefing(*everything, "--jobs", "1", env=env),
        repeat=repeat,
    )
    capacity = parallel / serial
    figures.append(Figure("capacity: 2 CPU-bound tasks on 2 processes / on 1 process", parallel, serial, None))
    figures.append(Figure("all audiences x both formats, --jobs 2 / --jobs 1", two, one, round(1.15 * capacity, 3)))

    # 3. Run again with nothing changed, against the full build just measured.
    briefing("generate", "--all", "--out", str(out), env=env)()
    unchanged = median_seconds(briefing("generate", "--all", "--out", str(out), env=env), repeat)
    figures.append(Figure("rebuild with nothing changed / full build (--jobs 2)", unchanged, two, 0.05))

    # 4. Start-up of commands that do not render, against an empty interpreter.
    cold_env = {**env, "XDG_CACHE_HOME": str(work / "no-cache")}

    def cold_check() -> None:
        shutil.rmtree(work / "no-cache", ignore_errors=True)
        briefing("check", env=cold_env)()

    briefing("check", env=env)()
    nothing, help_, cached_check, first_check = side_by_side(
        command(PYTHON, "-c", "pass", env=env),
        briefing("--help", env=env),
        briefing("check", env=env),
        cold_check,
        repeat=repeat * 2,
    )
    figures.append(Figure("briefing --help / python -c pass", help_, nothing, 3.0))
    figures.append(
        Figure("briefing check, files unchanged since last check / python -c pass", cached_check, nothing, 3.0)
    )
    figures.append(Figure("briefing check, first run (no cache) / python -c pass", first_check, nothing, 6.0))

    # 5. A knowledge base of 10,000 facts against the bundled one.
    synthetic = make_synthetic(briefs, work / "synthetic", 10_000)
    stages = (
        "import time, sys; from pathlib import Path; from generator import api; from generator.select.selection "
        "import select; started = time.perf_counter(); kb = api.load_knowledge_base(Path(sys.argv[1])).kb; "
        "select(kb, kb.audiences['uk']); print(time.perf_counter() - started)"
    )

    def load_check_select(folder: Path, cache_env: dict[str, str]) -> float:
        result = subprocess.run(
            [PYTHON, "-c", stages, str(folder)], check=True, env=cache_env, capture_output=True, text=True
        )
        return float(result.stdout)

    def cold_load(folder: Path) -> float:
        shutil.rmtree(work / "no-cache", ignore_errors=True)
        return load_check_select(folder, cold_env)

    load_check_select(synthetic, env)
    figures.append(
        Figure(
            "10,000 facts: load + check + select, files read before (s)",
            statistics.median(load_check_select(synthetic, env) for _ in range(repeat)),
            1,
            1.0,
            unit="s",
        )
    )
    figures.append(
        Figure(
            "10,000 facts: load + check + select, first read (s)",
            statistics.median(cold_load(synthetic) for _ in range(repeat)),
            1,
            2.0,
            unit="s",
        )
    )
    large, bundled = side_by_side(
        briefing(
            "generate",
            "--audience",
            "uk",
            "--format",
            "pdf",
            "--force",
            "--briefs",
            str(synthetic),
            "--out",
            str(work / "large"),
            env=env,
        ),
        one_pdf,
        repeat=repeat,
    )
    figures.append(Figure("10,000 facts / bundled: one PDF end to end", large, bundled, 1.3))
    figures.append(many_countries_figure(work, briefs, repeat, env))
    return figures


def archive_figures(work: Path, repeat: int, env: dict[str, str]) -> list[Figure]:
    """`check` finding every passage in its source's archived text, against the same base with no archive named."""
    import re

    archived = work / "archived"
    shutil.copytree(PROJECT / "briefs", archived)
    unarchived = work / "unarchived"
    shutil.copytree(PROJECT / "briefs", unarchived)
    sources = unarchived / "kazakhstan" / "sources.yaml"
    sources.write_text(re.sub(r"(?m)^  archive(_sha256)?: .*\n", "", sources.read_text(encoding="utf-8")))
    load = (
        "import sys; from pathlib import Path; from generator.check.validate import load_knowledge_base; "
        "load_knowledge_base(Path(sys.argv[1]))"
    )

    def cold(tree: Path) -> Callable[[], None]:
        cache = work / f"cold-{tree.name}"

        def run() -> None:
            shutil.rmtree(cache, ignore_errors=True)
            briefing("check", "--briefs", str(tree), env={**env, "XDG_CACHE_HOME": str(cache)})()

        return run

    def warm(tree: Path) -> Callable[[], None]:
        # Parsed files and what was found in each archive are cached; the run cache is not asked.
        return command(PYTHON, "-c", load, str(tree), env=env)

    def unchanged(tree: Path) -> Callable[[], None]:
        return briefing("check", "--briefs", str(tree), env=env)

    for tree in (archived, unarchived):
        warm(tree)()
        unchanged(tree)()
    with_cold, without_cold, with_warm, without_warm, with_unchanged, without_unchanged = side_by_side(
        cold(archived),
        cold(unarchived),
        warm(archived),
        warm(unarchived),
        unchanged(archived),
        unchanged(unarchived),
        repeat=repeat,
    )
    return [
        Figure("check, first run (no cache): every passage verified / no archives", with_cold, without_cold, 1.5),
        Figure(
            "load + check, files and archives read before: every passage verified / no archives",
            with_warm,
            without_warm,
            1.2,
        ),
        Figure(
            "briefing check, files unchanged since last check: archives hashed / no archives",
            with_unchanged,
            without_unchanged,
            1.2,
        ),
    ]


def scale_figures(work: Path, repeat: int) -> list[Figure]:
    """Costs that must grow with their input, not with its square: ten (four) times the input, side by side."""
    import dataclasses
    import datetime
    import random
    import string

    import yaml

    from generator import api
    from generator.compose.briefing import compose
    from generator.render.docx import render_docx
    from generator.render.pdf import render_pdf
    from generator.select.selection import select

    kb = api.load_knowledge_base(PROJECT / "briefs").kb
    date = datetime.date(2027, 2, 1)

    # 1. A withheld person with thousands of aliases: one regular expression per name
    # once made 3000 aliases take 24 s for one PDF.
    def with_aliases(aliases: int) -> Callable[[], None]:
        chooser = random.Random(aliases)
        template = next(iter(kb.facts.values()))
        prose = "Police detained protesters in the capital after a march against rising prices. " * 3
        facts = {f"fact-{n}": template.model_copy(update={"id": f"fact-{n}", "text": prose}) for n in range(300)}
        person = next(iter(kb.cases.values()))
        made_up = [
            " ".join("".join(chooser.choice(string.ascii_lowercase) for _ in range(8)).title() for _ in range(2))
            for _ in range(aliases)
        ]
        withheld = person.model_copy(update={"may_name": False, "aliases": made_up})
        variant = dataclasses.replace(kb, facts=facts, cases={person.id: withheld})

        def run() -> None:
            compose(select(variant, variant.audiences["uk"]), date=date)

        return run

    with_aliases(300)()
    many, few = side_by_side(with_aliases(3000), with_aliases(300), repeat=repeat)
    figures = [Figure("select + compose, 3000 aliases withheld / 300", many, few, 5.0)]

    # 2. A meeting of 400 long-titled participants against one of 100: the auto-sized
    # title-block table once made this 32 times, and 15 s.
    meeting_file = PROJECT / "briefs" / "kazakhstan" / "meetings" / "uk-fcdo-london-2027-02.yaml"
    participant = "Participant {n}, " + "official of the ministry of foreign affairs and development " * 5

    def meeting_of(participants: int) -> Callable[[], None]:
        meeting = yaml.safe_load(meeting_file.read_text(encoding="utf-8"))
        meeting["participants"] = [participant.format(n=n).strip() for n in range(participants)]
        path = work / f"meeting-{participants}.yaml"
        path.write_text(yaml.safe_dump(meeting, sort_keys=False), encoding="utf-8")

        def run() -> None:
            (meeting_request,) = api.requests_for(kb, meeting_file=path)
            # Composed without fitting to the page limit, which such a meeting cannot meet.
            brief = compose(select(kb, kb.audiences[meeting_request.audience], meeting_request.meeting), date=date)
            render_pdf(brief)
            render_docx(brief)

        return run

    meeting_of(10)()  # WeasyPrint's first-use costs stay out of the ratio
    large, small = side_by_side(meeting_of(400), meeting_of(100), repeat=repeat)
    figures.append(Figure("meeting briefing, 400 long participants / 100", large, small, 5.0))
    return figures


def many_countries_figure(work: Path, briefs: Path, repeat: int, env: dict[str, str]) -> Figure:
    """One meeting's PDF in a tree of 50 countries against the same in a tree of that country alone."""
    alone = work / "alone"
    shutil.copytree(briefs, alone)
    fifty = work / "fifty"
    shutil.copytree(briefs, fifty)
    for number in range(1, 50):
        # Copies under other ids; their meetings would name the wrong country, so they hold none.
        copy = fifty / f"country-{number:02}"
        shutil.copytree(briefs / "kazakhstan", copy, ignore=shutil.ignore_patterns("meetings"))
        country = copy / "country.yaml"
        country.write_text(country.read_text().replace("id: kazakhstan\n", f"id: {copy.name}\n", 1))

    def one_meeting(tree: Path) -> Callable[[], None]:
        meeting = tree / "kazakhstan" / "meetings" / "uk-fcdo-london-2027-02.yaml"
        return briefing(
            "generate",
            str(meeting),
            "--country",
            "kazakhstan",
            "--format",
            "pdf",
            "--force",
            "--briefs",
            str(tree),
            "--out",
            str(work / f"out-{tree.name}"),
            env=env,
        )

    return Figure(
        "one meeting's PDF, 50-country tree / that country alone",
        *side_by_side(one_meeting(fifty), one_meeting(alone), repeat=repeat),
        1.10,
    )


SPIN = "n = 0\nfor i in range(3_000_000):\n    n += i * i"
"""A fixed CPU-bound pure-Python task of a fraction of a second."""


def capacity_tasks() -> tuple[Callable[[], None], Callable[[], None]]:
    """Two tasks on two processes at once, and the same two tasks one after the other.

    The ratio of their times is about 0.5 on an idle 2-core machine, about 1 on a saturated one.
    """
    task = [PYTHON, "-c", SPIN]

    def parallel() -> None:
        running = [subprocess.Popen(task) for _ in range(2)]
        for process in running:
            process.wait()

    def serial() -> None:
        for _ in range(2):
            subprocess.run(task, check=True)

    return parallel, serial


def report(figures: list[Figure], repeat: int) -> int:
    width = max(len(figure.name) for figure in figures)
    print(f"{'measurement':<{width}}  {'value':>7}  {'target':>7}  result  {'spread':>15}   (medians of {repeat} runs)")
    for figure in figures:
        suffix = "s" if figure.unit == "s" else ""
        target = f"<= {figure.target:<4}{suffix or ' '}" if figure.target is not None else "         "
        verdict = "     " if figure.target is None else "holds" if figure.holds else "FAILS"
        print(
            f"{figure.name:<{width}}  {figure.value:>6.3f}{suffix or ' '}  {target} {verdict}  {figure.spread:>15}"
            + (f"   ({figure.measured:.3f} s / {figure.baseline:.3f} s)" if figure.unit == "ratio" else "")
        )
    targets = [figure for figure in figures if figure.target is not None]
    failed = [figure for figure in targets if not figure.holds]
    print(f"{len(targets) - len(failed)} of {len(targets)} targets hold")
    return 1 if failed else 0


SHOWN = ("uk", "full", "public")
"""The briefing the page shows while files are saved."""
PREVIEWED_OPENING = "Mihra Rittmann of Human Rights Watch wrote that President"
"""A fact the UK briefing shows on its first page; each edit rewrites its first word."""


def preview_figures(work: Path, repeat: int, env: dict[str, str]) -> list[Figure]:
    """`briefing serve`, driven by Chromium, against WeasyPrint in this warm process."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("preview figures skipped: no chromium (scripts/bootstrap installs it)", file=sys.stderr)
        return []
    from playwright.sync_api import sync_playwright

    briefs = work / "preview-briefs"
    shutil.copytree(PROJECT / "briefs", briefs)
    server = subprocess.Popen(
        [PYTHON, "-m", "generator", "serve", "--briefs", str(briefs), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        url = server.stdout.readline().split(" at ")[1].split()[0]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium)
            figures = save_to_page_figures(browser.new_page(), url, briefs, repeat)
            browser.close()
        return figures + download_figures(url, briefs, repeat, env)
    finally:
        server.terminate()
        server.wait()


def save_to_page_figures(page, url: str, briefs: Path, repeat: int) -> list[Figure]:
    """From writing a YAML file to the new pages on screen, against rendering that briefing here."""
    from generator import api
    from generator.render.pdf import render_pdf

    page.set_default_timeout(60_000)
    page.goto(f"{url}?audience=uk")
    page.wait_for_selector("body[data-version]", state="attached")
    facts = briefs / "kazakhstan" / "facts.yaml"
    original = facts.read_text(encoding="utf-8")
    updates, renders = [], []
    # Two edits warm up both sides before anything counts.
    for run in range(repeat * 4 + 2):
        marker = f"Edition{chr(97 + run % 26)}{chr(97 + run // 26)}"
        edited = original.replace(PREVIEWED_OPENING, PREVIEWED_OPENING.replace("Mihra", marker))
        # Wall-clock time on both sides: the page stamps the moment it swapped the new pages in.
        saved = time.time()
        facts.write_text(edited, encoding="utf-8")
        page.locator(f".text-layer span:has-text('{marker} Rittmann')").wait_for()
        update = int(page.locator("body").get_attribute("data-updated-at")) / 1000 - saved
        # The same work in this process: fitting the briefing to its pages lays
        # it out, and the PDF is written from that layout.
        kb = api.load_knowledge_base(briefs).kb
        render = seconds(lambda: render_pdf(api.compose_brief(kb, api.request_for(kb, "uk"))))
        if run >= 2:
            updates.append(update)
            renders.append(render)
    render = Timing(renders)
    return [
        Figure(
            "preview: save to updated page in Chromium, median / compose + render_pdf here",
            Timing(updates),
            render,
            1.3,
        ),
        Figure(
            "preview: save to updated page, 95th percentile / median compose + render_pdf here",
            percentile(updates, 0.95),
            render,
            2.0,
        ),
        switch_figure(page, repeat),
    ]


def switch_figure(page, repeat: int) -> Figure:
    """Choosing, in Chromium, a briefing shown before and unchanged since: its pages come back at once."""
    page.select_option("#audience", "eu")
    page.locator(".column-head h2", has_text="European Union").wait_for()
    switches = []
    for run in range(repeat * 2):
        audience, heading = ("uk", "UK Government") if run % 2 == 0 else ("eu", "European Union")
        before = page.locator("body").get_attribute("data-updated-at")
        started = time.time()
        page.select_option("#audience", audience)
        page.locator(".column-head h2", has_text=heading).wait_for()
        # The page stamps the moment it swapped the pages in, once the heading is there.
        while (updated := page.locator("body").get_attribute("data-updated-at")) == before:
            time.sleep(0.002)
        switches.append(int(updated) / 1000 - started)
    return Figure(
        "preview: switch to a briefing shown before, unchanged, in Chromium (s)", Timing(switches), 1, 0.1, unit="s"
    )


def download_figures(url: str, briefs: Path, repeat: int, env: dict[str, str]) -> list[Figure]:
    """PDF downloads from the warm server against WeasyPrint alone on the same HTML in this process.

    Every view has been generated before, as a team's briefings have: the
    preview then knows what fitting leaves out of each (see
    `build.fitting_hints`), but has never laid one out.
    """
    import weasyprint

    from generator import TEMPLATES_DIR, api
    from generator.kb import model
    from generator.render.html import render_html
    from generator.render.pdf import PDF_VARIANT

    kb = api.load_knowledge_base(briefs).kb
    # Each view once, so the server renders every one: no briefing is shown or downloaded twice.
    views = [
        (audience, length, level)
        for level in ("public", "restricted", "confidential")
        for length in ("one-page", "full")
        for audience in kb.audiences
        if (audience, length, level) != SHOWN
    ]
    for level in ("public", "restricted", "confidential"):
        for length in ("one-page", "full"):
            generated = ("--distribution", level, "--length", length, "--format", "pdf", "--briefs", str(briefs))
            briefing("generate", "--all", *generated, "--out", str(briefs.parent / "generated"), env=env)()
    fetch(f"{url}preview.json?audience={SHOWN[0]}")
    shown = median_seconds(lambda: fetch(f"{url}download.pdf?audience={SHOWN[0]}"), repeat)
    downloads, alone = [], []
    for audience, length, level in views:
        downloads.append(
            seconds(lambda: fetch(f"{url}download.pdf?audience={audience}&length={length}&distribution={level}"))
        )
        brief = api.compose_brief(
            kb, api.request_for(kb, audience, distribution=model.Sensitivity(level), length=length)
        )
        html = render_html(brief)
        alone.append(
            seconds(
                lambda: weasyprint.HTML(string=html, base_url=f"{TEMPLATES_DIR}/").write_pdf(pdf_variant=PDF_VARIANT)
            )
        )
    return [
        Figure(
            "preview: PDF download, briefing generated but not yet shown / WeasyPrint alone, same HTML, warm",
            statistics.median(downloads),
            statistics.median(alone),
            1.1,
        ),
        Figure(
            "preview: PDF download of the briefing shown / WeasyPrint alone, same HTML, warm",
            shown,
            statistics.median(alone),
            1.1,
        ),
    ]


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


if __name__ == "__main__":
    sys.exit(main())
