"""What kind of problem each message of `briefing check` reports.

Every message is given its kind where it is made, never worked out from its
words afterwards: `check --only KIND` shows the messages of one kind, and the
summary after them counts each kind of warning with what to do about it.
"""

from __future__ import annotations

# Errors: the knowledge base cannot be used until they are fixed.
SYNTAX = "syntax"
FIELD = "field"
REFERENCE = "reference"
LAYOUT = "layout"
ARCHIVE = "archive"
NAMING = "naming"
SETTINGS = "settings"

# Warnings: a briefing is still made, but its authors should look.
STALE = "stale"
REVIEW = "review"
UNCITED = "uncited"
UNREBUTTED = "unrebutted"
UNSELECTED = "unselected"
NO_LEVERS = "no-levers"
WEAK_NAME = "weak-name"
WITHHELD = "withheld"
MEETING = "meeting"
OLD_LAYOUT = "old-layout"
UNARCHIVED = "unarchived"
INSTRUMENT = "instrument"
LONG = "long"
NAME_LIST = "name-list"
AGENDA = "agenda"
QUOTES = "quotes"

ERRORS = {
    SYNTAX: "a file that cannot be read as YAML",
    FIELD: "a field with a wrong value, or one missing or unknown",
    REFERENCE: "an id that names nothing, or an item that disagrees with the one it names",
    LAYOUT: "a file missing, misnamed or in the wrong folder",
    ARCHIVE: "a passage not in its source's archived text, or an archived file that changed",
    NAMING: "a field every copy prints that names a person who may not be named",
    SETTINGS: "a setting of briefing.toml",
}
WARNINGS = {
    STALE: "a fact older than its country's stale_after_days",
    REVIEW: "a fact past its review_by date",
    UNCITED: "a source no item cites",
    UNREBUTTED: "a government claim no response rebuts",
    UNSELECTED: "an item no audience weights a theme of",
    NO_LEVERS: "an audience with no levers for the country",
    WEAK_NAME: "a withheld name with parts that identify no one alone",
    WITHHELD: "what some copies leave out because it names a person or cites a source above them",
    MEETING: "what a meeting's briefing leaves out",
    OLD_LAYOUT: "a file in the old layout",
    UNARCHIVED: "a cited source with no archived text",
    INSTRUMENT: "an ask that names none of its audience's instruments",
    LONG: "a line to take or an ask too long to say aloud",
    NAME_LIST: "a case whose passages name the person only in a list",
    AGENDA: "an agenda item no ask or line answers",
    QUOTES: "a translation quoting with English marks where its language has its own",
}
KINDS = (*ERRORS, *WARNINGS)
"""Every kind, errors first."""
