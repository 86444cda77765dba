"""`check` finds every cited passage in its source's archived text, and says where and why when it does not."""

import hashlib
import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator import api
from generator.check import archives
from generator.core.errors import InputError
from generator.core.store import cache_dir
from generator.text.characters import refused_problem
from tests.conftest import BUNDLED_BRIEFS, build_knowledge_base, replace_in

KAZAKHSTAN_ARCHIVES = BUNDLED_BRIEFS / "kazakhstan" / "sources"
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def line_of(path: Path, text: str) -> int:
    """The number of the first line of `path` holding `text`."""
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def errors_of(briefs: Path) -> list[str]:
    try:
        api.load_knowledge_base(briefs)
    except InputError as error:
        return [str(diagnostic) for diagnostic in error.diagnostics]
    return []


def warnings_of(briefs: Path) -> list[str]:
    return [str(warning) for warning in api.load_knowledge_base(briefs).warnings]


# Passages cut from the archived Kazakhstan sources.

ARCHIVES = {path.stem: path.read_text(encoding="utf-8") for path in sorted(KAZAKHSTAN_ARCHIVES.glob("*.txt"))}
TOKENS = {source: list(re.finditer(r"\S+", text)) for source, text in ARCHIVES.items()}


def changeable(kind: str, token: str) -> bool:
    if kind == "word":
        return re.fullmatch(r"[A-Za-z]{4,}", token) is not None
    if kind == "digit":
        return re.search(r"\d", token) is not None
    return token.strip(".,;:()") in MONTHS or re.fullmatch(r"\(?(19|20)\d\d[.,;:)]*", token) is not None


def changed(kind: str, token: str, other: str) -> str:
    """`token` with its word, its first digit or its date changed."""
    if kind == "word":
        return other
    if kind == "digit":
        position = next(index for index, char in enumerate(token) if char.isdigit())
        return token[:position] + str((int(token[position]) + 1) % 10) + token[position + 1 :]
    month = token.strip(".,;:()")
    if month in MONTHS:
        return token.replace(month, MONTHS[(MONTHS.index(month) + 5) % 12])
    return re.sub(r"(19|20)\d\d", lambda year: str(int(year[0]) + 1), token)


@st.composite
def cut_passages(draw):
    """A passage of a few whole words of an archived source, and the same with one word, digit or date changed."""
    kind = draw(st.sampled_from(["word", "digit", "date"]))
    source = draw(st.sampled_from(sorted(ARCHIVES)))
    tokens = TOKENS[source]
    candidates = [index for index, token in enumerate(tokens) if changeable(kind, token[0])]
    assume(candidates)
    at = draw(st.sampled_from(candidates))
    start = max(0, at - draw(st.integers(2, 10)))
    end = min(len(tokens), at + draw(st.integers(1, 10)))
    words = [token[0] for token in tokens[start:end]]
    other = draw(st.sampled_from(sorted({t[0] for t in tokens if re.fullmatch(r"[A-Za-z]{4,}", t[0])})))
    mutated = list(words)
    mutated[at - start] = changed(kind, words[at - start], other)
    passage, wrong = " ".join(words), " ".join(mutated)
    squeezed = " ".join(ARCHIVES[source].split())
    assume(wrong not in squeezed and refused_problem(passage) is None and "](" not in passage)
    return source, passage, wrong


def knowledge_base_citing(folder: Path, source: str, passage: str) -> tuple[Path, int]:
    """The minimal knowledge base with the archived source and one fact citing `passage`; the passage's line."""
    briefs = build_knowledge_base(folder / "briefs")
    country = briefs / "testland"
    shutil.copyfile(KAZAKHSTAN_ARCHIVES / f"{source}.txt", country / "sources" / f"{source}.txt")
    with (country / "sources.yaml").open("a", encoding="utf-8") as sources:
        sources.write(
            f"- id: {source}\n  title: An archived source\n  publisher: A publisher\n  date: 2021-07-22\n"
            f"  kind: ngo-report\n  archive: sources/{source}.txt\n"
            f"  archive_sha256: {sha256(country / 'sources' / f'{source}.txt')}\n"
        )
    facts = country / "facts.yaml"
    with facts.open("a", encoding="utf-8") as written:
        written.write(
            "- id: cut-passage\n  text: A passage cut from an archived source.\n  themes: [assembly]\n"
            "  as_of: 2021-07-22\n  priority: low\n  sources:\n"
            f"    - source: {source}\n      passage: {json.dumps(passage, ensure_ascii=False)}\n"
        )
    return briefs, line_of(facts, "passage: " + json.dumps(passage, ensure_ascii=False))


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=cut_passages())
def test_a_passage_cut_from_an_archive_verifies_and_one_changed_in_a_word_digit_or_date_fails_at_its_line(cut):
    source, passage, wrong = cut
    with tempfile.TemporaryDirectory() as folder:
        briefs, _ = knowledge_base_citing(Path(folder) / "right", source, passage)
        assert errors_of(briefs) == []

        briefs, line = knowledge_base_citing(Path(folder) / "wrong", source, wrong)
        [error] = errors_of(briefs)

    facts = briefs / "testland" / "facts.yaml"
    assert error.startswith(
        f"{facts}:{line}: the passage is not in the archived text of source '{source}' (sources/{source}.txt)"
    )


# What check says, exactly.


@pytest.fixture
def briefs(minimal_kb: Path) -> Path:
    return minimal_kb


@pytest.fixture
def country(briefs: Path) -> Path:
    return briefs / "testland"


def test_the_minimal_and_bundled_knowledge_bases_verify_every_passage():
    for folder in (build_knowledge_base(Path(tempfile.mkdtemp()) / "briefs"), BUNDLED_BRIEFS):
        checked = api.load_knowledge_base(folder)
        assert not [warning for warning in checked.warnings if "archived" in warning.message]


def test_a_changed_figure_is_worded_as_what_the_source_has(country: Path, briefs: Path):
    replace_in(country / "facts.yaml", "passage: detained 40 protesters", "passage: police detained 41 protesters")

    assert errors_of(briefs) == [
        f"{country / 'facts.yaml'}:8: the passage is not in the archived text of source 'report-2021' "
        '(sources/report-2021.txt). The source has "... police detained 40 protesters ..." where the '
        'passage has "police detained 41 protesters". Copy the passage from the source, or fix its source.'
    ]


def test_a_passage_with_nothing_like_it_says_how_to_find_the_words(country: Path, briefs: Path):
    replace_in(country / "facts.yaml", "passage: held property abroad", "passage: a sentence about the weather")

    assert errors_of(briefs) == [
        f"{country / 'facts.yaml'}:18: the passage is not in the archived text of source 'op-ed-2016' "
        "(sources/op-ed-2016.txt), nor anything close to it. Find its words with "
        "'briefing cite op-ed-2016 \"a few words\"' and copy them from the source, or fix its source."
    ]


def test_every_citation_is_verified_however_deep(country: Path, briefs: Path):
    meeting = next((country / "meetings").glob("*.yaml"))
    meeting.write_text(
        meeting.read_text()
        + "positions:\n  - text: A position.\n    sources:\n      - source: report-2021\n        passage: not said there\n"
    )
    replace_in(country / "levers" / "uk.yaml", "passage: targeted sanctions", "passage: targeted sanctionz")

    errors = errors_of(briefs)

    assert [error.split(": the passage")[0] for error in errors] == [
        f"{country / 'levers' / 'uk.yaml'}:8",
        f"{meeting}:{len(meeting.read_text().splitlines())}",
    ]


def test_a_source_without_an_archive_is_a_warning_and_fatal_with_strict(country: Path, briefs: Path, cli):
    sources = country / "sources.yaml"
    replace_in(
        sources,
        f"  archive: sources/op-ed-2016.txt\n  archive_sha256: {sha256(country / 'sources' / 'op-ed-2016.txt')}\n",
        "",
    )
    replace_in(country / "facts.yaml", "passage: held property abroad", "passage: words no archive holds")

    relaxed = cli("check", "--briefs", briefs)
    strict = cli("check", "--strict", "--briefs", briefs)

    warning = (
        f"{sources}:{line_of(sources, '- id: op-ed-2016')}: warning: source 'op-ed-2016' has no archived text, so the 2 passages citing it cannot be "
        "verified; archive the text of the document as sources/op-ed-2016.txt and name it with 'archive:' and "
        "'archive_sha256:'"
    )
    assert relaxed.exit_code == 0, relaxed.output
    assert relaxed.stderr.splitlines() == [
        warning,
        "Warnings by kind (--only KIND shows one kind):",
        "  unarchived: 1 cited source with no archived text, so its passages cannot be verified: archive its text "
        "in sources/<id>.txt",
    ]
    assert strict.exit_code == 2
    assert warning in strict.stderr.splitlines()
    assert "1 warning, fatal with --strict." in strict.stderr


def test_an_archive_that_changed_is_an_error_at_its_hash_giving_the_new_one(country: Path, briefs: Path):
    archive = country / "sources" / "op-ed-2016.txt"
    archive.write_text(archive.read_text() + "A line added later.\n")

    assert errors_of(briefs) == [
        f"{country / 'sources.yaml'}:16: archive_sha256 does not match sources/op-ed-2016.txt, whose sha256 is "
        f"{sha256(archive)}: the file changed since it was recorded; archive the source again from its original, "
        f"or, if the change is intended, write 'archive_sha256: {sha256(archive)}'"
    ]


def test_a_missing_archive_or_hash_is_an_error_at_its_field(country: Path, briefs: Path):
    (country / "sources" / "op-ed-2016.txt").unlink()
    report = country / "sources" / "report-2021.txt"
    replace_in(country / "sources.yaml", f"  archive_sha256: {sha256(report)}\n", "")

    assert errors_of(briefs) == [
        f"{country / 'sources.yaml'}:7: archive sources/report-2021.txt has no archive_sha256, which records the "
        f"text its passages were checked against; add 'archive_sha256: {sha256(report)}'",
        f"{country / 'sources.yaml'}:14: archive sources/op-ed-2016.txt does not exist in testland/; put the file "
        "there, or correct the path (or remove 'archive:' and 'archive_sha256:' if the team has none)",
    ]


def test_an_original_is_hashed_like_the_archive(country: Path, briefs: Path):
    original = country / "sources" / "report-2021.pdf"
    original.write_bytes(b"%PDF-1.7 the report as published")
    replace_in(
        country / "sources.yaml",
        "  archive: sources/report-2021.txt\n",
        f"  archive: sources/report-2021.txt\n  original: sources/report-2021.pdf\n  original_sha256: '{'0' * 64}'\n",
    )

    assert errors_of(briefs) == [
        f"{country / 'sources.yaml'}:9: original_sha256 does not match sources/report-2021.pdf, whose sha256 is "
        f"{sha256(original)}: the file changed since it was recorded; restore the original, or, if the change is "
        f"intended, write 'original_sha256: {sha256(original)}'"
    ]
    original.unlink()
    assert errors_of(briefs)[0].endswith(
        "original sources/report-2021.pdf does not exist in testland/; put the file "
        "there, or correct the path (or remove 'original:' and 'original_sha256:' if the team has none)"
    )


@pytest.mark.parametrize(
    ("locator", "message"),
    [
        ("p. 2", None),
        ("page 2", None),
        ("para. 4", None),  # names no page: nothing to hold it to
        (
            "p. 1",
            "locator 'p. 1' does not match the archived text of source 'report-2021' (sources/report-2021.txt), "
            "where the passage is on p. 2; write 'locator: p. 2'",
        ),
        (
            "pp. 2-3",
            "locator 'pp. 2-3' does not match the archived text of source 'report-2021' "
            "(sources/report-2021.txt), where the passage is on p. 2; write 'locator: p. 2'",
        ),
    ],
)
def test_a_page_locator_must_name_the_page_the_passage_is_on(country: Path, briefs: Path, locator, message):
    recommendations = country / "recommendations.yaml"
    replace_in(
        recommendations,
        "passage: release peaceful protesters",
        f"passage: release peaceful protesters\n      locator: {locator}",
    )

    expected = [] if message is None else [f"{recommendations}:13: {message}"]
    assert errors_of(briefs) == expected


def test_a_page_locator_on_an_archive_without_pages_is_an_error(country: Path, briefs: Path):
    facts = country / "facts.yaml"
    replace_in(facts, "passage: held property abroad", "passage: held property abroad\n      locator: p. 1")

    assert errors_of(briefs) == [
        f"{facts}:19: locator 'p. 1' names a page, but the archived text of source 'op-ed-2016' "
        "(sources/op-ed-2016.txt) has no pages (no form feeds); remove the locator, or archive the text with a "
        "form feed between pages"
    ]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("archive: ../elsewhere.txt", "archive: '../elsewhere.txt' is not a path inside the country folder"),
        ("archive: /etc/passwd", "archive: '/etc/passwd' is not a path inside the country folder"),
        (
            "archive_sha256: ABC",
            "archive_sha256: 'ABC' is not a sha256 hash; write its 64 lower-case hexadecimal digits",
        ),
    ],
)
def test_an_archive_field_that_cannot_be_one_is_refused_at_its_line(country: Path, briefs: Path, written, message):
    field = written.split(":")[0]
    sources = country / "sources.yaml"
    text = sources.read_text()
    sources.write_text(re.sub(rf"(?m)^  {field}: .*$", f"  {written}", text, count=1))

    [error] = errors_of(briefs)
    assert error.startswith(f"{sources}:{line_of(sources, written)}: {message}")


def test_a_link_out_of_the_country_folder_is_not_followed(country: Path, briefs: Path, tmp_path: Path):
    outside = tmp_path / "outside.txt"
    outside.write_text("detained 40 protesters")
    archive = country / "sources" / "report-2021.txt"
    archive.unlink()
    archive.symlink_to(outside)

    [error] = errors_of(briefs)
    assert "archive sources/report-2021.txt cannot be read: a symbolic link leads outside" in error


# What is found is kept, and the run cache sees the archives.


def test_what_was_found_is_kept_and_a_damaged_entry_is_discarded(briefs: Path):
    api.load_knowledge_base(briefs)
    entries = list((cache_dir() / "verified").glob("*.entry"))
    assert len(entries) == 2

    # A checked knowledge base would answer the loads below without verifying any passage.
    shutil.rmtree(cache_dir() / "checked")
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(archives, "locate", lambda *_: pytest.fail("searched again"))
        api.load_knowledge_base(briefs)

    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:-5] + b"xxxxx")
    shutil.rmtree(cache_dir() / "checked")
    api.load_knowledge_base(briefs)
    assert all(entry.exists() and not entry.read_bytes().endswith(b"xxxxx") for entry in entries)


def test_editing_an_archive_runs_check_again(country: Path, briefs: Path, cli):
    assert cli("check", "--briefs", briefs).exit_code == 0
    archive = country / "sources" / "report-2021.txt"
    archive.write_text(archive.read_text().replace("detained 40 protesters", "detained 4 protesters"))

    result = cli("check", "--briefs", briefs)

    assert result.exit_code == 2
    assert "archive_sha256 does not match sources/report-2021.txt" in result.stderr


# Moving from document: to archive:


def test_migrate_archives_a_document_kept_in_the_sources_folder_and_drops_one_that_is_not(tmp_path: Path, cli):
    briefs = tmp_path / "briefs"
    shutil.copytree(BUNDLED_BRIEFS, briefs)
    folder = briefs / "kazakhstan"
    sources = folder / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    kept = folder / "sources" / "hrw-2018-white-house.txt"
    kept.rename(folder / "sources" / "000_523c208f887d078e.txt")
    (folder / "sources" / "hrw-2016-independence-day.txt").unlink()
    for source_id, document in (
        ("hrw-2018-white-house", "000_523c208f887d078e.txt"),
        ("hrw-2016-independence-day", "001_9aaf58985a3d05c8.txt"),
    ):
        text = re.sub(
            rf"  archive: sources/{source_id}.txt\n  archive_sha256: [0-9a-f]+\n", f"  document: {document}\n", text
        )
    sources.write_text(text, encoding="utf-8")
    first_document = line_of(sources, "document: 000_")

    loaded = cli("check", "--briefs", briefs)
    planned = cli("migrate", "--briefs", briefs)
    migrated = cli("migrate", "--briefs", briefs, "--write")
    checked = cli("check", "--briefs", briefs)

    assert loaded.exit_code == 0, loaded.output
    assert (
        f"{sources}:{first_document}: warning: old layout; 'briefing migrate --write' would replace document: with archive:, the "
        "text archived in kazakhstan/sources/, in 2 sources"
    ) in loaded.stderr.splitlines()
    assert (
        "would: kazakhstan/sources.yaml: archive 'hrw-2018-white-house' as sources/hrw-2018-white-house.txt; drop "
        "document: 001_9aaf58985a3d05c8.txt of 'hrw-2016-independence-day', not found in kazakhstan/sources/"
    ) in planned.output
    assert migrated.exit_code == 0, migrated.output
    assert kept.exists() and not (folder / "sources" / "000_523c208f887d078e.txt").exists()
    assert sources.read_text(encoding="utf-8") == (BUNDLED_BRIEFS / "kazakhstan" / "sources.yaml").read_text(
        encoding="utf-8"
    ).replace(
        "  archive: sources/hrw-2016-independence-day.txt\n"
        "  archive_sha256: 7626ba34354739f03050a4ef65d2fd224f0823042197581a39c8157f1ca84512\n",
        "",
    )
    assert checked.exit_code == 0, checked.output
    assert "old layout" not in checked.output
    assert "source 'hrw-2016-independence-day' has no archived text" in checked.stderr
