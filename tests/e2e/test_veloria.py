"""A second country, written from scratch and made up: the Republic of Veloria.

Its one named journalist may not be named. Her name is typed with decomposed
accents (NFD), and the facts mention her as a reader would write her: with
the accents, without them, and by surname alone. None of it may reach the
lender's PDF or DOCX, which still carry everything else.
"""

import re
import unicodedata
import zipfile
from pathlib import Path

from anyascii import anyascii
from pypdf import PdfReader

NAME = unicodedata.normalize("NFD", "Željka Marčević")

FILES = {
    "themes.yaml": """
- id: press
  label: Press freedom
- id: finance
  label: Public finance
""",
    "veloria/country.yaml": """
id: veloria
name: Republic of Veloria
prepared_by: Veloria monitoring desk
stale_after_days: 3650
""",
    "veloria/sources.yaml": """
- id: monitor-2025
  title: Veloria press monitor
  publisher: Northern Press Watch
  date: 2025-03-14
  kind: ngo-report
  url: https://example.org/veloria-monitor
""",
    "veloria/facts.yaml": f"""
- id: editor-arrested
  text: "Police arrested the editor {NAME} at her newsroom."
  themes: [press]
  as_of: 2025-03-01
  priority: high
  sources:
    - source: monitor-2025
      passage: arrested the editor
- id: surname-only
  text: Prosecutors say Marcevic's articles harmed the state budget talks.
  themes: [finance]
  as_of: 2025-03-02
  priority: high
  sources:
    - source: monitor-2025
      passage: budget talks
- id: composed-form
  text: "{unicodedata.normalize("NFC", "Željka")} has been held for three months without trial."
  themes: [press]
  as_of: 2025-03-03
  priority: high
  sources:
    - source: monitor-2025
      passage: three months
- id: licences-revoked
  text: The press regulator revoked eleven broadcast licences in 2024.
  themes: [press]
  as_of: 2025-01-10
  priority: high
  sources:
    - source: monitor-2025
      passage: eleven broadcast licences
""",
    "veloria/cases.yaml": f"""
- id: case-north-editor
  name: "{NAME}"
  aliases: [Zeljka Marcevic]
  anonymised_as: an editor from the northern provinces
  may_name: false
  role: Newspaper editor
  summary: Arrested at her newsroom after reporting on procurement.
  status: Held without trial
  as_of: 2025-03-01
  themes: [press]
  priority: high
  sources:
    - source: monitor-2025
      passage: arrested the editor
""",
    "veloria/recommendations.yaml": """
- id: protect-press
  addressee: government
  text: Stop prosecuting journalists for their reporting.
  themes: [press, finance]
  priority: high
  asks:
    default: Make budget support conditional on ending prosecutions of journalists.
  sources:
    - source: monitor-2025
      passage: prosecutions
""",
    "veloria/responses.yaml": """
- id: licensing-is-technical
  claim: Licences were revoked for technical reasons.
  reply: Eleven licences went in one year, all of outlets critical of the government.
  themes: [press]
  priority: medium
  sources:
    - source: monitor-2025
      passage: eleven broadcast licences
""",
    "audiences/lender.yaml": """
id: lender
name: Multilateral lenders
full_name: Development Bank of the North
addressee: Bank staff working on Veloria
language: en-GB
paper: a4
date_style: day-month
theme_weights:
  press: 2
  finance: 3
""",
    "veloria/levers/lender.yaml": """
- id: budget-support
  name: Budget support
  text: Budget support is reviewed every year.
  themes: [finance]
  sources:
    - source: monitor-2025
      passage: budget support
""",
}


def letters(text: str) -> str:
    folded = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())
    return re.sub(r"[^a-z]", "", anyascii("".join(c for c in folded if not unicodedata.combining(c))).lower())


def test_a_made_up_country_never_names_its_protected_journalist(tmp_path: Path, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    briefs = tmp_path / "briefs"
    for name, text in FILES.items():
        (briefs / name).parent.mkdir(parents=True, exist_ok=True)
        (briefs / name).write_text(text.lstrip(), encoding="utf-8")
    assert unicodedata.is_normalized("NFD", (briefs / "veloria" / "cases.yaml").read_text(encoding="utf-8"))
    out = tmp_path / "out"

    checked = cli("check", "--briefs", briefs)
    result = cli("generate", "--audience", "lender", "--out", out, "--briefs", briefs)

    assert checked.exit_code == 0, checked.output
    lines = checked.stderr.splitlines()
    warned = [line.split(": ", 1)[0].removeprefix(f"{briefs}/") for line in lines[:-3]]
    # The made-up monitor has no archived text, so its passages go unverified.
    assert warned == [
        "veloria/facts.yaml:2",
        "veloria/facts.yaml:10",
        "veloria/facts.yaml:18",
        "veloria/sources.yaml:1",
    ]
    assert [line.split(":")[0] for line in lines[-3:]] == [
        "Warnings by kind (--only KIND shows one kind)",
        "  withheld",
        "  unarchived",
    ]
    assert result.exit_code == 0, result.output
    pdf = PdfReader(out / "2026-01-01_veloria_lender.pdf")
    with zipfile.ZipFile(out / "2026-01-01_veloria_lender.docx") as archive:
        docx = "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    pdf_text = "\n".join([*(page.extract_text() for page in pdf.pages), *map(str, (pdf.metadata or {}).values())])
    for text in (pdf_text, docx, (out / "manifest.json").read_text(), checked.output, result.output):
        assert "zeljka" not in letters(text) and "marcevic" not in letters(text)
    for text in (pdf_text, docx):
        for shown in ("Republic of Veloria", "eleven broadcast licences", "An editor from the northern provinces"):
            assert letters(shown) in letters(text)
