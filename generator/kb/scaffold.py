"""`briefing new`: the files of a new country or meeting, each passing `check` as written.

Every file starts with the line that points a YAML editor at its schema,
and teaches in comments what each field is for. An optional part is written
as a commented example whose lines work once the `#` is removed from each,
key and all: a list is never written as `[]` above an example of its
entries. A country's list files are the exception the loader asks for: they
hold `[]` until the first entry, which replaces it.

Nothing is ever written over an existing file, and a country's files are
written all or none.
"""

from __future__ import annotations

import datetime
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from generator.core.errors import BriefingError
from generator.core.files import write_new
from generator.kb import model
from generator.kb.ingest.add import yaml_scalar
from generator.kb.layout import ITEM_KINDS, country_dirs
from generator.kb.load import find_country_dir

MAX_ID_LENGTH = 80
NEW_STALE_AFTER_DAYS = 1095
"""Three years, as the bundled knowledge base keeps its facts."""

EARLIER_MEETING_DAYS = 90
"""How long before the meeting the commented example of an earlier commitment is dated."""

_COMMENT_COLUMN = 40
_SCHEMA_LINE = "# yaml-language-server: $schema={up}schemas/{kind}.schema.json"
_EXAMPLE_THEME = "a-theme-id"
"""The theme an example names when themes.yaml holds none yet."""


class ScaffoldRefused(BriefingError):
    """Raised when `briefing new` cannot start a file: an invalid id, an unknown country or audience,
    a missing knowledge-base folder, or a file that exists already."""


@dataclass(frozen=True)
class NewCountry:
    """What `new_country` wrote, and whether the tree still lacks the audiences every briefing needs."""

    folder: Path
    written: tuple[Path, ...]
    needs_audiences: bool


def new_country(briefs: Path, country_id: str, name: str | None = None) -> NewCountry:
    """Start a country folder in `briefs`: country.yaml and an empty list file of each kind, and
    themes.yaml when the tree has none. `name` defaults to the id in capitals ("north-freedonia": North Freedonia)."""
    _check_id(country_id, "country")
    if not briefs.is_dir():
        raise ScaffoldRefused(f"{briefs}: no such knowledge-base folder; create it, or name another with --briefs")
    folder = briefs / country_id
    name = " ".join(name.split()) if name and name.strip() else country_id.replace("-", " ").title()
    theme = _first_theme(briefs)
    files = {folder / "country.yaml": _country(country_id, name, _prepared_by(briefs))}
    files |= {folder / kind: text for kind, text in _list_files(theme).items()}
    if not (briefs / "themes.yaml").exists():
        files[briefs / "themes.yaml"] = _themes()
    for path in files:
        _refuse_existing(path, "edit it, or choose another id")
    folder.mkdir(exist_ok=True)
    written: list[Path] = []
    try:
        for path, text in files.items():
            _write(path, text, "edit it, or choose another id")
            written.append(path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return NewCountry(folder, tuple(written), not any((briefs / "audiences").glob("*.y*ml")))


def new_meeting(
    briefs: Path,
    country: str,
    audience: str,
    date: datetime.date,
    title: str | None = None,
    meeting_id: str | None = None,
) -> Path:
    """Start `<country>/meetings/<id>.yaml`; the id defaults to the audience and the date (`uk-2027-03-01`)."""
    meeting_id = meeting_id or f"{audience}-{date.isoformat()}"
    _check_id(meeting_id, "meeting")
    country_dir = find_country_dir(briefs, country)
    audience_data = _audience(briefs, audience)
    path = country_dir / "meetings" / f"{meeting_id}.yaml"
    advice = "edit it, or give the new meeting another id with --id"
    _refuse_existing(path, advice)
    addressee = audience_data.get("addressee") or audience_data.get("full_name") or f"{audience} officials"
    language = audience_data.get("language") or "en-GB"
    text = _meeting(
        meeting_id=meeting_id,
        country=country_dir.name,
        audience=audience,
        date=date,
        title=" ".join(title.split()) if title and title.strip() else f"Meeting with {addressee}",
        purpose=f"To raise the human rights situation in {_name_in_text(country_dir, language)} with {addressee}.",
        theme=_first_theme(briefs),
    )
    path.parent.mkdir(exist_ok=True)
    _write(path, text, advice)
    return path


# --- what each file says ------------------------------------------------------------


def _country(country_id: str, name: str, prepared_by: str | None) -> str:
    short = country_id.replace("-", " ").title()
    lines = [
        _SCHEMA_LINE.format(up="../../", kind="country"),
        "#",
        "# The country this folder briefs on. Every file of the folder is described in",
        "# docs/knowledge-base.md; `briefing check` reports what needs fixing, file:line.",
        "",
        _commented(f"id: {country_id}", "the folder's name"),
        _commented(f"name: {yaml_scalar(name)}", "the full name, in the strip under the title"),
        _commented(f"short_name: {yaml_scalar(short)}", "in titles and headings"),
        '# In running text, with the article the sentence needs: English writes "the',
        '# human rights situation in the Republic of X" but "in Kazakhstan".',
        f"name_in_text: {yaml_scalar(model.with_article(name))}",
        _commented(
            f"prepared_by: {yaml_scalar(prepared_by or 'Advocacy team')}",
            "the author line and the documents' metadata",
        ),
        _commented(f"stale_after_days: {NEW_STALE_AFTER_DAYS}", "facts older than this are reported as stale"),
        "",
        "# Optional. Remove the '#' from each line of an example to use it.",
        "# The country's name in its own language, shown beside the name:",
        f"# local_name: {yaml_scalar(short)}",
        "# The same three names for briefings in other languages, each falling back to those above:",
        "# names:",
        f"#   fr: {{short_name: {short}}}",
        "# Printed on every leave-behind; give an email or phone only as the team publishes them:",
        "# contact:",
        f"#   name: {yaml_scalar(prepared_by or 'Advocacy team')}",
        "#   email: team@example.org",
    ]
    return "\n".join(lines) + "\n"


_LIST_FILES: dict[str, tuple[str, str, list[str]]] = {
    "sources.yaml": (
        "sources",
        "The documents the briefings cite. `briefing source add FILE --id ID` archives\n"
        "a document in sources/ and adds its entry here, the [] line too.",
        [],
    ),
    "facts.yaml": (
        "facts",
        "What a briefing states, each resting on a passage of an archived source.",
        [
            "- id: a-short-id",
            "  text: >-",
            "    What happened, in a sentence a reader can take as evidence.",
            "  themes: [{theme}]                 # ids from themes.yaml",
            "  as_of: 2027-01-15                  # when it was last known true",
            "  priority: high                     # high | medium | low",
            '  sources:                           # `briefing cite SOURCE "a few words"` prints this list',
            "    - source: a-source-id",
            "      passage: the words of the source, copied exactly",
        ],
    ),
    "cases.yaml": (
        "cases",
        "People whose cases a briefing raises, each shown as a card.",
        [
            "- id: a-short-id                     # an id that does not spell the name",
            "  name: Full Name",
            "  anonymised_as: a civic activist    # shown where the person may not be named",
            "  may_name: true",
            "  role: Civic activist",
            "  summary: What was done to them.",
            "  status: Last reported in detention. # where things stand, as of the date below",
            "  as_of: 2027-01-15",
            "  themes: [{theme}]",
            "  priority: high",
            "  sources:",
            "    - source: a-source-id",
            "      passage: the words of the source, copied exactly",
        ],
    ),
    "recommendations.yaml": (
        "recommendations",
        "What should change, as a source words it, and what each audience can do about it.",
        [
            "- id: a-short-id",
            "  addressee: government              # government | international | an audience id",
            "  text: The recommendation as the source words it.",
            "  themes: [{theme}]",
            "  priority: high",
            "  asks:                              # one sentence each, naming one of the audience's instruments",
            "    default: What any official can do about it.",
            "  sources:",
            "    - source: a-source-id",
            "      passage: the words of the source, copied exactly",
        ],
    ),
    "responses.yaml": (
        "responses",
        'What the government is likely to say, and our answer ("if raised").',
        [
            "- id: a-short-id",
            "  claim: What the government is likely to say.",
            "  reply: Our evidence-based answer.",
            "  themes: [{theme}]",
            "  priority: medium",
            "  claim_sources: []                  # where the claim is made, cited like sources",
            "  sources:",
            "    - source: a-source-id",
            "      passage: the words of the source, copied exactly",
        ],
    ),
}


def _list_files(theme: str) -> dict[str, str]:
    files = {}
    for name, (kind, what, example) in _LIST_FILES.items():
        lines = [_SCHEMA_LINE.format(up="../../", kind=kind), "#", *(f"# {line}" for line in what.split("\n"))]
        if example:
            lines += [
                "#",
                f"# No {kind} yet: [] is an empty list. To add the first, delete the [] line and",
                "# remove the '# ' from each line of the example below. docs/knowledge-base.md",
                "# describes every field.",
            ]
        lines += ["", "[]", *(f"# {line.format(theme=theme)}" for line in example)]
        files[name] = "\n".join(lines) + "\n"
    assert set(files) == {"sources.yaml", *(f"{kind}.yaml" for kind in ITEM_KINDS)}
    return files


def _themes() -> str:
    lines = [
        _SCHEMA_LINE.format(up="../", kind="themes"),
        "#",
        "# The theme vocabulary every other file refers to. No themes yet: to add the",
        "# first, delete the [] line and remove the '# ' from each line of the example.",
        "",
        "[]",
        "# - id: assembly",
        "#   label: Peaceful assembly",
    ]
    return "\n".join(lines) + "\n"


def _meeting(
    *, meeting_id: str, country: str, audience: str, date: datetime.date, title: str, purpose: str, theme: str
) -> str:
    lines = [
        _SCHEMA_LINE.format(up="../../../", kind="meeting"),
        "#",
        "# A meeting. `briefing generate` with this file writes its briefing; `briefing",
        "# check` validates it; docs/knowledge-base.md describes each field.",
        "",
        _commented(f"id: {meeting_id}", "as the file is named"),
        _commented(f"country: {country}", "the folder this file is in"),
        _commented(f"audience: {audience}", "whose officials: a file in audiences/"),
        f"date: {date.isoformat()}",
        _commented("place: To be confirmed", 'where: a city, or "Online"; under the title'),
        "# The briefing's title:",
        f"title: {yaml_scalar(title)}",
        "# Why we meet, in a sentence or two; rewrite it in the audience's own words:",
        "purpose: >-",
        *textwrap.wrap(purpose, width=78, initial_indent="  ", subsequent_indent="  "),
        _commented("focus: []", f"themes to lead with, e.g. [{theme}]"),
        _commented("include: []", "ids of items that must appear, e.g. [a-case-id]"),
        _commented("length: full", "full | one-page (a leave-behind for them)"),
        _commented("distribution: public", "public | restricted | confidential: the most"),
        f"{'':<{_COMMENT_COLUMN - 1}} # sensitive item the briefing may show",
        "",
        "# Optional: the meeting frame, on page one of a full briefing. Remove the '# '",
        "# from each line of an example, key and all, to use it.",
        "# What success looks like:",
        "# objective: The officials agree to raise the cases at their next bilateral contact.",
        "# Each ask is led by the agenda item on its first theme:",
        "# agenda:",
        "#   - title: Peaceful assembly",
        f"#     themes: [{theme}]",
        "# Who will be there; a role is enough. side: ours | theirs | host | other",
        "# attendees:",
        "#   - role: Desk officer",
        "#     side: theirs",
        "# logistics:",
        "#   time: 10.00 to 11.00",
        "#   interpretation: None needed",
        "# The counterpart's known positions, each shown only with sources: cited like a fact's:",
        "# positions:",
        "#   - text: The ministry has said it will review the law.",
        "# What either side undertook at an earlier meeting:",
        "# previous_commitments:",
        "#   - text: The desk would ask the embassy to attend the trial.",
        f"#     date: {(date - datetime.timedelta(days=EARLIER_MEETING_DAYS)).isoformat()}",
    ]
    return "\n".join(lines) + "\n"


# --- reading what the tree already holds ----------------------------------------------


def _check_id(item_id: str, kind: str) -> None:
    if re.fullmatch(model.ID_PATTERN, item_id) and len(item_id) <= MAX_ID_LENGTH:
        return
    example = re.sub(r"[^a-z0-9]+", "-", item_id.lower()).strip("-")[:MAX_ID_LENGTH].strip("-")
    raise ScaffoldRefused(
        f"'{item_id}' is not a valid {kind} id; use lower-case letters, digits and hyphens, at most "
        f"{MAX_ID_LENGTH} characters" + (f", e.g. '{example}'" if example else "")
    )


def _refuse_existing(path: Path, advice: str) -> None:
    if path.exists() or path.is_symlink():
        raise ScaffoldRefused(f"{path}: already exists; {advice}")


def _write(path: Path, text: str, advice: str) -> None:
    try:
        write_new(path, text.encode("utf-8"))
    except FileExistsError:
        raise ScaffoldRefused(f"{path}: already exists; {advice}") from None


def _read(path: Path) -> Any:
    """A file's data, or None when it is missing or cannot be read: what is borrowed from it then
    falls back to a default, and `check` reports the file itself."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _first_theme(briefs: Path) -> str:
    themes = _read(briefs / "themes.yaml")
    if isinstance(themes, list) and themes and isinstance(themes[0], dict) and isinstance(themes[0].get("id"), str):
        return str(themes[0]["id"])
    return _EXAMPLE_THEME


def _prepared_by(briefs: Path) -> str | None:
    """Who prepares another country's briefings: most likely the same team."""
    for folder in country_dirs(briefs):
        data = _read(folder / "country.yaml")
        if isinstance(data, dict) and isinstance(data.get("prepared_by"), str):
            return str(data["prepared_by"])
    return None


def _audience(briefs: Path, audience: str) -> dict[str, Any]:
    folder = briefs / "audiences"
    paths = sorted(folder.glob("*.y*ml"))
    path = next((path for path in paths if path.stem == audience), None)
    if path is None:
        names = ", ".join(path.stem for path in paths) or "none"
        raise ScaffoldRefused(f"{folder}: no audience '{audience}' (audiences: {names})")
    data = _read(path)
    if not isinstance(data, dict):
        return {}
    return {key: value for key, value in data.items() if isinstance(value, str)}


def _name_in_text(country_dir: Path, language: str) -> str:
    data = _read(country_dir / "country.yaml")
    try:
        return model.Country.model_validate(data).name_in_text_in(language)
    except ValidationError:
        return country_dir.name.replace("-", " ").title()


def _commented(line: str, comment: str) -> str:
    return f"{line:<{_COMMENT_COLUMN - 1}} # {comment}"
