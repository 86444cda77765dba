"""Meeting records: the skeleton, "Since we last met", follow-ups and the follow-up letter."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import docx
import yaml
from pypdf import PdfReader

from tests.conftest import build_knowledge_base

RECORD = """\
meeting: uk-visit
held_on: 2027-02-09
sensitivity: public
attended:
  - role: Desk officer
    side: theirs
raised:
  - item: free-protesters
  - text: Press freedom
they_said:
  - text: The desk will look into the protest cases.
    sensitivity: public
  - text: Ministers are privately uneasy about the sentences.
commitments:
  - id: raise-cases
    who: Desk officer
    what: Raise the protesters' cases with the embassy
    by: 2027-03-01
  - id: write-minister
    who: Desk officer
    what: Put the dialogue proposal to the minister
    by: 2027-06-30
  - id: share-list
    who: Desk officer
    what: Share the list of detained protesters with the embassy
    by: 2027-02-20
    status: met
actions:
  - owner: Advocacy lead
    what: Send the follow-up letter
    due: 2027-02-16
  - owner: Researcher
    what: Update the case file
    due: 2027-04-30
    done: true
"""

LATER_MEETING = """\
id: uk-visit-2
country: testland
audience: uk
date: 2027-05-10
place: London
title: Second meeting with FCDO officials
purpose: Follow up the release of protesters.
length: full
distribution: public
"""

FIRST_OF_APRIL_2027 = "1806537600"
"""The build date the statuses are judged on: raise-cases overdue, write-minister open, share-list met."""


def with_record(tmp_path: Path, record: str = RECORD, later: bool = True) -> Path:
    briefs = build_knowledge_base(tmp_path / "briefs")
    (briefs / "testland" / "meetings" / "uk-visit.record.yaml").write_text(record, encoding="utf-8")
    if later:
        (briefs / "testland" / "meetings" / "uk-visit-2.yaml").write_text(LATER_MEETING, encoding="utf-8")
    return briefs


# --- the skeleton ---------------------------------------------------------------


def test_record_writes_a_skeleton_that_passes_check(tmp_path: Path, cli, monkeypatch):
    briefs = build_knowledge_base(tmp_path / "briefs")
    monkeypatch.chdir(tmp_path)

    result = cli("record", "briefs/testland/meetings/uk-visit.yaml", "--briefs", "briefs")

    assert result.exit_code == 0, result.output
    assert result.stdout == "wrote briefs/testland/meetings/uk-visit.record.yaml\n"
    written = (briefs / "testland" / "meetings" / "uk-visit.record.yaml").read_text(encoding="utf-8")
    assert written.startswith("# yaml-language-server: $schema=../../../schemas/record.schema.json\n")
    assert "meeting: uk-visit\nheld_on: 2027-02-09\n" in written
    assert "raised:\n  - item: doe\n" in written
    assert "# commitments:\n#   - id: a-short-id\n" in written
    checked = cli("check", "--briefs", "briefs")
    assert checked.exit_code == 0, checked.output
    assert "1 meeting;" in checked.stdout  # the record is not read as a second meeting


def test_the_skeleton_s_examples_pass_check_once_uncommented(tmp_path: Path, cli, monkeypatch):
    """Taking '# ' from each line of an example, the list's name too, gives a list that loads."""
    briefs = build_knowledge_base(tmp_path / "briefs")
    monkeypatch.chdir(tmp_path)
    assert cli("record", "briefs/testland/meetings/uk-visit.yaml", "--briefs", "briefs").exit_code == 0
    path = briefs / "testland" / "meetings" / "uk-visit.record.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    examples = lines.index("# they_said:")
    path.write_text(
        "\n".join(
            line.removeprefix("# ") if number >= examples and re.match(r"# ( *- |[a-z_]+:| {2,}\S)", line) else line
            for number, line in enumerate(lines)
        )
        + "\n"
    )

    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [len(record[key]) for key in ("they_said", "commitments", "actions")] == [1, 1, 1]
    checked = cli("check", "--briefs", "briefs")
    assert checked.exit_code == 0, checked.output
    assert "uk-visit.record.yaml" not in checked.output


def test_record_never_overwrites_an_existing_record(tmp_path: Path, cli, monkeypatch):
    briefs = with_record(tmp_path, later=False)
    monkeypatch.chdir(tmp_path)
    before = (briefs / "testland" / "meetings" / "uk-visit.record.yaml").read_bytes()

    result = cli("record", "briefs/testland/meetings/uk-visit.yaml", "--briefs", "briefs")

    assert result.exit_code == 2
    assert result.stderr == (
        "error: briefs/testland/meetings/uk-visit.record.yaml already exists; edit it, or move it aside to start a new one\n"
    )
    assert (briefs / "testland" / "meetings" / "uk-visit.record.yaml").read_bytes() == before
    assert sorted(path.name for path in (briefs / "testland" / "meetings").iterdir()) == [
        "uk-visit.record.yaml",
        "uk-visit.yaml",
    ]


def test_the_skeleton_is_pre_filled_from_the_bundled_meeting(tmp_path: Path, cli):
    import yaml

    from generator.kb import model
    from generator.select.records import skeleton
    from tests.conftest import BUNDLED_BRIEFS

    meeting_file = BUNDLED_BRIEFS / "kazakhstan" / "meetings" / "uk-fcdo-london-2027-02.yaml"
    meeting = model.Meeting.model_validate(yaml.safe_load(meeting_file.read_text(encoding="utf-8")))
    data = yaml.safe_load(skeleton(meeting, "# schema"))

    assert data["attended"][2] == {"role": "Kazakhstan desk officer, Central Asia team, FCDO", "side": "theirs"}
    assert data["attended"][1]["sensitivity"] == "restricted"
    assert {"text": "Trade union and justice cases"} in data["raised"]
    assert {"item": "kharkova"} in data["raised"]
    assert model.Record.model_validate(data).held_on == meeting.date


def test_generate_refuses_a_record_named_as_the_meeting(tmp_path: Path, cli, monkeypatch):
    with_record(tmp_path, later=False)
    monkeypatch.chdir(tmp_path)

    result = cli("generate", "briefs/testland/meetings/uk-visit.record.yaml", "--briefs", "briefs", "--out", "out")

    assert result.exit_code == 2
    assert "is the record of a meeting, not a meeting; name the meeting file beside it" in result.stderr
    assert not (tmp_path / "out").exists()


# --- "Since we last met" ----------------------------------------------------------


def generate_later_meeting(
    tmp_path: Path, cli, monkeypatch, *extra: str, epoch: str = FIRST_OF_APRIL_2027
) -> dict[str, bytes]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = cli("generate", "briefs/testland/meetings/uk-visit-2.yaml", "--briefs", "briefs", "--out", "out", *extra)
    assert result.exit_code == 0, result.output
    return {path.suffix: path.read_bytes() for path in (tmp_path / "out").iterdir() if path.suffix in (".pdf", ".docx")}


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def docx_paragraphs(content: bytes) -> list[str]:
    return [paragraph.text for paragraph in docx.Document(io.BytesIO(content)).paragraphs]


def test_since_we_last_met_opens_the_next_briefing_in_pdf_and_docx(tmp_path: Path, cli, monkeypatch):
    with_record(tmp_path)

    files = generate_later_meeting(tmp_path, cli, monkeypatch)

    text = " ".join(pdf_text(files[".pdf"]).split())
    assert text.index("Purpose") < text.index("Key asks") < text.index("Since we last met")
    assert "Record of the meeting of 9 February 2027 (uk-visit). Our own record." in text
    # Our record is numbered among the sources where the body first cites it, after the asks'.
    paragraphs = docx_paragraphs(files[".docx"])
    (record,) = [
        number
        for paragraph in paragraphs
        for number in re.findall(
            r"^(\d+)\. Record of the meeting of 9 February 2027 \(uk-visit\)\. Our own record\.$", paragraph
        )
    ]
    assert (
        "Ask when this overdue commitment will be met, and what stands in the way. "
        f"Overdue since 1 March 2027: Desk officer: Raise the protesters' cases with the embassy{record}"
    ) in text
    assert f"Open, due 30 June 2027: Desk officer: Put the dialogue proposal to the minister{record}" in text
    assert (
        f"Met (due 20 February 2027): Desk officer: Share the list of detained protesters with the embassy{record}"
        in text
    )
    assert f"They said: The desk will look into the protest cases.{record}" in text
    heading = paragraphs.index("Since we last met")
    assert paragraphs[heading + 1] == (
        "Ask when this overdue commitment will be met, and what stands in the way.\n"
        f"Overdue since 1 March 2027: Desk officer: Raise the protesters' cases with the embassy{record}"
    )
    assert paragraphs[heading + 4] == f"They said: The desk will look into the protest cases.{record}"
    assert f"{record}. Record of the meeting of 9 February 2027 (uk-visit). Our own record." in paragraphs


def test_a_met_commitment_reads_met_and_a_later_meeting_makes_an_open_one_overdue(tmp_path: Path, cli, monkeypatch):
    briefs = with_record(tmp_path)
    later = briefs / "testland" / "meetings" / "uk-visit-2.yaml"
    later.write_text(LATER_MEETING.replace("date: 2027-05-10", "date: 2027-07-01"), encoding="utf-8")

    files = generate_later_meeting(tmp_path, cli, monkeypatch, "--format", "pdf")

    text = " ".join(pdf_text(files[".pdf"]).split())
    assert "Overdue since 30 June 2027: Desk officer: Put the dialogue proposal" in text
    assert "Met (due 20 February 2027)" in text
    assert "Open, due" not in text


def test_status_is_judged_on_the_meeting_date_not_the_build_date(tmp_path: Path, cli, monkeypatch):
    with_record(tmp_path)

    # Built on 1 February 2027, before raise-cases falls due; the meeting is on 10 May, after it.
    files = generate_later_meeting(tmp_path, cli, monkeypatch, "--format", "pdf", epoch="1801440000")

    text = " ".join(pdf_text(files[".pdf"]).split())
    assert "Overdue since 1 March 2027: Desk officer: Raise the protesters' cases" in text
    assert "Open, due 1 March 2027" not in text
    assert "Open, due 30 June 2027: Desk officer: Put the dialogue proposal" in text


def test_confidential_remarks_reach_only_a_confidential_copy(tmp_path: Path, cli, monkeypatch):
    with_record(tmp_path)

    public = generate_later_meeting(tmp_path, cli, monkeypatch)
    confidential = generate_later_meeting(tmp_path, cli, monkeypatch, "--distribution", "confidential")

    remark = "Ministers are privately uneasy"
    assert remark not in pdf_text(public[".pdf"]) and remark not in " ".join(docx_paragraphs(public[".docx"]))
    both = [name for name in (tmp_path / "out").iterdir() if "confidential" in name.name]
    assert any(remark in pdf_text(path.read_bytes()) for path in both if path.suffix == ".pdf")
    assert confidential  # the public copies were written first and are still there


def test_no_section_without_an_earlier_record_or_in_a_leave_behind(tmp_path: Path, cli, monkeypatch):
    with_record(tmp_path)

    files = generate_later_meeting(tmp_path, cli, monkeypatch, "--length", "one-page", "--format", "pdf")

    assert "Since we last met" not in pdf_text(files[".pdf"])
    assert "Record of the meeting" not in pdf_text(files[".pdf"])


WITHHELD_CASE = """
- id: vorlen
  name: Quastik Vorlen
  anonymised_as: a detained journalist
  may_name: false
  role: Journalist
  summary: Detained after reporting.
  status: In detention
  as_of: 2021-07-22
  themes: [assembly]
  priority: low
  sources:
    - source: report-2021
      passage: five years
"""


def test_a_withheld_name_in_a_record_never_reaches_a_copy_and_check_reports_it(tmp_path: Path, cli, monkeypatch):
    briefs = with_record(
        tmp_path,
        RECORD.replace("The desk will look into the protest cases.", "The desk will look into Vorlen's case.").replace(
            "Raise the protesters' cases with the embassy", "Raise the case of Q. Vorlen with the embassy"
        ),
    )
    with (briefs / "testland" / "cases.yaml").open("a", encoding="utf-8") as stream:
        stream.write(WITHHELD_CASE)
    monkeypatch.chdir(tmp_path)

    checked = cli("check", "--briefs", "briefs")
    files = generate_later_meeting(tmp_path, cli, monkeypatch, "--distribution", "confidential")

    assert checked.exit_code == 0, checked.output
    assert (
        "briefs/testland/meetings/uk-visit.record.yaml:11: warning: they_said[0].text names a person who may not be named "
        "(the case at cases.yaml:18), so this entry is left out of every copy"
    ) in checked.stderr
    assert (
        "briefs/testland/meetings/uk-visit.record.yaml:17: warning: commitments[0].what names a person"
        in checked.stderr
    )
    for text in (pdf_text(files[".pdf"]), " ".join(docx_paragraphs(files[".docx"]))):
        assert "Vorlen" not in text
        assert "Put the dialogue proposal to the minister" in text


# --- follow-ups -------------------------------------------------------------------

EU_MEETING = (
    LATER_MEETING.replace("id: uk-visit-2", "id: eu-visit")
    .replace("audience: uk", "audience: eu")
    .replace("date: 2027-05-10", "date: 2027-01-20")
)
EU_RECORD = """\
meeting: eu-visit
held_on: 2027-01-20
commitments:
  - id: ask-delegation
    who: EEAS desk
    what: Ask the delegation to attend the trial
    by: 2027-03-20
actions:
  - owner: Advocacy lead
    what: Send the EEAS the trial dates
    due: 2027-05-01
"""


def with_two_audiences(tmp_path: Path) -> Path:
    briefs = with_record(tmp_path, later=False)
    uk = (briefs / "audiences" / "uk.yaml").read_text(encoding="utf-8")
    (briefs / "audiences" / "eu.yaml").write_text(uk.replace("id: uk", "id: eu", 1), encoding="utf-8")
    (briefs / "testland" / "meetings" / "eu-visit.yaml").write_text(EU_MEETING, encoding="utf-8")
    (briefs / "testland" / "meetings" / "eu-visit.record.yaml").write_text(EU_RECORD, encoding="utf-8")
    return briefs


def test_followups_lists_what_is_open_overdue_first_then_by_date(tmp_path: Path, cli, monkeypatch):
    with_two_audiences(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIRST_OF_APRIL_2027)

    result = cli("followups", "--briefs", "briefs")

    assert result.exit_code == 1, result.output  # something is overdue
    assert result.stdout.splitlines() == [
        "due         status   side    who            what                                          meeting",
        "2027-02-16  overdue  ours    Advocacy lead  Send the follow-up letter                     uk-visit",
        "2027-03-01  overdue  theirs  Desk officer   Raise the protesters' cases with the embassy  uk-visit",
        "2027-03-20  overdue  theirs  EEAS desk      Ask the delegation to attend the trial        eu-visit",
        "2027-05-01  open     ours    Advocacy lead  Send the EEAS the trial dates                 eu-visit",
        "2027-06-30  open     theirs  Desk officer   Put the dialogue proposal to the minister     uk-visit",
    ]


def test_followups_filters_by_overdue_and_audience(tmp_path: Path, cli, monkeypatch):
    with_two_audiences(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIRST_OF_APRIL_2027)

    overdue_eu = cli("followups", "--briefs", "briefs", "--overdue", "--audience", "eu")
    uk = cli("followups", "--briefs", "briefs", "--audience", "uk")
    unknown = cli("followups", "--briefs", "briefs", "--audience", "us")

    assert overdue_eu.exit_code == 1
    assert overdue_eu.stdout.splitlines()[1:] == [
        "2027-03-20  overdue  theirs  EEAS desk  Ask the delegation to attend the trial  eu-visit"
    ]
    assert [line.split()[-1] for line in uk.stdout.splitlines()[1:]] == ["uk-visit"] * 3
    assert unknown.exit_code == 2
    assert unknown.stderr == "error: no audience 'us'; choose one of eu, uk\n"


def test_followups_as_of_judges_overdue_on_that_day_and_exits_1_only_when_something_is(
    tmp_path: Path, cli, monkeypatch
):
    with_two_audiences(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIRST_OF_APRIL_2027)

    before = cli("followups", "--briefs", "briefs", "--as-of", "2027-02-10")
    before_overdue = cli("followups", "--briefs", "briefs", "--as-of", "2027-02-10", "--overdue")
    later = cli("followups", "--briefs", "briefs", "--as-of", "2027-07-01", "--overdue")
    bad = cli("followups", "--briefs", "briefs", "--as-of", "1 July")

    assert before.exit_code == 0, before.output
    assert [line.split()[1] for line in before.stdout.splitlines()[1:]] == ["open"] * 5
    assert before_overdue.exit_code == 0
    assert before_overdue.output == "Nothing overdue.\n"
    assert later.exit_code == 1
    assert [line.split()[0] for line in later.stdout.splitlines()[1:]] == [
        "2027-02-16",
        "2027-03-01",
        "2027-03-20",
        "2027-05-01",
        "2027-06-30",
    ]
    assert bad.exit_code == 2


def test_followups_never_prints_a_withheld_name(tmp_path: Path, cli, monkeypatch):
    briefs = with_record(tmp_path, RECORD.replace("Raise the protesters' cases", "Raise Vorlen's case"), later=False)
    with (briefs / "testland" / "cases.yaml").open("a", encoding="utf-8") as stream:
        stream.write(WITHHELD_CASE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIRST_OF_APRIL_2027)

    result = cli("followups", "--briefs", "briefs")

    assert result.exit_code == 1
    assert "Vorlen" not in result.output
    assert "Put the dialogue proposal to the minister" in result.stdout


# --- the letter -------------------------------------------------------------------


def test_letter_thanks_and_restates_commitments_and_asks_in_pdf_and_docx(tmp_path: Path, cli, monkeypatch):
    with_record(tmp_path, later=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIRST_OF_APRIL_2027)

    result = cli("letter", "briefs/testland/meetings/uk-visit.record.yaml", "--briefs", "briefs", "--out", "out")

    assert result.exit_code == 0, result.output
    stem = "out/2027-02-09_testland_uk_at-uk-visit_restricted_letter"
    assert result.stdout.splitlines() == [f"wrote {stem}.pdf", f"wrote {stem}.docx"]
    pdf = PdfReader(tmp_path / f"{stem}.pdf")
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    paragraphs = docx_paragraphs((tmp_path / f"{stem}.docx").read_bytes())
    assert len(pdf.pages) == 1
    for body in (text, " ".join(paragraphs)):
        assert "Dear colleagues, Thank you for meeting us in London on 9 February 2027." in body
        assert "Desk officer: Raise the protesters' cases with the embassy (by 1 March 2027)" in body
        assert "Raise the release of peaceful protesters at the next ministerial meeting." in body
        assert "Press freedom" in body
        assert "Yours sincerely, Test advocacy team" in body
        # What the counterpart said stays with us, even what they said on the record.
        assert "The desk will look into" not in body and "privately uneasy" not in body
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["files"][Path(stem).name + ".pdf"]["document"] == "letter"


def test_a_letter_built_before_the_meeting_is_dated_the_day_of_the_meeting(tmp_path: Path, cli, monkeypatch):
    with_record(tmp_path, later=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1801440000")  # 1 February 2027, before the meeting of 9 February

    result = cli("letter", "briefs/testland/meetings/uk-visit.record.yaml", "--briefs", "briefs", "--out", "out")

    assert result.exit_code == 0, result.output
    stem = "2027-02-09_testland_uk_at-uk-visit_restricted_letter"
    paragraphs = docx_paragraphs((tmp_path / "out" / f"{stem}.docx").read_bytes())
    pdf = " ".join(pdf_text((tmp_path / "out" / f"{stem}.pdf").read_bytes()).split())
    for body in (pdf, " ".join(paragraphs)):
        assert "1 February 2027" not in body
        assert body.count("9 February 2027") >= 2
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["files"][f"{stem}.pdf"]["date"] == "2027-02-09"


def test_letter_leaves_out_what_is_above_its_level(tmp_path: Path, cli, monkeypatch):
    with_record(
        tmp_path,
        RECORD.replace("    by: 2027-06-30\n", "    by: 2027-06-30\n    sensitivity: restricted\n"),
        later=False,
    )
    monkeypatch.chdir(tmp_path)

    result = cli(
        "letter",
        "briefs/testland/meetings/uk-visit.record.yaml",
        "--briefs",
        "briefs",
        "--out",
        "out",
        "--distribution",
        "public",
        "--format",
        "docx",
    )

    assert result.exit_code == 0, result.output
    body = " ".join(docx_paragraphs((tmp_path / "out" / "2027-02-09_testland_uk_at-uk-visit_letter.docx").read_bytes()))
    assert "Raise the protesters' cases" in body
    assert "Put the dialogue proposal" not in body
    assert (
        cli(
            "letter",
            "briefs/testland/meetings/uk-visit.record.yaml",
            "--briefs",
            "briefs",
            "--distribution",
            "confidential",
        ).exit_code
        == 2
    )


# --- in another language --------------------------------------------------------

FRENCH_RECORD = {
    "records:uk-visit:commitments.0.who": "Agent de la direction géographique",
    "records:uk-visit:commitments.1.who": "Agent de la direction géographique",
    "records:uk-visit:commitments.2.who": "Agent de la direction géographique",
    "records:uk-visit:commitments.0.what": "Soulever les cas des manifestants auprès de l’ambassade",
    "records:uk-visit:commitments.1.what": "Soumettre la proposition de dialogue au ministre",
    "records:uk-visit:commitments.2.what": "Transmettre à l’ambassade la liste des manifestants détenus",
    "records:uk-visit:they_said.0.text": "La direction examinera les cas des manifestants.",
    "records:uk-visit:they_said.1.text": "En privé, les ministres s’inquiètent des peines.",
}
"""The French of what a briefing prints of the record; what we raised in our own words is the letter's."""

FRENCH_LETTER = {
    **FRENCH_RECORD,
    "records:uk-visit:raised.1.text": "Liberté de la presse",
    "meetings:uk-visit:title": "Réunion avec des responsables du FCDO",
    "meetings:uk-visit:place": "Londres",
    "recommendations:free-protesters:asks.uk": "Soulever la libération des manifestants pacifiques à la prochaine réunion ministérielle.",
    "audiences:uk:name": "Royaume-Uni",
    "audiences:uk:full_name": "Gouvernement du Royaume-Uni",
    "audiences:uk:addressee": "les responsables du FCDO",
    "country:testland:prepared_by": "Équipe de plaidoyer de test",
}
"""Everything the record's letter prints, in French."""


def in_french(briefs: Path, cli, translated: dict[str, str]) -> Path:
    """`briefing translate fr`, then the entries of `translated` translated as a translator's editor would."""
    from generator.kb import translations

    assert cli("translate", "fr", "--briefs", briefs).exit_code == 0
    po = briefs / "testland" / "translations" / "fr.po"
    catalog = translations._read_catalog(po)
    wanted = dict(translated)
    for message in catalog:
        if message.context in wanted:
            message.string = wanted.pop(message.context)
    assert not wanted, f"no such entries: {sorted(wanted)}"
    po.write_bytes(translations.as_bytes(catalog))
    return po


def test_since_we_last_met_in_french_prints_the_record_s_translation_unmarked(tmp_path: Path, cli, monkeypatch):
    briefs = with_record(tmp_path)
    in_french(briefs, cli, FRENCH_RECORD)

    files = generate_later_meeting(tmp_path, cli, monkeypatch, "--language", "fr", "--format", "pdf")

    text = " ".join(pdf_text(files[".pdf"]).split())
    since = text[text.index("Depuis notre dernière réunion") :]
    assert (
        "Demander quand cet engagement en retard sera tenu, et ce qui y fait obstacle. En retard depuis le "
        "1 mars 2027 : Agent de la direction géographique : Soulever les cas des manifestants auprès de l’ambassade"
    ) in since
    assert "Ils ont déclaré : La direction examinera les cas des manifestants." in since
    assert "Raise the protesters' cases" not in text and "Desk officer" not in text
    assert "ambassade (en anglais)" not in text


def test_an_untranslated_record_is_shown_in_english_marked_and_counted_once(tmp_path: Path, cli, monkeypatch):
    briefs = with_record(tmp_path)
    in_french(briefs, cli, FRENCH_RECORD)
    before = generate_later_meeting(tmp_path, cli, monkeypatch, "--language", "fr", "--format", "pdf")
    translated = " ".join(pdf_text(before[".pdf"]).split())
    in_french(briefs, cli, {"records:uk-visit:they_said.0.text": ""})

    files = generate_later_meeting(tmp_path, cli, monkeypatch, "--language", "fr", "--format", "pdf", "--force")

    text = " ".join(pdf_text(files[".pdf"]).split())
    # The record is one item: shown whole in English, each of its entries marked, counted once.
    assert "Desk officer : Raise the protesters' cases with the embassy (en anglais)" in text
    assert "Ils ont déclaré : The desk will look into the protest cases. (en anglais)" in text
    assert "Soulever les cas" not in text
    (before,) = re.findall(r"(\d+) éléments pas encore traduits", translated)
    (after,) = re.findall(r"(\d+) éléments pas encore traduits", text)
    assert int(after) == int(before) + 1


def test_a_remark_a_copy_leaves_out_never_holds_the_rest_of_its_record_in_english(tmp_path: Path, cli, monkeypatch):
    briefs = with_record(tmp_path)
    confidential_remark = "records:uk-visit:they_said.1.text"
    in_french(briefs, cli, {**FRENCH_RECORD, confidential_remark: ""})

    public = generate_later_meeting(tmp_path, cli, monkeypatch, "--language", "fr", "--format", "pdf")
    refused = cli(
        "generate",
        "briefs/testland/meetings/uk-visit-2.yaml",
        "--briefs",
        "briefs",
        "--out",
        "out",
        "--language",
        "fr",
        "--distribution",
        "confidential",
        "--strict",
    )

    text = " ".join(pdf_text(public[".pdf"]).split())
    since = text[text.index("Depuis notre dernière réunion") :]
    assert "Soulever les cas des manifestants auprès de l’ambassade" in since
    assert "Raise the protesters' cases" not in text and "ambassade (en anglais)" not in text
    assert refused.exit_code == 2
    assert f"{confidential_remark} is not translated in fr.po" in refused.output


def test_a_french_letter_prints_the_record_the_asks_and_the_meeting_in_french(tmp_path: Path, cli, monkeypatch):
    briefs = with_record(tmp_path, later=False)
    in_french(briefs, cli, FRENCH_LETTER)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIRST_OF_APRIL_2027)

    result = cli(
        "letter", "briefs/testland/meetings/uk-visit.record.yaml", "--language", "fr", "--strict",
        "--briefs", "briefs", "--out", "out",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    # Beside the letter in the audience's own language, not over it: the file name says the language.
    stem = "out/2027-02-09_testland_uk_at-uk-visit_restricted_in-fr_letter"
    assert result.stdout.splitlines() == [f"wrote {stem}.pdf", f"wrote {stem}.docx"]
    text = " ".join(pdf_text((tmp_path / f"{stem}.pdf").read_bytes()).split())
    docx_text = " ".join(" ".join(docx_paragraphs((tmp_path / f"{stem}.docx").read_bytes())).split())
    for body in (text, docx_text):
        assert "Réunion avec des responsables du FCDO" in body
        assert "Nous vous remercions de nous avoir reçus à Londres le 9 février 2027." in body
        assert "Agent de la direction géographique : Soulever les cas des manifestants auprès de l’ambassade" in body
        assert "Soulever la libération des manifestants pacifiques à la prochaine réunion ministérielle." in body
        assert "Liberté de la presse" in body
        assert "Veuillez agréer nos salutations distinguées, Équipe de plaidoyer de test" in body
        assert "Destinataire les responsables du FCDO · " in body and "Expéditeur" not in body
        for english in ("Raise the protesters", "Press freedom", "Raise the release", "London", "advocacy team"):
            assert english not in body, english
        assert "(en anglais)" not in body and "pas encore traduit" not in body
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["files"][Path(stem).name + ".pdf"]["language"] == "fr"


def test_a_french_letter_marks_what_is_still_in_english(tmp_path: Path, cli, monkeypatch):
    briefs = with_record(tmp_path, later=False)
    untranslated = ("records:uk-visit:raised.1.text", "country:testland:prepared_by", "meetings:uk-visit:title")
    in_french(briefs, cli, {**FRENCH_LETTER, **dict.fromkeys(untranslated, "")})
    monkeypatch.chdir(tmp_path)

    result = cli(
        "letter", "briefs/testland/meetings/uk-visit.record.yaml", "--language", "fr", "--format", "pdf",
        "--briefs", "briefs", "--out", "out",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    text = " ".join(pdf_text(next((tmp_path / "out").glob("*_in-fr_letter.pdf")).read_bytes()).split())
    assert "Raise the protesters' cases with the embassy (en anglais)" in text
    assert "Press freedom (en anglais)" in text
    assert "Test advocacy team (en anglais)" in text
    assert "Meeting with FCDO officials (en anglais)" in text
    assert "3 éléments pas encore traduits, affichés en anglais et signalés comme tels" in text


def test_strict_refuses_a_french_briefing_or_letter_with_an_untranslated_record_entry_at_its_line(
    tmp_path: Path, cli, monkeypatch
):
    briefs = with_record(tmp_path)
    po = in_french(briefs, cli, {**FRENCH_LETTER, "records:uk-visit:commitments.1.what": ""})
    line = po.read_text().split("\n").index('msgctxt "records:uk-visit:commitments.1.what"') + 2
    monkeypatch.chdir(tmp_path)

    briefing = cli(
        "generate", "briefs/testland/meetings/uk-visit-2.yaml", "--language", "fr", "--strict", "--format", "pdf",
        "--briefs", "briefs", "--out", "out",
    )  # fmt: skip
    letter = cli(
        "letter", "briefs/testland/meetings/uk-visit.record.yaml", "--language", "fr", "--strict",
        "--briefs", "briefs", "--out", "out",
    )  # fmt: skip

    entry = f"{po.relative_to(tmp_path)}:{line}: records:uk-visit:commitments.1.what is not translated in fr.po"
    assert briefing.exit_code == 2, briefing.output
    assert f"{entry} and this briefing would print it; --strict refuses it" in briefing.stderr
    assert letter.exit_code == 2, letter.output
    assert f"{entry} and this letter would print it; --strict refuses it" in letter.stderr
    assert not (tmp_path / "out").exists()


def test_a_letter_in_a_language_without_a_catalogue_is_refused(tmp_path: Path, cli, monkeypatch):
    with_record(tmp_path, later=False)
    monkeypatch.chdir(tmp_path)

    result = cli("letter", "briefs/testland/meetings/uk-visit.record.yaml", "--language", "xx", "--briefs", "briefs")

    assert result.exit_code == 2
    assert "--language 'xx' has no catalogue" in result.stderr
