"""A manifest entry is written in the shape earlier runs wrote it, and an earlier manifest is kept as it was."""

import dataclasses
import json
from pathlib import Path

import pytest

from generator.core.errors import ManifestDamaged
from generator.publish import manifest

BRIEFING = manifest.Entry(
    country="kazakhstan",
    audience="uk",
    meeting="uk-fcdo",
    distribution="restricted",
    length="full",
    language="en-GB",
    as_of=None,
    format="pdf",
    recipient="Jane Smith",
    date="2027-01-15",
    knowledge_base="0" * 16,
    key="k",
    generator="1",
    copy=1,
)


def test_a_briefings_entry_lists_its_fields_in_the_order_every_run_wrote_them():
    assert list(BRIEFING.as_json()) == [
        "country",
        "audience",
        "meeting",
        "distribution",
        "length",
        "language",
        "as_of",
        "format",
        "recipient",
        "date",
        "knowledge_base",
        "key",
        "generator",
        "copy",
    ]
    with_contact = dataclasses.replace(BRIEFING, organisation="FCDO", email="jane@example.org").as_json()
    assert list(with_contact)[-2:] == ["organisation", "email"]


def test_a_letters_entry_has_no_length_and_says_it_is_a_letter():
    letter = dataclasses.replace(BRIEFING, length=None, recipient=None, copy=None, document="letter").as_json()

    assert "length" not in letter
    assert list(letter)[-3:] == ["generator", "copy", "document"]
    assert manifest.identity(letter)["length"] == "full"


def test_a_packages_entry_lists_the_recipient_among_the_identity_fields():
    package = dataclasses.replace(BRIEFING, format=manifest.PACKAGE_FORMAT, recipient=None, copy=None).as_json()

    assert list(package)[:9] == [
        "country",
        "audience",
        "meeting",
        "distribution",
        "length",
        "recipient",
        "language",
        "as_of",
        "format",
    ]


def test_an_earlier_versions_manifest_is_written_back_as_it_was(tmp_path: Path):
    earlier = {
        "files": {
            "a.pdf": {
                "audience": "uk",
                "meeting": None,
                "format": "pdf",
                "distribution": "public",
                "recipient": None,
                "date": "2027-01-15",
                "knowledge_base": "0" * 16,
                "key": "k",
                "sha256": "0" * 64,
            }
        }
    }
    content = (json.dumps(earlier, indent=2) + "\n").encode()

    assert manifest.parse(content, tmp_path / manifest.MANIFEST).to_bytes() == content


def test_an_entry_about_to_be_written_is_the_same_copy_as_its_record():
    recorded = {**BRIEFING.as_json(), "sha256": "0" * 64}

    assert manifest.same_copy(recorded, BRIEFING)
    assert not manifest.same_copy(recorded, dataclasses.replace(BRIEFING, length="one-page"))
    assert (
        manifest.describe(BRIEFING)
        == "the restricted PDF for uk at meeting uk-fcdo (kazakhstan, en-GB), stamped for Jane Smith"
    )


ARCHIVED = {"report-2021": {"archive": "sources/report-2021.txt", "sha256": "a" * 64}}


def test_the_archived_sources_of_a_briefing_come_last_and_only_when_it_has_some():
    archived = dataclasses.replace(BRIEFING, sources=ARCHIVED).as_json()

    assert list(archived)[-1] == "sources"
    assert archived["sources"] == ARCHIVED
    assert "sources" not in BRIEFING.as_json()


def test_archived_sources_not_of_their_shape_are_a_damaged_manifest(tmp_path: Path):
    entry = {**dataclasses.replace(BRIEFING, sources=ARCHIVED).as_json(), "sha256": "b" * 64}
    good = json.dumps({"files": {"x.pdf": entry}}).encode()
    bad = json.dumps({"files": {"x.pdf": {**entry, "sources": {"report-2021": {"archive": "x"}}}}}).encode()

    assert manifest.parse(good, tmp_path / "manifest.json").files["x.pdf"]["sources"] == ARCHIVED
    with pytest.raises(ManifestDamaged, match='has "sources" that are not an object of archived texts'):
        manifest.parse(bad, tmp_path / "manifest.json")
