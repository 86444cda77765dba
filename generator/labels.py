"""The words a reader sees that are ours rather than the knowledge base's.

One table per language, keyed by message id; ids are prefixed by the area of
the briefing they belong to. Renderers and templates never hold literal
words: compose looks them up here and puts them into the Brief.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "content.evidence": {"en-GB": "Evidence", "en-US": "Evidence"},
    # Each service's own name for them: the UK's "lines to take", the US's "talking points".
    "content.lines-to-take": {"en-GB": "Lines to take", "en-US": "Talking points"},
    "content.case-detail": {"en-GB": "What happened", "en-US": "What happened"},
    "content.case-status": {"en-GB": "Status", "en-US": "Status"},
    "content.case-ask": {"en-GB": "Our ask", "en-US": "Our ask"},
    # Each follows a source's reference in the sources list, as a sentence of its own.
    "content.stance-independent": {"en-GB": "Independent", "en-US": "Independent"},
    "content.stance-intergovernmental": {"en-GB": "Intergovernmental body", "en-US": "Intergovernmental body"},
    "content.stance-government": {"en-GB": "Government source", "en-US": "Government source"},
    "content.stance-pro-government": {
        "en-GB": "Commentary supportive of the government",
        "en-US": "Commentary supportive of the government",
    },
    "frame.contact": {"en-GB": "Contact", "en-US": "Contact"},
    "frame.facts-dated": {"en-GB": "Facts dated", "en-US": "Facts dated"},
    "frame.currency": {"en-GB": "Currency", "en-US": "Currency"},
    "frame.out-of-date-note": {
        "en-GB": "{count} of the facts below are out of date or past their review date; each is marked “out of date”.",
        "en-US": "{count} of the facts below are out of date or past their review date; each is marked “out of date.”",
    },
    "frame.out-of-date": {"en-GB": "out of date", "en-US": "out of date"},
    "frame.summary": {"en-GB": "The meeting at a glance", "en-US": "The meeting at a glance"},
    "frame.objective": {"en-GB": "Objective", "en-US": "Objective"},
    "frame.agenda": {"en-GB": "Agenda", "en-US": "Agenda"},
    "frame.attendees.ours": {"en-GB": "Our side", "en-US": "Our side"},
    "frame.attendees.theirs": {"en-GB": "Their side", "en-US": "Their side"},
    "frame.attendees.host": {"en-GB": "Host", "en-US": "Host"},
    "frame.attendees.other": {"en-GB": "Also present", "en-US": "Also present"},
    "frame.logistics.time": {"en-GB": "Time", "en-US": "Time"},
    "frame.logistics.place": {"en-GB": "Place", "en-US": "Place"},
    "frame.logistics.interpretation": {"en-GB": "Interpretation", "en-US": "Interpretation"},
    "frame.positions": {"en-GB": "Their known positions", "en-US": "Their known positions"},
    "frame.commitments": {"en-GB": "Previous commitments", "en-US": "Previous commitments"},
    # Protective markings: one short word in the banner, the handling rule on its own line.
    "frame.banner.public": {"en-GB": "PUBLIC", "en-US": "PUBLIC"},
    "frame.banner.restricted": {"en-GB": "RESTRICTED", "en-US": "RESTRICTED"},
    "frame.banner.confidential": {"en-GB": "CONFIDENTIAL", "en-US": "CONFIDENTIAL"},
    "frame.handling.restricted": {"en-GB": "Not for onward distribution.", "en-US": "Not for onward distribution."},
    "frame.handling.confidential": {
        "en-GB": "Named recipients only. Do not copy or forward.",
        "en-US": "Named recipients only. Do not copy or forward.",
    },
    "frame.prepared-for": {"en-GB": "Prepared for {recipient}", "en-US": "Prepared for {recipient}"},
    "frame.copy": {"en-GB": "Copy {number}", "en-US": "Copy {number}"},
    "frame.provenance": {
        "en-GB": "KB {revision} · generator {version}",
        "en-US": "KB {revision} · generator {version}",
    },
    # The cover note packaged with the copies of one briefing (`generate --package`).
    "cover.title": {"en-GB": "Copies of {briefing}", "en-US": "Copies of {briefing}"},
    "cover.intro": {
        "en-GB": "{count} files are attached, each stamped for its recipient. "
        "Before passing a file on, check that its SHA-256 matches the one listed here.",
        "en-US": "{count} files are attached, each stamped for its recipient. "
        "Before passing a file on, check that its SHA-256 matches the one listed here.",
    },
    "cover.file": {"en-GB": "File", "en-US": "File"},
    "cover.recipient": {"en-GB": "Recipient", "en-US": "Recipient"},
    "cover.copy": {"en-GB": "Copy", "en-US": "Copy"},
    "cover.sha256": {"en-GB": "SHA-256", "en-US": "SHA-256"},
    "cover.team-copy": {"en-GB": "Unstamped copy", "en-US": "Unstamped copy"},
}


def label(message_id: str, language: str) -> str:
    """The words of one message in the audience's language; a missing id is a bug, not user input."""
    return LABELS[message_id][language]
