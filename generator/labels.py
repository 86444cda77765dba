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
    # Meeting records: "Since we last met" in a briefing, and the follow-up letter.
    "record.since-we-last-met": {"en-GB": "Since we last met", "en-US": "Since we last met"},
    "record.reference": {
        "en-GB": "Record of the meeting of {date} ({meeting}).",
        "en-US": "Record of the meeting of {date} ({meeting}).",
    },
    "record.stance": {"en-GB": "Our own record", "en-US": "Our own record"},
    "record.they-said": {"en-GB": "They said", "en-US": "They said"},
    "record.status.open": {"en-GB": "Open, due {date}", "en-US": "Open, due {date}"},
    "record.status.overdue": {"en-GB": "Overdue since {date}", "en-US": "Overdue since {date}"},
    "record.status.met": {"en-GB": "Met (due {date})", "en-US": "Met (due {date})"},
    "record.line.open": {
        "en-GB": "Ask how this commitment is progressing and whether it will be met on time.",
        "en-US": "Ask how this commitment is progressing and whether it will be met on time.",
    },
    "record.line.overdue": {
        "en-GB": "Ask when this overdue commitment will be met, and what stands in the way.",
        "en-US": "Ask when this overdue commitment will be met, and what stands in the way.",
    },
    "record.line.met": {
        "en-GB": "Thank them for meeting this commitment, and ask what follows from it.",
        "en-US": "Thank them for meeting this commitment, and ask what follows from it.",
    },
    "letter.title": {"en-GB": "Our meeting of {date}", "en-US": "Our meeting of {date}"},
    "letter.salutation": {"en-GB": "Dear colleagues,", "en-US": "Dear Colleagues:"},
    "letter.thanks": {
        "en-GB": "Thank you for meeting us in {place} on {date}. This letter sets out what you undertook "
        "to do and what we asked, so that we can follow them up together.",
        "en-US": "Thank you for meeting with us in {place} on {date}. This letter sets out what you undertook "
        "to do and what we asked, so that we can follow up on them together.",
    },
    "letter.commitments": {"en-GB": "What you undertook to do", "en-US": "What you undertook to do"},
    "letter.by": {"en-GB": "by {date}", "en-US": "by {date}"},
    "letter.asks": {"en-GB": "What we asked", "en-US": "What we asked"},
    "letter.close": {"en-GB": "We look forward to hearing from you.", "en-US": "We look forward to hearing from you."},
    "letter.sign-off": {"en-GB": "Yours sincerely,", "en-US": "Sincerely,"},
    "frame.provenance": {
        "en-GB": "KB {revision} · generator {version}",
        "en-US": "KB {revision} · generator {version}",
    },
}


def label(message_id: str, language: str) -> str:
    """The words of one message in the audience's language; a missing id is a bug, not user input."""
    return LABELS[message_id][language]
