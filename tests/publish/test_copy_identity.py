"""A copy's identity is every request parameter that changes its content; two different copies never share a file."""

import dataclasses
import datetime
import itertools
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import generator.render.pool as pool_module
from generator.api import render
from generator.publish import manifest
from generator.publish.publisher import copy_series, output_name, recipient_slug
from tests.sample_brief import sample_brief

DAY = "2027-01-15"
"""The build date SOURCE_DATE_EPOCH below gives."""


@pytest.fixture
def generate(minimal_kb: Path, tmp_path: Path, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    out = tmp_path / "out"

    def run(*extra: object, expect: int | None = 0):
        result = cli("generate", "--format", "docx", "--briefs", minimal_kb, "--out", out, "--jobs", "1", *extra)
        if expect is not None:
            assert result.exit_code == expect, result.output
        return result

    return out, run


def recorded(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def documents(out: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in out.glob("*.docx")}


@pytest.mark.parametrize("order", [("full", "one-page"), ("one-page", "full")])
def test_a_leave_behind_and_the_full_briefing_keep_their_own_files(generate, order):
    out, run = generate
    for length in order:
        run("--audience", "uk", "--length", length)

    files = recorded(out)["files"]
    assert {name: entry["length"] for name, entry in files.items()} == {
        f"{DAY}_testland_uk.docx": "full",
        f"{DAY}_testland_uk_one-page.docx": "one-page",
    }
    assert sorted(documents(out)) == sorted(files)


def test_a_meeting_whose_id_is_a_level_keeps_its_own_file(generate, minimal_kb: Path):
    out, run = generate
    visit = minimal_kb / "testland" / "meetings" / "uk-visit.yaml"
    meeting = visit.with_name("restricted.yaml")
    meeting.write_text(visit.read_text().replace("id: uk-visit", "id: restricted").replace("2027-02-09", DAY))
    visit.unlink()

    run(meeting)
    run("--audience", "uk", "--distribution", "restricted")

    files = recorded(out)["files"]
    assert {name: (entry["meeting"], entry["distribution"]) for name, entry in files.items()} == {
        f"{DAY}_testland_uk_at-restricted.docx": ("restricted", "public"),
        f"{DAY}_testland_uk_restricted.docx": (None, "restricted"),
    }


def test_a_briefing_as_of_a_day_keeps_its_own_file(generate):
    out, run = generate
    run("--audience", "uk")
    run("--audience", "uk", "--as-of", DAY)

    files = recorded(out)["files"]
    assert {name: entry["as_of"] for name, entry in files.items()} == {
        f"{DAY}_testland_uk.docx": None,
        f"{DAY}_testland_uk_as-of-{DAY}.docx": DAY,
    }


def test_two_countries_with_one_id_never_share_a_file(generate, minimal_kb: Path):
    """Either `check` refuses the folder whose id is another's, or each country's file is named by its folder."""
    out, run = generate
    shutil.copytree(minimal_kb / "testland", minimal_kb / "otherland")
    run("--audience", "uk", "--country", "testland")
    first = documents(out)

    second = run("--audience", "uk", "--country", "otherland", expect=None)

    assert {name: content for name, content in documents(out).items() if name in first} == first
    files = recorded(out)["files"]
    assert files[f"{DAY}_testland_uk.docx"]["country"] == "testland"
    if second.exit_code == 0:
        assert files[f"{DAY}_otherland_uk.docx"]["country"] == "otherland"
    else:
        assert second.exit_code == 2 and sorted(files) == sorted(first)


def test_a_file_the_manifest_does_not_record_is_never_replaced(generate):
    out, run = generate
    out.mkdir()
    own = out / f"{DAY}_testland_uk.docx"
    own.write_bytes(b"a colleague's edited copy")

    result = run("--audience", "uk", expect=2)

    assert result.stderr.strip().splitlines()[-1] == (
        f"{own}: not written: a file the manifest does not record is there, and it is left as it is; "
        "move it aside or write to another --out folder"
    )
    assert own.read_bytes() == b"a colleague's edited copy"
    assert own.name not in manifest.read(out).files


def test_a_refused_copy_leaves_neither_its_recipients_name_nor_its_file_name_behind(
    generate, minimal_kb: Path, monkeypatch
):
    """Should a renderer ever print a withheld name, the guard refuses the copy; nothing left spells whose it was."""
    out, run = generate
    cases = minimal_kb / "testland" / "cases.yaml"
    cases.write_text(cases.read_text().replace("may_name: true", "may_name: false"))
    leaky = dataclasses.replace(sample_brief(), author="Jan Doe's team")
    monkeypatch.setattr(pool_module, "render", lambda brief, output_format: render(leaky, output_format))

    result = run("--audience", "uk", "--recipient", "Ann Lee", expect=2)

    assert result.stderr.strip().splitlines()[-1] == (
        f"copy 1 of {out / f'{DAY}_testland_uk.docx'}: not written: the finished DOCX would name a person who may "
        "not be named here (the case at cases.yaml:1) in docProps/core.xml; refusing to publish it"
    )
    assert "ann" not in result.output.lower()
    assert "Ann" not in (out / "manifest.json").read_text()
    assert recorded(out) == {"files": {}}


def test_a_folder_written_before_every_parameter_was_recorded_keeps_its_copies_and_numbers(generate):
    out, run = generate
    run("--audience", "uk", "--recipient", "Jane Smith")
    run("--audience", "uk", "--recipient", "Ann Lee")
    before = recorded(out)
    (series,) = before["copies"]
    earlier = {
        "files": {
            name: {key: value for key, value in entry.items() if key not in ("country", "length", "language", "as_of")}
            for name, entry in before["files"].items()
        },
        "copies": {"uk//public": before["copies"][series]},
    }
    (out / "manifest.json").write_text(json.dumps(earlier))

    run("--audience", "uk", "--recipient", "Ann Lee", "--force")
    run("--audience", "uk", "--recipient", "Bob Jones")

    files = recorded(out)["files"]
    assert {entry["recipient"]: entry["copy"] for entry in files.values()} == {
        "Jane Smith": 1,
        "Ann Lee": 2,
        "Bob Jones": 3,
    }
    assert files[f"{DAY}_testland_uk_for-ann-lee.docx"]["country"] == "testland"


# Every pair of different requests, written into one folder.

ids = st.lists(st.text("a1", min_size=1, max_size=3), min_size=1, max_size=3).map("-".join)
"""Ids as `kb.model.ID_PATTERN` allows them: letters and digits in runs joined by single hyphens."""
tricky_ids = st.sampled_from(
    [
        *("restricted", "confidential", "public", "one-page", "full", "letter", "copies", "archive"),
        *("for-ann", "at-x", "as-of-2027-01-15", "uk", "testland", "x"),
    ]
)
some_id = st.one_of(tricky_ids, ids)
days = st.sampled_from([datetime.date(2027, 1, 15), datetime.date(2027, 2, 9)])
FIELDS = {
    "day": days,
    "country": some_id,
    "audience": some_id,
    "meeting": st.none() | some_id,
    "distribution": st.sampled_from(["public", "restricted", "confidential"]),
    "length": st.sampled_from(["full", "one-page"]),
    "recipient": st.none() | st.sampled_from(["Ann Lee", "ann-lee", "Иван Петров", "Ivan Petrov", "restricted"]),
    "as_of": st.none() | days,
    "format": st.sampled_from([("pdf", None), ("docx", None), ("archive.pdf", None), ("pdf", "letter")]),
}
pairs = st.fixed_dictionaries(FIELDS).flatmap(
    # The second differs from the first in a few fields at most: names that differ in all differ anyway.
    lambda first: st.tuples(
        st.just(first), st.fixed_dictionaries({key: st.just(value) | FIELDS[key] for key, value in first.items()})
    )
)


def name_of(request: dict) -> str:
    extension, kind = request["format"]
    return output_name(
        request["day"],
        request["country"],
        request["audience"],
        request["meeting"],
        extension,
        request["recipient"],
        request["distribution"],
        length=request["length"],
        as_of=request["as_of"],
        kind=kind,
    )


def one_person(first: str | None, second: str | None) -> bool:
    """Names a recipients file holds as one person: spelt alike in a file name."""
    return first == second or (None not in (first, second) and recipient_slug(first) == recipient_slug(second))


@settings(max_examples=400, deadline=None)
@given(pairs)
def test_different_requests_never_get_one_file_name(pair):
    first, second = pair
    same = {**second, "recipient": first["recipient"]} == first and one_person(first["recipient"], second["recipient"])

    assert (name_of(first) == name_of(second)) == same


def test_no_two_requests_share_a_name_even_with_ids_that_spell_other_parts():
    """Every combination of ids spelt like levels, lengths, kinds, recipients and dates: each name is one request's."""
    look_alikes = ["restricted", "confidential", "one-page", "letter", "for-ann-lee", "as-of-2027-01-15", "at-x", "x"]
    requests = [
        dict(zip(FIELDS, values, strict=True))
        for values in itertools.product(
            [datetime.date(2027, 1, 15)],
            ["x", "restricted"],
            ["uk", "one-page"],
            [None, *look_alikes],
            ["public", "restricted", "confidential"],
            ["full", "one-page"],
            [None, "Ann Lee", "restricted"],
            [None, datetime.date(2027, 1, 15)],
            [("pdf", None), ("archive.pdf", None), ("pdf", "letter"), ("zip", "copies")],
        )
    ]

    names = Counter(name_of(request) for request in requests)

    assert names.most_common(1)[0][1] == 1


def entry_of(request: dict) -> dict:
    extension, kind = request["format"]
    return {
        "country": request["country"],
        "audience": request["audience"],
        "meeting": request["meeting"],
        "distribution": request["distribution"],
        "length": request["length"],
        "recipient": request["recipient"],
        "language": "en-GB",
        "as_of": request["as_of"] and request["as_of"].isoformat(),
        "format": extension,
        **({"document": kind} if kind else {}),
    }


@settings(max_examples=200, deadline=None)
@given(pairs)
def test_a_copy_that_lands_on_another_requests_file_is_a_different_copy_and_refused(pair):
    """The recipient is the one parameter a name may spell alike for two requests ('Ann Lee', 'ann-lee')."""
    first, second = pair
    if name_of(first) == name_of(second):
        assert manifest.same_copy(entry_of(first), entry_of(second)) == (first == second)
    if first["recipient"] and second["recipient"] and first != second:
        entries = entry_of(first), entry_of(second)
        series = {copy_series(entry) for entry in entries}
        assert (len(series) == 1) == all(
            first[key] == second[key] for key in ("country", "audience", "meeting", "distribution", "length", "as_of")
        )


LEVELS = ["public", "restricted", "confidential"]
small_requests = st.fixed_dictionaries(
    {
        "length": st.sampled_from(["full", "one-page"]),
        "distribution": st.sampled_from(LEVELS),
        "recipient": st.none() | st.sampled_from(["Ann Lee", "ann lee", "Иван Петров"]),
        "as_of": st.none() | st.just(DAY),
        "meeting": st.booleans(),
        "country": st.sampled_from(["testland", "otherland"]),
    }
)


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(small_requests, min_size=2, max_size=2, unique_by=lambda request: tuple(sorted(request.items()))))
def test_real_runs_of_different_requests_into_one_folder_never_replace_each_other(
    minimal_kb: Path, tmp_path_factory, cli, monkeypatch, pair
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    if not (minimal_kb / "otherland").exists():
        shutil.copytree(minimal_kb / "testland", minimal_kb / "otherland")
        country = minimal_kb / "otherland" / "country.yaml"
        country.write_text(country.read_text().replace("id: testland", "id: otherland"))
        for meeting in (minimal_kb / "otherland" / "meetings").glob("*.yaml"):
            meeting.write_text(meeting.read_text().replace("country: testland", "country: otherland"))
    out = tmp_path_factory.mktemp("out")
    seen: dict[str, bytes] = {}
    for request in pair:
        target = minimal_kb / request["country"] / "meetings" / "uk-visit.yaml" if request["meeting"] else None
        arguments = [target] if target else ["--audience", "uk"]
        arguments += ["--country", request["country"], "--length", request["length"]]
        arguments += ["--distribution", request["distribution"]]
        arguments += ["--recipient", request["recipient"]] if request["recipient"] else []
        arguments += ["--as-of", request["as_of"]] if request["as_of"] else []
        result = cli("generate", *arguments, "--format", "docx", "--briefs", minimal_kb, "--out", out, "--jobs", "1")

        # Only two spellings of one person's name may meet at one file, and the second is refused.
        assert result.exit_code == 0 or "not written: it holds" in result.stderr, result.output
        for name, content in seen.items():
            assert (out / name).read_bytes() == content
        seen = {path.name: path.read_bytes() for path in out.glob("*.docx")}
    files = recorded(out)["files"]
    assert sorted(files) == sorted(seen)
