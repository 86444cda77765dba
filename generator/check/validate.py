"""Checks that span items: ids that must exist, and what deserves a warning.

A check runs only when what it refers to was readable, so one broken file
gives one message rather than one per reference into it.
"""

from __future__ import annotations

import copy
import datetime
import difflib
import hashlib
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel

from generator.check.archives import verify_passages
from generator.check.checked_cache import recall_checked, remember_checked
from generator.check.room import room_warnings
from generator.core import run_cache
from generator.core.clock import build_date
from generator.core.collector import collector_paused
from generator.core.errors import Diagnostic, InputError, UsageError
from generator.core.inputs import size_limit
from generator.core.kinds import (
    FIELD,
    LAYOUT,
    MEETING,
    NAMING,
    NO_LEVERS,
    REFERENCE,
    REVIEW,
    STALE,
    UNCITED,
    UNREBUTTED,
    UNSELECTED,
    WEAK_NAME,
    WITHHELD,
)
from generator.kb import model
from generator.kb.layout import ITEM_KINDS, country_dirs, is_record_file, loader_listings, meeting_path
from generator.kb.load import LEVERS, KnowledgeBase, LoadResult, Origin, lever_kind, read_file, read_items
from generator.kb.settings import read_settings
from generator.kb.yamlfile import YamlFileError, read_yaml
from generator.policy.claims import rebuttals, states_claim
from generator.policy.eligibility import item_date, reason_left_out
from generator.policy.staleness import older_than_limit
from generator.policy.withholding import (
    ITEM_NOUNS,
    LEVELS,
    FieldPath,
    Unnamed,
    citable,
    entries_shown_alone,
    field_name,
    name_guard,
    names_someone,
    shown_fields,
    unnamed,
    unnamed_on_load,
    withheld_at,
)
from generator.text.name_matching import NameGuard, tokens, weak_tokens

if TYPE_CHECKING:
    from generator.kb.translations import Translations

ADDRESSEES = ("government", "international")
"""Who a recommendation may be addressed to, besides a single audience."""

ModelT = TypeVar("ModelT", bound=BaseModel)


def validate(
    result: LoadResult, today: datetime.date
) -> tuple[KnowledgeBase | None, list[Diagnostic], list[Diagnostic]]:
    """Cross-check what loaded; return the knowledge base, errors and warnings.

    The knowledge base is None when there are errors. No message spells the name of a
    person a public copy may not name (see `withholding.Unnamed`).
    """
    unnamed = unnamed_on_load(result)
    errors = list(result.errors)
    errors.extend(_reference_errors(result))
    archives = verify_passages(result)
    errors.extend(archives.errors)
    if errors:
        return None, unnamed(errors), []
    country = next(iter(_of_kind(result, "country", model.Country).values()))
    root = result.documents["country"][0].path.parent.parent
    kb = KnowledgeBase(
        country=country,
        origins=result.origins,
        revision=_revision(result, root),
        levers={
            kind.removeprefix(LEVERS): _of_kind(result, kind, model.Lever)
            for kind in result.items
            if kind.startswith(LEVERS)
        },
        themes=_of_kind(result, "themes", model.Theme),
        sources=_of_kind(result, "sources", model.Source),
        facts=_of_kind(result, "facts", model.Fact),
        cases=_of_kind(result, "cases", model.Case),
        recommendations=_of_kind(result, "recommendations", model.Recommendation),
        responses=_of_kind(result, "responses", model.Response),
        audiences=_with_instruments_of_parents(_of_kind(result, "audiences", model.Audience)),
        meetings=_of_kind(result, "meetings", model.Meeting),
        records=_of_kind(result, "records", model.Record),
        settings=result.settings,
    )
    copies = _Copies(kb, result)
    errors = list(_copy_errors(copies))
    if errors:
        return None, unnamed(errors), []
    room = room_warnings(
        kb,
        archives.case_sentences,
        lambda item_kind, item_id, path, text, kind: copies.locator(item_kind, item_id).at(path, text, kind),
    )
    return (
        kb,
        [],
        sorted(unnamed([*result.warnings, *warnings(kb, today), *_copy_warnings(copies), *room, *archives.warnings])),
    )


def _with_instruments_of_parents(audiences: dict[str, model.Audience]) -> dict[str, model.Audience]:
    """An audience that is part of another and lists no instruments holds the other's."""
    return {
        audience_id: (
            audience.model_copy(update={"instruments": audiences[audience.part_of].instruments})
            if audience.part_of and not audience.instruments
            else audience
        )
        for audience_id, audience in audiences.items()
    }


def _of_kind(result: LoadResult, kind: str, item_model: type[ModelT]) -> dict[str, ModelT]:
    """The items of `kind` that loaded, as the model their files hold (they hold no other)."""
    return {item_id: item for item_id, item in result.items.get(kind, {}).items() if isinstance(item, item_model)}


Reference = tuple[FieldPath, str]
"""A field's position inside an item, and the id written there."""


def _each(field: str, values: Iterable[str]) -> list[Reference]:
    return [((field, index), value) for index, value in enumerate(values)]


def _keys(field: str, mapping: Mapping[str, object], skip: str | None = None) -> list[Reference]:
    return [((field, key), key) for key in mapping if key != skip]


def _citations(field: str, citations: list[model.Citation]) -> list[Reference]:
    return [((field, index, "source"), citation.source) for index, citation in enumerate(citations)]


def _revision(result: LoadResult, root: Path) -> str:
    """Names relative to the root, so the same files hash alike wherever they are."""
    digest = hashlib.sha256()
    # An old-layout audience file is listed under its levers too; hash it once.
    documents = {doc.path: doc for docs in result.documents.values() for doc in docs}
    for document in sorted(documents.values(), key=lambda d: d.path):
        digest.update(f"{document.path.relative_to(root).as_posix()}\0{document.sha256}\0".encode())
    return digest.hexdigest()[:16]


Target = tuple[set[str] | None, str, str]
"""The ids a reference may name, what such an id names and where one is defined."""


class _Targets:
    """What each kind of reference may name.

    The ids of a kind whose files could not all be read are None: references
    to it go unchecked, as the broken file already has its message.
    """

    def __init__(self, result: LoadResult) -> None:
        self.result = result
        self.audience_ids = self.ids("audiences")
        self.theme: Target = (self.ids("themes"), "theme", "themes.yaml")
        self.source: Target = (self.ids("sources"), "source", "sources.yaml")
        self.audience: Target = (self.audience_ids, "audience", "audiences/")
        self.fact: Target = (self.ids("facts"), "fact", "facts.yaml")
        self.case: Target = (self.ids("cases"), "case", "cases.yaml")
        self.meeting: Target = (self.ids("meetings"), "meeting", "a meeting file")
        self.country: Target = (self.ids("country"), "country", "a country.yaml")
        any_item = (
            None
            if any(kind in result.unreadable for kind in ITEM_KINDS)
            else set().union(*(result.known_ids.get(kind, set()) for kind in ITEM_KINDS))
        )
        self.item: Target = (any_item, "fact, case, recommendation or response", "the country folder")

    def ids(self, kind: str) -> set[str] | None:
        return None if kind in self.result.unreadable else self.result.known_ids.get(kind, set())


def _reference_errors(result: LoadResult) -> Iterator[Diagnostic]:
    """The ids each item names that name nothing, also in an item with another field wrong."""
    targets = _Targets(result)
    yield from _lever_file_errors(result, targets.audience_ids)
    for (kind, item_id), origin in result.origins.items():
        item = result.items[kind][item_id]
        yield from _item_errors(result, kind, item, origin, targets, frozenset(type(item).model_fields))
    for partial in result.partial:
        yield from _item_errors(result, partial.kind, partial.item, partial.origin, targets, partial.valid)


def _item_errors(
    result: LoadResult, kind: str, item: BaseModel, origin: Origin, targets: _Targets, valid: Container[str]
) -> Iterator[Diagnostic]:
    """The reference errors of one item, in the fields named in `valid`: every field, but in an item
    that failed validation, a field that already has its message is not checked again."""
    item_at = _Locator(result, kind, origin)
    if isinstance(item, model.Item):
        yield from _item_reference_errors(item, item_at, targets, valid)
    if isinstance(item, model.Audience):
        if "theme_weights" in valid:
            yield from item_at.missing(_keys("theme_weights", item.theme_weights), *targets.theme)
        if "part_of" in valid and "id" in valid:
            yield from _part_of_errors(result, item, item_at, targets)
    if isinstance(item, model.Country) and origin.path.parent == result.country_dir:
        yield from _country_folder_errors(item, item_at)
    if isinstance(item, model.Lever):
        if "themes" in valid:
            yield from item_at.missing(_each("themes", item.themes), *targets.theme)
        if "sources" in valid:
            yield from item_at.missing(_citations("sources", item.sources), *targets.source)
    if isinstance(item, model.Meeting):
        yield from _meeting_errors(result, item, item_at, targets)
    if isinstance(item, model.Record):
        yield from _record_errors(result, item, item_at, targets)


def _part_of_errors(
    result: LoadResult, audience: model.Audience, at: _Locator, targets: _Targets
) -> Iterator[Diagnostic]:
    """An audience is part of one other, which is part of none: what it reads is then never a cycle."""
    if audience.part_of is None:
        return
    if audience.part_of == audience.id:
        yield at.at(
            ("part_of",), f"part_of names the audience itself ('{audience.id}'); name another, or remove it", REFERENCE
        )
        return
    yield from at.missing([(("part_of",), audience.part_of)], *targets.audience)
    parent = result.items.get("audiences", {}).get(audience.part_of)
    if isinstance(parent, model.Audience) and parent.part_of is not None:
        yield at.at(
            ("part_of",),
            f"part_of names '{parent.id}', which is itself part of '{parent.part_of}'; name '{parent.part_of}' instead",
            REFERENCE,
        )


def _item_reference_errors(
    item: model.Item, at: _Locator, targets: _Targets, valid: Container[str]
) -> Iterator[Diagnostic]:
    if "themes" in valid:
        yield from at.missing(_each("themes", item.themes), *targets.theme)
    if "sources" in valid:
        yield from at.missing(_citations("sources", item.sources), *targets.source)
    if "audiences" in valid:
        yield from at.missing(_each("audiences", item.audiences), *targets.audience)
    if "only_for" in valid:
        yield from at.missing(_each("only_for", item.only_for), *targets.audience)
    if isinstance(item, model.Fact):
        for name in ("wording", "lines"):
            if name in valid:
                yield from at.missing(_keys(name, getattr(item, name)), *targets.audience)
    if isinstance(item, model.Response):
        if "claim_sources" in valid:
            yield from at.missing(_citations("claim_sources", item.claim_sources), *targets.source)
        if "rebuts" in valid:
            yield from at.missing(_each("rebuts", item.rebuts), *targets.fact)
    if isinstance(item, model.Case) and "asks" in valid and item.asks:
        yield from _asks_errors(item.asks, at, targets, "ask")
    if isinstance(item, model.Recommendation):
        if "asks" in valid:
            yield from _asks_errors(item.asks, at, targets, "wording")
        if "cases" in valid:
            yield from at.missing(_each("cases", item.cases), *targets.case)
        audiences = targets.audience_ids
        if audiences is not None and "addressee" in valid and item.addressee not in (*ADDRESSEES, *audiences):
            choices = [*ADDRESSEES, *sorted(audiences)]
            hint = difflib.get_close_matches(item.addressee, choices, n=1)
            yield at.at(
                ("addressee",),
                f"addressee '{item.addressee}' is not one of {', '.join(choices)}"
                + (f"; did you mean '{hint[0]}'?" if hint else ""),
                REFERENCE,
            )


def _asks_errors(asks: Mapping[str, str], at: _Locator, targets: _Targets, default: str) -> Iterator[Diagnostic]:
    """Asks worded for audiences that exist, and a `default` for the others."""
    if "default" not in asks:
        yield at.at(
            ("asks",), f"asks has no 'default'; add a 'default:' {default} for audiences without their own", FIELD
        )
    yield from at.missing(_keys("asks", asks, skip="default"), *targets.audience)


def _meeting_errors(
    result: LoadResult, meeting: model.Meeting, at: _Locator, targets: _Targets
) -> Iterator[Diagnostic]:
    folder = _meeting_folder_country(result, at.origin)
    if folder is not None and meeting.country != folder:
        yield at.at(
            ("country",),
            f"country '{meeting.country}' disagrees with the folder the meeting is in ({folder}/meetings/); "
            f"correct it or move the file to {meeting.country}/meetings/",
            REFERENCE,
        )
    elif folder is None:
        # Within a country's folder, the folder is the country (its id must say so).
        yield from at.missing([(("country",), meeting.country)], *targets.country)
    yield from at.missing([(("audience",), meeting.audience)], *targets.audience)
    yield from at.missing(_each("focus", meeting.focus), *targets.theme)
    for index, agenda_item in enumerate(meeting.agenda):
        yield from at.within(("agenda", index)).missing(_each("themes", agenda_item.themes), *targets.theme)
    for index, position in enumerate(meeting.positions):
        yield from at.within(("positions", index)).missing(_citations("sources", position.sources), *targets.source)
    yield from at.missing(_each("include", meeting.include), *targets.item)


def _record_errors(result: LoadResult, record: model.Record, at: _Locator, targets: _Targets) -> Iterator[Diagnostic]:
    """A record must belong to the meeting beside it, refer to items that exist and keep its dates in order."""
    unknown = list(at.missing([(("meeting",), record.meeting)], *targets.meeting))
    yield from unknown
    beside = _meeting_beside(result, at.origin.path)
    if not unknown and beside is not None and beside.id != record.meeting:
        yield at.at(
            ("meeting",),
            f"this record sits beside the file of meeting '{beside.id}', not '{record.meeting}'; "
            "correct the id or move the record",
            REFERENCE,
        )
    elif beside is not None and record.held_on != beside.date:
        yield at.at(
            ("held_on",),
            f"held_on {record.held_on} is not the meeting's date ({beside.date}); correct one of them",
            REFERENCE,
        )
    yield from at.missing(
        [(("raised", index, "item"), raised.item) for index, raised in enumerate(record.raised) if raised.item],
        *targets.item,
    )
    first_line: dict[str, int] = {}
    for index, commitment in enumerate(record.commitments):
        line = at.document.line_of((*at.base, "commitments", index))
        if commitment.id in first_line:
            yield at.at(
                ("commitments", index, "id"),
                f"duplicate commitment id '{commitment.id}' (first at line {first_line[commitment.id]}); rename one",
                FIELD,
            )
        first_line.setdefault(commitment.id, line)
        if commitment.by < record.held_on:
            yield at.at(
                ("commitments", index, "by"),
                f"by {commitment.by} is before the meeting was held ({record.held_on}); check the date",
                FIELD,
            )
    for index, action in enumerate(record.actions):
        if action.due < record.held_on:
            yield at.at(
                ("actions", index, "due"),
                f"due {action.due} is before the meeting was held ({record.held_on}); check the date",
                FIELD,
            )


def _country_folder_errors(country: model.Country, at: _Locator) -> Iterator[Diagnostic]:
    """Commands name a country by its folder: an id that differs would let two folders hold one country."""
    folder = at.origin.path.parent.name
    if country.id != folder:
        yield at.at(
            ("id",),
            f"id '{country.id}' differs from the name of its folder ({folder}/); rename the folder or the id",
            LAYOUT,
        )


def _meeting_beside(result: LoadResult, record_file: Path) -> model.Meeting | None:
    """The meeting whose file the record at `record_file` was found beside, if it loaded."""
    meeting_file = meeting_path(record_file)
    for (kind, meeting_id), origin in result.origins.items():
        if kind == "meetings" and origin.path == meeting_file:
            meeting = result.items["meetings"][meeting_id]
            assert isinstance(meeting, model.Meeting)
            return meeting
    return None


def _lever_file_errors(result: LoadResult, audiences: set[str] | None) -> Iterator[Diagnostic]:
    """A levers file is named after its audience; one naming no audience would never be read."""
    if audiences is None or result.country_dir is None:
        return
    for path in sorted((result.country_dir / "levers").glob("*.y*ml")):
        if path.stem not in audiences:
            hint = difflib.get_close_matches(path.stem, audiences, n=1)
            advice = f"did you mean {hint[0]}.yaml?" if hint else "name it after an audience in audiences/"
            yield Diagnostic(path, 1, f"no audience '{path.stem}' for these levers; {advice}", LAYOUT)


def _meeting_folder_country(result: LoadResult, origin: Origin) -> str | None:
    """The country whose meetings folder holds the meeting, or None for one that lives elsewhere."""
    if result.country_dir is not None and origin.path.parent == result.country_dir / "meetings":
        return result.country_dir.name
    return None


class _Locator:
    """Turns a field of one item into the line it is written on."""

    def __init__(self, result: LoadResult, kind: str, origin: Origin, prefix: FieldPath = ()) -> None:
        self.origin = origin
        self.document = next(doc for doc in result.documents[kind] if doc.path == origin.path)
        self.base = origin.location + prefix

    def within(self, prefix: FieldPath) -> _Locator:
        """The locator of an entry the item holds, such as one of a meeting's positions."""
        inner = copy.copy(self)
        inner.base = self.base + prefix
        return inner

    def at(self, path: FieldPath, message: str, kind: str) -> Diagnostic:
        return Diagnostic(self.origin.path, self.document.line_of(self.base + path), message, kind)

    def missing(
        self, references: list[Reference], known: set[str] | None, what: str, where: str
    ) -> Iterator[Diagnostic]:
        if known is None:
            return
        for path, value in references:
            if value not in known:
                hint = difflib.get_close_matches(value, known, n=1)
                advice = (
                    f"did you mean '{hint[0]}'? If not, define it in {where}"
                    if hint
                    else f"define it in {where} or fix the spelling"
                )
                yield self.at(path, f"unknown {what} '{value}'; {advice}", REFERENCE)


def warnings(kb: KnowledgeBase, today: datetime.date) -> Iterator[Diagnostic]:
    """Problems that do not stop a briefing but that its authors should see."""
    for fact in kb.facts.values():
        if _due_for_review(fact, today):
            yield kb.origin("facts", fact.id).diagnostic(
                f"warning: fact '{fact.id}' was due for review on {fact.review_by}; review it and move review_by on",
                REVIEW,
            )
    for fact in stale_facts(kb, today):
        yield kb.origin("facts", fact.id).diagnostic(
            f"warning: fact '{fact.id}' is stale: as of {fact.as_of}, older than "
            f"{kb.country.stale_after_days} days; update it or mark it historical",
            STALE,
        )

    cited = {citation.source for item in _cited_items(kb) for citation in item}
    for source in kb.sources.values():
        if source.id not in cited:
            yield kb.origin("sources", source.id).diagnostic(
                f"warning: source '{source.id}' is not cited by any item", UNCITED
            )

    answered = rebuttals(kb.responses)
    for kind in ITEM_KINDS:
        for item in getattr(kb, kind).values():
            if states_claim(item, kb.sources) and item.id not in answered:
                yield kb.origin(kind, item.id).diagnostic(
                    f"warning: {ITEM_NOUNS[kind]} '{item.id}' rests only on government or pro-government sources "
                    "and no response rebuts it, so no briefing shows it; list it in the rebuts of the "
                    "response that answers it",
                    UNREBUTTED,
                )

    yield from _audiences_without_levers(kb)
    yield from _names_found_only_whole(kb)

    weighted = {
        theme for audience in kb.audiences.values() for theme, weight in audience.theme_weights.items() if weight > 0
    }
    for kind in ITEM_KINDS:
        for item in getattr(kb, kind).values():
            if not item.audiences and not weighted.intersection(item.themes):
                yield kb.origin(kind, item.id).diagnostic(
                    f"warning: no audience weights any theme of '{item.id}', so no briefing will select it", UNSELECTED
                )


def _due_for_review(fact: model.Fact, today: datetime.date) -> bool:
    return fact.review_by is not None and fact.review_by < today


def stale_facts(kb: KnowledgeBase, today: datetime.date) -> list[model.Fact]:
    """The facts `check` calls stale: older than the country's limit and not marked historical.
    A fact past its review date is not among them: that warning says what to do first."""
    return [
        fact
        for fact in kb.facts.values()
        if not _due_for_review(fact, today) and not fact.historical and older_than_limit(fact.as_of, kb.country, today)
    ]


def _names_found_only_whole(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    """The tokens of a withheld name that identify no one alone (initials, titles, ordinary words):
    a text naming the person by such a token alone is not caught, so its authors should list the
    short forms they use as aliases. Tokens are told by position: the warning spells none."""
    for case in kb.cases.values():
        if not withheld_at(case, model.Sensitivity.PUBLIC):
            continue
        weak = []
        names = {"the name": case.name, **{f"aliases[{index}]": alias for index, alias in enumerate(case.aliases)}}
        for where, name in names.items():
            found, parts = set(weak_tokens(name)), tokens(name)
            positions = [str(number) for number, token in enumerate(parts, 1) if token in found]
            if len(positions) == len(parts) > 1:
                weak.append(f"every token of {where}")
            elif len(positions) == 1:
                weak.append(f"token {positions[0]} of {where}")
            elif positions:
                weak.append(f"tokens {', '.join(positions[:-1])} and {positions[-1]} of {where}")
        if weak:
            one = len(weak) == 1 and not weak[0].startswith("tokens ")
            yield kb.origin("cases", case.id).diagnostic(
                f"warning: {' and '.join(weak)} identif{'ies' if one else 'y'} this person only together with "
                "another part of the name (an initial, title, particle, short or ordinary word identifies no one "
                "alone); add `aliases` for any short form the team uses",
                WEAK_NAME,
            )


def _audiences_without_levers(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    """A missing levers file is allowed, but its briefings then say nothing of what the audience can do."""
    folder = kb.origin("country", kb.country.id).path.parent.name
    for audience in kb.audiences.values():
        if not any(audience_id in kb.levers for audience_id in audience.lineage):
            yield kb.origin("audiences", audience.id).diagnostic(
                f"warning: no levers for {kb.country.name}; its briefings for '{audience.id}' name nothing this "
                f"audience can do until {folder}/levers/{audience.id}.yaml lists them",
                NO_LEVERS,
            )


Levels = tuple[model.Sensitivity, ...] | list[model.Sensitivity]


def _copies(levels: Levels, of: Levels, scope: str = "") -> str:
    """'every copy', or 'public and restricted copies': those of `of`, the levels an item could
    otherwise appear at, that `levels` are; `scope` follows, such as ' in fr'."""
    if list(levels) == list(of):
        return f"every copy{scope}"
    return " and ".join(level.value for level in levels) + f" copies{scope}"


def _cannot(levels: Levels, of: Levels, what: str, scope: str = "") -> str:
    """'no copy can <what>', or 'public copies cannot <what>'."""
    return f"no copy{scope} can {what}" if list(levels) == list(of) else f"{_copies(levels, of, scope)} cannot {what}"


class _Copies:
    """What each level of copy withholds: the people it may not name and the sources it may not cite.

    `check` reports what copies can never show: every field that names a person
    who may not be named, and every item a briefing leaves out whatever its rank,
    in the words `select` gives for leaving it out. A field printed in every copy
    it reaches (a meeting's title, the country's prepared_by) is an error, since
    generate would refuse the copy (`_copy_errors`); an item or lever is a
    warning, since the copies that may not name the person leave it out
    (`_copy_warnings`).
    """

    def __init__(self, kb: KnowledgeBase, result: LoadResult | None = None) -> None:
        self.kb = kb
        self.result = result
        """What loading read, to find the line of a field; None where only the knowledge base is read."""
        self.guards: dict[model.Sensitivity, NameGuard] = {level: name_guard(kb, level) for level in LEVELS}
        self.anyone_withheld = any(self.guards.values())
        self.citable = {
            level: frozenset(source.id for source in kb.sources.values() if citable(source, level, self.guards[level]))
            for level in LEVELS
        }

    def locator(self, kind: str, item_id: str) -> _Locator:
        assert self.result is not None, "the lines of fields are known only while loading"
        return _Locator(self.result, kind, self.kb.origin(kind, item_id))

    def named_at(self, value: str, levels: Levels) -> tuple[list[model.Sensitivity], str | None]:
        """The levels whose copies may not print `value`, and who it names."""
        found = [
            (level, label)
            for level in levels
            if self.guards[level] and (label := names_someone(value, self.guards[level]))
        ]
        return [level for level, _ in found], (found[0][1] if found else None)

    def fields(
        self, kind: str, item_id: str, item: model.Model, *, whole: bool = False
    ) -> Iterator[tuple[_Locator, FieldPath, str]]:
        """The fields of `item` a copy shows, where there is anyone they could name; with `whole`,
        only those a copy prints whenever it shows the item, not entries it shows one by one."""
        if not self.anyone_withheld:
            return
        at = self.locator(kind, item_id)
        alone = entries_shown_alone(type(item)) if whole else frozenset()
        for path, value in shown_fields(item):
            if path[0] not in alone:
                yield at, path, value


PRINTED_ON = {
    "country": "every briefing",
    "themes": "the properties of briefings on this theme",
    "audiences": "every briefing for this audience",
}
"""The kinds of item every field of which is printed in every copy the item reaches, and where that is."""


def _field_error(
    copies: _Copies, kind: str, item: BaseModel, path: FieldPath, value: str, subject: str, scope: str = ""
) -> str | None:
    """Why generate refuses every copy that prints `value`, the text at `path` of `item` (of `kind`), if it
    does: a NAMING error. `subject` is how the message names the text, `scope` which copies it is in."""
    if kind in PRINTED_ON:
        levels, label = copies.named_at(value, LEVELS)
        if levels:
            return (
                f"{subject} names a person who may not be named ({label}) and appears in {PRINTED_ON[kind]}{scope}, "
                f"so generate refuses {_copies(levels, LEVELS)}; reword it"
            )
    elif isinstance(item, model.Meeting) and path[0] not in entries_shown_alone(model.Meeting):
        _, label = copies.named_at(value, [item.distribution])
        if label:
            return (
                f"{subject} names a person who may not be named ({label}) at the meeting's "
                f"{item.distribution.value} distribution and appears in its briefing{scope}, so generate refuses "
                "it; reword it"
            )
    return None


def _field_warning(
    copies: _Copies, kind: str, item: BaseModel, path: FieldPath, value: str, subject: str, scope: str = ""
) -> str | None:
    """What some copies leave out or refuse because `value`, the text at `path` of `item` (of `kind`), names
    a person they may not name: a WITHHELD warning. `subject` and `scope` as for `_field_error`."""
    if isinstance(item, model.Item) and kind in ITEM_NOUNS:
        shown_at = [level for level in LEVELS if level.allows(item.sensitivity)]
        return _left_out(copies, value, shown_at, ITEM_NOUNS[kind], subject, scope)
    if isinstance(item, model.Lever):
        return _left_out(copies, value, LEVELS, "lever", subject, scope)
    if isinstance(item, model.Source):
        shown_at = [level for level in LEVELS if level.allows(item.sensitivity)]
        levels, label = copies.named_at(value, shown_at)
        if levels:
            return (
                f"warning: {subject} names a person who may not be named ({label}), "
                f"so {_cannot(levels, shown_at, 'cite this source', scope)}"
            )
    elif isinstance(item, model.Meeting):
        if path[0] in entries_shown_alone(model.Meeting):
            entry = getattr(item, str(path[0]))[path[1]]
            shown_at = [level for level in LEVELS if level.allows(entry.sensitivity)]
            return _left_out(copies, value, shown_at, "entry", subject, scope, LEVELS)
        lower = [level for level in LEVELS if level != item.distribution and item.distribution.allows(level)]
        levels, label = copies.named_at(value, lower)
        if levels:
            return (
                f"warning: {subject} names a person who may not be named ({label}) in "
                f"{_copies(levels, LEVELS, scope)}, so generate refuses this meeting's briefing with "
                f"--distribution {levels[0].value}"
            )
    elif isinstance(item, model.Record):
        shown_at = [level for level in LEVELS if level.allows(item.sensitivity)]
        return _left_out(copies, value, shown_at, "entry", subject, scope, LEVELS)
    return None


def _left_out(
    copies: _Copies,
    value: str,
    shown_at: Levels,
    noun: str,
    subject: str,
    scope: str = "",
    of: Levels | None = None,
) -> str | None:
    """The warning for a text that names a person some of the copies showing its item may not name; `of`
    are the levels the copies are counted among (by default those that show the item)."""
    levels, label = copies.named_at(value, shown_at)
    if not levels:
        return None
    return (
        f"warning: {subject} names a person who may not be named ({label}), so "
        f"this {noun} is left out of {_copies(levels, of or shown_at, scope)}"
    )


def _copy_errors(copies: _Copies) -> Iterator[Diagnostic]:
    """Each field that names a withheld person in every copy it is printed in."""
    kb = copies.kb
    everywhere: list[tuple[str, str, model.Model]] = [
        ("country", kb.country.id, kb.country),
        *(("themes", theme.id, theme) for theme in kb.themes.values()),
        *(("audiences", audience.id, audience) for audience in kb.audiences.values()),
    ]
    for kind, item_id, item in everywhere:
        for at, path, value in copies.fields(kind, item_id, item):
            if message := _field_error(copies, kind, item, path, value, field_name(path)):
                yield at.at(path, message, NAMING)
    for meeting in kb.meetings.values():
        for at, path, value in copies.fields("meetings", meeting.id, meeting, whole=True):
            if message := _field_error(copies, "meetings", meeting, path, value, field_name(path)):
                yield at.at(path, message, NAMING)


def _copy_warnings(copies: _Copies) -> Iterator[Diagnostic]:
    """What some copies leave out, and why."""
    kb = copies.kb
    for kind, noun in ITEM_NOUNS.items():
        for item in getattr(kb, kind).values():
            yield from _item_warnings(copies, kind, item, noun)
    for source in kb.sources.values():
        yield from _source_warnings(copies, source)
    for audience, levers in kb.levers.items():
        for lever in levers.values():
            yield from _lever_warnings(copies, audience, lever)
    for meeting in kb.meetings.values():
        yield from _meeting_warnings(copies, meeting)
    for record in kb.records.values():
        yield from _record_warnings(copies, record)


def _item_warnings(copies: _Copies, kind: str, item: model.Item, noun: str) -> Iterator[Diagnostic]:
    shown_at = [level for level in LEVELS if level.allows(item.sensitivity)]
    yield from _naming_warnings(copies, kind, item, copies.fields(kind, item.id, item))
    uncitable = [level for level in shown_at if not any(c.source in copies.citable[level] for c in item.sources)]
    if uncitable:
        yield copies.kb.origin(kind, item.id).diagnostic(
            f"warning: {_cannot(uncitable, shown_at, f'cite any source of this {noun}')} (each is above the "
            f"copy's level or names a person it may not name), so the {noun} is left out of "
            f"{_copies(uncitable, shown_at)}",
            WITHHELD,
        )
    if isinstance(item, model.Response):
        unquotable = [
            level
            for level in shown_at
            if level not in uncitable and not all(c.source in copies.citable[level] for c in item.claim_sources)
        ]
        if unquotable:
            yield copies.locator(kind, item.id).at(
                ("claim_sources",),
                f"warning: {_cannot(unquotable, shown_at, 'cite every source of this claim')}"
                f", so the response is left out of {_copies(unquotable, shown_at)}",
                WITHHELD,
            )


def _source_warnings(copies: _Copies, source: model.Source) -> Iterator[Diagnostic]:
    yield from _naming_warnings(copies, "sources", source, copies.fields("sources", source.id, source))


def _lever_warnings(copies: _Copies, audience: str, lever: model.Lever) -> Iterator[Diagnostic]:
    kind = lever_kind(audience)
    yield from _naming_warnings(copies, kind, lever, copies.fields(kind, lever.id, lever))
    uncitable = [level for level in LEVELS if not all(c.source in copies.citable[level] for c in lever.sources)]
    if uncitable:
        yield copies.locator(kind, lever.id).at(
            ("sources",),
            f"warning: {_cannot(uncitable, LEVELS, 'cite every source of this lever')}, "
            f"so the lever is left out of {_copies(uncitable, LEVELS)}",
            WITHHELD,
        )


def _naming_warnings(
    copies: _Copies, kind: str, item: BaseModel, fields: Iterable[tuple[_Locator, FieldPath, str]]
) -> Iterator[Diagnostic]:
    """One warning per field of `item` that names a person some of the copies showing it may not name."""
    for at, path, value in fields:
        if message := _field_warning(copies, kind, item, path, value, field_name(path)):
            yield at.at(path, message, WITHHELD)


def _meeting_warnings(copies: _Copies, meeting: model.Meeting) -> Iterator[Diagnostic]:
    yield from _left_out_of_meeting(copies, meeting)
    yield from _naming_warnings(copies, "meetings", meeting, copies.fields("meetings", meeting.id, meeting))


def _left_out_of_meeting(copies: _Copies, meeting: model.Meeting) -> Iterator[Diagnostic]:
    """Items the meeting includes that its briefing leaves out, and items dated after it."""
    kb, level = copies.kb, meeting.distribution
    at = copies.locator("meetings", meeting.id)
    items = {item_id: item for kind in ITEM_NOUNS for item_id, item in getattr(kb, kind).items()}
    for index, item_id in enumerate(meeting.include):
        reason = reason_left_out(kb, items[item_id], level, copies.guards[level], copies.citable[level], meeting)
        if reason:
            yield at.at(
                ("include", index),
                f"warning: include[{index}]: the meeting's briefing leaves '{item_id}' out because {reason}",
                MEETING,
            )
    later = sum(item_date(kb, item) > meeting.date for item in items.values())
    if later:
        yield at.at(
            ("date",),
            f"warning: {later} item{'s are' if later != 1 else ' is'} dated after this meeting, "
            f"so its briefing leaves {'them' if later != 1 else 'it'} out",
            MEETING,
        )


def _record_warnings(copies: _Copies, record: model.Record) -> Iterator[Diagnostic]:
    """Every printed field of a record may reach a briefing or a letter: each that names a withheld
    person is reported, and the entry holding it is left out of the copies that may not name them."""
    yield from _naming_warnings(copies, "records", record, copies.fields("records", record.meeting, record))


TRANSLATED_KINDS = ("country", "themes", "sources", *ITEM_KINDS, "audiences", "meetings", "records")
"""The kinds a PO entry's msgctxt may name, as `kind:id:field`; levers as `levers/<audience>:id:field`."""


def translation_naming(kb: KnowledgeBase, files: Iterable[Translations]) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """The errors and warnings of each translation in the country's PO files that names a person who may
    not be named, at its entry's line: those the English field it translates would get, for the copies in
    the file's language. Every entry's translation is read, fuzzy or not; obsolete entries are not.

    An entry whose item or field the knowledge base no longer holds is printed by no copy, but would be if
    the field came back: it is a warning where any copy withholds the person. No message spells a name.
    """
    copies = _Copies(kb)
    if not copies.anyone_withheld:
        return [], []
    errors, warnings = [], []
    for file in files:
        scope = f" in {file.language}"
        for context, entry in file.entries.items():
            if not entry.translation:
                continue
            subject = f"the {'fuzzy ' if entry.fuzzy else ''}translation of {context}"
            found = _translated_field(kb, context)
            if found is None:
                levels, label = copies.named_at(entry.translation, LEVELS)
                if levels:
                    gone = (
                        f"warning: {subject} names a person who may not be named ({label}) in "
                        f"{_copies(levels, LEVELS, scope)}; the knowledge base no longer holds the text it "
                        "translates, so no briefing prints it, but one would if that text came back: reword it"
                    )
                    warnings.append(Diagnostic(file.path, entry.line, gone, WITHHELD))
                continue
            kind, item, path = found
            if message := _field_error(copies, kind, item, path, entry.translation, subject, scope):
                errors.append(Diagnostic(file.path, entry.line, message, NAMING))
            if message := _field_warning(copies, kind, item, path, entry.translation, subject, scope):
                warnings.append(Diagnostic(file.path, entry.line, message, WITHHELD))
    return unnamed(kb, errors), sorted(unnamed(kb, warnings))


def _translated_field(kb: KnowledgeBase, context: str) -> tuple[str, BaseModel, FieldPath] | None:
    """The kind, item and field a msgctxt `kind:id:field.path` names, None when the knowledge base holds
    no such text."""
    kind, _, rest = context.partition(":")
    item_id, _, dotted = rest.partition(":")
    items: Mapping[str, BaseModel] = {}
    if kind.startswith(LEVERS):
        items = kb.levers.get(kind.removeprefix(LEVERS), {})
    elif kind == "country":
        items = {kb.country.id: kb.country}
    elif kind in TRANSLATED_KINDS:
        items = getattr(kb, kind)
    item = items.get(item_id)
    if item is None or not dotted:
        return None
    path: list[str | int] = []
    value: object = item
    for part in dotted.split("."):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            path.append(int(part))
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            path.append(part)
            value = value[part]
        elif isinstance(value, BaseModel) and part in type(value).model_fields:
            path.append(part)
            value = getattr(value, part)
        else:
            return None
    return (kind, item, tuple(path)) if isinstance(value, str) else None


def _cited_items(kb: KnowledgeBase) -> Iterator[list[model.Citation]]:
    for kind in ITEM_KINDS:
        for item in getattr(kb, kind).values():
            yield item.sources
            if isinstance(item, model.Response):
                yield item.claim_sources
    for levers in kb.levers.values():
        for lever in levers.values():
            yield lever.sources


def read_meeting_file(path: Path, kb: KnowledgeBase) -> model.Meeting:
    """A meeting file from anywhere, checked against the loaded knowledge base."""
    if is_record_file(path):
        raise UsageError(f"{path} is the record of a meeting, not a meeting; name the meeting file beside it")
    for (kind, meeting_id), origin in kb.origins.items():
        if kind == "meetings" and origin.path.resolve() == path.resolve():
            return kb.meetings[meeting_id]
    result = LoadResult(
        known_ids={kind: set(getattr(kb, kind)) for kind in ("themes", "sources", "audiences", *ITEM_KINDS)}
    )
    result.known_ids["country"] = {kb.country.id}
    result.known_ids["meetings"] = set()
    with size_limit(kb.settings.max_file_bytes):
        read_file(result, path, "meetings", model.Meeting, many=False)
    errors = result.errors + list(_reference_errors(result))
    if errors:
        raise InputError(unnamed(kb, errors, (document for docs in result.documents.values() for document in docs)))
    return next(iter(_of_kind(result, "meetings", model.Meeting).values()))


@dataclass
class Checked:
    """A valid knowledge base and the warnings its authors should see."""

    kb: KnowledgeBase
    warnings: list[Diagnostic] = field(default_factory=list)


def load_knowledge_base(briefs: Path, country: str | None = None, today: datetime.date | None = None) -> Checked:
    """Load and check a knowledge base under its settings; raise InputError listing every problem,
    those of its briefing.toml with the rest.

    What a load found is kept while nothing it read changes (see `checked_cache`).
    """
    today = today or build_date()
    with collector_paused():
        if (remembered := recall_checked(briefs, country, today)) is not None:
            return Checked(*remembered)
        with run_cache.recording(loader_listings(briefs, country)) as seen:
            settings, problems = read_settings(briefs)
            with size_limit(settings.max_file_bytes):
                result = read_items(briefs, country, settings)
                result.errors.extend(problems)
                kb, errors, warnings = validate(result, today)
        if kb is None:
            raise InputError(errors)
        remember_checked(briefs, country, today, seen, (kb, warnings))
    return Checked(kb, warnings)


def check_every_country(briefs: Path, today: datetime.date | None = None) -> list[Checked]:
    """Load and check each country of the tree with the shared files; raise InputError listing
    every problem of them all, a problem of a shared file once."""
    checked, errors = [], []
    folders = country_dirs(briefs)
    names: list[str | None] = [folder.name for folder in folders] or [None]
    for name in names:
        try:
            checked.append(load_knowledge_base(briefs, name, today))
        except InputError as error:
            errors.extend(error.diagnostics)
    if len(folders) > 1:
        # A shared file is read with each country, but a message about it was kept from
        # spelling only the names that country withholds.
        unnamed = _unnamed_in_every_country(briefs, folders)
        errors = unnamed(errors)
        checked = [Checked(each.kb, unnamed(each.warnings)) for each in checked]
    if errors:
        raise InputError(list(dict.fromkeys(errors)))
    return checked


def _unnamed_in_every_country(briefs: Path, folders: list[Path]) -> Unnamed:
    cases = LoadResult()
    # Under the limit the loads read them with, so that every name they hold is found.
    with size_limit(read_settings(briefs)[0].max_file_bytes):
        for path in (folder / "cases.yaml" for folder in folders):
            try:
                cases.documents.setdefault("cases", []).append(read_yaml(path, within=briefs))
            except YamlFileError:
                cases.unparsed.setdefault("cases", []).append((path, briefs))
        return unnamed_on_load(cases)


def meeting_country(briefs: Path, meeting_file: Path) -> str | None:
    """The country a meeting file belongs to: the folder it sits in, else the country it names."""
    meetings = meeting_file.resolve().parent
    if meetings.name == "meetings" and meetings.parent.parent == briefs.resolve():
        return meetings.parent.name
    try:
        data = read_yaml(meeting_file).data
    except YamlFileError as error:
        raise InputError(error.diagnostics) from None
    named = data.get("country") if isinstance(data, dict) else None
    return named if isinstance(named, str) else None
