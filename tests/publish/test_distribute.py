"""Distributing copies: a recipients file, attendees marked for a copy, packages and archive copies."""

import hashlib
import io
import json
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

MEETING_PREFIX = "2027-02-09_testland_uk_at-uk-visit"


@pytest.fixture
def distribute(minimal_kb: Path, tmp_path: Path, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    out = tmp_path / "out"
    meeting = minimal_kb / "testland" / "meetings" / "uk-visit.yaml"

    def run(*extra: object, expect: int = 0):
        result = cli("generate", meeting, "--briefs", minimal_kb, "--out", out, "--jobs", "1", *extra)
        assert result.exit_code == expect, result.output
        return result

    return out, run


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def manifest_files(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())["files"]


def stamp_lines(path: Path) -> set[str]:
    reader = PdfReader(path)
    return {line for page in reader.pages for line in page.extract_text().splitlines() if "Prepared for" in line}


def test_a_recipients_file_gives_each_person_a_stamped_numbered_copy(distribute, tmp_path):
    out, run = distribute
    recipients = write(tmp_path, "recipients.txt", "# delegation\nJane Doe\n\nИван Петров\n  Łukasiewicz  \n")

    run("--recipients", recipients, "--format", "pdf")

    files = manifest_files(out)
    assert sorted((entry["recipient"], entry["copy"]) for entry in files.values()) == [
        ("Jane Doe", 1),
        ("Łukasiewicz", 3),
        ("Иван Петров", 2),
    ]
    for name, entry in files.items():
        assert name.isascii() and name.startswith(MEETING_PREFIX + "_for-")
        assert entry["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()
        assert stamp_lines(out / name) == {f"Prepared for {entry['recipient']} · Copy {entry['copy']}"}


def test_names_in_arabic_hebrew_devanagari_and_chinese_print_as_written(distribute, tmp_path):
    out, run = distribute
    names = ["محمد علي", "דוד כהן", "देवेन्द्र", "王小明"]
    recipients = write(tmp_path, "recipients.txt", "\n".join(names) + "\n")

    run("--recipients", recipients, "--format", "pdf")

    files = manifest_files(out)
    assert sorted(entry["recipient"] for entry in files.values()) == sorted(names)
    for name, entry in files.items():
        # Right-to-left runs come back from the text layer in visual order; the letters are what matter.
        (stamp,) = stamp_lines(out / name)
        assert sorted(entry["recipient"].replace(" ", "")) == sorted(
            stamp.removeprefix("Prepared for ").rsplit(" · ", 1)[0].replace(" ", "")
        )
        fonts = {str(font["/BaseFont"]) for page in PdfReader(out / name).pages for font in _fonts(page)}
        assert any(f"Briefing-{script}" in " ".join(fonts) for script in ("Arabic", "Hebrew", "Devanagari", "CJK"))


def _fonts(page):
    resources = page["/Resources"]
    return [font.get_object() for font in resources.get("/Font", {}).values()] if "/Font" in resources else []


def test_a_rerun_keeps_every_copy_and_its_number(distribute, tmp_path):
    out, run = distribute
    recipients = write(tmp_path, "recipients.txt", "Jane Doe\nИван Петров\n")
    run("--recipients", recipients, "--format", "docx")
    before = manifest_files(out)

    result = run("--recipients", recipients, "--format", "docx", "--force")

    assert manifest_files(out) == before
    assert "wrote" in result.stdout


def test_a_csv_adds_the_organisation_to_the_stamp_and_the_email_to_the_record(distribute, tmp_path):
    out, run = distribute
    recipients = write(
        tmp_path,
        "list.csv",
        'name,organisation,email\nJane Doe,FCDO,jane@example.org\n"Smith, John",,\n',
    )

    run("--recipients", recipients, "--format", "pdf")

    by_recipient = {entry["recipient"]: (name, entry) for name, entry in manifest_files(out).items()}
    jane_file, jane = by_recipient["Jane Doe"]
    assert (jane["organisation"], jane["email"]) == ("FCDO", "jane@example.org")
    assert stamp_lines(out / jane_file) == {f"Prepared for Jane Doe, FCDO · Copy {jane['copy']}"}
    john_file, john = by_recipient["Smith, John"]
    assert "organisation" not in john and "email" not in john
    assert stamp_lines(out / john_file) == {f"Prepared for Smith, John · Copy {john['copy']}"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "list.csv",
            "name,organisation\nJane Doe,FCDO\n,Home Office\n",
            "3: name is empty; write the recipient's name",
        ),
        (
            "list.txt",
            "Jane Doe\nJohn\u200bSmith\n",
            "2: name contains the invisible character U+200B (ZERO WIDTH SPACE) at position 5; delete it",
        ),
        ("list.txt", "Jane Doe\nJohn Smith\njane doe\n", "3: 'jane doe' is already listed on line 1"),
        (
            "list.csv",
            "name,phone\nJane Doe,123\n",
            "1: unknown column 'phone'; the columns are name, organisation, email",
        ),
        (
            "list.csv",
            "organisation\nFCDO\n",
            "1: no 'name' column; the first line must name the columns, e.g. name,organisation,email",
        ),
        ("list.csv", "name,email\nJane Doe\n", "2: has 1 fields; the header names 2"),
        (
            "list.txt",
            "ሰላም\n",
            "1: 'ሰላም' has characters the PDF's fonts (Latin, Greek, Cyrillic, Arabic, Hebrew, Devanagari, Chinese, "
            "Japanese, Korean) cannot print: U+120B (ETHIOPIC SYLLABLE LAA), U+121D (ETHIOPIC SYLLABLE ME), "
            "U+1230 (ETHIOPIC SYLLABLE SA); write the name in Latin letters, or generate --format docx only",
        ),
        ("list.txt", "# nobody yet\n\n", "1: names no recipient; write one name per line"),
    ],
    ids=["empty-name", "invisible", "duplicate", "unknown-column", "no-name-column", "short-row", "ethiopic", "empty"],
)
def test_a_bad_line_is_reported_at_its_line_and_nothing_is_written(distribute, tmp_path, name, content, message):
    out, run = distribute
    recipients = write(tmp_path, name, content)

    result = run("--recipients", recipients, expect=2)

    assert result.stderr.splitlines()[0] == f"{recipients}:{message}"
    assert not out.exists()


def test_every_bad_line_is_reported_in_one_run(distribute, tmp_path):
    out, run = distribute
    recipients = write(tmp_path, "list.txt", "Jane\u202eDoe\nJane Doe\nJohn\rSmith\nJane Doe\n")

    result = run("--recipients", recipients, expect=2)

    assert [line.split(": ", 1)[0] for line in result.stderr.splitlines()[:-1]] == [
        f"{recipients}:1",
        f"{recipients}:3",
        f"{recipients}:4",
    ]
    assert result.stderr.splitlines()[-1] == "3 problems found."
    assert not out.exists()


def test_a_withheld_person_as_recipient_is_refused_at_their_line(distribute, tmp_path, minimal_kb):
    out, run = distribute
    cases = minimal_kb / "testland" / "cases.yaml"
    cases.write_text(cases.read_text().replace("may_name: true", "may_name: false"))
    recipients = write(tmp_path, "list.txt", "Jane Roe\nJAN DOE\n")

    result = run("--recipients", recipients, expect=2)

    first = result.stderr.splitlines()[0]
    assert first == f"{recipients}:2: names a person who may not be named in a public copy (the case at cases.yaml:1)"
    assert not out.exists()


def test_an_email_naming_a_withheld_person_is_refused_at_its_line_before_the_folder_is_made(
    distribute, tmp_path, minimal_kb
):
    out, run = distribute
    cases = minimal_kb / "testland" / "cases.yaml"
    cases.write_text(cases.read_text().replace("may_name: true", "may_name: false"))
    recipients = write(tmp_path, "list.csv", "name,email\nAnn Lee,ann@example.org\nBob Jones,jan.doe@example.org\n")

    result = run("--recipients", recipients, "--format", "docx", expect=2)

    assert result.stderr.splitlines()[0] == (
        f"{recipients}:3: email names a person who may not be named in a public copy (the case at cases.yaml:1)"
    )
    assert not out.exists()


def test_attendees_marked_for_a_copy_get_one(distribute, minimal_kb, tmp_path):
    out, run = distribute
    meeting = minimal_kb / "testland" / "meetings" / "uk-visit.yaml"
    meeting.write_text(
        meeting.read_text()
        + "attendees:\n"
        + "  - {name: Anna Smith, role: Desk officer, side: theirs, copy: true}\n"
        + "  - {name: Bob Jones, role: Adviser, side: theirs}\n"
    )
    recipients = write(tmp_path, "list.txt", "Jane Doe\n")

    run("--recipients", recipients, "--format", "pdf")

    files = manifest_files(out)
    assert sorted(entry["recipient"] for entry in files.values()) == ["Anna Smith", "Jane Doe"]
    (anna,) = [name for name, entry in files.items() if entry["recipient"] == "Anna Smith"]
    assert stamp_lines(out / anna) == {f"Prepared for Anna Smith · Copy {files[anna]['copy']}"}


def test_an_attendee_who_may_not_be_named_is_refused_at_their_line(distribute, minimal_kb):
    out, run = distribute
    cases = minimal_kb / "testland" / "cases.yaml"
    cases.write_text(cases.read_text().replace("may_name: true", "may_name: false"))
    meeting = minimal_kb / "testland" / "meetings" / "uk-visit.yaml"
    before = meeting.read_text()
    meeting.write_text(
        before
        + "attendees:\n"
        + "  - {name: Bob Jones, role: Adviser, side: theirs, copy: true}\n"
        + "  - role: Desk officer\n"
        + "    side: theirs\n"
        + "    name: Jane Doe\n"
        + "    copy: true\n"
    )
    line = before.count("\n") + 5

    result = run(expect=2)

    assert result.stderr.splitlines()[0] == (
        f"{meeting}:{line}: names a person who may not be named in a public copy (the case at cases.yaml:1)"
    )
    assert not out.exists()


def test_an_attendee_marked_for_a_copy_needs_a_name(distribute, minimal_kb):
    out, run = distribute
    meeting = minimal_kb / "testland" / "meetings" / "uk-visit.yaml"
    meeting.write_text(meeting.read_text() + "attendees:\n  - {role: Desk officer, side: theirs, copy: true}\n")

    result = run(expect=2)

    assert "copy: true needs the attendee's name" in result.stderr
    assert not out.exists()


def read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_package_holds_the_copies_and_cover_notes_listing_their_hashes(distribute, tmp_path):
    out, run = distribute
    recipients = write(tmp_path, "list.csv", "name,organisation\nJane Doe,FCDO\nИван Петров,\n")

    run("--recipients", recipients, "--package")

    files = manifest_files(out)
    package = out / f"{MEETING_PREFIX}_copies.zip"
    assert files[package.name]["format"] == "zip"
    assert files[package.name]["sha256"] == hashlib.sha256(package.read_bytes()).hexdigest()
    members = read_zip(package)
    copies = sorted(name for name in files if name != package.name)
    assert len(copies) == 4
    assert sorted(members) == sorted([*copies, "cover-note.docx", "cover-note.txt"])
    note = members["cover-note.txt"].decode()
    docx_text = "\n".join(
        cell.text
        for table in docx.Document(io.BytesIO(members["cover-note.docx"])).tables
        for row in table.rows
        for cell in row.cells
    )
    for name in copies:
        digest = hashlib.sha256(members[name]).hexdigest()
        assert digest == files[name]["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()
        assert f"File: {name}\n" in note and f"SHA-256: {digest}\n" in note
        assert name in docx_text and digest in docx_text
    assert "Recipient: Jane Doe, FCDO\n" in note and "Recipient: Иван Петров\n" in note
    assert note.startswith("Copies of Meeting with FCDO officials\n")
    with zipfile.ZipFile(package) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2027, 1, 15, 0, 0, 0)}
        assert [info.filename for info in archive.infolist()] == sorted(members)


def test_the_cover_note_uses_the_briefings_word_styles(distribute, tmp_path):
    out, run = distribute
    run("--recipients", write(tmp_path, "list.txt", "Jane Doe\n"), "--package", "--format", "docx")

    note = docx.Document(io.BytesIO(read_zip(out / f"{MEETING_PREFIX}_copies.zip")["cover-note.docx"]))

    assert note.paragraphs[0].style.name == "Title"
    assert note.tables[0].style.name == "Briefing Table"
    assert note.tables[0].rows[0].cells[0].paragraphs[0].style.name == "Table Text"


def test_a_package_is_the_same_bytes_when_rebuilt(distribute, tmp_path):
    out, run = distribute
    recipients = write(tmp_path, "list.txt", "Jane Doe\n")
    run("--recipients", recipients, "--package", "--format", "docx")
    package = out / f"{MEETING_PREFIX}_copies.zip"
    first = package.read_bytes()
    package.unlink()

    run("--recipients", recipients, "--package", "--format", "docx")

    assert package.read_bytes() == first


def test_archive_copies_are_pdfa_with_fonts_embedded_and_nothing_active(distribute, tmp_path):
    out, run = distribute
    run("--recipients", write(tmp_path, "list.txt", "Иван Петров\n"), "--archive", "--format", "pdf")

    files = manifest_files(out)
    (archive_name,) = [name for name in files if name.endswith(".archive.pdf")]
    assert files[archive_name]["format"] == "pdfa"
    reader = PdfReader(out / archive_name)
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="A"' in xmp
    (intent,) = root["/OutputIntents"]
    assert intent.get_object()["/S"] == "/GTS_PDFA1" and "/DestOutputProfile" in intent.get_object()
    assert not reader.is_encrypted
    assert "/JavaScript" not in (root.get("/Names") or {}) and "/OpenAction" not in root and "/AA" not in root
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = (
                font.get_object().get("/FontDescriptor")
                or font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            )
            assert any(key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert stamp_lines(out / archive_name) == {f"Prepared for Иван Петров · Copy {files[archive_name]['copy']}"}
