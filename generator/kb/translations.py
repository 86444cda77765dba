"""Briefings wholly in the reader's language: the knowledge base's words translated in gettext PO files.

Each country folder may hold `translations/<language>.po`. An entry's
`msgctxt` names the item and the field (`facts:<id>:lines.eu`,
`cases:<id>:summary`, `meetings:<id>:agenda.0.title`,
`records:<meeting id>:commitments.0.what`, `sources:<id>:title`,
`country:<id>:prepared_by`), its `msgid` is the English as the knowledge
base writes it, its `msgstr` the translation. Only fields a briefing or a
follow-up letter prints are listed; a cited passage never is: it is quoted
as the source wrote it.

`update` creates or refreshes a file the way msgmerge does, matching entries
by context alone: new English adds an entry, changed English keeps the old
translation marked fuzzy with the earlier English as `#| msgid`, and an item
no longer in the knowledge base leaves an obsolete entry (`#~`). A
translation is never overwritten. `translated` gives a briefing, or a
letter, its items in the language: an item is translated only when every
field the document prints for the audience has a translation that is not
fuzzy; any other is shown as written, whole, and named among the
untranslated.
"""

from __future__ import annotations

import datetime
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, denormalize, read_po, write_po

from generator.core.errors import Diagnostic, InputError
from generator.core.files import write_atomic
from generator.core.inputs import ReadRefused, read_input
from generator.kb import model
from generator.kb.load import LEVERS, KnowledgeBase

FOLDER = "translations"
"""Beside a country's YAML files: `translations/<language>.po`."""

PRINTED: dict[str, tuple[str, ...]] = {
    "facts": ("text", "wording.*", "lines.*"),
    "cases": ("anonymised_as", "role", "charge", "article", "sentence", "summary", "status", "asks.*"),
    "recommendations": ("asks.*",),
    "responses": ("claim", "reply"),
    "levers": ("name", "text"),
    "meetings": (
        "title",
        "place",
        "purpose",
        "objective",
        "participants.*",
        "agenda.*.title",
        "attendees.*.role",
        "attendees.*.bio",
        "logistics.time",
        "logistics.place",
        "logistics.interpretation",
        "positions.*.text",
        "previous_commitments.*.text",
    ),
    "records": ("commitments.*.who", "commitments.*.what", "they_said.*.text", "raised.*.text"),
    "sources": ("title",),
    "country": ("prepared_by", "contact.name", "contact.organisation"),
    "audiences": ("name", "full_name", "addressee", "instruments.*.name"),
}
"""The fields a briefing or a follow-up letter prints of each kind of item, as paths: `*` stands for every key
of a mapping, or every entry of a list. A recommendation's own `text` is what the source recommends; a briefing
prints its asks. A record is printed by the briefings of later meetings ("Since we last met": the commitments
and what was said) and by its letter (the commitments and what we raised in our own words); our actions are
ours alone. A source's title is printed in the sources list; what a citation quotes of it never is translated.
The country's names are its own `names:`; the team's name and its contact are translated here."""

Document = Literal["briefing", "letter"]

SHOWN: dict[Document, dict[str, tuple[str, ...]]] = {
    "briefing": {"records": ("commitments.*.who", "commitments.*.what", "they_said.*.text")},
    "letter": {
        "records": ("commitments.*.who", "commitments.*.what", "raised.*.text"),
        "meetings": ("title", "place"),
        "cases": ("anonymised_as", "asks.*"),
        "audiences": ("name", "full_name", "addressee"),
    },
}
"""Where a kind of document prints less of an item than `PRINTED` lists: only these fields decide whether the
item is translated in it. A letter names a case and restates its ask; it tells no story."""

FIXED_DATE = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
"""The header's dates: a file changes only when its entries do."""

HEADER = """\
# Translations of the knowledge base's words for briefings and letters in this language.
# msgctxt names the item and field, msgid is the English, msgstr the translation.
# Cited passages are quoted as written and never translated.
# 'briefing translate LANG' adds new English and marks changed English fuzzy."""


@dataclass(frozen=True)
class Translatable:
    """One field of one item as the knowledge base writes it."""

    context: str
    english: str
    location: tuple[str, int]
    """The item's file, relative to the country folder, and line."""


@dataclass(frozen=True)
class Entry:
    """One entry of a PO file as read."""

    english: str
    translation: str
    fuzzy: bool
    line: int


@dataclass(frozen=True)
class Translations:
    """One language's PO file, read."""

    path: Path
    language: str
    entries: dict[str, Entry]
    """msgctxt -> entry; obsolete entries are not read."""

    def usable(self, context: str, english: str) -> str | None:
        """The translation of `english`, when it is of that English and not fuzzy."""
        entry = self.entries.get(context)
        if entry is None or entry.fuzzy or not entry.translation or entry.english != english:
            return None
        return entry.translation


def country_dir(kb: KnowledgeBase) -> Path:
    return kb.origin("country", kb.country.id).path.parent


def po_path(kb: KnowledgeBase, language: str) -> Path:
    return country_dir(kb) / FOLDER / f"{language}.po"


# --- What can be translated -------------------------------------------------------------------


def _kinds(kb: KnowledgeBase) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(kind as contexts name it, kind as origins name it, items) in the order a PO file lists them."""
    yield from ((kind, kind, getattr(kb, kind)) for kind in ("facts", "cases", "recommendations", "responses"))
    for audience in sorted(kb.levers):
        yield f"levers/{audience}", f"{LEVERS}{audience}", kb.levers[audience]
    yield "meetings", "meetings", kb.meetings
    # A record is named by its meeting's id.
    yield "records", "records", kb.records
    yield "sources", "sources", kb.sources
    yield "country", "country", {kb.country.id: kb.country}
    # Shared by every country, but named in each one's briefings: each country's file translates them.
    yield "audiences", "audiences", kb.audiences


def _paths(value: Any, pattern: list[str], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(field path, text) of every text `pattern` matches in `value`."""
    if not pattern:
        if isinstance(value, str):
            yield prefix, value
        return
    head, rest = pattern[0], pattern[1:]
    joined = f"{prefix}." if prefix else ""
    if head == "*":
        pairs = value.items() if isinstance(value, dict) else enumerate(value)
        for key, inner in pairs:
            yield from _paths(inner, rest, f"{joined}{key}")
    else:
        inner = value.get(head) if isinstance(value, dict) else getattr(value, head, None)
        if inner is not None:
            yield from _paths(inner, rest, f"{joined}{head}")


def _fields(kind: str, item: Any, document: Document | None = None) -> Iterator[tuple[str, str]]:
    """(field path, text) of what `document` prints of `item`; without one, of what any document may print."""
    base = "levers" if kind.startswith("levers/") else kind
    patterns = SHOWN[document].get(base, PRINTED[base]) if document else PRINTED[base]
    for pattern in patterns:
        yield from _paths(item, pattern.split("."))


def translatable(kb: KnowledgeBase) -> list[Translatable]:
    """Every field a briefing of this country may print, in file order."""
    found = []
    folder = country_dir(kb)
    for kind, origin_kind, items in _kinds(kb):
        for item_id, item in items.items():
            origin = kb.origin(origin_kind, item_id)
            where = (Path(os.path.relpath(origin.path, folder)).as_posix(), origin.line)
            found += [Translatable(f"{kind}:{item_id}:{path}", text, where) for path, text in _fields(kind, item)]
    return found


# --- Reading and writing PO files -------------------------------------------------------------


def read_translations(path: Path, language: str, within: Path | None = None) -> Translations:
    """Read one PO file; raise InputError at `file:line` for one that is not valid or prints what no text may."""
    try:
        catalog = _read_catalog(path, within)
    except PoFileError as error:
        raise InputError([Diagnostic(path, error.lineno + 1, f"not a valid PO file: {error}")]) from None
    except (ReadRefused, OSError) as error:
        raise InputError([Diagnostic(path, 1, f"cannot be read: {error}")]) from None
    entries, problems = {}, []
    for message in catalog:
        if not message.id or not isinstance(message.id, str) or not isinstance(message.string, str):
            continue
        if not message.context:
            problems.append(Diagnostic(path, message.lineno or 1, "entry has no msgctxt naming its item and field"))
            continue
        if message.string:
            try:
                model.check_text(message.string)
            except ValueError as error:
                problems.append(Diagnostic(path, message.lineno or 1, f"msgstr {error}"))
                continue
        entries[message.context] = Entry(message.id, message.string, message.fuzzy, message.lineno or 1)
    if problems:
        raise InputError(problems)
    return Translations(path, language, entries)


def _read_catalog(path: Path, within: Path | None = None) -> Catalog:
    content = read_input(path, within)
    catalog = read_po(io.BytesIO(content), abort_invalid=True)
    for message in [*catalog, *catalog.obsolete.values()]:
        _previous_from_comments(message)
    return catalog


def _previous_from_comments(message: Message) -> None:
    """Babel reads `#| msgid` lines as comments: turn them back into the previous English."""
    previous = [comment[1:].strip() for comment in message.user_comments if comment.startswith("|")]
    if not previous:
        return
    message.user_comments = [comment for comment in message.user_comments if not comment.startswith("|")]
    parts = [part for part in previous if not part.startswith("msgctxt")]
    if parts and parts[0].startswith("msgid "):
        parts[0] = parts[0].removeprefix("msgid ").strip()
        message.previous_id = [denormalize("\n".join(parts))]


def translations_for(kb: KnowledgeBase, language: str) -> Translations | None:
    """The country's translations into `language`, None when it has no PO file for it."""
    path = po_path(kb, language)
    if not (path.exists() or path.is_symlink()):
        return None
    return read_translations(path, language, within=country_dir(kb))


def _new_catalog(language: str, header: str) -> Catalog:
    return Catalog(
        locale=language.replace("-", "_"),
        project="briefing",
        version="1",
        header_comment=header,
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        last_translator="",
        language_team="",
        fuzzy=False,
    )


def update(kb: KnowledgeBase, language: str) -> tuple[Path, Counts]:
    """Create or refresh the country's PO file for `language`; return it and its counts."""
    path = po_path(kb, language)
    existing = _read_catalog(path) if path.exists() else None
    catalog = merged(existing, translatable(kb), language)
    path.parent.mkdir(exist_ok=True)
    write_atomic(path, as_bytes(catalog))
    return path, counted(catalog)


def merged(existing: Catalog | None, entries: list[Translatable], language: str) -> Catalog:
    """The catalog `entries` make, keeping every translation of `existing` (see the module's docstring)."""
    catalog = _new_catalog(language, existing.header_comment if existing else HEADER)
    old: dict[str, Message] = {}
    if existing is not None:
        # The header is the translators': who last translated, their team, the plural forms.
        catalog.mime_headers = existing.mime_headers
        old.update((m.context, m) for m in existing.obsolete.values() if m.context and isinstance(m.id, str))
        old.update((m.context, m) for m in existing if m.id and m.context and isinstance(m.id, str))
    for entry in entries:
        previous = old.pop(entry.context, None)
        message = Message(entry.english, "", locations=[entry.location], context=entry.context)
        if previous is not None:
            message.string = previous.string
            message.user_comments = previous.user_comments
            if previous.string and (previous.fuzzy or previous.id != entry.english):
                message.flags.add("fuzzy")
                # The English the translation was made from: an earlier change kept it already.
                message.previous_id = previous.previous_id or (
                    [str(previous.id)] if previous.id != entry.english else []
                )
        catalog[entry.english] = message
    for context in sorted(old):
        gone = old[context]
        catalog.obsolete[(str(gone.id), context)] = Message(
            gone.id, gone.string, flags=gone.flags, user_comments=gone.user_comments, context=context
        )
    return catalog


def as_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, include_previous=True)
    return buffer.getvalue()


@dataclass(frozen=True)
class Counts:
    translated: int
    fuzzy: int
    missing: int

    def tally(self) -> str:
        """ "81 translated, 0 fuzzy, 474 missing": how `check` and `translate` report a language file."""
        return f"{self.translated} translated, {self.fuzzy} fuzzy, {self.missing} missing"


def counted(catalog: Catalog) -> Counts:
    messages = [m for m in catalog if m.id]
    fuzzy = sum(1 for m in messages if m.string and m.fuzzy)
    translated = sum(1 for m in messages if m.string and not m.fuzzy)
    return Counts(translated, fuzzy, len(messages) - translated - fuzzy)


def counts(kb: KnowledgeBase, translations: Translations) -> Counts:
    """How much of what the knowledge base prints the file translates."""
    return counts_among({wanted.context: wanted.english for wanted in translatable(kb)}, translations)


def counts_among(printed: dict[str, str], translations: Translations) -> Counts:
    """How many of the fields `printed` (msgctxt -> English) the file translates: an entry whose English no
    longer matches counts as fuzzy, one the file lacks as missing."""
    translated = fuzzy = missing = 0
    for context, english in printed.items():
        entry = translations.entries.get(context)
        if entry is None or not entry.translation:
            missing += 1
        elif entry.fuzzy or entry.english != english:
            fuzzy += 1
        else:
            translated += 1
    return Counts(translated, fuzzy, missing)


def report(kb: KnowledgeBase) -> list[tuple[Path, Counts]]:
    """Each language file of the country with its counts: what `check` prints. Raises InputError for a
    malformed file."""
    folder = country_dir(kb) / FOLDER
    return [
        (path, counts(kb, read_translations(path, path.stem, within=country_dir(kb))))
        for path in sorted(folder.glob("*.po"))
    ]


# --- Translated items for a briefing or a letter ---------------------------------------------


@dataclass(frozen=True)
class Translated:
    """The knowledge base with every item the audience's document can show in the language, and the rest."""

    kb: KnowledgeBase
    """Its facts, cases, asks, answers, levers, meeting records, source titles and the team's name in the
    language where they are translated."""
    audience: model.Audience
    """The audience, its names in the language where they are translated."""
    meeting: model.Meeting | None
    untranslated: frozenset[str]
    """`kind:id` of each item shown in English: its translation is missing, fuzzy or of other English."""


def printed_fields(
    kind: str,
    item: Any,
    audience: model.Audience,
    document: Document = "briefing",
    *,
    level: model.Sensitivity | None = None,
) -> Iterator[tuple[str, str]]:
    """(field path, text) of what this audience's `document` prints of `item`: of a mapping by audience,
    only the entry it reads (see `model.worded_for`); with `level`, only what a copy at that level shows."""
    chosen = (*audience.lineage, "default")
    for path, text in _fields(kind, item, document):
        field, _, key = path.partition(".")
        if field in ("wording", "lines", "asks"):
            wordings = getattr(item, field)
            if next((k for k in chosen if k in wordings), None) != key:
                continue
        if level is not None and _withheld_at(item, path, level):
            continue
        yield path, text


def _withheld_at(item: Any, path: str, level: model.Sensitivity) -> bool:
    """Whether a copy at `level` leaves out the field at `path`: the item, or the entry of a list it is in
    (a record's confidential remark), is more sensitive than the copy."""
    holders = [item]
    for key in path.split(".")[:-1]:
        holders.append(_inside(holders[-1], key))
    return any(
        isinstance(sensitivity := getattr(holder, "sensitivity", None), model.Sensitivity)
        and not level.allows(sensitivity)
        for holder in holders
    )


def _inside(value: Any, key: str) -> Any:
    """What `value` holds under `key`: a list's entry, a mapping's value or a model's field; None if nothing."""
    if isinstance(value, list):
        return value[int(key)]
    if isinstance(value, dict):
        return value.get(key)
    return getattr(value, key, None)


def _with(value: Any, path: list[str], text: str) -> Any:
    """`value` with the text at `path` replaced."""
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _with(value[head], rest, text) if rest else text}
    if isinstance(value, list):
        index = int(head)
        return [*value[:index], _with(value[index], rest, text) if rest else text, *value[index + 1 :]]
    inner = _with(getattr(value, head), rest, text) if rest else text
    return value.model_copy(update={head: inner})


def _translate_item(
    kind: str,
    item_id: str,
    item: Any,
    audience: model.Audience,
    translations: Translations,
    document: Document = "briefing",
    level: model.Sensitivity | None = None,
) -> Any | None:
    """The item in the language, None when any field the audience's document reads lacks a usable translation."""
    printed = list(printed_fields(kind, item, audience, document, level=level))
    found = [(path, translations.usable(f"{kind}:{item_id}:{path}", text)) for path, text in printed]
    if any(text is None for _, text in found):
        return None
    for path, text in found:
        assert text is not None
        item = _with(item, path.split("."), text)
    return item


def translated(
    kb: KnowledgeBase,
    translations: Translations | None,
    audience: model.Audience,
    meeting: model.Meeting | None,
    document: Document = "briefing",
    level: model.Sensitivity | None = None,
) -> Translated:
    """The items of `kb` in the language of `translations` as `audience`'s `document` prints them: a briefing,
    or the follow-up letter of `meeting`'s record; with `level`, as a copy at that level shows them, so that a
    remark it leaves out never holds the rest of its record in English."""
    if translations is None:
        return Translated(kb, audience, meeting, frozenset())
    untranslated: set[str] = set()
    changed: dict[str, Any] = {}
    levers: dict[str, dict[str, model.Lever]] = {}
    for kind, _, items in _kinds(kb):
        # Another audience's levers are never shown, so never counted as untranslated; the meeting, the
        # audience and the country are translated on their own below.
        others_levers = kind.startswith("levers/") and kind.removeprefix("levers/") not in audience.lineage
        if kind in ("meetings", "audiences", "country") or others_levers:
            continue
        done = {}
        for item_id, item in items.items():
            copy = _translate_item(kind, item_id, item, audience, translations, document, level)
            if copy is None:
                untranslated.add(f"{'levers' if kind.startswith('levers/') else kind}:{item_id}")
            done[item_id] = copy or item
        if kind.startswith("levers/"):
            levers[kind.removeprefix("levers/")] = done
        else:
            changed[kind] = done
    if meeting is not None:
        copy = _translate_item("meetings", meeting.id, meeting, audience, translations, document, level)
        if copy is None:
            untranslated.add(f"meetings:{meeting.id}")
        meeting = copy or meeting
    named = _translate_item("audiences", audience.id, audience, audience, translations, document, level)
    if named is None:
        untranslated.add(f"audiences:{audience.id}")
    team = _translate_item("country", kb.country.id, kb.country, audience, translations, document, level)
    if team is None:
        untranslated.add(f"country:{kb.country.id}")
    kb = replace(kb, country=team or kb.country, levers={**kb.levers, **levers}, **changed)
    return Translated(kb, named or audience, meeting, frozenset(untranslated))


@dataclass(frozen=True)
class Unfinished:
    """Why an item is shown in English: the first field it prints without a usable translation."""

    context: str
    state: Literal["missing", "fuzzy", "stale"]
    """No translation; one marked fuzzy; one of English that has since changed."""
    entry: Entry | None
    """Its entry in the PO file, if the file has one."""
    origin_kind: str
    """The kind the item's origin is recorded under (see `KnowledgeBase.origins`)."""


def why_untranslated(
    kb: KnowledgeBase,
    translations: Translations,
    key: str,
    audience: model.Audience,
    meeting: model.Meeting | None = None,
    document: Document = "briefing",
    level: model.Sensitivity | None = None,
) -> Unfinished | None:
    """Why the item `kind:id` is shown in English in `audience`'s document; None when it is not."""
    kind, item_id = key.split(":", 1)
    found = (
        ("meetings", meeting)
        if meeting is not None and key == f"meetings:{meeting.id}"
        else _item(kb, kind, item_id, audience)
    )
    if found is None:
        return None
    context_kind, item = found
    origin_kind = f"{LEVERS}{context_kind.removeprefix('levers/')}" if kind == "levers" else kind
    for path, text in printed_fields(context_kind, item, audience, document, level=level):
        context = f"{context_kind}:{item_id}:{path}"
        if translations.usable(context, text) is not None:
            continue
        entry = translations.entries.get(context)
        if entry is None or not entry.translation:
            return Unfinished(context, "missing", entry, origin_kind)
        return Unfinished(context, "fuzzy" if entry.fuzzy else "stale", entry, origin_kind)
    return None


UNFINISHED_WORDS = {
    "missing": "is not translated",
    "fuzzy": "is fuzzy",
    "stale": "translates English that has since changed",
}


def unfinished(
    kb: KnowledgeBase,
    translations: Translations,
    keys: list[str],
    audience: model.Audience,
    meeting: model.Meeting | None = None,
    document: Document = "briefing",
    level: model.Sensitivity | None = None,
) -> list[Diagnostic]:
    """Where each untranslated item a briefing (or a letter) would print is to be translated: its fuzzy or
    stale PO entry, else the item itself."""
    problems = []
    for key in keys:
        why = why_untranslated(kb, translations, key, audience, meeting, document, level)
        if why is None:
            continue
        message = (
            f"{why.context} {UNFINISHED_WORDS[why.state]} in {translations.path.name} and this {document} would "
            "print it; --strict refuses it: translate it, or leave out --strict"
        )
        origin = kb.origins.get((why.origin_kind, key.split(":", 1)[1]))
        if why.entry is not None or origin is None:
            problems.append(Diagnostic(translations.path, why.entry.line if why.entry else 1, message))
        else:
            problems.append(origin.diagnostic(message))
    return problems


def _item(kb: KnowledgeBase, kind: str, item_id: str, audience: model.Audience) -> tuple[str, Any] | None:
    """The item `kind:id` names, with the kind its contexts are written under."""
    if kind == "levers":
        for owner in audience.lineage:
            if item_id in kb.levers.get(owner, {}):
                return f"levers/{owner}", kb.levers[owner][item_id]
        return None
    if kind == "country":
        return (kind, kb.country) if item_id == kb.country.id else None
    items = getattr(kb, kind, {})
    return (kind, items[item_id]) if item_id in items else None
